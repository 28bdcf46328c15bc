/**
 * MinHash signatures and LSH banding for the near-duplicate layer.
 *
 * Written here rather than taken from npm: the one maintained-looking package (`minhash`
 * 0.0.9) draws its permutations from Math.random, so its signatures cannot be cached across
 * runs, and it is several times slower (see bench/dedup-ann-libraries.ts, MinHash section).
 * The permutation family is h_i(x) = fmix32(x XOR seed_i) with seeds from a fixed PRNG, so a
 * signature depends only on the text and the settings (which `minhashSettingsKey` names).
 */
import { fmix32, shingleHashes } from './shingles';
import { DEFAULT_NUM_PERM, DEFAULT_SHINGLE_SIZE } from './thresholds';

export interface MinHashOptions {
  /** Permutations, i.e. signature length (default 128). */
  numPerm?: number;
  /** Tokens per shingle (default 3). */
  shingleSize?: number;
  /** Seed of the permutation family (default 1). */
  seed?: number;
}

/** Bump when the tokenisation or hashing changes, so cached signatures are not mixed with new ones. */
const ALGORITHM_VERSION = 1;

export class MinHasher {
  readonly numPerm: number;
  readonly shingleSize: number;
  readonly seed: number;
  private readonly seeds: Uint32Array;

  constructor(opts: MinHashOptions = {}) {
    this.numPerm = opts.numPerm ?? DEFAULT_NUM_PERM;
    this.shingleSize = opts.shingleSize ?? DEFAULT_SHINGLE_SIZE;
    this.seed = opts.seed ?? 1;
    if (!Number.isInteger(this.numPerm) || this.numPerm < 1 || this.numPerm > 4096) {
      throw new RangeError(`numPerm must be an integer from 1 to 4096, got ${this.numPerm}`);
    }
    this.seeds = new Uint32Array(this.numPerm);
    const next = splitmix32(this.seed);
    for (let i = 0; i < this.numPerm; i++) this.seeds[i] = next();
  }

  /** Names everything that shapes a signature (the key of the signature cache). */
  get settingsKey(): string {
    return minhashSettingsKey({ numPerm: this.numPerm, shingleSize: this.shingleSize, seed: this.seed });
  }

  /** Signature of a text; an empty text gives an all-0xFFFFFFFF signature (see `isEmptySignature`). */
  signText(text: string): Uint32Array {
    return this.signShingles(shingleHashes(text, this.shingleSize));
  }

  /** Signature of a set of 32-bit shingle hashes. */
  signShingles(shingles: Uint32Array, out = new Uint32Array(this.numPerm)): Uint32Array {
    const { seeds, numPerm } = this;
    out.fill(0xffffffff);
    for (let s = 0; s < shingles.length; s++) {
      const x = shingles[s];
      for (let i = 0; i < numPerm; i++) {
        // Inlined fmix32(x ^ seed_i): this loop is the whole cost of MinHash.
        let h = x ^ seeds[i];
        h ^= h >>> 16;
        h = Math.imul(h, 0x85ebca6b);
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35);
        h ^= h >>> 16;
        h >>>= 0;
        if (h < out[i]) out[i] = h;
      }
    }
    return out;
  }
}

export function minhashSettingsKey(o: { numPerm: number; shingleSize: number; seed: number }): string {
  return `v${ALGORITHM_VERSION};shingle=${o.shingleSize};seed=${o.seed}`;
}

/** True for the signature of a text without tokens (it must match nothing). */
export function isEmptySignature(sig: Uint32Array): boolean {
  for (let i = 0; i < sig.length; i++) if (sig[i] !== 0xffffffff) return false;
  return true;
}

/** Fraction of equal positions: an unbiased estimate of the Jaccard similarity of the shingle sets. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) throw new RangeError(`signatures differ in length (${a.length} vs ${b.length})`);
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return a.length === 0 ? 0 : eq / a.length;
}

/** Exact Jaccard similarity of two sorted distinct hash sets (for tests and small checks). */
export function exactJaccard(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - inter;
  return union === 0 ? 0 : inter / union;
}

export interface LshParams {
  bands: number;
  rows: number;
}

/**
 * Bands × rows (bands·rows ≤ numPerm) that minimise the weighted sum of the false-positive and
 * false-negative areas under the S-curve 1-(1-s^r)^b around `threshold`, as datasketch does.
 */
