/**
 * What a training job's snapshot says in training terms. The job API is generic (stage text,
 * done/total, message), so the cycle, phase and loss are read from the texts the training
 * service writes: "cycle 1/2: bi->cross", "loss 0.1234".
 */
import type { JobSnapshot } from '../../../shared/api';
import type { LossPhase, LossPoint } from './runMetrics';

export interface TrainJobView {
  cycle: number | null;
  cycles: number | null;
  phase: LossPhase | null;
  loss: number | null;
  /** Which sentence for people says what the stage does (the catalogue's `jobs.explain`). */
  explanation: TrainExplanation | null;
}

export type TrainExplanation = 'bi->cross' | 'cross->bi' | 'scoring' | 'mining' | 'starting';

export function readTrainJob(job: Pick<JobSnapshot, 'stage' | 'message'>): TrainJobView {
  const cycleMatch = /cycle (\d+)(?:\/(\d+))?/.exec(job.stage);
  const phaseMatch = /(bi->cross|cross->bi)/.exec(job.stage);
  const lossMatch = /loss (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i.exec(job.message ?? '');
  const phase: LossPhase | null = phaseMatch?.[1] === 'bi->cross' || phaseMatch?.[1] === 'cross->bi' ? phaseMatch[1] : null;
  let explanation: TrainExplanation | null = null;
  if (phase) explanation = phase;
  else if (/scoring pairs/.test(job.stage)) explanation = 'scoring';
  else if (/mining pairs/.test(job.stage)) explanation = 'mining';
  else if (job.stage === 'starting') explanation = 'starting';
  return {
    cycle: cycleMatch ? Number(cycleMatch[1]) : null,
    cycles: cycleMatch?.[2] ? Number(cycleMatch[2]) : null,
    phase,
    loss: lossMatch ? Number(lossMatch[1]) : null,
    explanation,
  };
}

/** The loss point a running job's snapshot reports, if it reports one. */
export function livePoint(job: JobSnapshot): LossPoint | null {
  const v = readTrainJob(job);
  if (v.phase === null || v.loss === null || !Number.isFinite(v.loss) || job.done <= 0) return null;
  return { step: job.done, phase: v.phase, loss: v.loss };
}
