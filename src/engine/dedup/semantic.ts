/**
 * The semantic layer: pairs of texts whose bi-encoder embeddings are close. Small sets are
 * compared exactly (every pair); larger ones through the approximate index.
 */
import { annThresholdPairs } from './annSearch';
import { exactThresholdPairs, type SemanticPair } from './exactSearch';
import { DEFAULT_SEMANTIC_K, EXACT_SEARCH_MAX_ITEMS } from './thresholds';
import { toMatrix, type VectorMatrix } from './vectors';

export type { SemanticPair } from './exactSearch';

export interface SemanticSearchOptions {
  /** Minimum cosine similarity of a candidate pair. */
  threshold: number;
  /** Neighbours looked up per item (default 10). */
  k?: number;
  /** `auto` (default): exact below `exactMaxItems` items, approximate from there. */
  method?: 'auto' | 'exact' | 'ann';
  exactMaxItems?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface SemanticSearchResult {
  pairs: SemanticPair[];
  method: 'exact' | 'ann';
}

/**
 * Candidate duplicate pairs (a < b, indexes into `vectors`) with cosine similarity ≥ threshold,
 * each item linked to at most its k nearest neighbours. `vectors` must be L2-normalised.
 */
export async function findSemanticCandidates(vectors: readonly Float32Array[] | VectorMatrix, opts: SemanticSearchOptions): Promise<SemanticPair[]> {
  return (await searchSemanticPairs(vectors, opts)).pairs;
}

/** As findSemanticCandidates, also saying which method ran. */
export async function searchSemanticPairs(vectors: readonly Float32Array[] | VectorMatrix, opts: SemanticSearchOptions): Promise<SemanticSearchResult> {
  const m = toMatrix(vectors);
  const k = opts.k ?? DEFAULT_SEMANTIC_K;
  if (!Number.isFinite(opts.threshold)) throw new RangeError(`threshold must be a number, got ${opts.threshold}`);
  if (m.count < 2) return { pairs: [], method: 'exact' };
  const useExact = opts.method === 'exact' || (opts.method !== 'ann' && m.count < (opts.exactMaxItems ?? EXACT_SEARCH_MAX_ITEMS));
  const common = { threshold: opts.threshold, k, signal: opts.signal, onProgress: opts.onProgress };
  if (useExact) return { pairs: await exactThresholdPairs(m, common), method: 'exact' };
  return { pairs: await annThresholdPairs(m, common), method: 'ann' };
}
