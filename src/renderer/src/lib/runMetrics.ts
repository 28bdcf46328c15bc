/**
 * Reading a training run for people: loss curves, per-cycle numbers, what was chosen and
 * whether the new model is better than the one the run started from. Pure functions over the
 * API's RunDetails, so every view tells the same story.
 */
import type { BaseDescription, RunDetails, RunSettings, TrainRunResult } from '../../../shared/api';
import { runOutcomeEn } from '../i18n/sections/runOutcome.en';

type RunOutcomeMessages = typeof runOutcomeEn;

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

export function describeBase(b: BaseDescription, t: RunOutcomeMessages = runOutcomeEn): string {
  if (b.kind === 'builtin') return (b as { name?: string }).name === 'glove' ? t.baseGlove : t.baseBuiltin;
  return t.baseHf(b.dir);
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
export function judgeRun(
  result: RunResult | null,
  rows: readonly CycleRow[],
  spec: RunSpec,
  heldOut: number | null,
  t: RunOutcomeMessages = runOutcomeEn,
): Judgement {
  if (!result) {
    return { kind: 'pending', answer: 'unknown', headline: t.pending, details: [] };
  }
  const chosen = result.selection.cycle;
  const chosenRow = rows.find((r) => r.cycle === chosen);
  const after = chosenRow?.userScore ?? result.cycles.find((c) => c.cycle === chosen)?.userScore ?? null;
  const before = result.startUserScore;
  if (before !== null && after !== null) {
    const metric = spec.userLabels?.scale === 'binary' ? t.metricRoc : t.metricSpearman;
    const on = t.onLabels(spec.userLabels ? spec.userLabels.count : null);
    const delta = after - before;
    const answer = delta > SAME_WITHIN ? 'better' : delta < -SAME_WITHIN ? 'worse' : 'same';
    const say = answer === 'better' ? t.measuredBetter : answer === 'worse' ? t.measuredWorse : t.measuredSame;
    return { kind: 'measured', answer, headline: say(on, after.toFixed(3), before.toFixed(3)), details: [t.measuredDetail(metric)] };
  }
  const c = result.comparison;
  if (c) {
    const pct = (x: number) => `${Math.round(100 * x)}%`;
    const on = t.heldOutOn(heldOut);
    const [chosenValue, startValue] = [c.chosenValue.toFixed(3), c.startValue.toFixed(3)];
    const headline =
      c.verdict === 'better'
        ? t.estBetter(chosen, chosenValue, startValue, on)
        : c.verdict === 'worse'
          ? t.estWorse(chosen, chosenValue, startValue, on)
          : result.handBack?.which === 'start'
            ? t.estSameKeepStart(chosen, chosenValue, startValue, on)
            : t.estSame(chosenValue, startValue, on);
    return {
      kind: 'indication',
      answer: c.verdict,
      headline,
      details: [t.judgeDetail(chosen, pct(c.confidence)), ...(heldOut !== null && heldOut < 30 ? [t.fewHeldOutVerdict(heldOut)] : []), t.estimateNote],
    };
  }
  const agreements = rows.filter((r) => r.agreement !== null).map((r) => t.agreementItem(r.cycle, r.agreement!.toFixed(3)));
  const details = [
    agreements.length ? t.agreementDetail(heldOut, agreements.join(', ')) : t.noAgreement,
    ...(heldOut !== null && heldOut < 30 ? [t.fewHeldOutFigure(heldOut)] : []),
    t.highAgreement,
    t.toFindOut,
  ];
  return { kind: 'indication', answer: 'unknown', headline: t.cannotMeasure, details };
}

export function describeRule(result: RunResult, heldOut: number | null, spec: RunSpec, t: RunOutcomeMessages = runOutcomeEn): string {
  if (result.selection.rule === 'user-labels') return t.ruleLabels(spec.userLabels ? spec.userLabels.count : null);
  if (result.selection.rule === 'teacher-agreement') return t.ruleTeacher(t.heldOutOn(heldOut));
  return t.ruleAgreement(t.heldOutOn(heldOut));
}
