/**
 * Loaded models for inference in the engine process, by model id (null = the built-in base).
 * Loading takes a second or two, so the last few are kept.
 */
import path from 'node:path';
import { initBackend, type BackendInfo } from '../backend';
import type { Store } from '../store';
import type { BiEncoder, CrossEncoder } from './encoder';
import { BUILTIN_BASE, createBiEncoder, loadModel } from './modelFiles';

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

  private async get(modelId: number | null, want: 'bi' | 'cross'): Promise<BiEncoder | CrossEncoder> {
    await this.ensureBackend();
    const key = `${modelId ?? 'builtin'}:${want}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.load(modelId);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
      while (this.cache.size > KEEP) {
        const oldest = this.cache.keys().next().value!;
        const evicted = this.cache.get(oldest)!;
        this.cache.delete(oldest);
        void evicted.then((m) => m.dispose(), () => undefined);
      }
    } else {
      // Most recently used goes last.
      this.cache.delete(key);
      this.cache.set(key, entry);
    }
    return entry;
  }

  private async load(modelId: number | null): Promise<BiEncoder | CrossEncoder> {
    if (modelId === null) return createBiEncoder(BUILTIN_BASE);
    const row = await this.store.models.get(modelId);
    if (!row) throw new Error(`no model with id ${modelId}`);
    if (row.kind === 'base') {
      const base = row.config as Parameters<typeof createBiEncoder>[0];
      return createBiEncoder(base);
    }
    return (await loadModel(path.join(this.dataRoot, row.relDir))).model;
  }

  dispose(): void {
    for (const entry of this.cache.values()) void entry.then((m) => m.dispose(), () => undefined);
    this.cache.clear();
  }
}
