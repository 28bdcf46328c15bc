/**
 * Approximate nearest neighbours through USearch (HNSW, native, N-API). Chosen over
 * hnswlib-node, faiss-node and pure-JS HNSW by bench/dedup-ann-libraries.ts: it ships
 * prebuilt N-API binaries for Linux, macOS and Windows (so it installs offline and loads in
 * Electron without a compiler), builds in parallel, and matched hnswlib's recall.
 *
 * The index is filled and queried in slices with a pause between them, so progress and
 * cancellation still get through on the event loop.
 */
import { cpuThreads } from '../settings/cpuThreads';
import { pairsFromTopK, type KnnResult, type SemanticPair } from './exactSearch';
import { yieldToEventLoop } from './minhash';
import type { VectorMatrix } from './vectors';

export interface AnnOptions {
  threshold: number;
  k: number;
  /** HNSW graph degree (default 16). */
  connectivity?: number;
  /**
   * Candidate list size while building (default 64) and searching (default 64; raised to 2k if
   * smaller). 64 halved the build time of 128 with the same recall@10 (1.000) on clustered
   * 384-d vectors, where near-duplicates are tight groups (bench/dedup-ann-libraries.ts).
   */
  expansionAdd?: number;
  expansionSearch?: number;
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

type UsearchModule = typeof import('usearch');

let loaded: Promise<UsearchModule> | null = null;

/** Loads the native library once; rejects with a readable message when it cannot load. */
export function loadAnnLibrary(): Promise<UsearchModule> {
  loaded ??= import('usearch').then(
    (m) => ((m as unknown as { default?: UsearchModule }).default?.Index ? (m as unknown as { default: UsearchModule }).default : m),
    (err: unknown) => {
      loaded = null;
      throw new Error(`the approximate nearest-neighbour library (usearch) could not be loaded: ${(err as Error).message}`);
    },
  );
  return loaded;
}

const SLICE = 2048;

/**
 * Pairs (a < b) among the k approximate nearest neighbours of each row with cosine similarity
 * at or above `threshold`. Rows must be L2-normalised (inner product = cosine).
 */
export async function annThresholdPairs(m: VectorMatrix, opts: AnnOptions): Promise<SemanticPair[]> {
  const { count: n, dim } = m;
  if (n < 2) return [];
  const lib = await loadAnnLibrary();
  const threads = opts.threads ?? cpuThreads();
  const k = Math.min(opts.k + 1, n); // +1: a row usually finds itself first
  const index = new lib.Index({
    dimensions: dim,
    metric: lib.MetricKind.IP,
    quantization: lib.ScalarKind.F32,
    connectivity: opts.connectivity ?? 16,
    expansion_add: opts.expansionAdd ?? 64,
    expansion_search: Math.max(opts.expansionSearch ?? 64, 2 * k),
    multi: false,
  });
  const total = 2 * n;
  for (let start = 0; start < n; start += SLICE) {
    const end = Math.min(n, start + SLICE);
    const keys = new BigUint64Array(end - start);
    for (let i = start; i < end; i++) keys[i - start] = BigInt(i);
    index.add(keys, m.data.subarray(start * dim, end * dim), threads);
    opts.onProgress?.(end, total);
    await pause(opts.signal);
  }

  const result: KnnResult = { k, ids: new Int32Array(n * k).fill(-1), sims: new Float32Array(n * k).fill(-Infinity) };
  for (let start = 0; start < n; start += SLICE) {
    const end = Math.min(n, start + SLICE);
    const found = index.search(m.data.subarray(start * dim, end * dim), k, threads);
    // One query gives a Matches, several a BatchMatches.
    const batch: { keys: BigUint64Array; distances: Float32Array; counts: BigUint64Array } =
      found instanceof lib.BatchMatches ? found : { keys: found.keys, distances: found.distances, counts: BigUint64Array.of(BigInt(found.keys.length)) };
    for (let q = 0; q < end - start; q++) {
      const count = Number(batch.counts[q]);
      const row = start + q;
      for (let t = 0; t < count; t++) {
        // USearch's inner-product distance is 1 - dot.
        const sim = 1 - batch.distances[q * k + t];
        if (sim < opts.threshold) continue;
        result.ids[row * k + t] = Number(batch.keys[q * k + t]);
        result.sims[row * k + t] = sim;
      }
      compactRow(result, row);
    }
    opts.onProgress?.(n + end, total);
    await pause(opts.signal);
  }
  return pairsFromTopK(result);
}

/** Moves the kept entries of a row to its front (pairsFromTopK stops at the first -1). */
function compactRow(r: KnnResult, row: number): void {
  let w = row * r.k;
  for (let t = row * r.k; t < (row + 1) * r.k; t++) {
    if (r.ids[t] < 0) continue;
    r.ids[w] = r.ids[t];
    r.sims[w] = r.sims[t];
    w++;
  }
  for (; w < (row + 1) * r.k; w++) {
    r.ids[w] = -1;
    r.sims[w] = -Infinity;
  }
}

async function pause(signal: AbortSignal | undefined): Promise<void> {
  await yieldToEventLoop();
  signal?.throwIfAborted();
}
