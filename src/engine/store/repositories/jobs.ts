/** Long operations (indexing, training, scans) and their last reported progress. */
import { randomUUID } from 'node:crypto';
import type { JobSnapshotBase } from '../../../shared/api';

/** A job as stored: its kind and result are whatever an earlier session wrote. */
export type StoredJobSnapshot = JobSnapshotBase & { kind: string; result: unknown };
import type { StoredJob, StoredJobStatus } from '../types';
import { fromJson, iso, page, toJson, type RepoContext } from './common';

interface JobRow {
  id: string;
  kind: string;
  status: StoredJobStatus;
  params_json: string;
  progress_json: string | null;
  result_json: string | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'id, kind, status, params_json, progress_json, result_json, error, created_at, updated_at';

function toJob(r: JobRow): StoredJob {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    params: fromJson(r.params_json),
    progress: fromJson(r.progress_json),
    result: fromJson(r.result_json),
    error: r.error,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export interface JobPatch {
  status?: StoredJobStatus;
  /** Any JSON value; replaces the previous progress. */
  progress?: unknown;
  result?: unknown;
  /** null clears it. */
  error?: string | null;
}

export function jobsRepository({ db, now }: RepoContext) {
  async function get(id: string): Promise<StoredJob | undefined> {
    const row = await db.get<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`, [id]);
    return row && toJob(row);
  }

  return {
    /** Creates a job (queued unless told otherwise) with a fresh UUID unless `id` is given. */
    async create(input: { id?: string; kind: string; status?: StoredJobStatus; params?: unknown }): Promise<StoredJob> {
      const at = now();
      const row = await db.get<JobRow>(
        `INSERT INTO jobs (id, kind, status, params_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
        [input.id ?? randomUUID(), input.kind, input.status ?? 'queued', JSON.stringify(input.params ?? {}), at, at],
      );
      return toJob(row!);
    },

    /** Changes the given fields and stamps updatedAt; returns the job, or undefined if there is none. */
    async update(id: string, patch: JobPatch): Promise<StoredJob | undefined> {
      const sets = ['updated_at = ?'];
      const args: unknown[] = [now()];
      if (patch.status !== undefined) {
        sets.push('status = ?');
        args.push(patch.status);
      }
      if (patch.progress !== undefined) {
        sets.push('progress_json = ?');
        args.push(toJson(patch.progress));
      }
      if (patch.result !== undefined) {
        sets.push('result_json = ?');
        args.push(toJson(patch.result));
      }
      if (patch.error !== undefined) {
        sets.push('error = ?');
        args.push(patch.error);
      }
      const row = await db.get<JobRow>(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ? RETURNING ${COLUMNS}`, [...args, id]);
      return row && toJob(row);
    },

    /** The job with this id, or undefined. */
    get,

    /** Jobs, most recently updated first, optionally of one status or kind, paged. */
    async list(opts: { status?: StoredJobStatus; kind?: string; limit?: number; offset?: number } = {}): Promise<StoredJob[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (opts.status) {
        where.push('status = ?');
        args.push(opts.status);
      }
      if (opts.kind) {
        where.push('kind = ?');
        args.push(opts.kind);
      }
      const rows = await db.all<JobRow>(
        `SELECT ${COLUMNS} FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
          ORDER BY updated_at DESC, created_at DESC${page(opts, args)}`,
        args,
      );
      return rows.map(toJob);
    },

    /** Upserts a JobRunner snapshot (stage/done/total/eta/message go to progress). */
    async save(job: StoredJobSnapshot): Promise<void> {
      const progress = { stage: job.stage, done: job.done, total: job.total, etaSeconds: job.etaSeconds, message: job.message };
      await db.run(
        `INSERT INTO jobs (id, kind, status, progress_json, result_json, error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, progress_json = excluded.progress_json,
           result_json = excluded.result_json, error = excluded.error, updated_at = excluded.updated_at`,
        [job.id, job.kind, job.status, JSON.stringify(progress), toJson(job.result ?? null), job.error, job.startedAt, job.updatedAt],
      );
    },

    /** A stored job as a JobRunner snapshot (e.g. to show jobs of earlier sessions), or undefined. */
    async getSnapshot(id: string): Promise<StoredJobSnapshot | undefined> {
      const row = await db.get<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE id = ?`, [id]);
      if (!row) return undefined;
      const p = (fromJson(row.progress_json) ?? {}) as Partial<Pick<JobSnapshotBase, 'stage' | 'done' | 'total' | 'etaSeconds' | 'message'>>;
      return {
        id: row.id,
        kind: row.kind,
        // JobSnapshot has no queued state: a job not started yet reads as running.
        status: row.status === 'queued' ? 'running' : row.status,
        stage: p.stage ?? '',
        done: p.done ?? 0,
        total: p.total ?? null,
        etaSeconds: p.etaSeconds ?? null,
        message: p.message ?? null,
        error: row.error,
        result: fromJson(row.result_json),
        startedAt: row.created_at,
        updatedAt: row.updated_at,
      };
    },

    /** At start-up: marks jobs left queued or running by an earlier process as failed; returns how many. */
    async failInterrupted(error = 'Interrupted: the app stopped while this job was running'): Promise<number> {
      const result = await db.run(`UPDATE jobs SET status = 'failed', error = ?, updated_at = ? WHERE status IN ('queued', 'running')`, [error, now()]);
      return result.changes;
    },
  };
}

export type JobsRepository = ReturnType<typeof jobsRepository>;
