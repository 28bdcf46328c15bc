import { describe, expect, it } from 'vitest';
import { calibrateThreshold, calibrateThresholdDetailed } from '../../../src/engine/dedup/calibrate';
import { clusterMatches } from '../../../src/engine/dedup/clustering';
import { judgeBorderline, rescoreBorderline, splitByBand } from '../../../src/engine/dedup/crossRescore';
import { exactMatchesFromGroups, findExactDuplicates, groupByHash } from '../../../src/engine/dedup/exactLayer';
import { compareForKeep, suggestKeep } from '../../../src/engine/dedup/keepRule';
import { resolveThresholds, DEFAULT_THRESHOLDS } from '../../../src/engine/dedup/thresholds';
import type { Match } from '../../../src/engine/dedup/types';
import { UnionFind } from '../../../src/engine/dedup/unionFind';

describe('exact layer', () => {
  it('groups texts equal up to whitespace, line ends and Unicode composition; case, punctuation and width count', () => {
    const groups = findExactDuplicates([
      'Hello, World!',
      'something else',
      'hello   world',
      'ＨＥＬＬＯ — world.',
      'Hello,\r\nWorld!  ',
      'something  else\n',
      'Cafe\u0301',
      'Caf\u00e9',
    ]);
    expect(groups).toEqual([
      [0, 4],
      [1, 5],
      [6, 7],
    ]);
  });

  it('turns groups into star-shaped exact matches', () => {
    expect(exactMatchesFromGroups(groupByHash(['a', 'b', 'a', 'a']))).toEqual([
      { a: 0, b: 2, layer: 'exact', score: 1 },
      { a: 0, b: 3, layer: 'exact', score: 1 },
    ]);
  });
});

describe('UnionFind', () => {
  it('joins sets transitively and lists groups by size', () => {
    const uf = new UnionFind(7);
    expect(uf.union(0, 1)).toBe(true);
    expect(uf.union(1, 2)).toBe(true);
    expect(uf.union(0, 2)).toBe(false);
    uf.union(5, 6);
    expect(uf.find(2)).toBe(uf.find(0));
    expect(uf.groups()).toEqual([
      [0, 1, 2],
      [5, 6],
    ]);
    expect(uf.groups(1)).toHaveLength(4);
  });
});

describe('clusterMatches', () => {
  it('builds clusters through chains of matches from different layers', () => {
    const matches: Match[] = [
      { a: 0, b: 1, layer: 'exact', score: 1 },
      { a: 1, b: 2, layer: 'near', score: 0.85 },
      { a: 4, b: 5, layer: 'semantic', score: 0.93 },
      { a: 5, b: 6, layer: 'cross', score: 0.7 },
    ];
    const clusters = clusterMatches(8, matches);
    expect(clusters.map((c) => c.items)).toEqual([
      [0, 1, 2],
      [4, 5, 6],
    ]);
    expect(clusters[0].layer).toBe('near');
    expect(clusters[0].score).toBe(0.85);
    expect(clusters[1].layer).toBe('cross');
    expect(clusters[1].matches).toHaveLength(2);
  });

  it('keeps for each member its strongest match, and for each pair the best layer', () => {
    const clusters = clusterMatches(3, [
      { a: 0, b: 1, layer: 'semantic', score: 0.99 },
      { a: 1, b: 0, layer: 'exact', score: 1 },
      { a: 2, b: 1, layer: 'near', score: 0.8 },
      { a: 2, b: 0, layer: 'near', score: 0.9 },
    ]);
    expect(clusters).toHaveLength(1);
    const [c] = clusters;
    const byItem = new Map(c.members.map((m) => [m.item, m]));
    expect(byItem.get(0)).toMatchObject({ layer: 'exact', matchedWith: 1 });
    expect(byItem.get(1)).toMatchObject({ layer: 'exact', matchedWith: 0 });
    expect(byItem.get(2)).toMatchObject({ layer: 'near', score: 0.9, matchedWith: 0 });
    // The spanning matches use the strongest evidence: exact 0-1, then the better near link.
    expect(c.matches).toEqual([
      { a: 0, b: 1, layer: 'exact', score: 1 },
      { a: 0, b: 2, layer: 'near', score: 0.9 },
    ]);
    expect(c.layer).toBe('near');
  });

  it('stays exact when a weaker match only repeats what identical texts already show', () => {
    const [c] = clusterMatches(3, [
      { a: 0, b: 1, layer: 'exact', score: 1 },
      { a: 1, b: 2, layer: 'exact', score: 1 },
      { a: 0, b: 2, layer: 'semantic', score: 0.91 },
    ]);
    expect(c.layer).toBe('exact');
  });

  it('rejects matches outside the item range', () => {
    expect(() => clusterMatches(2, [{ a: 0, b: 2, layer: 'exact', score: 1 }])).toThrow(RangeError);
  });
});

describe('keep rule', () => {
  const base = { textLength: 100, mtimeMs: 1000, path: '/data/a.txt' };

  it('prefers more text, then the oldest file, then the shortest path', () => {
    expect(compareForKeep({ ...base, textLength: 120 }, base)).toBeLessThan(0);
    expect(compareForKeep({ ...base, mtimeMs: 500 }, base)).toBeLessThan(0);
    expect(compareForKeep(base, { ...base, path: '/data/backup/a.txt' })).toBeLessThan(0);
    expect(compareForKeep({ ...base, path: '/data/b.txt' }, { ...base, path: '/data/long-name.txt' })).toBeLessThan(0);
    expect(compareForKeep(base, { ...base })).toBe(0);
  });

  it('picks one candidate by the rules, whatever the order', () => {
    const list = [
      { ...base, path: '/data/copies/copy of a.txt', mtimeMs: 2000 },
      { ...base, path: '/data/z/a.txt', mtimeMs: 900 },
      { ...base, path: '/data/a (2).txt', mtimeMs: 900 },
      { ...base, path: '/data/new.txt', mtimeMs: 3000, textLength: 90 },
    ];
    const expected = '/data/a (2).txt';
    expect(suggestKeep(list).path).toBe(expected);
    expect(suggestKeep([...list].reverse()).path).toBe(expected);
    expect(() => suggestKeep([])).toThrow(RangeError);
  });
});

