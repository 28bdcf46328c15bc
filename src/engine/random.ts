/**
 * The engine's one seeded random source and the shuffles built on it. Training, mining, the
 * estimator, tests and benches all draw from here, so a seed means the same sequence everywhere
 * (a resumed run, a benchmark rerun and a test fixture reproduce exactly).
 */

/** mulberry32: a small, fast, seedable PRNG returning numbers in [0, 1). */
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

/** Fisher–Yates: shuffles `items` in place with `rand` and returns it. */
export function shuffleInPlace<A extends { [i: number]: unknown; length: number }>(items: A, rand: () => number): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/** 0..n-1 in the order of a seeded shuffle. */
export function shuffledIndices(n: number, seed: number): Uint32Array {
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return shuffleInPlace(idx, seededRandom(seed));
}

/**
 * `max` items drawn at random without replacement (a partial Fisher–Yates: the first `max`
 * places are shuffled, the rest untouched); all items, in place, when there are no more than `max`.
 */
export function randomSubset<T>(items: T[], max: number, rand: () => number): T[] {
  if (items.length <= max) return items;
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(rand() * (items.length - i));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items.slice(0, max);
}
