/**
 * Engine texts a person reads, in the app's language: job errors (JobSnapshot.error and a run's
 * stored error carry English text, not codes, so the known ones are recognised here), the
 * reasons files were skipped, and the stages of a training job. Unknown texts are shown as they
 * are, so nothing is ever hidden.
 */
import type { Messages } from '../../i18n/en';
import type { SkipReasonCode } from '../../../../shared/shellApi';
import { formatCount } from '../format';

/** A job's or run's error for people; null when there is none. */
export function jobErrorText(error: string | null | undefined, m: Messages): string | null {
  if (!error) return null;
  const j = m.shell.errors.job;
  if (/^Interrupted: the app stopped/i.test(error)) return j.interrupted;
  if (/^Paused by the user/i.test(error)) return j.paused;
  if (/^Cancelled by the user/i.test(error)) return j.cancelled;
  if (/training worker stopped without finishing/i.test(error)) return m.shell.errors.withDetail(j.workerStopped, error);
  const few = /^The corpus has (\d+) usable sentence/.exec(error);
  if (few) return j.tooFewSentences(few[1]!);
  return error;
}

/**
 * Why a file was skipped, in the app's language: from the engine's code (issue 13) when it sent
 * one, else the reader's English reason as it is (an older engine, or a reason without a code).
 */
export function skipReasonText(reason: string | null | undefined, code: SkipReasonCode | null | undefined, m: Messages): string {
  const r = reason ?? '';
  if (!code || code.code === 'other') return r || m.format.dash;
  return m.shell.errors.skipReason(code, r);
}

/** The stage of a training job in plain words ("cycle 1/2: bi->cross" -> what it does). */
export function trainStageText(stage: string, m: Messages): string {
  const t = m.shell.train.stages;
  if (/bi->cross/.test(stage) && !/scoring/.test(stage)) return t['bi->cross']!;
  if (/cross->bi/.test(stage) && !/scoring/.test(stage)) return t['cross->bi']!;
  if (/^starting/.test(stage)) return t.starting!;
  if (/mining pairs/.test(stage)) return t.mining!;
  if (/SimCSE/i.test(stage)) return t.simcse!;
  if (/scoring/.test(stage)) return t.scoring!;
  if (/evaluat|held-out/.test(stage)) return t.evaluating!;
  if (/saving/.test(stage)) return t.saving!;
  return stage;
}

/**
 * A job's stage in the app's language: the stages the engine names (reading a folder, a duplicate
 * scan, comparing models, the start and the end), else the text as the engine wrote it.
 */
export function jobStageText(stage: string, m: Messages): string {
  const j = m.jobs;
  const known = j.stage[stage];
  if (known) return known;
  const withModel = /^scoring (\d+) pairs with model (\d+) of (\d+)$/.exec(stage);
  if (withModel) return j.scoringWithModel(formatCount(Number(withModel[1])), withModel[2]!, withModel[3]!);
  const pairs = /^scoring (\d+) pairs$/.exec(stage);
  if (pairs) return j.scoringPairs(formatCount(Number(pairs[1])));
  return stage;
}

/** A job's note ("passages", "neighbours") in the app's language; other notes as written. */
export function jobNoteText(note: string, m: Messages): string {
  return m.jobs.note[note] ?? note;
}
