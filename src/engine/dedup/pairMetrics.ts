/**
 * Pair-level quality figures of a deduplication scan: a labelled pair of files counts as
 * "found" when both files ended up in the same file-level cluster. Used by
 * bench/dedup-quality.ts; pure, no store access.
 */
import { rankByScore } from './calibrate';

export interface PairConfusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  n: number;
  /** tp / (tp + fp); NaN when nothing was predicted duplicate. */
  precision: number;
  /** tp / (tp + fn); NaN when no pair is labelled duplicate. */
  recall: number;
  /** Harmonic mean of precision and recall; NaN when either is NaN, 0 when both are 0. */
  f1: number;
}

/** Confusion counts and precision / recall / F1 of binary predictions against labels. */
export function scorePairs(predicted: readonly boolean[], actual: readonly boolean[]): PairConfusion {
  if (predicted.length !== actual.length) throw new RangeError(`${predicted.length} predictions but ${actual.length} labels`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i]) {
      if (actual[i]) tp++;
      else fp++;
    } else if (actual[i]) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : NaN;
  const recall = tp + fn > 0 ? tp / (tp + fn) : NaN;
  const f1 = Number.isNaN(precision) || Number.isNaN(recall) ? NaN : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, tn, n: predicted.length, precision, recall, f1 };
}

/** The parts of a stored cluster this module needs (see store `Cluster`). */
export interface ClusterLike {
  layer: string;
  members: readonly { documentId: number; passageId: number | null }[];
}

export interface FileClusterIndex {
  /** Document id → index of its file-level cluster in the list given. */
  clusterOf: Map<number, number>;
  /** Layer of each cluster by list index (only file-level clusters are set). */
  layerOf: Map<number, string>;
}

/**
 * Which file-level cluster each document is in. Passage-level clusters (any member with a
 * passage id) are ignored: they link passages, not whole files. A document listed in two
 * file-level clusters is an error (the scan makes disjoint clusters).
 */
export function indexFileClusters(clusters: readonly ClusterLike[]): FileClusterIndex {
  const clusterOf = new Map<number, number>();
  const layerOf = new Map<number, string>();
  clusters.forEach((c, ci) => {
    if (c.members.some((m) => m.passageId != null)) return;
    layerOf.set(ci, c.layer);
    for (const m of c.members) {
      const prev = clusterOf.get(m.documentId);
      if (prev !== undefined && prev !== ci) throw new Error(`document ${m.documentId} is in file clusters ${prev} and ${ci}`);
      clusterOf.set(m.documentId, ci);
    }
  });
  return { clusterOf, layerOf };
}

/** True when both documents are in the same file-level cluster. */
export function inSameCluster(index: FileClusterIndex, a: number, b: number): boolean {
  if (a === b) return true;
  const ca = index.clusterOf.get(a);
  return ca !== undefined && ca === index.clusterOf.get(b);
}

/** The layer of the cluster holding both documents, or null when they are not clustered together. */
export function sharedClusterLayer(index: FileClusterIndex, a: number, b: number): string | null {
  if (!inSameCluster(index, a, b)) return null;
  const c = index.clusterOf.get(a);
  return c === undefined ? null : (index.layerOf.get(c) ?? null);
}

export interface PrecisionTargetThreshold {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Pairs used (finite scores). */
  n: number;
}

/**
 * The lowest threshold ("score ≥ threshold" predicts duplicate) whose precision on these pairs
 * is at least `minPrecision`, i.e. the most recall for that precision. Cuts lie between distinct
 * scores; the threshold is halfway between the cut and the next lower score, as in
 * calibrateThresholdDetailed (calibrate.ts). Null when no cut reaches the precision or no pair
 * is a duplicate.
 */
export function thresholdForPrecision(scores: readonly number[], labels: readonly (boolean | number)[], minPrecision: number): PrecisionTargetThreshold | null {
  const { items, positives } = rankByScore(scores, labels);
  if (positives === 0) return null;
  let tp = 0;
  let fp = 0;
  let best: PrecisionTargetThreshold | null = null;
  for (let i = 0; i < items.length; i++) {
    if (items[i].y) tp++;
    else fp++;
    if (i + 1 < items.length && items[i + 1].s === items[i].s) continue;
    const precision = tp / (tp + fp);
    if (precision < minPrecision || tp === 0) continue;
    const recall = tp / positives;
    // Going down the list recall only grows, so the last cut that qualifies is the one wanted.
    const next = i + 1 < items.length ? items[i + 1].s : items[i].s;
    best = { threshold: (items[i].s + next) / 2, precision, recall, f1: (2 * precision * recall) / (precision + recall), n: items.length };
  }
  return best;
}
