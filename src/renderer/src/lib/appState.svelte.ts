/**
 * State shared by the views: what the engine holds (corpora, runs, models, presets), the jobs
 * of this session, the one error shown in the alert region, and which view is open. Views
 * read it through `getApp()`; form contents of each view live here too so that switching
 * views does not lose what a person typed.
 */
import { getContext, setContext } from 'svelte';
import type { ApiClient, AppInfo, CorpusSummary, JobSnapshot, ModelSummary, PresetInfo, RunSummary, ScanSummary } from '../../../shared/api';
import type { ComputeInfo, SettingsPatchInput, SettingsView } from '../../../shared/shellApi';
import { i18n } from '../i18n/index.svelte';
import { humanError } from './humanError';
import { mergeLossPoints, type LossPoint } from './runMetrics';
import { livePoint } from './trainProgress';

export type ViewName = 'home' | 'documents' | 'train' | 'runs' | 'models' | 'check' | 'duplicates' | 'settings';

/** The views in navigation order; each one's label is `i18n.m.nav[name]`. */
export const VIEWS: ViewName[] = ['home', 'documents', 'train', 'runs', 'models', 'check', 'duplicates', 'settings'];

export interface TrainForm {
  source: 'corpus' | 'pairs';
  corpusId: number | null;
  pairsFile: string;
  preset: 'quick' | 'standard' | 'paper';
  baseKind: 'builtin' | 'hf';
  baseDir: string;
  mutual: boolean;
  mutualKind: 'builtin' | 'hf';
  mutualDir: string;
  cycles: number | null;
  maxPairs: number | null;
}

export interface CheckForm {
  a: string;
  b: string;
  /** '' = the built-in model. */
  biModelId: string;
  /** '' = no cross-encoder. */
  crossModelId: string;
  threshold: number | null;
}

export class AppState {
  info = $state<AppInfo | null>(null);
  corpora = $state<CorpusSummary[]>([]);
  runs = $state<RunSummary[]>([]);
  models = $state<ModelSummary[]>([]);
  presets = $state<PresetInfo[]>([]);
  jobs = $state<Record<string, JobSnapshot>>({});
  /** Which run a training job trains (known for jobs started or resumed in this page). */
  jobRuns = $state<Record<string, number>>({});
  /** Loss points seen in job events, per run, for the live chart. */
  liveLoss = $state<Record<number, LossPoint[]>>({});
  error = $state<string | null>(null);
  view = $state<ViewName>('home');
  // Shell (issue 13): settings, compute, recent scans, and what each job of this page works on.
  settings = $state<SettingsView | null>(null);
  compute = $state<ComputeInfo | null>(null);
  scans = $state<ScanSummary[]>([]);
  /** A name for the progress card of a job started here (the folder it reads). */
  jobLabels = $state<Record<string, string>>({});
  /** The run whose details the Runs view shows. */
  openRunId = $state<number | null>(null);
  /** The run the Train view follows (the last one started there). */
  trainRunId = $state<number | null>(null);

  trainForm = $state<TrainForm>({
    source: 'corpus',
    corpusId: null,
    pairsFile: '',
    preset: 'quick',
    baseKind: 'builtin',
    baseDir: '',
    mutual: false,
    mutualKind: 'builtin',
    mutualDir: '',
    cycles: null,
    maxPairs: null,
  });
  checkForm = $state<CheckForm>({ a: '', b: '', biModelId: '', crossModelId: '', threshold: null });

  /** Jobs newest first. */
  readonly jobList = $derived(Object.values(this.jobs).sort((a, b) => b.startedAt - a.startedAt));
  /** The training job that is running now, if any (the engine trains one run at a time). */
  readonly runningTrainJob = $derived(this.jobList.find((j) => j.kind === 'train' && j.status === 'running') ?? null);

  constructor(readonly client: ApiClient) {}

  /**
   * Runs `fn`, showing its error in the alert region instead of throwing. A user action clears
   * the previous error first; a background refresh (`clear` false) leaves it for the person to read.
   */
  async attempt<T>(fn: () => Promise<T>, clear = true): Promise<T | undefined> {
    if (clear) this.error = null;
    try {
      return await fn();
    } catch (err) {
      this.error = humanError(err, i18n.m);
      return undefined;
    }
  }

