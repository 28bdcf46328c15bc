import { describe, expect, it } from 'vitest';
import {
  MinHasher,
  SignaturePool,
  chooseLshParams,
  estimateJaccard,
  exactJaccard,
  findNearDuplicatePairs,
  isEmptySignature,
  lshCandidateProbability,
} from '../../../src/engine/dedup/minhash';
import { shingleHashes, tokenize } from '../../../src/engine/dedup/shingles';
import { changeWords, makeVocabulary, mulberry32, randomText } from './helpers';

describe('shingles', () => {
  it('tokenizes words, and single characters for scripts written without spaces', () => {
    expect(tokenize('The cat, the HAT!')).toEqual(['the', 'cat', 'the', 'hat']);
    expect(tokenize('我爱北京')).toEqual(['我', '爱', '北', '京']);
    expect(tokenize('Tokyo東京 2024年')).toEqual(['tokyo', '東', '京', '2024', '年']);
    expect(tokenize('ｆｕｌｌ－ｗｉｄｔｈ')).toEqual(['full', 'width']);
  });

  it('gives character shingles to CJK text, so a one-character edit changes only nearby shingles', () => {
    const a = '今天天气很好我们一起去公园散步然后吃午饭';
    const b = '今天天气很好我们一起去公园跑步然后吃午饭';
    const sa = shingleHashes(a, 3);
    const sb = shingleHashes(b, 3);
    expect(sa.length).toBe(a.length - 2);
    // 3 of 18 trigrams cover the changed character.
    expect(exactJaccard(sa, sb)).toBeCloseTo(15 / 21, 5);
  });

  it('returns sorted distinct hashes; short texts give one shingle, empty texts none', () => {
    const s = shingleHashes('a b c a b c a b c', 3);
    expect(s.length).toBe(3); // "a b c", "b c a", "c a b"
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    expect(shingleHashes('two words', 3).length).toBe(1);
    expect(shingleHashes('  ... !!', 3).length).toBe(0);
  });
});

describe('MinHasher', () => {
  const vocab = makeVocabulary(2000, 5);

  it('is deterministic for the same settings and differs with the seed', () => {
    const text = randomText(vocab, 200, mulberry32(1));
    expect(new MinHasher().signText(text)).toEqual(new MinHasher().signText(text));
    expect(new MinHasher({ seed: 2 }).signText(text)).not.toEqual(new MinHasher().signText(text));
    expect(new MinHasher({ numPerm: 64 }).signText(text).length).toBe(64);
  });

  it('estimates the Jaccard similarity of the shingle sets within sampling error', () => {
    const rand = mulberry32(2);
    const mh = new MinHasher({ numPerm: 256 });
    for (const changes of [2, 10, 40]) {
      const a = randomText(vocab, 300, rand);
      const b = changeWords(a, changes, rand);
      const truth = exactJaccard(shingleHashes(a, 3), shingleHashes(b, 3));
      const est = estimateJaccard(mh.signText(a), mh.signText(b));
      // Standard error sqrt(J(1-J)/256) ≤ 0.031; allow 4 of them.
      expect(Math.abs(est - truth)).toBeLessThan(0.125);
    }
  });

  it('marks the signature of a text without words as empty', () => {
    const mh = new MinHasher();
    expect(isEmptySignature(mh.signText('?!  --'))).toBe(true);
    expect(isEmptySignature(mh.signText('hello world'))).toBe(false);
  });
});

describe('LSH parameters', () => {
  it('fits in numPerm and puts the S-curve midpoint near the threshold', () => {
    for (const threshold of [0.5, 0.7, 0.8, 0.9]) {
      const p = chooseLshParams(threshold, 128);
      expect(p.bands * p.rows).toBeLessThanOrEqual(128);
      expect(lshCandidateProbability(threshold + 0.1 > 1 ? 0.99 : threshold + 0.1, p)).toBeGreaterThan(0.75);
      expect(lshCandidateProbability(threshold - 0.3, p)).toBeLessThan(0.25);
    }
  });

  it('uses more rows per band for a higher threshold', () => {
    expect(chooseLshParams(0.9, 128).rows).toBeGreaterThan(chooseLshParams(0.5, 128).rows);
  });
});

describe('findNearDuplicatePairs', () => {
  it('finds texts with a few words changed and nothing else', async () => {
    const rand = mulberry32(3);
    const vocab = makeVocabulary(3000, 9);
    const mh = new MinHasher();
    const pool = new SignaturePool(mh.numPerm, 4);
    const originals = Array.from({ length: 60 }, () => randomText(vocab, 250, rand));
    const texts = [...originals];
    // Items 60.. are near copies of originals 0, 5, 10, ... with 3 words changed.
    const expected = new Set<string>();
    for (let i = 0; i < 60; i += 5) {
      expected.add(`${i},${texts.length}`);
      texts.push(changeWords(originals[i], 3, rand));
    }
    texts.push('');
    texts.push('');
    for (const t of texts) pool.push(mh.signText(t));
    const pairs = await findNearDuplicatePairs(pool, { threshold: 0.8 });
    expect(new Set(pairs.map((p) => `${p.a},${p.b}`))).toEqual(expected);
    for (const p of pairs) {
      expect(p.a).toBeLessThan(p.b);
      expect(p.jaccard).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('verifies candidates: with a threshold above their similarity the pairs are dropped', async () => {
    const rand = mulberry32(4);
    const vocab = makeVocabulary(3000, 10);
    const a = randomText(vocab, 200, rand);
    const b = changeWords(a, 12, rand); // Jaccard about 0.6
    const mh = new MinHasher();
    const pool = new SignaturePool(mh.numPerm);
    pool.push(mh.signText(a));
    pool.push(mh.signText(b));
    expect(await findNearDuplicatePairs(pool, { threshold: 0.4 })).toHaveLength(1);
    expect(await findNearDuplicatePairs(pool, { threshold: 0.9 })).toHaveLength(0);
  });

  it('caps the pairs of a huge bucket but still links every member to it', async () => {
    const mh = new MinHasher();
    const pool = new SignaturePool(mh.numPerm);
    const sig = mh.signText('the very same boilerplate text in every file of the folder');
    for (let i = 0; i < 300; i++) pool.push(sig);
    const pairs = await findNearDuplicatePairs(pool, { threshold: 0.8, maxBucketPairs: 4 });
    const linked = new Set(pairs.flatMap((p) => [p.a, p.b]));
    expect(linked.size).toBe(300);
    expect(pairs.length).toBeLessThan(300 * 4 + 1);
  });

  it('stops on an aborted signal', async () => {
    const mh = new MinHasher();
    const pool = new SignaturePool(mh.numPerm);
    pool.push(mh.signText('one two three four'));
    pool.push(mh.signText('one two three five'));
    const ac = new AbortController();
    ac.abort();
    await expect(findNearDuplicatePairs(pool, { threshold: 0.5, signal: ac.signal })).rejects.toThrow();
  });
});
