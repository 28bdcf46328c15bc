/**
 * The Adam update of a data-parallel step as one pass over the wasm heap (issue 14).
 *
 * tfjs's AdamOptimizer.applyGradients runs ~13 element-wise kernels per variable, each
 * reading and writing the whole variable (and the summed gradient must first be built as
 * tensors): ~150 ms per step on the built-in model's 7M weights, on the trainer's thread
 * while every worker waits. This pass reads each participant's gradient where it lies (the
 * trainer's own tensor, the workers' shared memory), sums them, updates the first and second
 * moments and the weight in place, and writes the new weight straight into the workers'
 * shared weights (so the next step needs no copy).
 *
 * Same numbers: every operation is rounded to float32 in the order tfjs's kernels apply them
 * (Math.fround after each +, *, /, sqrt), and the optimizer's state stays in its own variables
 * (accumulated moments, accBeta1/2, iterations), so checkpoints, getWeights() and a resume
 * are those of tfjs's path. `fusedAdamPlan` returns undefined (the caller then uses tfjs)
 * unless the optimizer is tfjs's Adam whose moments exist for exactly these variables, in
 * this order, and every buffer can be written in place (wasm backend, no tensor sharing it).
 */
import * as tf from '@tensorflow/tfjs';
import { heapView } from '../../backend/heapView';

/** The parts of tfjs's AdamOptimizer this pass reads and updates. */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

export interface FusedAdamPlan {
  optimizer: AdamInternals;
  variables: tf.Variable[];
  moments: Array<[tf.Variable, tf.Variable]>;
}

/** Whether `optimizer`'s next update can run fused (see the header), as the plan to run it. */
export function fusedAdamPlan(optimizer: tf.Optimizer, variables: tf.Variable[]): FusedAdamPlan | undefined {
  if (!(optimizer instanceof tf.AdamOptimizer)) return undefined;
  const adam = optimizer as unknown as AdamInternals;
  if (typeof adam.incrementIterations !== 'function') return undefined;
  if (adam.accumulatedFirstMoment.length !== variables.length || adam.accumulatedSecondMoment.length !== variables.length) return undefined;
  const moments: Array<[tf.Variable, tf.Variable]> = [];
  for (let k = 0; k < variables.length; k++) {
    const v = variables[k]!;
    const m = adam.accumulatedFirstMoment[k];
    const s = adam.accumulatedSecondMoment[k];
    if (!m || !s || m.originalName !== `${v.name}/m` || s.originalName !== `${v.name}/v`) return undefined;
    for (const t of [v, m.variable, s.variable]) if (!heapView(t, true)) return undefined;
    moments.push([m.variable, s.variable]);
  }
  return { optimizer: adam, variables, moments };
}

/**
 * One Adam step with gradient = own[k] + parts[0] + parts[1] + ... (in that order; `own[k]`
 * may be missing, `parts` hold every variable's values back to back in variable order), as
 * tfjs's applyGradients would compute it. The new weights are also written into `shared`
 * (same layout as `parts`) when given.
 */
export function fusedAdamStep(plan: FusedAdamPlan, own: Array<tf.Tensor | undefined>, parts: Float32Array[], shared?: Float32Array): void {
  const f = Math.fround;
  const adam = plan.optimizer;
  const b1 = f(adam.beta1);
  const b2 = f(adam.beta2);
  const c1 = f(1 - adam.beta1);
  const c2 = f(1 - adam.beta2);
  const eps = f(adam.epsilon);
  const nlr = f(-adam.learningRate);
  const omb1 = f(1 - adam.accBeta1.dataSync()[0]!);
  const omb2 = f(1 - adam.accBeta2.dataSync()[0]!);
  let offset = 0;
  plan.variables.forEach((variable, k) => {
    const at = offset;
    const n = variable.size;
    offset += n;
    // Views are taken after every allocation above and used before the next one.
    const value = heapView(variable, true);
    const m = heapView(plan.moments[k]![0], true);
    const s = heapView(plan.moments[k]![1], true);
    if (!value || !m || !s) throw new Error(`fused Adam: ${variable.name} can no longer be updated in place`);
    const ownTensor = own[k];
    const g0 = ownTensor ? heapView(ownTensor) : undefined;
    if (ownTensor && !g0) throw new Error(`fused Adam: the gradient of ${variable.name} is not readable`);
    const p0 = parts[0]?.subarray(at, at + n);
    const p1 = parts[1]?.subarray(at, at + n);
    const rest = parts.slice(2).map((p) => p.subarray(at, at + n));
    const out = shared?.subarray(at, at + n);
    for (let i = 0; i < n; i++) {
      let g = g0 ? g0[i]! : 0;
      if (p0) g = g0 ? f(g + p0[i]!) : p0[i]!;
      if (p1) g = f(g + p1[i]!);
      for (const p of rest) g = f(g + p[i]!);
      const m1 = f(f(m[i]! * b1) + f(g * c1));
      const s1 = f(f(s[i]! * b2) + f(f(g * g) * c2));
      m[i] = m1;
      s[i] = s1;
      const step = f(f(f(m1 / omb1) / f(f(Math.sqrt(f(s1 / omb2))) + eps)) * nlr);
      const next = f(step + value[i]!);
      value[i] = next;
      if (out) out[i] = next;
    }
  });
  tf.tidy(() => {
    adam.accBeta1.assign(tf.mul(adam.accBeta1, adam.beta1));
    adam.accBeta2.assign(tf.mul(adam.accBeta2, adam.beta2));
  });
  adam.incrementIterations();
}