describe('cross-encoder re-scoring', () => {
  const pairs = [
    { a: 0, b: 1, similarity: 0.97 },
    { a: 1, b: 2, similarity: 0.91 },
    { a: 2, b: 3, similarity: 0.87 },
    { a: 3, b: 4, similarity: 0.8 },
  ];

  it('splits candidates around the threshold; without a scorer there is no band', () => {
    const withScorer = splitByBand(pairs, 0.9, 0.05, true);
    expect(withScorer.confident.map((p) => p.a)).toEqual([0]);
    expect(withScorer.borderline.map((p) => p.a)).toEqual([1, 2]);
    const without = splitByBand(pairs, 0.9, 0.05, false);
    expect(without.confident.map((p) => p.a)).toEqual([0, 1]);
    expect(without.borderline).toEqual([]);
  });

  it('accepts the borderline pairs the scorer accepts, in batches, with texts loaded per pair', async () => {
    const texts = ['zero', 'one', 'two', 'three'];
    const seenBatches: number[] = [];
    const score = async (batch: Array<[string, string]>) => {
      seenBatches.push(batch.length);
      return batch.map(([x, y]) => (x === 'one' && y === 'two' ? 0.8 : 0.2));
    };
    const r = await rescoreBorderline(splitByBand(pairs, 0.9, 0.05, true).borderline, (i) => texts[i], score, { accept: 0.5, batchSize: 1 });
    expect(r.accepted).toEqual([{ a: 1, b: 2, layer: 'cross', score: 0.8 }]);
    expect(r.rejected).toBe(1);
    expect(seenBatches).toEqual([1, 1]);
  });

  it('fails clearly when the scorer returns the wrong number of scores', async () => {
    await expect(
      rescoreBorderline(
        pairs,
        () => 'x',
        async () => [0.5],
        { accept: 0.5 },
      ),
    ).rejects.toThrow(/returned 1 scores for 4 pairs/);
  });

  it('judges borderline pairs in the same batches, with their cosine, and keeps the cosine as evidence', async () => {
    const texts = ['zero', 'one', 'two', 'three', 'four'];
    const asked: Array<{ texts: Array<[string, string]>; cosines: readonly number[] }> = [];
    const judge = {
      name: 'test judge',
      accept: 0.6,
      candidateFloor: 0.8,
      judge: async (batch: Array<[string, string]>, cosines: readonly number[]) => {
        asked.push({ texts: batch, cosines });
        return batch.map(([x]) => (x === 'two' ? 0.7 : 0.3));
      },
    };
    const progress: number[] = [];
    const r = await judgeBorderline(pairs.slice(1), (i) => texts[i], judge, { batchSize: 2, onProgress: (d) => progress.push(d) });
    expect(r.accepted).toEqual([{ a: 2, b: 3, layer: 'cross', score: 0.7, cosine: 0.87, judged: true }]);
    expect(r.rejected).toBe(2);
    expect(asked.map((x) => x.cosines)).toEqual([[0.91, 0.87], [0.8]]);
    expect(asked[0].texts).toEqual([
      ['one', 'two'],
      ['two', 'three'],
    ]);
    expect(progress).toEqual([2, 3]);
    const short = { ...judge, judge: async () => [0.9] };
    await expect(judgeBorderline(pairs, () => 'x', short, { batchSize: 4 })).rejects.toThrow(/returned 1 verdicts for 4 pairs/);
    const ctl = new AbortController();
    ctl.abort();
    await expect(judgeBorderline(pairs, () => 'x', judge, { signal: ctl.signal })).rejects.toThrow();
  });
});

describe('thresholds and calibration', () => {
  it('fills defaults and rejects out-of-range values', () => {
    expect(resolveThresholds({ near: 0.7 })).toEqual({ ...DEFAULT_THRESHOLDS, near: 0.7 });
    expect(() => resolveThresholds({ near: 1.5 })).toThrow(/near/);
    expect(() => resolveThresholds({ cross: Number.NaN })).toThrow(/cross/);
  });

  it('finds the threshold that best separates labelled scores', () => {
    const scores = [0.95, 0.9, 0.86, 0.84, 0.7, 0.6, 0.3];
    const labels = [1, 1, 1, 0, 0, 0, 0];
    const t = calibrateThreshold(scores, labels);
    expect(t).toBeGreaterThan(0.84);
    expect(t).toBeLessThanOrEqual(0.86);
    expect(calibrateThresholdDetailed(scores, labels)).toMatchObject({ f1: 1, precision: 1, recall: 1, n: 7 });
  });

  it('trades precision for recall where the classes overlap', () => {
    // Cutting at 0.5 catches 4/4 positives with 1 false positive (F1 0.889); at 0.75, 2/4 (F1 0.667).
    const scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3];
    const labels = [true, true, false, true, true, false, false];
    const r = calibrateThresholdDetailed(scores, labels);
    expect(r.f1).toBeCloseTo(8 / 9, 6);
    expect(r.threshold).toBeCloseTo(0.45, 6);
    expect(() => calibrateThreshold([0.5], [0])).toThrow(/duplicate/);
    expect(() => calibrateThreshold([0.5], [1, 0])).toThrow(RangeError);
  });
});
