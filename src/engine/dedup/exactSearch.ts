/**
 * Exact nearest-neighbour search by blocked dot products over Float32Array rows. Used for small
 * sets (where it is as fast as building an index, and exact), and as ground truth for the
 * ANN benchmark. Vectors are expected to be L2-normalised, so a dot product is a cosine.
 */
import { yieldToEventLoop } from './minhash';
import { dot4At, dotAt, type VectorMatrix } from './vectors';

export interface SemanticPair {
  a: number;
  b: number;
  /** Cosine similarity. */
  similarity: number;
}

export interface KnnResult {
  k: number;
  /** queries × k neighbour rows, best first; -1 where fewer than k exist. */
  ids: Int32Array;
  sims: Float32Array;
}

/** Rows per block: a block's rows stay in cache while every column row streams past them once. */
const BLOCK = 64;

/**
 * The k most similar rows of `base` for each row of `queries`. With `sameSet` (queries are
 * the base itself) a row is not its own neighbour.
 */
export function exactKnn(base: VectorMatrix, queries: VectorMatrix, k: number, opts: { sameSet?: boolean } = {}): KnnResult {
  if (base.dim !== queries.dim && base.count > 0 && queries.count > 0) throw new RangeError(`dimensions differ: ${base.dim} vs ${queries.dim}`);
  const top = new TopK(queries.count, k);
  const dim = queries.dim;
  const out = new Float64Array(4);
  for (let q0 = 0; q0 < queries.count; q0 += BLOCK) {
    const q1 = Math.min(queries.count, q0 + BLOCK);
    let j = 0;
    for (; j + 3 < base.count; j += 4) {
      const bo = j * dim;
      for (let q = q0; q < q1; q++) {
        dot4At(queries.data, q * dim, base.data, bo, bo + dim, bo + 2 * dim, bo + 3 * dim, dim, out);
        for (let t = 0; t < 4; t++) if (!(opts.sameSet && q === j + t)) top.offer(q, j + t, out[t]);
      }
    }
    for (; j < base.count; j++) {
      for (let q = q0; q < q1; q++) {
        if (opts.sameSet && q === j) continue;
        top.offer(q, j, dotAt(queries.data, q * dim, base.data, j * dim, dim));
      }
    }
  }
  return top.result();
}

export interface ThresholdSearchOptions {
  threshold: number;
  /** Neighbours kept per item (the best ones at or above the threshold). */
  k: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Every pair (a < b) where b is among a's k best neighbours at or above `threshold`, or a among
 * b's: the same pairs an exact k-NN graph cut at the threshold would give. Upper triangle only.
 */
export async function exactThresholdPairs(m: VectorMatrix, opts: ThresholdSearchOptions): Promise<SemanticPair[]> {
  const { count: n, dim, data } = m;
  const top = new TopK(n, opts.k, opts.threshold);
  const out = new Float64Array(4);
  const offer = (i: number, j: number, s: number) => {
    if (s >= opts.threshold) {
      top.offer(i, j, s);
      top.offer(j, i, s);
    }
  };
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    // Columns j > i0 in groups of four; rows of the block below a column pair with it only if i < j.
    let j = i0 + 1;
    for (; j + 3 < n; j += 4) {
      const bo = j * dim;
      const iEnd = Math.min(i1, j + 4);
      for (let i = i0; i < iEnd; i++) {
        dot4At(data, i * dim, data, bo, bo + dim, bo + 2 * dim, bo + 3 * dim, dim, out);
        for (let t = 0; t < 4; t++) if (i < j + t) offer(i, j + t, out[t]);
      }
    }
    for (; j < n; j++) {
      const iEnd = Math.min(i1, j);
      for (let i = i0; i < iEnd; i++) offer(i, j, dotAt(data, i * dim, data, j * dim, dim));
    }
    opts.onProgress?.(i1, n);
    if (opts.signal) {
      await yieldToEventLoop();
      opts.signal.throwIfAborted();
    }
  }
  return pairsFromTopK(top.result());
}

/** Turns per-row neighbour lists into unique pairs a < b. */
export function pairsFromTopK(r: KnnResult): SemanticPair[] {
  const best = new Map<number, SemanticPair>();
  const rows = r.ids.length / Math.max(1, r.k);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < r.k; t++) {
      const j = r.ids[i * r.k + t];
      if (j < 0) break;
      if (j === i) continue;
      const a = Math.min(i, j);
      const b = Math.max(i, j);
      const key = a * rows + b;
      const sim = r.sims[i * r.k + t];
      const old = best.get(key);
      if (!old || sim > old.similarity) best.set(key, { a, b, similarity: sim });
    }
  }
  return [...best.values()].sort((x, y) => x.a - y.a || x.b - y.b);
}

/** Fixed-size best-k lists for many rows at once (typed arrays, no per-row objects). */
export class TopK {
  private readonly ids: Int32Array;
  private readonly sims: Float32Array;
  private readonly counts: Int32Array;
  /** Per row, the value a newcomer must beat once the row is full. */
  private readonly floor: Float32Array;

  constructor(
    readonly rows: number,
    readonly k: number,
    minimum = -Infinity,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
    this.ids = new Int32Array(rows * k).fill(-1);
    this.sims = new Float32Array(rows * k).fill(-Infinity);
    this.counts = new Int32Array(rows);
    this.floor = new Float32Array(rows).fill(minimum);
  }

  offer(row: number, id: number, sim: number): void {
    const k = this.k;
    const base = row * k;
    const c = this.counts[row];
    if (c < k) {
      if (sim < this.floor[row]) return;
      this.ids[base + c] = id;
      this.sims[base + c] = sim;
      this.counts[row] = c + 1;
      if (c + 1 === k) this.floor[row] = this.minOf(base);
      return;
    }
    if (sim <= this.floor[row]) return;
    let minPos = base;
    for (let t = base + 1; t < base + k; t++) if (this.sims[t] < this.sims[minPos]) minPos = t;
    this.ids[minPos] = id;
    this.sims[minPos] = sim;
    this.floor[row] = this.minOf(base);
  }

  private minOf(base: number): number {
    let m = Infinity;
    for (let t = base; t < base + this.k; t++) if (this.sims[t] < m) m = this.sims[t];
    return m;
  }

  /** Rows sorted best first. */
  result(): KnnResult {
    const { k } = this;
    const order = new Int32Array(k);
    const ids = new Int32Array(this.rows * k).fill(-1);
    const sims = new Float32Array(this.rows * k).fill(-Infinity);
    for (let r = 0; r < this.rows; r++) {
      const base = r * k;
      const c = this.counts[r];
      for (let t = 0; t < c; t++) order[t] = base + t;
      const view = Array.from(order.subarray(0, c)).sort((x, y) => this.sims[y] - this.sims[x]);
      view.forEach((pos, t) => {
        ids[base + t] = this.ids[pos];
        sims[base + t] = this.sims[pos];
      });
    }
    return { k, ids, sims };
  }
}
