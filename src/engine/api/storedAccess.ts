/**
 * The path policy applied to what the store remembers: scans, corpora, runs, models and file
 * actions carry paths chosen by earlier callers (the CLI may have scanned any folder). Under the
 * `allowed-only` rule an item is visible only when every path it carries lies inside the folders
 * this engine was granted: list calls leave the others out, get/act calls refuse them.
 * The trusted CLI (`all`) sees everything it stored.
 */
import type { Store } from '../store';
import type { Corpus, DedupScan, FileAction, Model, TrainingRun } from '../store';
import { ApiError } from './errors';
import type { PathPolicy } from './pathPolicy';

export type StoredPathRule = 'allowed-only' | 'all';

const EXTERNAL_MODEL = 'external:';

export class StoredAccess {
  constructor(
    private readonly policy: PathPolicy,
    private readonly store: Store,
    readonly rule: StoredPathRule,
  ) {}

  private visible(paths: readonly string[]): boolean {
    return this.rule === 'all' || paths.every((p) => this.policy.contains(p));
  }

  private forbidden(what: string): ApiError {
    return new ApiError(
      'forbidden_path',
      `${what} uses a folder outside the folders you have chosen here; add that folder first (for the browser UI: start it with --allow).`,
    );
  }

  scanVisible(scan: Pick<DedupScan, 'roots'>): boolean {
    return this.visible(scan.roots);
  }

  async scan(scanId: number): Promise<DedupScan> {
    const scan = await this.store.scans.get(scanId);
    if (!scan) throw new ApiError('not_found', `No scan with id ${scanId}.`);
    if (!this.scanVisible(scan)) throw this.forbidden(`Scan ${scanId}`);
    return scan;
  }

  corpusVisible(corpus: Pick<Corpus, 'rootPath'>): boolean {
    return this.visible([corpus.rootPath]);
  }

  async corpus(corpusId: number): Promise<Corpus> {
    const corpus = await this.store.corpora.get(corpusId);
    if (!corpus) throw new ApiError('not_found', `No corpus with id ${corpusId}.`);
    if (!this.corpusVisible(corpus)) throw this.forbidden(`Corpus ${corpusId}`);
    return corpus;
  }

  /** A run carries its corpus folder and the folders of its Hugging Face bases. */
  async runVisible(run: TrainingRun): Promise<boolean> {
    if (this.rule === 'all') return true;
    const bases = (run.settings as { bases?: { kind: string; dir?: string }[] } | null)?.bases ?? [];
    const paths = bases.flatMap((b) => (b.kind === 'hf' && b.dir ? [b.dir] : []));
    if (run.corpusId !== null) {
      const corpus = await this.store.corpora.get(run.corpusId);
      if (corpus) paths.push(corpus.rootPath);
    }
    return this.visible(paths);
  }

  async run(runId: number): Promise<TrainingRun> {
    const run = await this.store.runs.get(runId);
    if (!run) throw new ApiError('not_found', `No training run with id ${runId}.`);
    if (!(await this.runVisible(run))) throw this.forbidden(`Run ${runId}`);
    return run;
  }

  /** An external base names its folder; a trained model is as visible as its run. */
  async modelVisible(model: Model): Promise<boolean> {
    if (this.rule === 'all') return true;
    if (model.relDir.startsWith(EXTERNAL_MODEL) && !this.visible([model.relDir.slice(EXTERNAL_MODEL.length)])) return false;
    if (model.runId !== null) {
      const run = await this.store.runs.get(model.runId);
      if (run && !(await this.runVisible(run))) return false;
    }
    return true;
  }

  /** Checks a model id named in a request (null: the built-in model, always allowed). */
  async model(modelId: number | null): Promise<void> {
    if (modelId === null || this.rule === 'all') return;
    const model = await this.store.models.get(modelId);
    if (!model) throw new ApiError('not_found', `No model with id ${modelId}.`);
    if (!(await this.modelVisible(model))) throw this.forbidden(`Model ${modelId}`);
  }

  actionVisible(action: Pick<FileAction, 'sourcePath'>): boolean {
    return this.visible([action.sourcePath]);
  }

  async filter<T>(items: readonly T[], isVisible: (item: T) => boolean | Promise<boolean>): Promise<T[]> {
    if (this.rule === 'all') return [...items];
    const keep = await Promise.all(items.map((item) => isVisible(item)));
    return items.filter((_, i) => keep[i]);
  }
}
