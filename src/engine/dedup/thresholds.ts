/**
 * Default settings of the deduplication layers. Every threshold is a similarity the user can
 * move in the interface; these are starting points, to be calibrated on labelled pairs with
 * `calibrateThreshold` (calibrate.ts).
 */

/** Estimated Jaccard similarity (MinHash over word 3-shingles) from which two texts are near-duplicates. */
export const DEFAULT_NEAR_THRESHOLD = 0.8;

/**
 * Cosine similarity of bi-encoder embeddings from which two texts are semantic duplicates.
 * Precision first, since matches lead to moving files: on 1,500 labelled MRPC + STS pairs
 * written as files (bench/dedup-quality.ts, built-in model) the threshold that reaches
 * precision 0.8 on one half is 0.90-0.92, and 0.9 gives P 0.785 / R 0.327 on the other half.
 * The best-F1 cut (0.65-0.72, unstable between halves) merged 36% of clearly unrelated STS
 * pairs (gold < 3) in a full scan.
 */
export const DEFAULT_SEMANTIC_THRESHOLD = 0.9;

/**
 * Half-width of the band around the semantic threshold whose candidates the cross-encoder
 * re-scores (when one is given): [semantic - band, semantic + band). Above the band a match is
 * accepted on the bi-encoder alone; below it, it is not a candidate.
 */
export const DEFAULT_CROSS_BAND = 0.05;

/**
 * Cross-encoder score (0..1) from which a borderline candidate is accepted. The engine's
 * cross-encoders score on the cosine's scale (their head starts at sigmoid(logit(cos))), so the
 * band is a second opinion at the semantic threshold. At 0.5 the band accepted every candidate
 * it scored (1,501 of 1,501 in bench/dedup-quality.ts), i.e. a plain cosine cut at 0.85; at
 * 0.9 the held-out half gave P 0.725 / R 0.383 against 0.657 / 0.508.
 */
export const DEFAULT_CROSS_THRESHOLD = 0.9;

/**
 * Share of a document's passages (by characters) that must have a passage with a semantic
 * match (cosine ≥ the semantic threshold) in the kept document for it to be a semantic
 * duplicate of it, when either has several passages (the kept one may hold more). Whole-document vectors of one genre are all alike
 * (830 distinct licence notices formed one group at cosine ≥ 0.9); passage coverage tells
 * the same text from another text of the same kind.
 */
export const DEFAULT_PASSAGE_COVERAGE = 0.8;

/** MinHash permutations per signature. */
export const DEFAULT_NUM_PERM = 128;

/** Words per shingle (for scripts written without spaces, characters per shingle). */
export const DEFAULT_SHINGLE_SIZE = 3;

/** Neighbours looked up per item in the semantic layer (enough to connect clusters through union-find). */
export const DEFAULT_SEMANTIC_K = 10;

/**
 * Below this many items the semantic layer compares every pair exactly (blocked dot products);
 * from it on it uses the approximate index. Measured in bench/dedup-ann-libraries.ts (2 cores,
 * 384-d): all pairs of 5,000 vectors took 6.6 s against 5.3 s to build and query the index
 * (3,000: 2.7 vs 2.2 s), so up to here exactness costs little.
 */
export const EXACT_SEARCH_MAX_ITEMS = 5000;

/** Passages shorter than this (characters) take no part in passage-level matching (headings, "Thanks,"). */
export const DEFAULT_MIN_PASSAGE_CHARS = 40;

/**
 * Above this many distinct passages the passage-level near and semantic layers are skipped
 * (their signatures and vectors must sit in memory together); exact passage matching still runs.
 */
export const DEFAULT_MAX_PASSAGES_FOR_FUZZY = 300_000;

export interface DedupThresholds {
  /** MinHash estimated Jaccard, 0..1. */
  near: number;
  /** Cosine similarity, -1..1 (in practice 0..1). */
  semantic: number;
  /** Half-width of the cross-encoder band around `semantic`. */
  crossBand: number;
  /** Cross-encoder acceptance score, 0..1. */
  cross: number;
}

export const DEFAULT_THRESHOLDS: Readonly<DedupThresholds> = Object.freeze({
  near: DEFAULT_NEAR_THRESHOLD,
  semantic: DEFAULT_SEMANTIC_THRESHOLD,
  crossBand: DEFAULT_CROSS_BAND,
  cross: DEFAULT_CROSS_THRESHOLD,
});

/** Fills in defaults and checks ranges; throws RangeError with the offending name. */
export function resolveThresholds(partial: Partial<DedupThresholds> = {}): DedupThresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...stripUndefined(partial) };
  const check = (name: keyof DedupThresholds, lo: number, hi: number) => {
    const v = t[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
      throw new RangeError(`threshold ${name} must be a number from ${lo} to ${hi}, got ${v}`);
    }
  };
  check('near', 0, 1);
  check('semantic', -1, 1);
  check('crossBand', 0, 1);
  check('cross', 0, 1);
  return t;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
