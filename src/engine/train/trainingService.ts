/**
 * Training runs as engine jobs: records the run in SQLite, runs the worker, relays its
 * progress (stage, cycle, step/total, ETA, loss), stores metrics and the models of each
 * cycle with their lineage, and resumes a run from its checkpoint after a crash.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JobContext } from '../jobs/jobRunner';
import { CancelledError } from '../jobs/jobRunner';
import { startWorker } from '../jobs/startWorker';
import type { BaseSpec } from '../models/modelFiles';
import type { Store } from '../store';
import type { DataDirLayout } from '../store';
import type { TrainRunResult } from '../../shared/api';
import type { CycleModels, StartComparison, TrainingSource, TrainWorkerInput, TrainWorkerMessage } from './protocol';
import { PRESETS, type PresetName } from './presets';
import type { Selection } from './selection';
import { mergeSettings, type PartialSettings, type TransEncoderSettings } from './settings';

export interface TrainRequest {
  preset: PresetName;
  overrides?: PartialSettings;
  bases: BaseSpec[];
  source: TrainingSource;
  corpusId?: number | null;
  userLabels?: TrainWorkerInput['userLabels'];
  backend?: TrainWorkerInput['backend'];
}

/** What a run returns: the API's type, defined once in src/shared. */
export type { TrainRunResult };

interface Deps {
  store: Store;
  layout: DataDirLayout;
}

/** What a run keeps in training_runs.settings_json: enough to resume it. */
interface StoredRunSpec {
  preset: PresetName;
  settings: TransEncoderSettings;
  bases: BaseSpec[];
  source: TrainingSource;
  userLabels?: TrainWorkerInput['userLabels'];
  backend?: TrainWorkerInput['backend'];
}

export function runDirOf(layout: DataDirLayout, runId: number): string {
  return path.join(layout.root, 'runs', `run-${runId}`);
}

export async function createRun(deps: Deps, req: TrainRequest): Promise<number> {
  const settings = mergeSettings(PRESETS[req.preset].settings, req.overrides);
  const spec: StoredRunSpec = { preset: req.preset, settings, bases: req.bases, source: req.source, userLabels: req.userLabels, backend: req.backend };
  const run = await deps.store.runs.create({ corpusId: req.corpusId ?? null, preset: req.preset, settings: spec });
  return run.id;
}

/** Ensures a `base` row exists for each base model, for lineage. */
export async function baseModelId(store: Store, base: BaseSpec): Promise<number> {
  const relDir = base.kind === 'builtin' ? `builtin:${base.name}` : `external:${path.resolve(base.dir)}`;
  const existing = await store.models.getByDir(relDir);
  if (existing) return existing.id;
  const created = await store.models.create({
    name: base.kind === 'builtin' ? (base.name === 'glove' ? 'GloVe 6B 100d (built-in)' : 'USE lite (built-in)') : path.basename(base.dir),
    kind: 'base',
    architecture: base.kind === 'builtin' ? base.name : 'hf',
    relDir,
    config: base,
  });
  return created.id;
}

