/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised inputs:
 * what the pair judge (pairJudge.ts) is. A handful of features and some ten thousand rows
 * converge in a few iterations, exactly and reproducibly (no learning rate, no random start).
 */

export interface LogisticModel {
  mean: number[];
  scale: number[];
  coef: number[];
  intercept: number;
  iterations: number;
}

/**
 * Fits P(y=1|x) = sigmoid(b + Σ w_k (x_k - mean_k) / scale_k). `x` is row-major [n, dim];
 * `l2` penalises the coefficients (not the intercept). Constant columns get scale 1 and weight 0.
 */
export function fitLogistic(
  x: Float32Array | Float64Array,
  y: ArrayLike<number>,
  dim: number,
  opts: { l2?: number; maxIterations?: number } = {},
): LogisticModel {
  const n = y.length;
  if (x.length !== n * dim) throw new RangeError(`${x.length} values for ${n} rows of ${dim}`);
  if (n === 0) throw new RangeError('no rows to fit');
  const l2 = opts.l2 ?? 1e-3;
  const mean = new Array<number>(dim).fill(0);
  const scale = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) mean[k] += x[i * dim + k] / n;
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) scale[k] += (x[i * dim + k] - mean[k]) ** 2 / n;
  const constant = scale.map((v) => Math.sqrt(v) <= 1e-9);
  for (let k = 0; k < dim; k++) scale[k] = constant[k] ? 1 : Math.sqrt(scale[k]);
  const p = dim + 1; // intercept last
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) z[i * p + k] = constant[k] ? 0 : (x[i * dim + k] - mean[k]) / scale[k];
    z[i * p + dim] = 1;
  }
  const w = new Float64Array(p);
  let iterations = 0;
  for (let it = 0; it < (opts.maxIterations ?? 50); it++) {
    iterations = it + 1;
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += w[k] * z[i * p + k];
      const mu = 1 / (1 + Math.exp(-s));
      const r = mu - (y[i] ? 1 : 0);
      const v = Math.max(mu * (1 - mu), 1e-12);
      for (let k = 0; k < p; k++) {
        grad[k] += r * z[i * p + k];
        for (let m = 0; m <= k; m++) hess[k * p + m] += v * z[i * p + k] * z[i * p + m];
      }
    }
    for (let k = 0; k < p; k++) for (let m = 0; m < k; m++) hess[m * p + k] = hess[k * p + m];
    for (let k = 0; k < dim; k++) {
      grad[k] += l2 * n * w[k];
      // A constant column carries nothing: its weight stays 0 (and the system stays solvable).
      hess[k * p + k] += constant[k] ? 1 : l2 * n;
    }
    const step = solve(hess, grad, p);
    let change = 0;
    for (let k = 0; k < p; k++) {
      w[k] -= step[k];
      change = Math.max(change, Math.abs(step[k]));
    }
    if (change < 1e-8) break;
  }
  return { mean, scale, coef: Array.from(w.subarray(0, dim)), intercept: w[dim], iterations };
}

/** Solves A s = b (A symmetric positive definite, p × p) by Gaussian elimination with pivoting. */
function solve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const m = Float64Array.from(a);
  const r = Float64Array.from(b);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let i = c + 1; i < p; i++) if (Math.abs(m[i * p + c]) > Math.abs(m[piv * p + c])) piv = i;
    if (piv !== c) {
      for (let k = 0; k < p; k++) [m[c * p + k], m[piv * p + k]] = [m[piv * p + k], m[c * p + k]];
      [r[c], r[piv]] = [r[piv], r[c]];
    }
    const d = m[c * p + c] || 1e-12;
    for (let i = c + 1; i < p; i++) {
      const f = m[i * p + c] / d;
      if (f === 0) continue;
      for (let k = c; k < p; k++) m[i * p + k] -= f * m[c * p + k];
      r[i] -= f * r[c];
    }
  }
  const s = new Float64Array(p);
  for (let c = p - 1; c >= 0; c--) {
    let v = r[c];
    for (let k = c + 1; k < p; k++) v -= m[c * p + k] * s[k];
    s[c] = v / (m[c * p + c] || 1e-12);
  }
  return s;
}
