/**
 * Picking the model of a run without gold scores.
 *
 * Label-free rule ("agreement"): on held-out pairs the run never trained on, score every cycle's
 * bi-encoder and cross-encoder and pick the cycle where the two agree most (Spearman of their
 * scores). Both are trained on each other's labels; where they still agree on unseen pairs,
 * the pair of models has learned something consistent rather than fitting noise. Where the user
 * labelled pairs, those decide instead (Spearman for 0-5 labels, ROC-AUC for yes/no).
 */
import { rocAuc, spearman } from '../eval/metrics';

export interface CycleScores {
  cycle: number;
  /** Bi- and cross-encoder scores of the held-out pairs. */
  bi: Float32Array;
  cross: Float32Array;
}

export interface Selection {
  rule: 'agreement' | 'user-labels';
  cycle: number;
  /** Per cycle: the value the rule compared. */
  values: { cycle: number; value: number }[];
}

export function selectByAgreement(cycles: readonly CycleScores[]): Selection {
  const values = cycles.map((c) => ({ cycle: c.cycle, value: spearman(c.bi, c.cross) }));
  return { rule: 'agreement', cycle: bestCycle(values), values };
}

/** The cycle with the highest finite value; the last cycle when none is finite (too few pairs). */
function bestCycle(values: { cycle: number; value: number }[]): number {
  let best: { cycle: number; value: number } | null = null;
  for (const v of values) if (Number.isFinite(v.value) && (!best || v.value > best.value)) best = v;
  return (best ?? values.at(-1)!).cycle;
}

export interface UserLabels {
  labels: Float32Array;
  scale: 'binary' | '0-5';
}

/** Quality of scores against the user's labels: ROC-AUC for yes/no, Spearman for 0-5. */
export function scoreAgainstLabels(scores: ArrayLike<number>, user: UserLabels): number {
  return user.scale === 'binary' ? rocAuc(scores, user.labels) : spearman(scores, user.labels);
}

export function selectByUserLabels(cycles: readonly { cycle: number; bi: Float32Array }[], user: UserLabels): Selection {
  const values = cycles.map((c) => ({ cycle: c.cycle, value: scoreAgainstLabels(c.bi, user) }));
  return { rule: 'user-labels', cycle: bestCycle(values), values };
}
