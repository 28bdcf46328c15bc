import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineEvent, MethodInput, MethodName, MethodOutput, MethodParsedInput } from '../../shared/api';
import { JobRunner } from '../jobs/jobRunner';
import { createStore, LATEST_SCHEMA_VERSION, openDatabase, resolveDataDir, type DataDirLayout, type Db, type Store } from '../store';
import { dispatch, type Handlers } from './dispatch';
import { dedupHandlers } from './dedupHandlers';
import { modelHandlers } from './modelHandlers';
import { modelSummary, storedRunResult, storedRunSettings } from './storedShapes';
import { ApiError } from './errors';
import { PathPolicy } from './pathPolicy';
import { checkPairs } from './checkPairs';
import { StoredAccess, type StoredPathRule } from './storedAccess';
import { indexFolderCorpus } from '../corpus/indexFolderCorpus';
import { APP_NAME, APP_VERSION } from '../version';
import { inspectModelFolder } from '../models/hf';
import { BUILTIN_BASE, GLOVE_BASE, type BaseSpec } from '../models/modelFiles';
import { useGloveDataDir } from '../models/glove/location';
import { PRESETS } from '../train/presets';
import { baseModelId, createRun, executeRun } from '../train/trainingService';
import { corpusSentences, pairsFileSource, userLabelsFor } from '../train/trainingSources';
import type { TrainingSource } from '../train/protocol';
import { TrainingEstimator } from '../train/estimate';
import { createEngineMeasurer } from '../train/costMeasurers';
import { mergeSettings } from '../train/settings';
import { ModelCache } from '../models/modelCache';
import { evaluateScores } from '../eval/evaluatePairs';
import { loadScoredPairs } from '../eval/stsData';
import { biScores, crossScores } from '../train/scoring';
import { modelLanguagesOf, notesForPair, pairCheckNotes } from './checkNotes';
import { PairsTsvError } from '../text/pairsTsv';
import { skipReasonCode } from '../text/skipReason';
// Shell (issue 13): settings file, folder browser and corpus management.
import { SettingsFile } from '../settings/appSettings';
import { shellHandlers } from './shellHandlers';

export interface EngineOptions {
  dataDir: string;
  transport: 'electron' | 'http' | 'direct';
  /** Folders the user chose before start (CLI flags); more can be granted later by trusted code. */
  allowedRoots?: string[];
  /**
   * Whether stored scans, corpora, runs and file actions outside the allowed folders can be seen
   * and acted on. Default: `all` for the trusted CLI and tests (`direct`), `allowed-only` otherwise.
   */
  storedPaths?: StoredPathRule;
}

/**
 * The engine behind every user interface: one instance per data folder, shared by the Electron
 * main process, the local server, the CLI and the tests. Its only entry point for untrusted
 * callers is `call`, which validates the input against the API contract.
 */
export class Engine {
  readonly events = new EventEmitter();
  readonly jobs: JobRunner;
  readonly policy = new PathPolicy();
  /** The path policy applied to what earlier calls stored. */
  readonly access: StoredAccess;
  readonly models: ModelCache;
  /** Time estimates of runs (train.estimate); measurements kept in `<data>/cache/`. */
  readonly estimator: TrainingEstimator;
  private readonly measurer = createEngineMeasurer();
  private readonly handlers: Handlers;
  /** The person's settings (`<data>/settings.json`). */
  readonly settings: SettingsFile;

  private constructor(
    readonly options: EngineOptions,
    readonly layout: DataDirLayout,
    readonly db: Db,
    readonly store: Store,
  ) {
    this.jobs = new JobRunner({ save: (job) => store.jobs.save(job) });
    this.models = new ModelCache(store, layout.root);
    this.settings = new SettingsFile(layout.root);
    this.estimator = new TrainingEstimator({
      measure: this.measurer.measure,
      backend: async () => (await this.models.ensureBackend()).name,
      cacheFile: path.join(layout.root, 'cache', 'step-costs.json'),
    });
    this.access = new StoredAccess(this.policy, store, options.storedPaths ?? (options.transport === 'direct' ? 'all' : 'allowed-only'));
    this.jobs.on('job', (job) => this.emitEvent({ type: 'job', job }));
    for (const root of options.allowedRoots ?? []) this.policy.grant(root);
    this.handlers = this.createHandlers();
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const layout = resolveDataDir(options.dataDir);
    // GloVe's compact vectors live in this data folder (training workers inherit the setting).
    useGloveDataDir(layout.root);
    const db = await openDatabase(layout.databaseFile);
    const store = createStore(db);
    // Jobs that were running when the process died cannot still be running: say so.
    await store.jobs.failInterrupted();
    for (const run of await store.runs.list({ status: 'running' })) {
      await store.runs.updateStatus(run.id, 'failed', {
        error: 'Interrupted: the app stopped during training. Resume it to continue from its last checkpoint.',
      });
    }
    return new Engine(options, layout, db, store);
  }

