import { describe, expect, it } from 'vitest';
import { annThresholdPairs } from '../../../src/engine/dedup/annSearch';
import { exactKnn, exactThresholdPairs, type SemanticPair } from '../../../src/engine/dedup/exactSearch';
import { findSemanticCandidates, searchSemanticPairs } from '../../../src/engine/dedup/semantic';
import { toMatrix, type VectorMatrix } from '../../../src/engine/dedup/vectors';
import { makeVocabulary, mulberry32, randomText, shuffleWords, toyEmbed } from './helpers';

/** n unit vectors in groups around `groups` centres (noise `spread`), dimension `dim`. */
function clustered(n: number, dim: number, groups: number, spread: number, seed: number): VectorMatrix {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const centres = Array.from({ length: groups }, () => Float32Array.from({ length: dim }, gauss));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % groups];
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = c[d] + spread * gauss();
      data[i * dim + d] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dim; d++) data[i * dim + d] *= inv;
  }
  return { data, dim, count: n };
}

/** Every pair at or above the threshold by brute force (no k limit). */
function bruteForcePairs(m: VectorMatrix, threshold: number): SemanticPair[] {
  const out: SemanticPair[] = [];
  for (let a = 0; a < m.count; a++) {
    for (let b = a + 1; b < m.count; b++) {
      let s = 0;
      for (let d = 0; d < m.dim; d++) s += m.data[a * m.dim + d] * m.data[b * m.dim + d];
      if (s >= threshold) out.push({ a, b, similarity: s });
    }
  }
  return out;
}

const key = (p: SemanticPair) => `${p.a},${p.b}`;

describe('exact search', () => {
  it('finds exactly the brute-force pairs when k is large enough', async () => {
    const m = clustered(203, 37, 40, 0.25, 1); // odd sizes exercise the 4-wide kernel's tails
    const expected = bruteForcePairs(m, 0.8);
    expect(expected.length).toBeGreaterThan(100);
    const got = await exactThresholdPairs(m, { threshold: 0.8, k: 50 });
    expect(got.map(key).sort()).toEqual(expected.map(key).sort());
    const sims = new Map(expected.map((p) => [key(p), p.similarity]));
    for (const p of got) expect(p.similarity).toBeCloseTo(sims.get(key(p))!, 4);
  });

  it('keeps only the k best neighbours of each item', async () => {
    const m = clustered(60, 16, 1, 0.01, 2); // one tight group: every pair is similar
    const got = await exactThresholdPairs(m, { threshold: 0.5, k: 3 });
    const degree = new Map<number, number>();
    for (const p of got) for (const x of [p.a, p.b]) degree.set(x, (degree.get(x) ?? 0) + 1);
    expect(got.length).toBeLessThanOrEqual(60 * 3);
    expect(got.length).toBeGreaterThanOrEqual((60 * 3) / 2);
    expect(Math.min(...degree.values())).toBeGreaterThanOrEqual(3);
  });

  it('exactKnn returns the true nearest neighbours, best first, never the query itself', () => {
    const m = clustered(50, 8, 5, 0.3, 3);
    const r = exactKnn(m, m, 4, { sameSet: true });
    for (let q = 0; q < 50; q++) {
      const sims: [number, number][] = [];
      for (let j = 0; j < 50; j++) {
        if (j === q) continue;
        let s = 0;
        for (let d = 0; d < 8; d++) s += m.data[q * 8 + d] * m.data[j * 8 + d];
        sims.push([j, s]);
      }
      sims.sort((x, y) => y[1] - x[1]);
      expect(Array.from(r.ids.subarray(q * 4, q * 4 + 4))).toEqual(sims.slice(0, 4).map((x) => x[0]));
      for (let t = 1; t < 4; t++) expect(r.sims[q * 4 + t]).toBeLessThanOrEqual(r.sims[q * 4 + t - 1]);
    }
  });
});

describe('approximate search (usearch)', () => {
  it('recovers nearly all exact pairs on clustered vectors', async () => {
    const m = clustered(3000, 64, 300, 0.35, 4);
    const exact = await exactThresholdPairs(m, { threshold: 0.75, k: 10 });
    const ann = await annThresholdPairs(m, { threshold: 0.75, k: 10 });
    expect(exact.length).toBeGreaterThan(1000);
    const truth = new Set(exact.map(key));
    const hits = ann.filter((p) => truth.has(key(p))).length;
    expect(hits / exact.length).toBeGreaterThan(0.95);
    for (const p of ann) {
      expect(p.a).toBeLessThan(p.b);
      expect(p.similarity).toBeGreaterThanOrEqual(0.75 - 1e-6);
    }
  });

  it('is chosen automatically above the exact-search size limit', async () => {
    const m = clustered(400, 16, 40, 0.2, 5);
    expect((await searchSemanticPairs(m, { threshold: 0.9, exactMaxItems: 100 })).method).toBe('ann');
    expect((await searchSemanticPairs(m, { threshold: 0.9, exactMaxItems: 1000 })).method).toBe('exact');
  });

  it('honours an aborted signal', async () => {
    const m = clustered(100, 8, 10, 0.2, 6);
    const ac = new AbortController();
    ac.abort();
    await expect(annThresholdPairs(m, { threshold: 0.9, k: 5, signal: ac.signal })).rejects.toThrow();
    await expect(exactThresholdPairs(m, { threshold: 0.9, k: 5, signal: ac.signal })).rejects.toThrow();
  });
});

describe('findSemanticCandidates', () => {
  it('pairs reworded texts (toy embedder) and leaves unrelated ones alone', async () => {
    const rand = mulberry32(7);
    const vocab = makeVocabulary(1500, 3);
    const texts = Array.from({ length: 30 }, () => randomText(vocab, 60, rand));
    texts.push(shuffleWords(texts[3], rand), shuffleWords(texts[17], rand));
    const vectors = await toyEmbed(texts);
    const pairs = await findSemanticCandidates(vectors, { threshold: 0.9, k: 5 });
    expect(pairs.map(key).sort()).toEqual(['17,31', '3,30']);
  });

  it('accepts a list of vectors or a matrix, and rejects mixed dimensions', async () => {
    const v = [Float32Array.of(1, 0), Float32Array.of(1, 0), Float32Array.of(0, 1)];
    expect(await findSemanticCandidates(v, { threshold: 0.99 })).toEqual([{ a: 0, b: 1, similarity: 1 }]);
    expect(await findSemanticCandidates(toMatrix(v), { threshold: 0.99 })).toHaveLength(1);
    await expect(findSemanticCandidates([Float32Array.of(1, 0), Float32Array.of(1)], { threshold: 0.5 })).rejects.toThrow(/dimensions/);
    expect(await findSemanticCandidates([], { threshold: 0.5 })).toEqual([]);
  });
});
