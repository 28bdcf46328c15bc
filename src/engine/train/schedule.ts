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

export function planBatches(n: number, batchSize: number, epochs: number, seed: number): BatchPlan {
  const stepsPerEpoch = Math.max(1, Math.ceil(n / batchSize));
  const cache = new Map<number, Uint32Array>();
  return {
    stepsPerEpoch,
    totalSteps: n === 0 ? 0 : stepsPerEpoch * epochs,
    batchAt(step) {
      const epoch = Math.floor(step / stepsPerEpoch);
      let order = cache.get(epoch);
      if (!order) {
        cache.clear();
        order = shuffledIndices(n, (seed * 1000003 + epoch * 7919) >>> 0);
        cache.set(epoch, order);
      }
      const start = (step % stepsPerEpoch) * batchSize;
      return order.subarray(start, Math.min(n, start + batchSize));
    },
  };
}

/** Linear warm-up to `peak`, then linear decay to zero (sentence-transformers' WarmupLinear). */
export function warmupLinear(step: number, totalSteps: number, peak: number, warmupFraction: number): number {
  const warmup = Math.floor(totalSteps * warmupFraction);
  if (warmup > 0 && step < warmup) return (peak * (step + 1)) / warmup;
  const rest = Math.max(1, totalSteps - warmup);
  return Math.max(0, (peak * (totalSteps - step)) / rest);
}
