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
  /** A sentence for people about what the stage does. */
  explanation: string | null;
}

export function readTrainJob(job: Pick<JobSnapshot, 'stage' | 'message'>): TrainJobView {
  const cycleMatch = /cycle (\d+)(?:\/(\d+))?/.exec(job.stage);
  const phaseMatch = /(bi->cross|cross->bi)/.exec(job.stage);
  const lossMatch = /loss (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i.exec(job.message ?? '');
  const phase: LossPhase | null = phaseMatch?.[1] === 'bi->cross' || phaseMatch?.[1] === 'cross->bi' ? phaseMatch[1] : null;
  let explanation: string | null = null;
  if (phase === 'bi->cross') explanation = 'The cross-encoder learns from the bi-encoder’s scores.';
  else if (phase === 'cross->bi') explanation = 'The bi-encoder learns from the cross-encoder’s scores.';
  else if (/scoring pairs/.test(job.stage)) explanation = 'Scoring the training pairs to make the next lesson.';
  else if (/mining pairs/.test(job.stage)) explanation = 'Finding pairs of related sentences in your documents.';
  else if (job.stage === 'starting') explanation = 'Loading the models.';
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
