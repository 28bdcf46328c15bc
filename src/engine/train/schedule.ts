/**
 * Deterministic batching and learning-rate schedule. A step number alone fixes which examples
 * a step sees (the shuffle of each epoch comes from the seed and the epoch), so a run resumed
 * from a checkpoint at step s does exactly what an uninterrupted run would from s on.
 */

import { shuffledIndices } from '../random';

export interface BatchPlan {
  stepsPerEpoch: number;
  totalSteps: number;
  /** The example indices of step `step` (0-based). */
  batchAt(step: number): Uint32Array;
}

/**
 * Length-grouped batches (issue 14): a step is padded to its longest row, and in a random batch
 * of short STS-like texts one long row pads all the others. With `lengths` (a cost per example,
 * e.g. its token count) each epoch's shuffle is cut into megabatches of `megabatchBatches`
 * batches, each megabatch sorted by length and cut into batches, and the batches' order shuffled
 * (Hugging Face's LengthGroupedSampler). Every example still comes once per epoch.
 */
export interface LengthGrouping {
  lengths: ArrayLike<number>;
  /** Batches per megabatch (default 50, as in Hugging Face). */
  megabatchBatches?: number;
}

export const MEGABATCH_BATCHES = 50;

export function planBatches(n: number, batchSize: number, epochs: number, seed: number, grouping?: LengthGrouping): BatchPlan {
  const stepsPerEpoch = Math.max(1, Math.ceil(n / batchSize));
  if (grouping && grouping.lengths.length !== n) throw new Error(`length grouping needs ${n} lengths, got ${grouping.lengths.length}`);
  const cache = new Map<number, { order: Uint32Array; starts: Uint32Array }>();
  return {
    stepsPerEpoch,
    totalSteps: n === 0 ? 0 : stepsPerEpoch * epochs,
    batchAt(step) {
      const epoch = Math.floor(step / stepsPerEpoch);
      let plan = cache.get(epoch);
      if (!plan) {
        cache.clear();
        const epochSeed = (seed * 1000003 + epoch * 7919) >>> 0;
        plan = grouping ? groupedEpoch(n, batchSize, epochSeed, grouping) : { order: shuffledIndices(n, epochSeed), starts: new Uint32Array(0) };
        cache.set(epoch, plan);
      }
      const k = step % stepsPerEpoch;
      if (grouping) return plan.order.subarray(plan.starts[k]!, k + 1 < plan.starts.length ? plan.starts[k + 1]! : n);
      const start = k * batchSize;
      return plan.order.subarray(start, Math.min(n, start + batchSize));
    },
  };
}

/**
 * One epoch of length-grouped batches, a pure function of the epoch's seed (so a resumed run
 * sees the same batches): `order` holds the batches back to back in step order, `starts[k]` is
 * where step k's batch begins (only the epoch's last-cut batch may be short).
 */
function groupedEpoch(n: number, batchSize: number, epochSeed: number, g: LengthGrouping): { order: Uint32Array; starts: Uint32Array } {
  const shuffled = shuffledIndices(n, epochSeed);
  const mega = batchSize * Math.max(1, g.megabatchBatches ?? MEGABATCH_BATCHES);
  const batches: Uint32Array[] = [];
  for (let from = 0; from < n; from += mega) {
    // Longest first; ties keep the shuffle's order (Array.prototype.sort is stable).
    const sorted = Uint32Array.from(Array.from(shuffled.subarray(from, Math.min(n, from + mega))).sort((x, y) => g.lengths[y]! - g.lengths[x]!));
    for (let b = 0; b < sorted.length; b += batchSize) batches.push(sorted.subarray(b, Math.min(sorted.length, b + batchSize)));
  }
  const batchOrder = shuffledIndices(batches.length, (epochSeed ^ 0x9e3779b9) >>> 0);
  const order = new Uint32Array(n);
  const starts = new Uint32Array(batches.length);
  let at = 0;
  for (let k = 0; k < batches.length; k++) {
    const batch = batches[batchOrder[k]!]!;
    starts[k] = at;
    order.set(batch, at);
    at += batch.length;
  }
  return { order, starts };
}

/** Linear warm-up to `peak`, then linear decay to zero (sentence-transformers' WarmupLinear). */
export function warmupLinear(step: number, totalSteps: number, peak: number, warmupFraction: number): number {
  const warmup = Math.floor(totalSteps * warmupFraction);
  if (warmup > 0 && step < warmup) return (peak * (step + 1)) / warmup;
  const rest = Math.max(1, totalSteps - warmup);
  return Math.max(0, (peak * (totalSteps - step)) / rest);
}
