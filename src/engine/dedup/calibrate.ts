/**
 * Threshold calibration on labelled pairs: the similarity threshold that maximises F1 when
 * "score ≥ threshold" predicts "duplicate".
 */

export interface ThresholdCalibration {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  /** Pairs used (finite scores). */
  n: number;
}

/** Finite scores with their labels (true/1 = duplicate), highest score first, and the number of duplicates. */
export function rankByScore(
  scores: readonly number[],
  labels: readonly (boolean | number)[],
): { items: { s: number; y: boolean }[]; positives: number } {
  if (scores.length !== labels.length) throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  const items = scores
    .map((s, i) => ({ s, y: labels[i] === true || labels[i] === 1 }))
    .filter((it) => Number.isFinite(it.s))
    .sort((a, b) => b.s - a.s);
  return { items, positives: items.filter((it) => it.y).length };
}

/**
 * Best-F1 threshold for scores with binary labels (true/1 = duplicate). Every distinct score
 * is tried as a cut; the threshold returned lies halfway between the chosen cut and the next
 * lower score, so it does not sit on a training point. Ties in F1 go to the higher threshold
 * (fewer false positives). Throws when there is no positive label.
 */
export function calibrateThresholdDetailed(scores: readonly number[], labels: readonly (boolean | number)[]): ThresholdCalibration {
  const { items, positives } = rankByScore(scores, labels);
  if (positives === 0) throw new RangeError('calibration needs at least one pair labelled as duplicate');
  let tp = 0;
  let fp = 0;
  let best: ThresholdCalibration = { threshold: Infinity, f1: -1, precision: 0, recall: 0, n: items.length };
  for (let i = 0; i < items.length; i++) {
    if (items[i].y) tp++;
    else fp++;
    // Only cut between distinct scores: equal scores fall on the same side.
    if (i + 1 < items.length && items[i + 1].s === items[i].s) continue;
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    if (f1 > best.f1) {
      const next = i + 1 < items.length ? items[i + 1].s : items[i].s;
      best = { threshold: (items[i].s + next) / 2, f1, precision, recall, n: items.length };
    }
  }
  return best;
}

/** The best-F1 threshold (see calibrateThresholdDetailed). */
export function calibrateThreshold(scores: readonly number[], labels: readonly (boolean | number)[]): number {
  return calibrateThresholdDetailed(scores, labels).threshold;
}
