/**
 * Combining evidence of different scales into one teacher, and putting the teacher's ranking
 * back on a student's scale.
 */

/** (x - mean) / std; all zeros when the scores are constant. */
export function zScore(x: ArrayLike<number>): Float32Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]! / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - mean) ** 2 / n;
  const sd = Math.sqrt(v);
  const out = new Float32Array(n);
  if (!(sd > 0)) return out;
  for (let i = 0; i < n; i++) out[i] = (x[i]! - mean) / sd;
  return out;
}

/** Σ w_k · z(scores_k) / Σ w_k (weights need not sum to 1; negative ones are refused). */
export function mixZ(parts: readonly { scores: ArrayLike<number>; weight: number }[]): Float32Array {
  if (parts.length === 0) throw new RangeError('nothing to mix');
  const n = parts[0]!.scores.length;
  const total = parts.reduce((a, p) => {
    if (!(p.weight >= 0)) throw new RangeError(`mixing weight ${p.weight} is not >= 0`);
    if (p.scores.length !== n) throw new RangeError(`score arrays of ${p.scores.length} and ${n}`);
    return a + p.weight;
  }, 0);
  if (!(total > 0)) throw new RangeError('all mixing weights are 0');
  const out = new Float32Array(n);
  for (const p of parts) {
    if (p.weight === 0) continue;
    const z = zScore(p.scores);
    for (let i = 0; i < n; i++) out[i]! += (p.weight / total) * z[i]!;
  }
  return out;
}

/**
 * The teacher's order on the student's scale: the pair the teacher ranks r-th gets the student's
 * r-th smallest score. A cosine-MSE student then learns only what the teacher ranks differently,
 * not a new spread of cosines (ties in the teacher keep input order).
 */
export function quantileMap(teacher: ArrayLike<number>, reference: ArrayLike<number>): Float32Array {
  const n = teacher.length;
  if (reference.length !== n) throw new RangeError(`teacher has ${n} scores, reference ${reference.length}`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => teacher[a]! - teacher[b]! || a - b);
  const sorted = Float32Array.from(reference).sort();
  const out = new Float32Array(n);
  order.forEach((i, r) => {
    out[i] = sorted[r]!;
  });
  return out;
}