export function chooseLshParams(threshold: number, numPerm: number, fpWeight = 0.5, fnWeight = 0.5): LshParams {
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must be in (0, 1), got ${threshold}`);
  let best: LshParams = { bands: 1, rows: numPerm };
  let bestErr = Infinity;
  for (let b = 1; b <= numPerm; b++) {
    const maxR = Math.floor(numPerm / b);
    for (let r = 1; r <= maxR; r++) {
      const p = (s: number) => 1 - Math.pow(1 - Math.pow(s, r), b);
      const fp = integrate(p, 0, threshold);
      const fn = integrate((s) => 1 - p(s), threshold, 1);
      const err = fpWeight * fp + fnWeight * fn;
      if (err < bestErr) {
        bestErr = err;
        best = { bands: b, rows: r };
      }
    }
  }
  return best;
}

/** Probability that two texts of Jaccard `s` share at least one band. */
export function lshCandidateProbability(s: number, p: LshParams): number {
  return 1 - Math.pow(1 - Math.pow(s, p.rows), p.bands);
}

function integrate(f: (x: number) => number, a: number, b: number, steps = 64): number {
  // Simpson's rule; the integrands are smooth.
  const h = (b - a) / steps;
  let sum = f(a) + f(b);
  for (let i = 1; i < steps; i++) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return (sum * h) / 3;
}

/** A growable pool of equal-length signatures, stored contiguously (no per-item objects). */
export class SignaturePool {
  private data: Uint32Array;
  private n = 0;

  constructor(
    readonly numPerm: number,
    initialCapacity = 1024,
  ) {
    this.data = new Uint32Array(numPerm * Math.max(1, initialCapacity));
  }

  get size(): number {
    return this.n;
  }

  /** Appends a signature (copied); returns its index. */
  push(sig: Uint32Array): number {
    if (sig.length !== this.numPerm) throw new RangeError(`signature has ${sig.length} values, expected ${this.numPerm}`);
    if ((this.n + 1) * this.numPerm > this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data.set(sig, this.n * this.numPerm);
    return this.n++;
  }

  /** A view (not a copy) of signature `i`. */
  get(i: number): Uint32Array {
    if (i < 0 || i >= this.n) throw new RangeError(`no signature ${i}`);
    return this.data.subarray(i * this.numPerm, (i + 1) * this.numPerm);
  }
}

export interface NearPair {
  a: number;
  b: number;
  /** Estimated Jaccard similarity. */
  jaccard: number;
}

export interface NearDuplicateOptions {
  threshold: number;
  /** Bands and rows; chosen for the threshold when left out. */
  lsh?: LshParams;
  /**
   * A bucket larger than this is not expanded into all its pairs (which grows quadratically):
   * each member is compared with the bucket's first `maxBucketPairs` members only. Union-find
   * still connects the cluster. Default 64.
   */
  maxBucketPairs?: number;
  signal?: AbortSignal;
  /** Called now and then with the number of signatures banded / candidates verified. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Finds pairs of signatures whose estimated Jaccard is at least `threshold`: LSH banding gives
 * candidates (pairs sharing a band), each verified on the full signature. Empty signatures
 * match nothing. Returns pairs with a < b, each once.
 */
export async function findNearDuplicatePairs(signatures: { size: number; get(i: number): Uint32Array }, opts: NearDuplicateOptions): Promise<NearPair[]> {
  const n = signatures.size;
  if (n < 2) return [];
  const numPerm = signatures.get(0).length;
  const { bands, rows } = opts.lsh ?? chooseLshParams(opts.threshold, numPerm);
  if (bands * rows > numPerm) throw new RangeError(`bands·rows (${bands}·${rows}) exceeds numPerm ${numPerm}`);
  const maxBucket = opts.maxBucketPairs ?? 64;
  const seen = new Set<number>();
  const out: NearPair[] = [];
  const empty = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (isEmptySignature(signatures.get(i))) empty[i] = 1;

  const tryPair = (x: number, y: number) => {
    const a = Math.min(x, y);
    const b = Math.max(x, y);
    const key = a * n + b;
    if (seen.has(key)) return;
    seen.add(key);
    const j = estimateJaccard(signatures.get(a), signatures.get(b));
    if (j >= opts.threshold) out.push({ a, b, jaccard: j });
  };

  // One band at a time keeps just one bucket table in memory.
  for (let band = 0; band < bands; band++) {
    const buckets = new Map<number, number[]>();
    const off = band * rows;
    for (let i = 0; i < n; i++) {
      if (empty[i]) continue;
      const sig = signatures.get(i);
      let h = 0x9e3779b9 ^ band;
      for (let r = 0; r < rows; r++) h = fmix32((h ^ sig[off + r]) + 0x9e3779b9);
      const bucket = buckets.get(h);
      if (bucket) bucket.push(i);
      else buckets.set(h, [i]);
    }
    for (const bucket of buckets.values()) {
      if (bucket.length < 2) continue;
      for (let p = 1; p < bucket.length; p++) {
        const limit = Math.min(p, maxBucket);
        for (let q = 0; q < limit; q++) tryPair(bucket[q], bucket[p]);
      }
    }
    opts.onProgress?.(band + 1, bands);
    if (opts.signal) {
      await yieldToEventLoop();
      opts.signal.throwIfAborted();
    }
  }
  return out;
}

/** Lets timers, I/O and abort events run between chunks of synchronous work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** splitmix32: a tiny deterministic PRNG for the permutation seeds. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}
