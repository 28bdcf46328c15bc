/**
 * Default decision thresholds for "is this a paraphrase?". The bi-encoder value is the
 * best-F1 cosine of the built-in model on MRPC train (bench/paraphrase-mrpc.ts recomputes it);
 * the cross-encoder outputs a probability, so 0.5.
 */
export const DEFAULT_BI_THRESHOLD = 0.8;
export const DEFAULT_CROSS_THRESHOLD = 0.5;