  /** The validated entry point for every transport. Throws ApiError for the caller to report. */
  call(method: unknown, input: unknown): Promise<unknown> {
    return dispatch(this.handlers, method, input);
  }

  /** Typed convenience for trusted in-process callers (CLI, tests). */
  async invoke<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    return (await this.call(method, input)) as MethodOutput<M>;
  }

  /** Trusted code only (a native dialog, CLI flags): lets the user interface name paths inside `root`. */
  grantRoot(root: string): string {
    return this.policy.grant(root);
  }

  async close(): Promise<void> {
    this.measurer.dispose();
    await this.jobs.shutdown();
    this.models.dispose();
    await this.db.close();
  }

  private runSummary(r: Awaited<ReturnType<Store['runs']['get']>> & object) {
    return {
      id: r.id,
      corpusId: r.corpusId,
      preset: r.preset,
      status: r.status,
      error: r.error,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      result: storedRunResult(r.checkpoint),
    };
  }

  /** The `models` row of the built-in base (created on first use), for evaluations and lineage. */
  builtinModelId(): Promise<number> {
    return baseModelId(this.store, BUILTIN_BASE);
  }

  /** The `models` row of the GloVe base (created on first use): `--model glove`. */
  gloveModelId(): Promise<number> {
    return baseModelId(this.store, GLOVE_BASE);
  }

  /** Resolves a base model named in a request: a built-in one, or a checked Hugging Face folder. */
  private async checkBase(base: { kind: 'builtin'; name?: 'use-lite' | 'glove' } | { kind: 'hf'; dir: string }): Promise<BaseSpec> {
    if (base.kind === 'builtin') return base.name === 'glove' ? GLOVE_BASE : BUILTIN_BASE;
    const dir = this.policy.resolveAllowed(base.dir);
    const inspection = await inspectModelFolder(dir);
    if (!inspection.ok) throw new ApiError('bad_request', `The model folder ${base.dir} cannot be used: ${inspection.problems.join('; ')}`);
    return { kind: 'hf', dir };
  }

  /** The bases and the training data a train.start / train.estimate request names, checked. */
  private async trainInputs(req: MethodParsedInput<'train.start'>): Promise<{ bases: BaseSpec[]; source: TrainingSource; corpusId: number | null }> {
    const { store, policy } = this;
    const bases: BaseSpec[] = [await this.checkBase(req.base)];
    if (req.mutual) bases.push(await this.checkBase(req.mutual));
    let source: TrainingSource;
    let corpusId: number | null = null;
    if (req.corpusId !== undefined) {
      await this.access.corpus(req.corpusId);
      corpusId = req.corpusId;
      const texts = await corpusSentences(store, req.corpusId);
      if (texts.length < 3)
        throw new ApiError('bad_request', `The corpus has ${texts.length} usable sentence(s); training needs at least 3. Add documents with more text.`);
      source = { kind: 'texts', texts };
    } else {
      const file = policy.resolveAllowed(req.pairsFile!);
      try {
        source = await pairsFileSource(file);
      } catch (err) {
        // reason: the first bad line as values an app words in its language (issue 13).
        const first = err instanceof PairsTsvError ? err.problems[0] : undefined;
        throw new ApiError(
          'bad_request',
          `Cannot read pairs from ${req.pairsFile}: ${err instanceof PairsTsvError ? err.detail : (err as Error).message}`,
          first
            ? {
                key: 'pairs-unreadable',
                params: { file: req.pairsFile ?? '', line: first.line, problem: first.reason, lines: err instanceof PairsTsvError ? err.problems.length : 1 },
              }
            : undefined,
        );
      }
      if (source.kind === 'pairs' && source.a.length < 2) throw new ApiError('bad_request', `${req.pairsFile} holds fewer than 2 pairs.`);
    }
    return { bases, source, corpusId };
  }

  /** The person's default paraphrase threshold for a check (settings), or undefined for the calibrated one. */
  private defaultCheckThreshold(crossModelId: number | null): number | undefined {
    const t = this.settings.get().thresholds;
    return (crossModelId !== null ? t.paraphraseCross : t.paraphraseBi) ?? undefined;
  }

  private emitEvent(event: EngineEvent): void {
    this.events.emit('event', event);
  }

  private createHandlers(): Handlers {
    const { store, jobs, policy, access } = this;
    return {
      'app.info': () => ({
        name: APP_NAME,
        version: APP_VERSION,
        dataDir: this.layout.root,
        schemaVersion: LATEST_SCHEMA_VERSION,
        transport: this.options.transport,
        allowedRoots: policy.list(),
        node: process.version,
        platform: `${os.platform()}-${os.arch()}`,
      }),
      'app.echo': ({ text }) => ({ text, receivedAt: new Date().toISOString() }),
      'corpora.list': async () => access.filter(await store.corpora.list(), (c) => access.corpusVisible(c)),
      'corpora.create': async ({ name, path: p }) => {
        const root = policy.resolveAllowed(p);
        if (!fs.statSync(root).isDirectory()) throw new ApiError('bad_request', `Not a folder: ${p}`);
        if (await store.corpora.getByName(name)) throw new ApiError('conflict', `A corpus named "${name}" already exists; choose another name.`);
        const job = jobs.start('corpus.index', (ctx) => indexFolderCorpus({ store, name, root }, ctx));
        return { jobId: job.id };
      },
      'corpora.documents': async ({ corpusId, limit, offset }) => {
        await access.corpus(corpusId);
        const docs = await store.documents.listByCorpus(corpusId, { limit: limit ?? 500, offset: offset ?? 0 });
        // skipCode: the reason as a code the app words in its language (issue 13, app language).
        return docs.map((d) => ({
          id: d.id,
          relPath: d.relPath,
          size: d.size,
          status: d.status,
          skipReason: d.skipReason,
          skipCode: d.status === 'skipped' ? skipReasonCode(d.skipReason) : null,
          contentHash: d.contentHash,
        }));
      },
      'presets.list': () => Object.values(PRESETS).map((p) => ({ name: p.name, label: p.label, description: p.description, settings: { ...p.settings } })),
      'train.start': async (req) => {
        const { bases, source, corpusId } = await this.trainInputs(req);
        const userLabels = req.useLabels ? await userLabelsFor(store, corpusId) : undefined;
        const runId = await createRun({ store, layout: this.layout }, { preset: req.preset, overrides: req.overrides, bases, source, corpusId, userLabels });
        const job = jobs.start('train', (ctx) => executeRun({ store, layout: this.layout }, runId, ctx));
        return { jobId: job.id, runId };
      },
      'train.estimate': async (req) => {
        const { bases, source, corpusId } = await this.trainInputs(req);
        const userLabels = req.useLabels ? await userLabelsFor(store, corpusId) : undefined;
        const settings = mergeSettings(PRESETS[req.preset].settings, req.overrides);
        return this.estimator.estimate({ settings, source, bases, userLabelPairs: userLabels?.labels.length ?? 0 });
      },
      'train.resume': async ({ runId }) => {
        const run = await access.run(runId);
        if (!['paused', 'failed', 'cancelled'].includes(run.status)) {
          throw new ApiError('conflict', `Run ${runId} is ${run.status}; only a paused, failed or cancelled run can be resumed.`);
        }
        if (jobs.list().some((j) => j.kind === 'train' && j.status === 'running')) throw new ApiError('conflict', 'Another training run is in progress.');
        const job = jobs.start('train', (ctx) => executeRun({ store, layout: this.layout }, runId, ctx));
        return { jobId: job.id, runId };
      },
      'runs.list': async () => (await access.filter(await store.runs.list(), (r) => access.runVisible(r))).map((r) => this.runSummary(r)),
      'runs.get': async ({ runId }) => {
        const run = await access.run(runId);
        return {
          ...this.runSummary(run),
          settings: storedRunSettings(run.settings),
          metrics: (await store.metrics.listForRun(runId)).map((m) => ({ stage: m.stage, cycle: m.cycle, step: m.step, name: m.name, value: m.value })),
          models: (await access.filter(await store.models.list({ runId }), (m) => access.modelVisible(m))).map(modelSummary),
        };
      },
      'models.list': async () => (await access.filter(await store.models.list(), (m) => access.modelVisible(m))).map(modelSummary),
      'eval.run': async ({ file, modelId, as }) => {
        const path_ = policy.resolveAllowed(file);
        await access.model(modelId);
        if (as === 'cross' && modelId === null) throw new ApiError('bad_request', 'Evaluating as a cross-encoder needs a trained cross-encoder (modelId).');
        const data = await loadScoredPairs(path_).catch((err: Error) => {
          throw new ApiError('bad_request', `Cannot read scored pairs from ${file}: ${err.message}`);
        });
        const job = jobs.start('eval', async (ctx) => {
          ctx.progress({ stage: `scoring ${data.a.length} pairs`, done: 0, total: data.a.length });
          const scores =
            as === 'bi'
              ? await biScores(await this.models.bulkBi(modelId), data, { maxLength: 64 })
              : await crossScores(await this.models.bulkCross(modelId!), data, { maxLength: 64 });
          ctx.progress({ done: data.a.length });
          const result = evaluateScores(scores, data.gold);
          const storedId = modelId ?? (await this.builtinModelId());
          for (const [metric, value] of Object.entries({
            spearman: result.spearman,
            pearson: result.pearson,
            roc_auc: result.rocAuc,
            best_f1: result.bestF1?.f1 ?? null,
          })) {
            if (value !== null) await store.evaluations.add({ modelId: storedId, dataset: data.name, metric, value, n: result.n });
          }
          return { dataset: data.name, modelId: storedId, as, ...result };
        });
        return { jobId: job.id };
      },
      'labels.add': async ({ a, b, label, scale, corpusId }) => {
        if (corpusId !== null) await access.corpus(corpusId);
        return store.labelledPairs.add({ textA: a, textB: b, label, scale, corpusId });
      },
      'labels.list': ({ corpusId }) => store.labelledPairs.list(corpusId !== undefined ? { corpusId } : {}),
      'labels.remove': async ({ id }) => ({ removed: await store.labelledPairs.remove(id) }),
      'check.pair': async ({ a, b, biModelId, crossModelId, threshold }) => {
        await access.model(biModelId);
        await access.model(crossModelId);
        const [check] = await checkPairs(this.models, [{ a, b }], {
          biModelId,
          crossModelId,
          threshold: threshold ?? this.defaultCheckThreshold(crossModelId),
        });
        return { ...check!, ...(await pairCheckNotes(store, a, b, check!.basis === 'cross' ? crossModelId : biModelId)) };
      },
      'check.pairs': async ({ pairs, biModelId, crossModelId, threshold }) => {
        await access.model(biModelId);
        await access.model(crossModelId);
        const checks = await checkPairs(this.models, pairs, {
          biModelId,
          crossModelId,
          threshold: threshold ?? this.defaultCheckThreshold(crossModelId),
          bulk: true,
        });
        // Every pair of one call has the same basis models: look their languages up once, not per pair.
        const languagesOf = { bi: await modelLanguagesOf(store, biModelId), cross: await modelLanguagesOf(store, crossModelId) };
        return checks.map((c, i) => ({ ...c, ...notesForPair(pairs[i]!.a, pairs[i]!.b, languagesOf[c.basis]) }));
      },
      ...dedupHandlers(this),
      // Models area (issue 13): model library, evaluation history and compare, labelling, highlights.
      ...modelHandlers(this),
      ...shellHandlers(this),
      'jobs.get': ({ jobId }) => {
        const job = jobs.get(jobId);
        if (!job) throw new ApiError('not_found', `No job with id ${jobId}.`);
        return job;
      },
      'jobs.list': () => jobs.list(),
      'jobs.cancel': ({ jobId }) => {
        const job = jobs.cancel(jobId);
        if (!job) throw new ApiError('not_found', `No job with id ${jobId}.`);
        return job;
      },
    };
  }
}

export function defaultDataDir(): string {
  return process.env.TENC_DATA_DIR || path.join(os.homedir(), '.transencoder-studio');
}
