/**
 * The loss and gradients of a set of rows, computed a few rows at a time (issue 14, memory).
 * tfjs keeps every activation and every intermediate gradient of a backward pass until the pass
 * ends, and a wasm heap never shrinks: one pass over a 16-pair cross-encoder share grew the heap
 * to 284 MB, passes of 8 rows to 237 MB (bi-encoder 341 -> 284 MB) at the same step time.
 * The losses this applies to are means over rows (parallel/task.ts), so the weighted sum of the
 * chunks' gradients is the whole share's, up to float summation order.
 */
import * as tf from '@tensorflow/tfjs';

/** Rows per backward pass unless TENC_GRAD_ROWS says otherwise. */
export const DEFAULT_GRAD_ROWS = 8;

export function gradRows(env: Record<string, string | undefined> = process.env): number {
  const n = Number(env['TENC_GRAD_ROWS']);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_GRAD_ROWS;
}

/**
 * `weight` x the loss of `rows` (a mean over rows) and its gradients, in passes of at most
 * `maxRows` rows. The caller owns the gradients.
 */
export function shareGrads(
  lossOf: (rows: Uint32Array) => tf.Scalar,
  rows: Uint32Array,
  weight: number,
  variables: tf.Variable[],
  maxRows = gradRows(),
): { loss: number; grads: tf.NamedTensorMap } {
  let loss = 0;
  let grads: tf.NamedTensorMap = {};
  for (let start = 0; start < rows.length; start += maxRows) {
    const part = rows.subarray(start, start + maxRows);
    const w = (weight * part.length) / rows.length;
    const r = tf.variableGrads(() => tf.mul(lossOf(part), w) as tf.Scalar, variables);
    loss += r.value.dataSync()[0]!;
    r.value.dispose();
    if (start === 0) grads = r.grads;
    else {
      for (const [name, g] of Object.entries(r.grads)) {
        const sum = grads[name];
        grads[name] = sum ? tf.add(sum, g) : g;
        if (sum) tf.dispose([sum, g]);
      }
    }
  }
  return { loss, grads };
}
