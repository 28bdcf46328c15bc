/** Training runs, the metrics they log and the evaluations of their models. */
import { TERMINAL_STATUSES, type Evaluation, type EvaluationInput, type MetricPoint, type RunMetric, type RunStatus, type TrainingRun } from '../types';
import { finiteOrNull, fromJson, iso, isoOrNull, placeholders, toJson, type RepoContext } from './common';

interface RunRow {
  id: number;
  corpus_id: number | null;
  preset: string;
  settings_json: string;
  status: RunStatus;
  error: string | null;
  checkpoint_json: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

const RUN_COLUMNS = 'id, corpus_id, preset, settings_json, status, error, checkpoint_json, created_at, started_at, finished_at';

function toRun(r: RunRow): TrainingRun {
  return {
    id: r.id,
    corpusId: r.corpus_id,
    preset: r.preset,
    settings: fromJson(r.settings_json),
    status: r.status,
    error: r.error,
    checkpoint: fromJson(r.checkpoint_json),
    createdAt: iso(r.created_at),
    startedAt: isoOrNull(r.started_at),
    finishedAt: isoOrNull(r.finished_at),
  };
}

export function runsRepository({ db, now }: RepoContext) {
  return {
    /** Creates a queued run. */
    async create(input: { corpusId?: number | null; preset: string; settings: unknown }): Promise<TrainingRun> {
      const row = await db.get<RunRow>(
        `INSERT INTO training_runs (corpus_id, preset, settings_json, status, created_at)
         VALUES (?, ?, ?, 'queued', ?) RETURNING ${RUN_COLUMNS}`,
        [input.corpusId ?? null, input.preset, JSON.stringify(input.settings ?? {}), now()],
      );
      return toRun(row!);
    },

    /** The run with this id, or undefined. */
    async get(id: number): Promise<TrainingRun | undefined> {
      const row = await db.get<RunRow>(`SELECT ${RUN_COLUMNS} FROM training_runs WHERE id = ?`, [id]);
      return row && toRun(row);
    },

    /** Runs, newest first, optionally of one status or corpus. */
    async list(opts: { status?: RunStatus; corpusId?: number } = {}): Promise<TrainingRun[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (opts.status) {
        where.push('status = ?');
        args.push(opts.status);
      }
      if (opts.corpusId != null) {
        where.push('corpus_id = ?');
        args.push(opts.corpusId);
      }
      const rows = await db.all<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM training_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC`,
        args,
      );
      return rows.map(toRun);
    },

    /**
     * Sets the status (and error, cleared when not given). `running` stamps startedAt once;
     * done/failed/cancelled stamp finishedAt. With `from`, only a run currently in one of
     * those statuses changes (compare-and-set). Returns whether the run changed.
     */
    async updateStatus(id: number, status: RunStatus, opts: { error?: string | null; from?: readonly RunStatus[] } = {}): Promise<boolean> {
      const at = now();
      const args: unknown[] = [status, opts.error ?? null, status === 'running' ? at : null, TERMINAL_STATUSES.includes(status) ? at : null, id];
      let sql = `UPDATE training_runs SET status = ?, error = ?, started_at = COALESCE(started_at, ?), finished_at = ? WHERE id = ?`;
      if (opts.from) {
        if (opts.from.length === 0) return false;
        sql += ` AND status IN (${placeholders(opts.from.length)})`;
        args.push(...opts.from);
      }
      return (await db.run(sql, args)).changes > 0;
    },

    /** Stores the resume point of a run (any JSON value; null clears it). */
    async saveCheckpoint(id: number, checkpoint: unknown): Promise<boolean> {
      const result = await db.run('UPDATE training_runs SET checkpoint_json = ? WHERE id = ?', [toJson(checkpoint ?? null), id]);
      return result.changes > 0;
    },

    /** Deletes a run with its metrics (its models and evaluations stay, unlinked). */
    async remove(id: number): Promise<boolean> {
      return (await db.run('DELETE FROM training_runs WHERE id = ?', [id])).changes > 0;
    },
  };
}

interface MetricRow {
  id: number;
  run_id: number;
  stage: string;
  cycle: number;
  step: number;
  name: string;
  value: number | null;
  at: number;
}

export function metricsRepository({ db, now }: RepoContext) {
  return {
    /** Appends metric points of a run in one transaction; returns how many were written. */
    async append(runId: number, points: readonly MetricPoint[]): Promise<number> {
      if (points.length === 0) return 0;
      return db.transaction(() =>
        db.withStatement('INSERT INTO run_metrics (run_id, stage, cycle, step, name, value, at) VALUES (?, ?, ?, ?, ?, ?, ?)', async (insert) => {
          const at = now();
          for (const p of points) {
            await insert.run([runId, p.stage, p.cycle ?? 0, p.step, p.name, finiteOrNull(p.value), p.atMs ?? at]);
          }
          return points.length;
        }),
      );
    },

    /** Metric points of a run ordered by cycle, step, insertion; filter by name, stage or cycle. */
    async listForRun(runId: number, opts: { name?: string; stage?: string; cycle?: number } = {}): Promise<RunMetric[]> {
      const where = ['run_id = ?'];
      const args: unknown[] = [runId];
      for (const [column, value] of [
        ['name', opts.name],
        ['stage', opts.stage],
        ['cycle', opts.cycle],
      ] as const) {
        if (value != null) {
          where.push(`${column} = ?`);
          args.push(value);
        }
      }
      const rows = await db.all<MetricRow>(
        `SELECT id, run_id, stage, cycle, step, name, value, at FROM run_metrics WHERE ${where.join(' AND ')} ORDER BY cycle, step, id`,
        args,
      );
      return rows.map((r) => ({
        id: r.id,
        runId: r.run_id,
        stage: r.stage,
        cycle: r.cycle,
        step: r.step,
        name: r.name,
        value: r.value,
        at: iso(r.at),
      }));
    },
  };
}

interface EvaluationRow {
  id: number;
  model_id: number;
  run_id: number | null;
  dataset: string;
  metric: string;
  value: number | null;
  n: number;
  at: number;
}

const EVAL_COLUMNS = 'id, model_id, run_id, dataset, metric, value, n, at';

function toEvaluation(r: EvaluationRow): Evaluation {
  return { id: r.id, modelId: r.model_id, runId: r.run_id, dataset: r.dataset, metric: r.metric, value: r.value, n: r.n, at: iso(r.at) };
}

export function evaluationsRepository({ db, now }: RepoContext) {
  return {
    /** Records one evaluation result (e.g. Spearman on STS-B test, n pairs). */
    async add(input: EvaluationInput): Promise<Evaluation> {
      const row = await db.get<EvaluationRow>(
        `INSERT INTO evaluations (model_id, run_id, dataset, metric, value, n, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ${EVAL_COLUMNS}`,
        [input.modelId, input.runId ?? null, input.dataset, input.metric, finiteOrNull(input.value), input.n, now()],
      );
      return toEvaluation(row!);
    },

    /** Evaluations of a model, oldest first. */
    async listForModel(modelId: number): Promise<Evaluation[]> {
      const rows = await db.all<EvaluationRow>(`SELECT ${EVAL_COLUMNS} FROM evaluations WHERE model_id = ? ORDER BY id`, [modelId]);
      return rows.map(toEvaluation);
    },

    /** Every evaluation of every model, oldest first (history across models and runs). */
    async listAll(): Promise<Evaluation[]> {
      const rows = await db.all<EvaluationRow>(`SELECT ${EVAL_COLUMNS} FROM evaluations ORDER BY id`);
      return rows.map(toEvaluation);
    },

    /** Evaluations made during a training run, oldest first. */
    async listForRun(runId: number): Promise<Evaluation[]> {
      const rows = await db.all<EvaluationRow>(`SELECT ${EVAL_COLUMNS} FROM evaluations WHERE run_id = ? ORDER BY id`, [runId]);
      return rows.map(toEvaluation);
    },
  };
}

export type RunsRepository = ReturnType<typeof runsRepository>;
export type MetricsRepository = ReturnType<typeof metricsRepository>;
export type EvaluationsRepository = ReturnType<typeof evaluationsRepository>;
