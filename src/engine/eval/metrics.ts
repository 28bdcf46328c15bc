/** Correlation and classification metrics for scored pairs. */
import { bestF1Cut } from './thresholdSearch';

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`pearson: ${n} scores but ${y.length} labels`);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Ranks from 1, ties get their average rank (as scipy.stats.rankdata). */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]!] === x[order[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]!] = avg;
    i = j + 1;
  }
  return r;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

/** Area under the ROC curve (probability a positive outscores a negative; ties count half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const r = ranks(scores);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! > 0.5) {
      pos++;
      rankSum += r[i]!;
    }
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export interface ThresholdResult {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  accuracy: number;
}

/**
 * The decision threshold (score >= t is positive) with the best F1, and its figures (the search
 * of thresholdSearch.ts). Without a positive label no threshold helps: Infinity, F1 0.
 */
export function bestF1Threshold(scores: ArrayLike<number>, labels: ArrayLike<number>): ThresholdResult {
  const cut = bestF1Cut(scores, labels);
  if (!cut) return { threshold: Infinity, f1: 0, precision: 0, recall: 0, accuracy: scores.length ? 1 : 0 };
  return { threshold: cut.threshold, f1: cut.f1, precision: cut.precision, recall: cut.recall, accuracy: cut.accuracy };
}

/** Precision, recall and F1 of predictions (score >= threshold) against binary labels. */
export function classificationAt(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const pred = scores[i]! >= threshold;
    const pos = labels[i]! > 0.5;
    if (pred && pos) tp++;
    else if (pred) fp++;
    else if (pos) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, tp, fp, fn };
}
