import { describe, expect, it } from 'vitest';
import { bestF1Threshold, classificationAt, pearson, ranks, rocAuc, spearman } from '../../src/engine/eval/metrics';

describe('metrics', () => {
  it('pearson and spearman match hand-computed values', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    // x = 1..5, y = [2, 1, 4, 3, 5]: r = 0.8 (Σdxdy = 8, Σdx² = Σdy² = 10).
    expect(pearson([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    // Monotone but not linear: spearman 1, pearson < 1.
    expect(spearman([1, 2, 3, 4], [1, 10, 100, 1000])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [1, 10, 100, 1000])).toBeLessThan(0.9);
  });

  it('ranks ties by their average rank', () => {
    expect(Array.from(ranks([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
  });

  it('roc auc counts ordered positive/negative pairs, ties half', () => {
    expect(rocAuc([0.9, 0.8, 0.1, 0.2], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.9, 0.8], [1, 1, 0, 0])).toBe(0);
    // pos {0.5, 0.3}, neg {0.4, 0.5}: pairs (0.5>0.4)=1, (0.5=0.5)=0.5, (0.3<0.4)=0, (0.3<0.5)=0 -> 1.5/4
    expect(rocAuc([0.5, 0.3, 0.4, 0.5], [1, 1, 0, 0])).toBeCloseTo(0.375, 12);
  });

  it('best F1 threshold finds the separating score', () => {
    const r = bestF1Threshold([0.9, 0.8, 0.7, 0.3, 0.2], [1, 1, 1, 0, 0]);
    // Halfway between the lowest positive (0.7) and the highest negative (0.3): not on a labelled point.
    expect(r.threshold).toBeCloseTo(0.5, 12);
    expect(r.f1).toBe(1);
    const c = classificationAt([0.9, 0.8, 0.7, 0.3, 0.2], [1, 0, 1, 1, 0], 0.75);
    expect(c).toMatchObject({ tp: 1, fp: 1, fn: 2 });
    expect(c.precision).toBeCloseTo(0.5);
    expect(c.recall).toBeCloseTo(1 / 3);
  });
});