  async refresh(): Promise<void> {
    await this.attempt(async () => {
      const [info, corpora, runs, models, scans] = await Promise.all([
        this.client.call('app.info', {}),
        this.client.call('corpora.list', {}),
        this.client.call('runs.list', {}),
        this.client.call('models.list', {}),
        this.client.call('dedup.scans', {}),
      ]);
      this.scans = scans;
      this.info = info;
      this.corpora = corpora;
      this.runs = runs;
      this.models = models;
    }, false);
    // The backend and the training time: after the lists, since the first call starts the backend.
    void this.attempt(async () => (this.compute = await this.client.call('app.compute', {})), false);
  }

  /** Loads what changes rarely, and the jobs of this session (after a reload of the page). */
  async load(): Promise<void> {
    await Promise.all([this.refresh(), this.attempt(async () => (this.settings = await this.client.call('settings.get', {})), false)]);
    await this.attempt(async () => {
      this.presets = await this.client.call('presets.list', {});
      for (const job of await this.client.call('jobs.list', {})) this.jobs[job.id] = job;
    });
    // A training job found after a reload: the engine trains one run at a time, so the running run is its run.
    const running = this.runningTrainJob;
    const runningRun = this.runs.find((r) => r.status === 'running');
    if (running && runningRun && this.jobRuns[running.id] === undefined) this.jobRuns[running.id] = runningRun.id;
  }

  /** Keeps jobs current from engine events; returns the unsubscribe function. */
  listen(): () => void {
    return this.client.onEvent((event) => {
      if (event.type !== 'job') return;
      const job = event.job;
      this.jobs[job.id] = job;
      const runId = this.runIdOf(job);
      if (runId !== null && job.status === 'running') {
        const point = livePoint(job);
        if (point) this.addLivePoint(runId, point);
      }
      if (job.status !== 'running') void this.refresh();
    });
  }

  /** Events come in step order: appending is the common case, merging only for a step seen before. */
  private addLivePoint(runId: number, point: LossPoint): void {
    const points = this.liveLoss[runId];
    const last = points?.at(-1);
    if (!points) this.liveLoss[runId] = [point];
    else if (last && (last.step < point.step || (last.step === point.step && last.phase !== point.phase))) points.push(point);
    else if (last && last.step === point.step && last.phase === point.phase) points[points.length - 1] = point;
    else this.liveLoss[runId] = mergeLossPoints(points, [point]);
  }

  runIdOf(job: JobSnapshot): number | null {
    const known = this.jobRuns[job.id];
    if (known !== undefined) return known;
    return job.kind === 'train' ? (job.result?.runId ?? null) : null;
  }

  /** The newest job of this page that trains `runId`. */
  jobOfRun(runId: number): JobSnapshot | null {
    return this.jobList.find((j) => j.kind === 'train' && this.runIdOf(j) === runId) ?? null;
  }

  trackJob(job: JobSnapshot, runId?: number): void {
    if (runId !== undefined) this.jobRuns[job.id] = runId;
    // An event may have arrived first with a newer snapshot.
    const seen = this.jobs[job.id];
    if (!seen || seen.updatedAt <= job.updatedAt) this.jobs[job.id] = job;
  }

  async cancelJob(jobId: string): Promise<void> {
    const job = await this.attempt(() => this.client.call('jobs.cancel', { jobId }));
    if (job) this.trackJob(job);
  }

  async resumeRun(runId: number): Promise<boolean> {
    const started = await this.attempt(() => this.client.call('train.resume', { runId }));
    if (!started) return false;
    const job = await this.attempt(() => this.client.call('jobs.get', { jobId: started.jobId }));
    if (job) this.trackJob(job, started.runId);
    else this.jobRuns[started.jobId] = started.runId;
    await this.refresh();
    return true;
  }

  /** Saves some settings; true when they were saved. */
  async saveSettings(patch: SettingsPatchInput): Promise<boolean> {
    const saved = await this.attempt(() => this.client.call('settings.set', patch));
    if (saved) this.settings = saved;
    return saved !== undefined;
  }

  go(view: ViewName): void {
    this.error = null;
    this.view = view;
  }
}

const KEY = Symbol('tenc-app');

export function provideApp(app: AppState): void {
  setContext(KEY, app);
}

export function getApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('getApp() outside the app');
  return app;
}
