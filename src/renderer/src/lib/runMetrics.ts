/**
 * Reading a training run for people: loss curves, per-cycle numbers, what was chosen and
 * whether the new model is better than the one the run started from. Pure functions over the
 * API's RunDetails, so every view tells the same story.
 */
import type { BaseDescription, RunDetails, RunSettings, TrainRunResult } from '../../../shared/api';

export type { BaseDescription };

export type LossPhase = 'bi->cross' | 'cross->bi';
export const LOSS_PHASES: readonly LossPhase[] = ['bi->cross', 'cross->bi'];

export interface LossPoint {
  /** Optimisation step over the whole run (1-based). */
  step: number;
  phase: LossPhase;
  loss: number;
}

type Metric = RunDetails['metrics'][number];

function isPhase(x: unknown): x is LossPhase {
  return x === 'bi->cross' || x === 'cross->bi';
}

/**
 * Loss points of a run in step order, one per (phase, step): a run resumed after a crash redoes
 * the steps after its last checkpoint, and the later value is the one the model kept.
 */
export function lossPoints(metrics: readonly Metric[]): LossPoint[] {
  const byKey = new Map<string, LossPoint>();
  for (const m of metrics) {
    if (m.name !== 'loss' || !isPhase(m.stage) || m.step === null || m.value === null || !Number.isFinite(m.value)) continue;
    byKey.set(`${m.stage}|${m.step}`, { step: m.step, phase: m.stage, loss: m.value });
  }
  return sortPoints([...byKey.values()]);
}

/** Stored points and points seen live; a live point for the same (phase, step) wins. */
export function mergeLossPoints(stored: readonly LossPoint[], live: readonly LossPoint[]): LossPoint[] {
  const byKey = new Map<string, LossPoint>();
  for (const p of [...stored, ...live]) byKey.set(`${p.phase}|${p.step}`, p);
  return sortPoints([...byKey.values()]);
}

function sortPoints(points: LossPoint[]): LossPoint[] {
  return points.sort((a, b) => a.step - b.step || a.phase.localeCompare(b.phase));
}

export interface CycleRow {
  cycle: number;
  /** Spearman between bi- and cross-encoder scores of held-out pairs. */
  agreement: number | null;
  /** Score of this cycle's bi-encoder on the user's labelled pairs. */
  userScore: number | null;
  meanLossBiToCross: number | null;
  meanLossCrossToBi: number | null;
}

export function cycleRows(metrics: readonly Metric[]): CycleRow[] {
  const rows = new Map<number, CycleRow>();
  for (const m of metrics) {
    if (m.stage !== 'cycle' || m.cycle === null) continue;
    const row = rows.get(m.cycle) ?? { cycle: m.cycle, agreement: null, userScore: null, meanLossBiToCross: null, meanLossCrossToBi: null };
    const v = m.value !== null && Number.isFinite(m.value) ? m.value : null;
    if (m.name === 'heldout_agreement') row.agreement = v;
    else if (m.name === 'user_labels_score') row.userScore = v;
    else if (m.name === 'mean_loss_bi_to_cross') row.meanLossBiToCross = v;
    else if (m.name === 'mean_loss_cross_to_bi') row.meanLossCrossToBi = v;
    rows.set(m.cycle, row);
  }
  return [...rows.values()].sort((a, b) => a.cycle - b.cycle);
}

export function pairCounts(metrics: readonly Metric[]): { train: number | null; heldOut: number | null } {
  const last = (name: string) => metrics.filter((m) => m.stage === 'pairs' && m.name === name).at(-1)?.value ?? null;
  return { train: last('train_pairs'), heldOut: last('heldout_pairs') };
}

/** The result of a finished run, as the API types it. */
export type RunResult = TrainRunResult;

export interface RunSpec {
  preset: string | null;
  cycles: number | null;
  maxPairs: number | null;
  batchBiToCross: number | null;
  batchCrossToBi: number | null;
  epochsCrossToBi: number | null;
  bases: BaseDescription[];
  source: { kind: 'pairs' | 'texts'; count: number } | null;
  userLabels: { count: number; scale: 'binary' | '0-5' } | null;
}

/** What the run was asked to do, from its stored settings (null: settings the engine could not read). */
export function runSpec(settings: RunSettings | null): RunSpec {
  if (!settings) {
    return {
      preset: null,
      cycles: null,
      maxPairs: null,
      batchBiToCross: null,
      batchCrossToBi: null,
      epochsCrossToBi: null,
      bases: [],
      source: null,
      userLabels: null,
    };
  }
  const t = settings.settings;
  return {
    preset: settings.preset,
    cycles: t.cycles,
    maxPairs: t.maxPairs,
    batchBiToCross: t.biToCross.batchSize,
    batchCrossToBi: t.crossToBi.batchSize,
    epochsCrossToBi: t.crossToBi.epochs,
    bases: settings.bases,
    source: settings.source,
    userLabels: settings.userLabels && settings.userLabels.count > 0 ? settings.userLabels : null,
  };
}

export function describeBase(b: BaseDescription): string {
  return b.kind === 'builtin' ? 'Built-in USE lite' : `Hugging Face model in ${b.dir}`;
}

export interface Judgement {
  /** measured: the user's labels say; indication: only the label-free agreement; pending: no result yet. */
  kind: 'measured' | 'indication' | 'pending';
  answer: 'better' | 'worse' | 'same' | 'unknown';
  headline: string;
  details: string[];
}

