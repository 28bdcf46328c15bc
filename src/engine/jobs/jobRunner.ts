import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { JobKind, JobResults, JobSnapshot, JobSnapshotOf, TrainJobDetail } from '../../shared/api';
import { EtaEstimator } from './etaEstimator';

/** What a job body gets: a cancellation signal and a way to report progress. */
export interface JobContext {
  readonly signal: AbortSignal;
  /** Reports progress; a new `stage` restarts the ETA estimate. Throws if the job was cancelled. */
  progress(update: { stage?: string; done?: number; total?: number | null; message?: string | null; detail?: TrainJobDetail }): void;
  /** Throws a CancelledError if cancellation was requested; call it between units of work. */
  throwIfCancelled(): void;
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled by the user');
    this.name = 'CancelledError';
  }
}

export interface JobPersistence {
  save(job: JobSnapshot): void | Promise<void>;
}

/** Events are throttled so a fast loop does not flood the user interface. */
const EMIT_INTERVAL_MS = 100;

/**
 * Runs long operations in the background, one record per job, streaming snapshots
 * (stage, done/total, ETA) as `job` events and honouring cancellation.
 */
export class JobRunner extends EventEmitter {
  private readonly jobs = new Map<string, { snapshot: JobSnapshot; controller: AbortController; finished: Promise<void> }>();

  constructor(private readonly persistence?: JobPersistence) {
    super();
  }

  start<K extends JobKind>(kind: K, body: (ctx: JobContext) => Promise<JobResults[K]>): JobSnapshot {
    const id = randomUUID();
    const controller = new AbortController();
    const now = Date.now();
    const typed: JobSnapshotOf<K> = {
      id,
      kind,
      status: 'running',
      stage: 'starting',
      done: 0,
      total: null,
      etaSeconds: null,
      message: null,
      error: null,
      result: null,
      startedAt: now,
      updatedAt: now,
    };
    // start()'s signature ties the result to the kind; TypeScript cannot see that a generic
    // JobSnapshotOf<K> is a member of the JobSnapshot union, so it is widened once here.
    const snapshot = typed as JobSnapshot;
    const eta = new EtaEstimator();
    let lastEmit = 0;
    const emit = (force = false) => {
      const t = Date.now();
      snapshot.updatedAt = t;
      if (!force && t - lastEmit < EMIT_INTERVAL_MS) return;
      lastEmit = t;
      const copy = { ...snapshot };
      this.emit('job', copy);
      void Promise.resolve(this.persistence?.save(copy)).catch(() => undefined);
    };
    const ctx: JobContext = {
      signal: controller.signal,
      throwIfCancelled() {
        if (controller.signal.aborted) throw new CancelledError();
      },
      progress(update) {
        if (controller.signal.aborted) throw new CancelledError();
        if (update.stage !== undefined && update.stage !== snapshot.stage) {
          snapshot.stage = update.stage;
          eta.reset(update.done ?? 0);
          emit(true);
        }
        if (update.total !== undefined) snapshot.total = update.total;
        if (update.done !== undefined) snapshot.done = update.done;
        if (update.message !== undefined) snapshot.message = update.message;
        if (update.detail !== undefined) snapshot.detail = update.detail;
        snapshot.etaSeconds = eta.update(snapshot.done, snapshot.total);
        emit();
      },
    };
    emit(true);
    const finished = (async () => {
      // Yield once so the caller gets the job id before any work happens.
      await new Promise((r) => setImmediate(r));
      try {
        if (controller.signal.aborted) throw new CancelledError();
        typed.result = await body(ctx);
        snapshot.status = 'done';
        snapshot.stage = 'done';
        snapshot.etaSeconds = 0;
      } catch (err) {
        if (err instanceof CancelledError || controller.signal.aborted) {
          snapshot.status = 'cancelled';
          snapshot.message = 'Cancelled by the user';
        } else {
          snapshot.status = 'failed';
          snapshot.error = err instanceof Error ? err.message : String(err);
        }
        snapshot.etaSeconds = null;
      }
      emit(true);
    })();
    this.jobs.set(id, { snapshot, controller, finished });
    return { ...snapshot };
  }

  get(id: string): JobSnapshot | undefined {
    const j = this.jobs.get(id);
    return j ? { ...j.snapshot } : undefined;
  }

  list(): JobSnapshot[] {
    return [...this.jobs.values()].map((j) => ({ ...j.snapshot })).sort((a, b) => b.startedAt - a.startedAt);
  }

  cancel(id: string): JobSnapshot | undefined {
    const j = this.jobs.get(id);
    if (!j) return undefined;
    if (j.snapshot.status === 'running') j.controller.abort();
    return { ...j.snapshot };
  }

  /** Resolves when the job has ended (any status). */
  async wait(id: string): Promise<JobSnapshot | undefined> {
    const j = this.jobs.get(id);
    if (!j) return undefined;
    await j.finished;
    return { ...j.snapshot };
  }

  /** Cancels every running job and waits for them to end (used on shutdown). */
  async shutdown(): Promise<void> {
    for (const j of this.jobs.values()) if (j.snapshot.status === 'running') j.controller.abort();
    await Promise.all([...this.jobs.values()].map((j) => j.finished));
  }
}
