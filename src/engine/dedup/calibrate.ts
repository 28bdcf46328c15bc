/**
 * Threshold calibration on labelled pairs: the similarity threshold that maximises F1 when
 * "score ≥ threshold" predicts "duplicate".
 */

import { bestF1Cut, rankByScore } from '../eval/thresholdSearch';

export interface ThresholdCalibration {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  /** Pairs used (finite scores). */
  n: number;
}

export { rankByScore };

/**
 * Best-F1 threshold for scores with binary labels (true/1 = duplicate): the engine's one search
 * (eval/thresholdSearch.ts). Throws when there is no positive label.
 */
export function calibrateThresholdDetailed(scores: readonly number[], labels: readonly (boolean | number)[]): ThresholdCalibration {
  const cut = bestF1Cut(scores, labels);
  if (!cut) throw new RangeError('calibration needs at least one pair labelled as duplicate');
  return { threshold: cut.threshold, f1: cut.f1, precision: cut.precision, recall: cut.recall, n: cut.n };
}

/** The best-F1 threshold (see calibrateThresholdDetailed). */
export function calibrateThreshold(scores: readonly number[], labels: readonly (boolean | number)[]): number {
  return calibrateThresholdDetailed(scores, labels).threshold;
}
