import { bestF1Threshold, pearson, rocAuc, spearman, type ThresholdResult } from './metrics';

export interface PairEvaluation {
  n: number;
  spearman: number;
  pearson: number;
  /** Only for yes/no (0/1) labels. */
  rocAuc: number | null;
  bestF1: ThresholdResult | null;
}

export function isBinary(labels: ArrayLike<number>): boolean {
  for (let i = 0; i < labels.length; i++) if (labels[i] !== 0 && labels[i] !== 1) return false;
  return labels.length > 0;
}

/** Every metric that applies to these labels: correlations always, ROC-AUC and best F1 for yes/no labels. */
export function evaluateScores(scores: ArrayLike<number>, gold: ArrayLike<number>): PairEvaluation {
  const binary = isBinary(gold);
  return {
    n: scores.length,
    spearman: spearman(scores, gold),
    pearson: pearson(scores, gold),
    rocAuc: binary ? rocAuc(scores, gold) : null,
    bestF1: binary ? bestF1Threshold(scores, gold) : null,
  };
}
