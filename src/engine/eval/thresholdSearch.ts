/**
 * The one best-F1 threshold search, for paraphrase evaluation (eval) and duplicate calibration
 * (dedup): "score >= threshold" predicts the positive class. Every cut between distinct scores is
 * tried; the threshold returned lies halfway between the chosen cut and the next lower score, so
 * it does not sit on a labelled point. Ties in F1 go to the higher threshold (fewer false positives).
 */

/** A label is positive when it is `true` or a number above 0.5 (1 of 0/1 labels). */
export function isPositive(label: boolean | number): boolean {
  return label === true || (typeof label === 'number' && label > 0.5);
}

/** Finite scores with their labels, highest score first, and the number of positives. */
export function rankByScore(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): { items: { s: number; y: boolean }[]; positives: number } {
  if (scores.length !== labels.length) throw new RangeError(`${scores.length} scores but ${labels.length} labels`);
  const items = Array.from(scores, (s, i) => ({ s, y: isPositive(labels[i]!) }))
    .filter((it) => Number.isFinite(it.s))
    .sort((a, b) => b.s - a.s);
  return { items, positives: items.filter((it) => it.y).length };
}

export interface BestF1Cut {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  /** Share of pairs on the right side of the threshold. */
  accuracy: number;
  /** Pairs used (finite scores) and positives among them. */
  n: number;
  positives: number;
}

/** The best-F1 cut, or null when no pair is positive (no threshold can have an F1 above 0). */
export function bestF1Cut(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): BestF1Cut | null {
  const { items, positives } = rankByScore(scores, labels);
  if (positives === 0) return null;
  const n = items.length;
  let tp = 0;
  let fp = 0;
  let best: BestF1Cut | null = null;
  for (let i = 0; i < n; i++) {
    if (items[i]!.y) tp++;
    else fp++;
    // Only cut between distinct scores: equal scores fall on the same side.
    if (i + 1 < n && items[i + 1]!.s === items[i]!.s) continue;
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    if (!best || f1 > best.f1) {
      const next = i + 1 < n ? items[i + 1]!.s : items[i]!.s;
      const tn = n - positives - fp;
      best = { threshold: (items[i]!.s + next) / 2, f1, precision, recall, accuracy: (tp + tn) / n, n, positives };
    }
  }
  return best;
}