/** Differences smaller than this are noise for a rank correlation on a few dozen pairs. */
const SAME_WITHIN = 0.005;

/**
 * "Is the new model better than the one I started with?", as far as the run can say. Only the
 * user's labelled pairs measure it; without them the held-out agreement between the run's own
 * bi- and cross-encoder is an indication and is reported as one.
 */
export function judgeRun(result: RunResult | null, rows: readonly CycleRow[], spec: RunSpec, heldOut: number | null): Judgement {
  if (!result) {
    return { kind: 'pending', answer: 'unknown', headline: 'No answer yet: the run has not finished.', details: [] };
  }
  const chosen = result.selection.cycle;
  const chosenRow = rows.find((r) => r.cycle === chosen);
  const after = chosenRow?.userScore ?? result.cycles.find((c) => c.cycle === chosen)?.userScore ?? null;
  const before = result.startUserScore;
  if (before !== null && after !== null) {
    const metric = spec.userLabels?.scale === 'binary' ? 'ROC-AUC' : 'Spearman correlation';
    const on = spec.userLabels ? `your ${spec.userLabels.count} labelled pairs` : 'your labelled pairs';
    const delta = after - before;
    const answer = delta > SAME_WITHIN ? 'better' : delta < -SAME_WITHIN ? 'worse' : 'same';
    const headline =
      answer === 'better'
        ? `Yes: on ${on} the new model scores ${after.toFixed(3)}, the model you started with ${before.toFixed(3)}.`
        : answer === 'worse'
          ? `No: on ${on} the new model scores ${after.toFixed(3)}, lower than the ${before.toFixed(3)} of the model you started with.`
          : `About the same: on ${on} the new model scores ${after.toFixed(3)}, the model you started with ${before.toFixed(3)}.`;
    return {
      kind: 'measured',
      answer,
      headline,
      details: [`Measured with ${metric} against your labels (1 is perfect). Labelled pairs are few, so small differences may be chance.`],
    };
  }
  const c = result.comparison;
  if (c) {
    const pct = (x: number) => `${Math.round(100 * x)}%`;
    const on = `${heldOut ?? 'the'} held-out pairs the run never trained on`;
    const headline =
      c.verdict === 'better'
        ? `Estimated without labels: better. Cycle ${chosen}'s bi-encoder agrees more with the run's strongest judge of pairs than the model you started with (${c.chosenValue.toFixed(3)} against ${c.startValue.toFixed(3)} on ${on}).`
        : c.verdict === 'worse'
          ? `Estimated without labels: worse. Cycle ${chosen}'s bi-encoder agrees less with the run's strongest judge of pairs than the model you started with (${c.chosenValue.toFixed(3)} against ${c.startValue.toFixed(3)} on ${on}). Keep using the model you started with.`
          : `Estimated without labels: about the same as the model you started with (${c.chosenValue.toFixed(3)} against ${c.startValue.toFixed(3)} on ${on}; the difference could be chance).`;
    return {
      kind: 'indication',
      answer: c.verdict,
      headline,
      details: [
        `The judge is the last cycle's cross-encoder together with the run's other evidence (token alignment, word vectors), which reads both texts at once. Cycle ${chosen} came out ahead of the start in ${pct(c.confidence)} of 200 resamples of those pairs.`,
        ...(heldOut !== null && heldOut < 30
          ? [`With only ${heldOut} held-out pairs this moves a lot by chance; a run on more text gives a steadier answer.`]
          : []),
        'It is an estimate, not a measurement: to be sure, check a few pairs whose answer you know (Check), or give the run labelled pairs.',
      ],
    };
  }
  const agreements = rows.filter((r) => r.agreement !== null).map((r) => `cycle ${r.cycle}: ${r.agreement!.toFixed(3)}`);
  const details = [
    agreements.length
      ? `Held-out agreement between the run's bi-encoder and cross-encoder (Spearman, 1 = they rank the pairs identically) on ${heldOut ?? 'a few'} pairs the run never trained on — ${agreements.join(', ')}.`
      : 'There was no held-out agreement to report (too few held-out pairs).',
    ...(heldOut !== null && heldOut < 30
      ? [`With only ${heldOut} held-out pairs this figure moves a lot by chance; a run on more text gives a steadier one.`]
      : []),
    'High agreement suggests the two models learned something consistent. It is an indication, not a measurement: both models can agree and still be wrong, and the model you started with has no agreement figure to compare with.',
    'To find out, check a few pairs whose answer you know with the new model and with the built-in one (Check).',
  ];
  return {
    kind: 'indication',
    answer: 'unknown',
    headline: 'This run cannot measure it: it had no labelled pairs to compare the new model with the one you started with.',
    details,
  };
}

export function describeRule(result: RunResult, heldOut: number | null, spec: RunSpec): string {
  if (result.selection.rule === 'user-labels') {
    return `Chosen by your labelled pairs${spec.userLabels ? ` (${spec.userLabels.count})` : ''}: the cycle whose bi-encoder scored best on them.`;
  }
  if (result.selection.rule === 'teacher-agreement') {
    return `Chosen without labels: of the model you started with and every cycle, the bi-encoder that agreed most with the run's last cross-encoder and its evidence on ${heldOut ?? 'the'} held-out pairs the run never trained on.`;
  }
  return `Chosen without labels: the cycle whose bi- and cross-encoder agreed most on ${heldOut ?? 'the'} held-out pairs the run never trained on.`;
}
