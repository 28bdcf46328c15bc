/**
 * Groups of similar pairs, label-free, for the residual teacher (settings.teacher.residual):
 * pairs of about the same length and about the same model score. Evidence that sits higher or
 * lower than the model on a whole group (token alignment and SIF read short video captions as
 * closer, and long translated sentences as further apart, than USE lite does) would move that
 * group's pairs against every other group's; within a group it can only reorder them.
 */
import type { PairList } from '../scoring';

// A word, or one CJK character (those scripts write no spaces between words).
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}]+/gu;

/** Per pair: the mean word count of its two texts. */
export function pairLengths(pairs: PairList): Float32Array {
  const count = (t: string) => t.match(WORD)?.length ?? 0;
  return Float32Array.from(pairs.a, (a, i) => (count(a) + count(pairs.b[i]!)) / 2);
}

/** Per value: its quantile bin, 0..bins-1 (equal values share a bin). */
export function quantileBins(values: ArrayLike<number>, bins: number): Int32Array {
  const sorted = Float32Array.from(values).sort();
  const cuts: number[] = [];
  for (let j = 1; j < bins; j++) cuts.push(sorted[Math.floor((j * sorted.length) / bins)]!);
  return Int32Array.from(values as ArrayLike<number> & Iterable<number>, (v) => {
    let b = 0;
    while (b < cuts.length && v >= cuts[b]!) b++;
    return b;
  });
}

/** Length deciles x model-score quintiles: one cell id per pair. */
export function pairCells(lengths: ArrayLike<number>, modelScores: ArrayLike<number>, lengthBins = 10, scoreBins = 5): Int32Array {
  if (lengths.length !== modelScores.length) throw new RangeError(`lengths for ${lengths.length} pairs, model scores for ${modelScores.length}`);
  const l = quantileBins(lengths, lengthBins);
  const s = quantileBins(modelScores, scoreBins);
  return Int32Array.from(l, (b, i) => b * scoreBins + s[i]!);
}

/** z minus, per cell, the cell's mean of (z - reference): z's offset from the reference on each cell is removed. */
export function residualWithinCells(z: Float32Array, reference: Float32Array, cells: Int32Array): Float32Array {
  const sum = new Map<number, number>();
  const count = new Map<number, number>();
  for (let i = 0; i < z.length; i++) {
    sum.set(cells[i]!, (sum.get(cells[i]!) ?? 0) + z[i]! - reference[i]!);
    count.set(cells[i]!, (count.get(cells[i]!) ?? 0) + 1);
  }
  return Float32Array.from(z, (v, i) => v - sum.get(cells[i]!)! / count.get(cells[i]!)!);
}
