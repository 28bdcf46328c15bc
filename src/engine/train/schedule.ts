/**
 * Deterministic batching and learning-rate schedule. A step number alone fixes which examples
 * a step sees (the shuffle of each epoch comes from the seed and the epoch), so a run resumed
 * from a checkpoint at step s does exactly what an uninterrupted run would from s on.
 */

/** mulberry32: a small, fast, seedable PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffledIndices(n: number, seed: number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const rand = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}

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