/** Runs (or resumes) run `runId` to its end in a worker thread. */
export async function executeRun(deps: Deps, runId: number, ctx: JobContext): Promise<TrainRunResult> {
  const { store, layout } = deps;
  const run = await store.runs.get(runId);
  if (!run) throw new Error(`no training run ${runId}`);
  const spec = run.settings as StoredRunSpec;
  const runDir = runDirOf(layout, runId);
  fs.mkdirSync(runDir, { recursive: true });
  await store.runs.updateStatus(runId, 'running');

  const baseIds = new Map<string, number>();
  for (const b of spec.bases) baseIds.set(JSON.stringify(b), await baseModelId(store, b));
  const registered = new Map<string, number>();
  const registerModels = async (models: CycleModels[]) => {
    for (const m of models) {
      for (const [kind, dir] of [
        ['bi', m.biDir],
        ['cross', m.crossDir],
      ] as const) {
        const relDir = path.relative(layout.root, dir);
        const existing = await store.models.getByDir(relDir);
        const id =
          existing?.id ??
          (
            await store.models.create({
              name: `run ${runId} · cycle ${m.cycle} · ${kind === 'bi' ? 'bi-encoder' : 'cross-encoder'}${spec.bases.length > 1 ? ` · ${m.member}` : ''}`,
              kind,
              architecture: m.base.kind === 'builtin' ? m.base.name : 'hf',
              relDir,
              parentId: baseIds.get(JSON.stringify(m.base)) ?? null,
              runId,
              cycle: m.cycle,
              config: { member: m.member },
            })
          ).id;
        registered.set(`${m.cycle}|${m.member}|${kind}`, id);
      }
    }
  };

  const input: TrainWorkerInput = {
    runDir,
    settings: spec.settings,
    bases: spec.bases,
    source: spec.source,
    userLabels: spec.userLabels,
    backend: spec.backend,
  };
  const worker = startWorker('trainWorker', new URL('./trainWorker.ts', import.meta.url), input as unknown as Record<string, unknown>);
  const onAbort = () => worker.postMessage({ type: 'cancel' });
  ctx.signal.addEventListener('abort', onAbort);
  let pendingMetrics: { stage: string; cycle: number; step: number; name: string; value: number }[] = [];
  let lastFlush = Date.now();
  const flushMetrics = async () => {
    const points = pendingMetrics;
    pendingMetrics = [];
    lastFlush = Date.now();
    if (points.length) await store.metrics.append(runId, points);
  };

  try {
    const outcome = await new Promise<{
      selection: Selection;
      models: CycleModels[];
      startUserScore: number | null;
      cycles: TrainRunResult['cycles'];
      comparison?: StartComparison;
    }>((resolve, reject) => {
      let chain = Promise.resolve();
      const handle = async (msg: TrainWorkerMessage) => {
        switch (msg.type) {
          case 'backend':
            ctx.progress({ stage: 'starting', message: `backend: ${msg.name}` });
            break;
          case 'pairs':
            await store.metrics.append(runId, [
              { stage: 'pairs', cycle: 0, step: 0, name: 'train_pairs', value: msg.train },
              { stage: 'pairs', cycle: 0, step: 0, name: 'heldout_pairs', value: msg.heldOut },
            ]);
            break;
          case 'progress': {
            const p = msg.progress;
            if (p.loss !== null) pendingMetrics.push({ stage: p.phase, cycle: p.cycle + 1, step: p.step, name: 'loss', value: p.loss });
            if (Date.now() - lastFlush > 2000) await flushMetrics();
            try {
              ctx.progress({
                stage: p.stage,
                done: p.step,
                total: p.totalSteps || null,
                message: p.loss !== null ? `loss ${p.loss.toFixed(4)}` : null,
                detail: { runId, cycle: p.cycle + 1, cycles: spec.settings.cycles, phase: p.phase, member: p.member, loss: p.loss },
              });
            } catch {
              // Cancelled: the worker was told and will checkpoint and stop.
            }
            break;
          }
          case 'cycle':
            await flushMetrics();
            await registerModels(msg.models);
            await store.metrics.append(runId, [
              { stage: 'cycle', cycle: msg.cycle, step: 0, name: 'heldout_agreement', value: msg.agreement },
              { stage: 'cycle', cycle: msg.cycle, step: 0, name: 'mean_loss_bi_to_cross', value: msg.meanLoss.biToCross },
              { stage: 'cycle', cycle: msg.cycle, step: 0, name: 'mean_loss_cross_to_bi', value: msg.meanLoss.crossToBi },
              ...(msg.userScore !== null ? [{ stage: 'cycle', cycle: msg.cycle, step: 0, name: 'user_labels_score', value: msg.userScore }] : []),
              // The cycle's teacher against its student and against the start model (held-out Spearman).
              ...(msg.teacherAgreement
                ? [
                    { stage: 'cycle', cycle: msg.cycle, step: 0, name: 'teacher_agreement_student', value: msg.teacherAgreement.student },
                    { stage: 'cycle', cycle: msg.cycle, step: 0, name: 'teacher_agreement_start', value: msg.teacherAgreement.start },
                  ]
                : []),
              // Mutual runs with fidelity-weighted labels: each member's share and why.
              ...(msg.labelWeights ?? []).flatMap((w) => [
                { stage: 'cycle', cycle: msg.cycle, step: 0, name: `label_weight:${w.member}`, value: w.weight },
                { stage: 'cycle', cycle: msg.cycle, step: 0, name: `cross_fidelity:${w.member}`, value: w.fidelity },
              ]),
            ]);
            await store.runs.saveCheckpoint(runId, { cyclesDone: msg.cycle });
            break;
          case 'done':
            await flushMetrics();
            await registerModels(msg.models);
            resolve(msg);
            break;
          case 'cancelled':
            reject(new CancelledError());
            break;
          case 'error':
            reject(new Error(msg.message));
            break;
        }
      };
      worker.on('message', (msg: TrainWorkerMessage) => {
        chain = chain.then(() => handle(msg)).catch(reject);
      });
      worker.on('error', reject);
      // Messages posted before the thread ended arrive first; an exit with no final message is a crash.
      worker.on('exit', (code) => {
        void chain.then(() => reject(new Error(`the training worker stopped without finishing (exit code ${code})`)));
      });
    });
    const primary = outcome.models.find((m) => m.cycle === outcome.selection.cycle)!;
    const biModelId = registered.get(`${primary.cycle}|${primary.member}|bi`)!;
    const handBack: TrainRunResult['handBack'] =
      outcome.comparison?.recommended === 'start'
        ? { which: 'start', biModelId: baseIds.get(JSON.stringify(spec.bases[0]))! }
        : { which: 'trained', biModelId };
    const result: TrainRunResult = {
      runId,
      status: 'done',
      selection: outcome.selection,
      selected: {
        biModelId,
        crossModelId: registered.get(`${primary.cycle}|${primary.member}|cross`)!,
      },
      startUserScore: outcome.startUserScore,
      cycles: outcome.cycles,
      comparison: outcome.comparison,
      handBack,
    };
    await store.runs.saveCheckpoint(runId, { cyclesDone: outcome.cycles.length, result });
    await store.runs.updateStatus(runId, 'done');
    return result;
  } catch (err) {
    await flushMetrics().catch(() => undefined);
    if (err instanceof CancelledError) await store.runs.updateStatus(runId, 'paused', { error: 'Paused by the user; it can be resumed.' });
    else await store.runs.updateStatus(runId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
