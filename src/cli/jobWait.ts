/**
 * Waiting for a long job the way any client does: its events, `jobs.get` for a job that ended
 * before we listened, `jobs.cancel` on Ctrl-C. No reach into the engine's job runner.
 */
import type { EventEmitter } from 'node:events';
import type { EngineEvent, JobSnapshot, MethodInput, MethodName, MethodOutput } from '../shared/api';

export interface ApiClientLike {
  invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  readonly events: EventEmitter;
}

export function waitForJob(engine: ApiClientLike, jobId: string, onProgress: (job: JobSnapshot) => void = () => undefined): Promise<JobSnapshot> {
  return new Promise<JobSnapshot>((resolve, reject) => {
    let settled = false;
    const cancel = () => void engine.invoke('jobs.cancel', { jobId }).catch(() => undefined);
    const finish = (job: JobSnapshot) => {
      if (settled) return;
      settled = true;
      engine.events.off('event', onEvent);
      process.off('SIGINT', cancel);
      resolve(job);
    };
    const onEvent = (e: EngineEvent) => {
      if (e.job.id !== jobId) return;
      onProgress(e.job);
      if (e.job.status !== 'running') finish(e.job);
    };
    engine.events.on('event', onEvent);
    process.once('SIGINT', cancel);
    engine.invoke('jobs.get', { jobId }).then(
      (job) => job.status !== 'running' && finish(job),
      (err: unknown) => {
        if (settled) return;
        settled = true;
        engine.events.off('event', onEvent);
        process.off('SIGINT', cancel);
        reject(err);
      },
    );
  });
}
