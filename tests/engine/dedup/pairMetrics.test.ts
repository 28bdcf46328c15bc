import { describe, expect, it } from 'vitest';
import { indexFileClusters, inSameCluster, scorePairs, sharedClusterLayer, thresholdForPrecision } from '../../../src/engine/dedup/pairMetrics';

describe('scorePairs', () => {
  it('counts the confusion matrix and derives precision, recall and F1', () => {
    // pred: T T T F F F, actual: T F T T F F → tp 2, fp 1, fn 1, tn 2
    const r = scorePairs([true, true, true, false, false, false], [true, false, true, true, false, false]);
    expect(r).toMatchObject({ tp: 2, fp: 1, fn: 1, tn: 2, n: 6 });
    expect(r.precision).toBeCloseTo(2 / 3, 12);
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(r.f1).toBeCloseTo(2 / 3, 12);
  });

  it('gives NaN precision when nothing is predicted, and 0 F1 when nothing predicted is right', () => {
    const none = scorePairs([false, false], [true, false]);
    expect(none.precision).toBeNaN();
    expect(none.recall).toBe(0);
    expect(none.f1).toBeNaN();
    const wrong = scorePairs([false, true], [true, false]);
    expect(wrong.precision).toBe(0);
    expect(wrong.recall).toBe(0);
    expect(wrong.f1).toBe(0);
  });

  it('gives NaN recall when no pair is a duplicate', () => {
    const r = scorePairs([true, false], [false, false]);
    expect(r.recall).toBeNaN();
    expect(r.precision).toBe(0);
  });

  it('rejects predictions and labels of different lengths', () => {
    expect(() => scorePairs([true], [true, false])).toThrow(RangeError);
  });
});

describe('indexFileClusters', () => {
  const clusters = [
    {
      layer: 'exact',
      members: [
        { documentId: 1, passageId: null },
        { documentId: 2, passageId: null },
      ],
    },
    // passage-level: ignored for file pairs
    {
      layer: 'semantic',
      members: [
        { documentId: 3, passageId: 30 },
        { documentId: 4, passageId: 40 },
      ],
    },
    {
      layer: 'near',
      members: [
        { documentId: 3, passageId: null },
        { documentId: 5, passageId: null },
        { documentId: 6, passageId: null },
      ],
    },
  ];

  it('puts documents of one file cluster together and keeps others apart', () => {
    const idx = indexFileClusters(clusters);
    expect(inSameCluster(idx, 1, 2)).toBe(true);
    expect(inSameCluster(idx, 5, 6)).toBe(true);
    expect(inSameCluster(idx, 3, 6)).toBe(true);
    expect(inSameCluster(idx, 1, 3)).toBe(false);
    // 3 and 4 share only a passage cluster
    expect(inSameCluster(idx, 3, 4)).toBe(false);
    // unclustered documents are not together, except with themselves
    expect(inSameCluster(idx, 7, 8)).toBe(false);
    expect(inSameCluster(idx, 7, 7)).toBe(true);
  });

  it('reports the layer of the shared cluster', () => {
    const idx = indexFileClusters(clusters);
    expect(sharedClusterLayer(idx, 2, 1)).toBe('exact');
    expect(sharedClusterLayer(idx, 5, 3)).toBe('near');
    expect(sharedClusterLayer(idx, 1, 5)).toBeNull();
  });

  it('refuses a document in two file clusters', () => {
    expect(() =>
      indexFileClusters([
        {
          layer: 'exact',
          members: [
            { documentId: 1, passageId: null },
            { documentId: 2, passageId: null },
          ],
        },
        {
          layer: 'near',
          members: [
            { documentId: 2, passageId: null },
            { documentId: 3, passageId: null },
          ],
        },
      ]),
    ).toThrow(/document 2/);
  });
});

describe('thresholdForPrecision', () => {
  // Sorted by score: 0.9 dup, 0.8 dup, 0.7 non, 0.6 dup, 0.5 non, 0.4 dup
  const scores = [0.6, 0.9, 0.4, 0.7, 0.8, 0.5];
  const labels = [1, 1, 1, 0, 1, 0];

  it('takes the lowest cut that keeps the precision, halfway to the next score', () => {
    // Cut after 0.6: tp 3, fp 1 → precision 0.75, recall 0.75; after 0.4: 4/6 < 0.75.
    const r = thresholdForPrecision(scores, labels, 0.75)!;
    expect(r.threshold).toBeCloseTo(0.55, 12);
    expect(r.precision).toBeCloseTo(0.75, 12);
    expect(r.recall).toBeCloseTo(0.75, 12);
    expect(r.f1).toBeCloseTo(0.75, 12);
    expect(r.n).toBe(6);
  });

  it('stops above the first false positive when full precision is asked', () => {
    const r = thresholdForPrecision(scores, labels, 1)!;
    expect(r.threshold).toBeCloseTo(0.75, 12);
    expect(r.recall).toBeCloseTo(0.5, 12);
  });

  it('predicts every pair when any precision will do', () => {
    const r = thresholdForPrecision(scores, labels, 0)!;
    expect(r.recall).toBe(1);
    // below the lowest score there is no next score: the cut sits on it
    expect(r.threshold).toBeCloseTo(0.4, 12);
  });

  it('keeps tied scores on the same side of the cut', () => {
    // The tie at 0.8 mixes a duplicate and a non-duplicate: the best cut with precision 1 is above both.
    const r = thresholdForPrecision([0.9, 0.8, 0.8, 0.1], [1, 1, 0, 1], 1)!;
    expect(r.threshold).toBeCloseTo(0.85, 12);
    expect(r.recall).toBeCloseTo(1 / 3, 12);
  });

  it('returns null when the precision is out of reach or there are no duplicates', () => {
    expect(thresholdForPrecision([0.9, 0.1], [0, 1], 0.9)).toBeNull();
    expect(thresholdForPrecision([0.9, 0.1], [0, 0], 0)).toBeNull();
  });
});
