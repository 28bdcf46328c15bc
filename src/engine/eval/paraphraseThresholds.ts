/**
 * Default decision thresholds for "is this a paraphrase?".
 *
 * Bi-encoder: the best-F1 cosine of the built-in model on STS-B train with pairs scored >= 4 as
 * paraphrases (bench/calibrate-threshold.ts: 0.830 on train, F1 0.565, ROC-AUC 0.798; 0.869 on
 * dev). MRPC's best-F1 threshold is not used: with 68% positive labels it is degenerate (0.28,
 * recall 1.0: it calls everything a paraphrase).
 * Cross-encoder: the same calibration of the built-in cross-encoder's score (0.842 on train,
 * F1 0.566, ROC-AUC 0.795; 0.848 on dev). Its score is on the cosine's scale (the head starts at
 * sigmoid(logit(cos))), so 0.5, the usual cut for a probability, called nearly every pair a
 * paraphrase.
 */
export const DEFAULT_BI_THRESHOLD = 0.83;
export const DEFAULT_CROSS_THRESHOLD = 0.84;
