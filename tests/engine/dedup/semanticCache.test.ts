import { describe, expect, it } from 'vitest';
import { searchSemanticPairs } from '../../../src/engine/dedup/semantic';
import { searchSemanticPairsCached } from '../../../src/engine/dedup/semanticCache';
import type { VectorMatrix } from '../../../src/engine/dedup/vectors';
import { mulberry32, tempStore } from './helpers';

/** n unit vectors in `groups` tight clusters (near-duplicates) plus noise; hash of row i is `h<i>`. */
function clustered(n: number, dim: number, groups: number, seed: number): { m: VectorMatrix; hashes: string[] } {
  const rand = mulberry32(seed);
  const centres = Array.from({ length: groups }, () => Float32Array.from({ length: dim }, () => rand() - 0.5));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % groups];
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const v = c[d] + 0.03 * (rand() - 0.5);
      data[i * dim + d] = v;
      norm += v * v;
    }
    for (let d = 0; d < dim; d++) data[i * dim + d] /= Math.sqrt(norm);
  }
  return { m: { data, dim, count: n }, hashes: Array.from({ length: n }, (_, i) => `h${String(i).padStart(5, '0')}`) };
}

/** The same rows in another order. */
function permuted(src: { m: VectorMatrix; hashes: string[] }, perm: number[]) {
  const { dim } = src.m;
  const data = new Float32Array(src.m.data.length);
  perm.forEach((from, to) => data.set(src.m.data.subarray(from * dim, (from + 1) * dim), to * dim));
  return { m: { data, dim, count: src.m.count }, hashes: perm.map((from) => src.hashes[from]) };
}

const asHashPairs = (pairs: { a: number; b: number; similarity: number }[], hashes: string[]) =>
  pairs.map((p) => [hashes[p.a], hashes[p.b]].sort().join('~') + `@${p.similarity.toFixed(5)}`).sort();

async function modelId(store: Awaited<ReturnType<typeof tempStore>>) {
  return (await store.models.create({ name: 'toy', kind: 'bi', architecture: 'toy', relDir: `models/toy-${Math.random()}` })).id;
}

describe('searchSemanticPairsCached', () => {
  it('answers a repeated search from the cache, whatever order the rows come in, with the same pairs', async () => {
    const store = await tempStore();
    const id = await modelId(store);
    const set = clustered(3000, 64, 300, 5);
    const opts = { threshold: 0.9, k: 10, method: 'ann' as const };
    const target = (hashes: string[]) => ({ cache: store.semanticPairsCache, modelId: id, level: 'passage' as const, hashes });

    const first = await searchSemanticPairsCached(set.m, opts, target(set.hashes));
    expect(first.fromCache).toBe(false);
    expect(first.method).toBe('ann');
    expect(first.pairs.length).toBeGreaterThan(3000); // 300 groups of 10: 45 pairs each within cosine 0.9

    const rand = mulberry32(9);
    const perm = Array.from({ length: 3000 }, (_, i) => i).sort(() => rand() - 0.5);
    const again = permuted(set, perm);
    const second = await searchSemanticPairsCached(again.m, opts, target(again.hashes));
    expect(second.fromCache).toBe(true);
    expect(second.method).toBe('ann');
    expect(asHashPairs(second.pairs, again.hashes)).toEqual(asHashPairs(first.pairs, set.hashes));
    for (const p of second.pairs) expect(p.a).toBeLessThan(p.b);

    // The pairs are those of a real search of these rows (not of some other set).
    const exact = await searchSemanticPairs(set.m, { ...opts, method: 'exact' });
    const exactSet = new Set(asHashPairs(exact.pairs, set.hashes).map((s) => s.split('@')[0]));
    const found = asHashPairs(second.pairs, again.hashes).map((s) => s.split('@')[0]);
    expect(found.filter((s) => exactSet.has(s)).length / exactSet.size).toBeGreaterThan(0.95);
  });

  it('searches again when the texts, the settings, the level or the model differ', async () => {
    const store = await tempStore();
    const id = await modelId(store);
    const other = await modelId(store);
    const set = clustered(400, 32, 40, 7);
    const opts = { threshold: 0.9, k: 10 };
    const t = (over: Partial<{ modelId: number; level: 'file' | 'passage'; hashes: string[] }> = {}) => ({
      cache: store.semanticPairsCache,
      modelId: id,
      level: 'file' as const,
      hashes: set.hashes,
      ...over,
    });
    expect((await searchSemanticPairsCached(set.m, opts, t())).fromCache).toBe(false);
    expect((await searchSemanticPairsCached(set.m, opts, t())).fromCache).toBe(true);

    // One text fewer.
    const fewer = { m: { ...set.m, data: set.m.data.subarray(0, 399 * 32), count: 399 }, hashes: set.hashes.slice(0, 399) };
    expect((await searchSemanticPairsCached(fewer.m, opts, t({ hashes: fewer.hashes }))).fromCache).toBe(false);
    // Same count, one text replaced by another.
    const replaced = [...set.hashes.slice(0, 399), 'h-new'];
    expect((await searchSemanticPairsCached(set.m, opts, t({ hashes: replaced }))).fromCache).toBe(false);
    // Another threshold, the other level, another model.
    await searchSemanticPairsCached(set.m, opts, t());
    expect((await searchSemanticPairsCached(set.m, { ...opts, threshold: 0.95 }, t())).fromCache).toBe(false);
    expect((await searchSemanticPairsCached(set.m, opts, t({ level: 'passage' }))).fromCache).toBe(false);
    expect((await searchSemanticPairsCached(set.m, opts, t({ modelId: other }))).fromCache).toBe(false);
    expect((await searchSemanticPairsCached(set.m, opts, t({ modelId: other }))).fromCache).toBe(true);
  });

  it("forgets a model's pairs when the model is deleted", async () => {
    const store = await tempStore();
    const id = await modelId(store);
    const set = clustered(200, 16, 20, 3);
    const target = { cache: store.semanticPairsCache, modelId: id, level: 'file' as const, hashes: set.hashes };
    await searchSemanticPairsCached(set.m, { threshold: 0.9 }, target);
    const count = async () => (await store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM semantic_pairs_cache'))!.n;
    expect(await count()).toBe(1);
    await store.db.run('DELETE FROM models WHERE id = ?', [id]);
    expect(await count()).toBe(0);
  });
});
