/**
 * The semantic layer's search, remembered between scans. A rescan that searches the same
 * texts (the same content hashes) with the same model and settings takes the last scan's
 * candidate pairs instead of building the nearest-neighbour index again: at 10,000 files that
 * index was 62 of the 69 seconds of a rescan, and since it is built in parallel it is not
 * reproducible, so the same folder could get a slightly different set of pairs each time.
 * Any change to the set of texts searches again (pairs among old texts could be reused, but an
 * approximate index gives no promise that they are what a fresh search would give).
 */
import { createHash } from 'node:crypto';
import type { SemanticLevel, SemanticPairsCacheRepository } from '../store/repositories/caches';
import { searchSemanticPairs, type SemanticPair, type SemanticSearchOptions, type SemanticSearchResult } from './semantic';
import type { VectorMatrix } from './vectors';

export interface CachedSearchTarget {
  cache: SemanticPairsCacheRepository;
  /** models.id of the bi-encoder the vectors come from. */
  modelId: number;
  level: SemanticLevel;
  /** Content hash of each row of the matrix, all different. */
  hashes: readonly string[];
}

export interface CachedSearchResult extends SemanticSearchResult {
  fromCache: boolean;
}

/** searchSemanticPairs, answered from the cache when the same search was the last one done. */
export async function searchSemanticPairsCached(m: VectorMatrix, opts: SemanticSearchOptions, target: CachedSearchTarget): Promise<CachedSearchResult> {
  const { hashes } = target;
  if (hashes.length !== m.count) throw new RangeError(`${hashes.length} hashes for ${m.count} vectors`);
  // Rows in hash order: positions in it do not depend on the order files were listed in.
  const order = Array.from({ length: m.count }, (_, i) => i).sort((x, y) => (hashes[x] < hashes[y] ? -1 : hashes[x] > hashes[y] ? 1 : 0));
  const digest = createHash('sha256');
  for (const row of order) digest.update(hashes[row]).update('\n');
  const itemsDigest = digest.digest('hex');
  const params = JSON.stringify({
    threshold: opts.threshold,
    k: opts.k ?? null,
    method: opts.method ?? 'auto',
    exactMaxItems: opts.exactMaxItems ?? null,
  });

  const cached = await target.cache.get(target.modelId, target.level, params, itemsDigest);
  if (cached && cached.itemCount === m.count) {
    const pairs: SemanticPair[] = [];
    for (let i = 0; i < cached.similarities.length; i++) {
      const x = order[cached.pairItems[2 * i]];
      const y = order[cached.pairItems[2 * i + 1]];
      if (x === undefined || y === undefined) return searchAndStore();
      pairs.push({ a: Math.min(x, y), b: Math.max(x, y), similarity: cached.similarities[i] });
    }
    pairs.sort((p, q) => p.a - q.a || p.b - q.b);
    opts.onProgress?.(1, 1);
    return { pairs, method: cached.method, fromCache: true };
  }
  return searchAndStore();

  async function searchAndStore(): Promise<CachedSearchResult> {
    const found = await searchSemanticPairs(m, opts);
    const position = new Int32Array(m.count);
    order.forEach((row, pos) => (position[row] = pos));
    const pairItems = new Int32Array(2 * found.pairs.length);
    const similarities = new Float32Array(found.pairs.length);
    found.pairs.forEach((p, i) => {
      pairItems[2 * i] = position[p.a];
      pairItems[2 * i + 1] = position[p.b];
      similarities[i] = p.similarity;
    });
    await target.cache.put(target.modelId, target.level, params, itemsDigest, { method: found.method, itemCount: m.count, pairItems, similarities });
    return { ...found, fromCache: false };
  }
}
