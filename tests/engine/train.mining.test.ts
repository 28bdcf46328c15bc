import { describe, expect, it } from 'vitest';
import { lexicalPairs, mineCandidatePairs } from '../../src/engine/train/mining';

/** Unit vectors along a few axes: texts on the same axis are nearest neighbours. */
function axisVectors(axes: number[], dim = 8): Float32Array[] {
  return axes.map((a, i) => {
    const v = new Float32Array(dim);
    v[a] = 1;
    v[(a + 1) % dim] = 0.01 * (i + 1); // break ties
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe('mineCandidatePairs', () => {
  const texts = ['cats purr softly', 'a cat purrs', 'stock markets fell', 'markets dropped sharply', 'the weather is sunny', 'sunny skies today'];
  const vectors = axisVectors([0, 0, 1, 1, 2, 2]);

  it('pairs each text with its nearest neighbour, adds random and lexical pairs, never a text with itself, no duplicates', () => {
    const pairs = mineCandidatePairs(texts, vectors, { k: 1, randomPerText: 1, lexicalPerText: 1, seed: 1 });
    const knn = pairs.filter((p) => p.source === 'knn').map((p) => [Math.min(p.a, p.b), Math.max(p.a, p.b)]);
    expect(knn).toEqual(
      expect.arrayContaining([
        [0, 1],
        [2, 3],
        [4, 5],
      ]),
    );
    expect(pairs.some((p) => p.source === 'random')).toBe(true);
    expect(pairs.every((p) => p.a !== p.b)).toBe(true);
    const keys = pairs.map((p) => `${Math.min(p.a, p.b)},${Math.max(p.a, p.b)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('caps the number of pairs and is deterministic for a seed', () => {
    const a = mineCandidatePairs(texts, vectors, { k: 2, randomPerText: 2, maxPairs: 4, seed: 7 });
    const b = mineCandidatePairs(texts, vectors, { k: 2, randomPerText: 2, maxPairs: 4, seed: 7 });
    expect(a).toHaveLength(4);
    expect(a).toEqual(b);
  });

  it('returns nothing for fewer than two texts', () => {
    expect(mineCandidatePairs(['only one'], axisVectors([0]))).toEqual([]);
  });
});

describe('lexicalPairs', () => {
  it('links texts that share rare words, in Latin and CJK text', () => {
    const texts = ['the zebra runs', 'a zebra sleeps', 'the dog barks', 'the cat naps', '東京タワーに行った', '東京タワーは高い'];
    const pairs = lexicalPairs(texts, 1);
    expect(pairs).toContainEqual([0, 1]);
    expect(pairs).toContainEqual([4, 5]);
  });
});
