/**
 * Loaded models for inference in the engine process, by model id (null = the built-in base).
 * Loading takes a second or two, so the last few are kept.
 */
import path from 'node:path';
import { initBackend, type BackendInfo } from '../backend';
import type { Store } from '../store';
import type { BiEncoder, CrossEncoder } from './encoder';
import { BUILTIN_BASE, createBiEncoder, createCrossEncoder, isGloveBase, loadModel, readModelConfig, type BaseSpec } from './modelFiles';
import { ParallelOnnxBiEncoder, ParallelOnnxCrossEncoder, parallelBiEncoderFor, parallelCrossEncoderFor } from './onnx';

type BulkBi = Pick<BiEncoder, 'embed' | 'embedDetailed'>;
type BulkCross = Pick<CrossEncoder, 'score' | 'scoreDetailed'>;

const KEEP = 3;

export class ModelCache {
  private readonly cache = new Map<string, Promise<BiEncoder | CrossEncoder>>();
  private backend: Promise<BackendInfo> | null = null;

  constructor(
    private readonly store: Store,
    private readonly dataRoot: string,
  ) {}

  ensureBackend(): Promise<BackendInfo> {
    return (this.backend ??= initBackend('auto'));
  }

  async bi(modelId: number | null): Promise<BiEncoder> {
    const m = await this.get(modelId, 'bi');
    if (m.kind !== 'bi-encoder') throw new Error(`model ${modelId} is a cross-encoder, not a bi-encoder`);
    return m;
  }

  async cross(modelId: number): Promise<CrossEncoder> {
    const m = await this.get(modelId, 'cross');
    if (m.kind !== 'cross-encoder') throw new Error(`model ${modelId} is a bi-encoder, not a cross-encoder`);
    return m;
  }

  /**
   * For bulk work (dedup, evaluation): the model through ONNX Runtime, about 4x faster than
   * TF.js here; TF.js where the export fails (the reason is kept in `lastOnnxError`).
   * Embedding runs on a worker pool, one single-threaded session per core (issue 14: the
   * same CPU time per sentence as one thread, where 2 intra-op threads cost 27% more).
   */
  async bulkBi(modelId: number | null): Promise<BulkBi> {
    const key = `${modelId ?? 'builtin'}:onnx-bi`;
    let entry = this.onnx.get(key) as Promise<BulkBi> | undefined;
    if (!entry) {
      entry = (async (): Promise<BulkBi> => {
        const tfModel = await this.bi(modelId);
        // GloVe models have their own fast path (word look-ups and one small matrix product); no ONNX graph.
        if (await this.isGlove(modelId)) return tfModel;
        try {
          const dir = await this.modelDir(modelId);
          return dir ? await parallelBiEncoderFor(dir) : await ParallelOnnxBiEncoder.fromModel(tfModel);
        } catch (err) {
          this.lastOnnxError = (err as Error).message;
          return tfModel;
        }
      })();
      this.onnx.set(key, entry);
    }
    return entry;
  }

  /** For bulk scoring (check --pairs, evaluation, dedup re-scoring): ONNX on the worker pool, as bulkBi. */
  async bulkCross(modelId: number): Promise<BulkCross> {
    const key = `${modelId}:onnx-cross`;
    let entry = this.onnx.get(key) as Promise<BulkCross> | undefined;
    if (!entry) {
      entry = (async (): Promise<BulkCross> => {
        const tfModel = await this.cross(modelId);
        if (await this.isGlove(modelId)) return tfModel;
        try {
          const dir = await this.modelDir(modelId);
          // On the worker pool too (issue 14): one single-threaded session per core.
          return dir ? await parallelCrossEncoderFor(dir) : await ParallelOnnxCrossEncoder.fromModel(tfModel);
        } catch (err) {
          this.lastOnnxError = (err as Error).message;
          return tfModel;
        }
      })();
      this.onnx.set(key, entry);
    }
    return entry;
  }

  lastOnnxError: string | null = null;
  private readonly onnx = new Map<string, Promise<BulkBi | BulkCross>>();

  private async isGlove(modelId: number | null): Promise<boolean> {
    if (modelId === null) return false;
    const row = await this.store.models.get(modelId);
    if (!row) return false;
    if (row.kind === 'base') return isGloveBase(row.config as BaseSpec);
    try {
      return isGloveBase(readModelConfig(path.join(this.dataRoot, row.relDir)).base);
    } catch {
      return false;
    }
  }

  private async modelDir(modelId: number | null): Promise<string | null> {
    if (modelId === null) return null;
    const row = await this.store.models.get(modelId);
    return row && row.kind !== 'base' ? path.join(this.dataRoot, row.relDir) : null;
  }

  private async get(modelId: number | null, want: 'bi' | 'cross'): Promise<BiEncoder | CrossEncoder> {
    await this.ensureBackend();
    const key = `${modelId ?? 'builtin'}:${want}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.load(modelId, want);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
      while (this.cache.size > KEEP) {
        const oldest = this.cache.keys().next().value!;
        const evicted = this.cache.get(oldest)!;
        this.cache.delete(oldest);
        void evicted.then(
          (m) => m.dispose(),
          () => undefined,
        );
      }
    } else {
      // Most recently used goes last.
      this.cache.delete(key);
      this.cache.set(key, entry);
    }
    return entry;
  }

  private async load(modelId: number | null, want: 'bi' | 'cross'): Promise<BiEncoder | CrossEncoder> {
    if (modelId === null) return createBiEncoder(BUILTIN_BASE);
    const row = await this.store.models.get(modelId);
    if (!row) throw new Error(`no model with id ${modelId}`);
    if (row.kind === 'base') {
      const base = row.config as BaseSpec;
      // GloVe's untrained cross-encoder already judges pairs (word alignment); USE lite's has no trained head.
      return want === 'cross' && isGloveBase(base) ? createCrossEncoder(base) : createBiEncoder(base);
    }
    return (await loadModel(path.join(this.dataRoot, row.relDir))).model;
  }

  /** Drops the loaded copies of one model (it was deleted or its files changed). */
  forget(modelId: number): void {
    const prefix = `${modelId}:`;
    for (const [key, entry] of this.cache) {
      if (!key.startsWith(prefix)) continue;
      this.cache.delete(key);
      void entry.then(
        (m) => m.dispose(),
        () => undefined,
      );
    }
    for (const [key, entry] of this.onnx) {
      if (!key.startsWith(prefix)) continue;
      this.onnx.delete(key);
      void entry.then(
        (m) => (m instanceof ParallelOnnxBiEncoder || m instanceof ParallelOnnxCrossEncoder ? m.dispose() : undefined),
        () => undefined,
      );
    }
  }

  dispose(): void {
    for (const entry of this.cache.values())
      void entry.then(
        (m) => m.dispose(),
        () => undefined,
      );
    this.cache.clear();
    for (const entry of this.onnx.values()) {
      void entry.then(
        (m) => (m instanceof ParallelOnnxBiEncoder || m instanceof ParallelOnnxCrossEncoder ? m.dispose() : undefined),
        () => undefined,
      );
    }
    this.onnx.clear();
  }
}
