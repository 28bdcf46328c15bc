/**
 * Default decision thresholds, one definition each: the engine decides with them and the UI shows
 * them as the starting values of its sliders. Two different questions, two sets of names:
 * "is this pair a paraphrase?" (Check, tenc check) and "are these files duplicates?" (dedup).
 */

/**
 * Paraphrase check, bi-encoder cosine: the best-F1 cosine of the built-in model on STS-B train
 * with pairs scored >= 4 as paraphrases (bench/calibrate-threshold.ts: 0.830 on train, F1 0.565,
 * ROC-AUC 0.798; 0.869 on dev). MRPC's best-F1 threshold is not used: with 68% positive labels it
 * is degenerate (0.28, recall 1.0: it calls everything a paraphrase).
 */
export const PARAPHRASE_BI_THRESHOLD = 0.83;

/**
 * Paraphrase check, cross-encoder score: the same calibration of the built-in cross-encoder (0.842
 * on train, F1 0.566, ROC-AUC 0.795; 0.848 on dev). Its score is on the cosine's scale (the head
 * starts at sigmoid(logit(cos))), so 0.5, the usual cut for a probability, called nearly every
 * pair a paraphrase.
 */
export const PARAPHRASE_CROSS_THRESHOLD = 0.84;

/** Dedup: estimated Jaccard similarity (MinHash over word 3-shingles) from which two texts are near-duplicates. */
export const DEDUP_NEAR_THRESHOLD = 0.8;

/**
 * Dedup: cosine similarity of bi-encoder embeddings from which two texts are semantic duplicates.
 * Precision first, since matches lead to moving files: on 1,500 labelled MRPC + STS pairs
 * written as files (bench/dedup-quality.ts, built-in model) the threshold that reaches
 * precision 0.8 on one half is 0.90-0.92, and 0.9 gives P 0.785 / R 0.327 on the other half.
 * The best-F1 cut (0.65-0.72, unstable between halves) merged 36% of clearly unrelated STS
 * pairs (gold < 3) in a full scan.
 */
export const DEDUP_SEMANTIC_THRESHOLD = 0.9;

/**
 * Dedup: half-width of the band around the semantic threshold whose candidates the cross-encoder
 * re-scores (when one is given): [semantic - band, semantic + band). Above the band a match is
 * accepted on the bi-encoder alone; below it, it is not a candidate.
 */
export const DEDUP_CROSS_BAND = 0.05;

/**
 * Dedup: cross-encoder score (0..1) from which a borderline candidate is accepted. Stricter than
 * the paraphrase check's because a match can lead to moving a file. At 0.5 the band accepted
 * every candidate it scored (1,501 of 1,501 in bench/dedup-quality.ts), i.e. a plain cosine cut
 * at 0.85; at 0.9 the held-out half gave P 0.725 / R 0.383 against 0.657 / 0.508.
 */
export const DEDUP_CROSS_THRESHOLD = 0.9;
