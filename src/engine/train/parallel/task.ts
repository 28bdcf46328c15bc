/**
 * What a data-parallel training step needs to know about the loss, as plain data that a worker
 * thread can receive (issue 14). The two Trans-Encoder phases of the built-in model:
 *
 * - `cross-bce` (bi -> cross): example i < n is the pair (a[i], b[i]), example i >= n the
 *   reversed pair (b[i-n], a[i-n]); soft BCE of the cross-encoder's logit against labels[i % n].
 * - `bi-cosine-mse` (cross -> bi): example i is (a[i], b[i]); MSE between the cosine of the two
 *   embeddings and labels[i].
 *
 * `taskLoss` is the loss of a set of examples, a mean over its rows: the mean over a batch is
 * the share-weighted sum of the means over its parts, which is what lets workers split a batch.
 * It mirrors the `lossOf` closures of transEncoder.ts exactly (tests/engine/train/dataParallel
 * checks the two give the same losses).
 */
import * as tf from '@tensorflow/tfjs';
import type { BiEncoder, CrossEncoder } from '../../models/encoder';
import { cosineMse, softBceWithLogits } from '../losses';

export interface ParallelTask {
  loss: 'cross-bce' | 'bi-cosine-mse';
  a: readonly string[];
  b: readonly string[];
  labels: Float32Array;
  maxLength: number;
  dropout: number;
}

/** The texts of example i (see the header). */
export function taskPair(task: ParallelTask, i: number): readonly [string, string] {
  const n = task.a.length;
  return i < n ? [task.a[i]!, task.b[i]!] : [task.b[i - n]!, task.a[i - n]!];
}

export function taskLoss(model: BiEncoder | CrossEncoder, task: ParallelTask, batch: ArrayLike<number>): tf.Scalar {
  const n = task.a.length;
  const idx = Array.from(batch, (i) => i % n);
  const y = tf.tensor1d(idx.map((i) => task.labels[i]!));
  const opts = { training: true, dropoutRate: task.dropout, maxLength: task.maxLength };
  if (task.loss === 'cross-bce') {
    if (model.kind !== 'cross-encoder') throw new Error('cross-bce needs a cross-encoder');
    const { logits } = model.forward(
      Array.from(batch, (i) => taskPair(task, i)),
      opts,
    );
    return softBceWithLogits(logits, y);
  }
  if (model.kind !== 'bi-encoder') throw new Error('bi-cosine-mse needs a bi-encoder');
  const ea = model.forward(
    idx.map((i) => task.a[i]!),
    opts,
  ).embeddings;
  const eb = model.forward(
    idx.map((i) => task.b[i]!),
    opts,
  ).embeddings;
  return cosineMse(ea, eb, y);
}

/**
 * Splits a batch into `parts` shares of similar cost: the rows sorted by length (so each share
 * pads to its own, shorter, longest row), cut where the padded work (rows x longest row) of
 * the shares is most even. Returns exactly `parts` shares as index lists (some may be empty).
 */
export function splitBatch(batch: ArrayLike<number>, lengthOf: (i: number) => number, parts: number): number[][] {
  const rows = Array.from(batch).sort((x, y) => lengthOf(x) - lengthOf(y) || x - y);
  if (parts <= 1) return [rows];
  // Always `parts` shares (a one-row last batch of an epoch leaves the others empty).
  if (rows.length <= 1) return [rows, ...Array.from({ length: parts - 1 }, (): number[] => [])];
  const lengths = rows.map(lengthOf);
  const cost = (from: number, to: number) => (to > from ? (to - from) * Math.max(1, lengths[to - 1]!) : 0);
  // Cuts from the long end: the last share starts where the larger of its work and the mean
  // work left for the others is smallest (exact for two shares).
  const cuts: number[] = [rows.length];
  let end = rows.length;
  for (let p = parts; p > 1; p--) {
    let best = end;
    let bestCost = Infinity;
    for (let start = end - 1; start >= 1; start--) {
      const c = Math.max(cost(start, end), cost(0, start) / (p - 1));
      if (c < bestCost) {
        bestCost = c;
        best = start;
      }
    }
    cuts.unshift(best);
    end = best;
  }
  cuts.unshift(0);
  const shares: number[][] = [];
  for (let k = 0; k < parts; k++) shares.push(rows.slice(cuts[k]!, cuts[k + 1]!));
  return shares;
}
