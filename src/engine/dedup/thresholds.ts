/**
 * Default settings of the deduplication layers. Every threshold is a similarity the user can
 * move in the interface; these are starting points, to be calibrated on labelled pairs with
 * `calibrateThreshold` (calibrate.ts).
 */

import type { DedupThresholds } from '../../shared/api';
import { DEDUP_CROSS_BAND, DEDUP_CROSS_THRESHOLD, DEDUP_NEAR_THRESHOLD, DEDUP_SEMANTIC_THRESHOLD } from '../../shared/thresholds';

// The thresholds a user sees and moves are defined once, in src/shared/thresholds.ts.
export const DEFAULT_NEAR_THRESHOLD = DEDUP_NEAR_THRESHOLD;
export const DEFAULT_SEMANTIC_THRESHOLD = DEDUP_SEMANTIC_THRESHOLD;
export const DEFAULT_CROSS_BAND = DEDUP_CROSS_BAND;

/**
 * Share of a document's passages (by characters) that must have a passage with a semantic
 * match (cosine ≥ the semantic threshold) in the kept document for it to be a semantic
 * duplicate of it, when either has several passages (the kept one may hold more). Whole-document vectors of one genre are all alike
 * (830 distinct licence notices formed one group at cosine ≥ 0.9); passage coverage tells
 * the same text from another text of the same kind.
 */
export const DEFAULT_PASSAGE_COVERAGE = 0.8;

/**
 * For two documents whose whole-text vectors reach the semantic threshold: a passage also counts
 * as matched when it and its best match on the other side are each other's best at this cosine
 * or more (a document reworded passage by passage). Paragraphs of 2-4 sentences each replaced by
 * its STS / MRPC paraphrase reach 0.68-0.96 with their original (median 0.88), so at cosine
 * ≥ 0.9 alone 40% of them matched and paraphrased documents never held (bench/dedup-scale.ts:
 * 2 of 84 found).
 */
export const DEFAULT_PASSAGE_MUTUAL = 0.8;

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
 * Above this many distinct passages the folder-wide passage-level near and semantic layers are
 * skipped (their signatures and vectors must sit in memory together); exact passage matching
 * still runs. The limit is for memory and applies to what is held: with a candidate stage the
 * candidates' passages (those the bi-encoder reads) keep their vectors up to this many, so file
 * matches between long documents still get passage coverage and evidence (scan/embed.ts).
 */
export const DEFAULT_MAX_PASSAGES_FOR_FUZZY = 300_000;

export type { DedupThresholds };

export const DEFAULT_THRESHOLDS: Readonly<DedupThresholds> = Object.freeze({
  near: DEFAULT_NEAR_THRESHOLD,
  semantic: DEFAULT_SEMANTIC_THRESHOLD,
  crossBand: DEFAULT_CROSS_BAND,
  cross: DEDUP_CROSS_THRESHOLD,
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
