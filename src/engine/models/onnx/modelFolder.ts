/**
 * ONNX for the project's model folders (config.json + weights.safetensors, see modelFiles.ts):
 * `<modelDir>/model.onnx` is exported once and reused; it is exported again when
 * weights.safetensors changes (newer, or another size / mtime than the one exported from) or
 * when this exporter's graph version changes. `model.onnx.json` records what it was made from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { planModelFolder } from '../hf/folder';
import { type ModelConfigFile, loadModel, readModelConfig } from '../modelFiles';
import { loadUseLiteTokenizer } from '../use-lite/biEncoder';
import type { OnnxModelInfo } from './buildModel';
import { exportOnnx } from './exportOnnx';
import { OnnxBiEncoder, OnnxCrossEncoder, type OnnxSessionOptions, createOnnxSession } from './onnxEncoders';
import type { OnnxWorkerPoolOptions } from './onnxWorkerPool';
import { ParallelOnnxBiEncoder } from './parallelBiEncoder';
import { ParallelOnnxCrossEncoder } from './parallelCrossEncoder';
import { type OnnxTextCodec, hfCodec, useLiteCodec } from './textCodec';

export const ONNX_FILE = 'model.onnx';
export const ONNX_META_FILE = 'model.onnx.json';
/** Bump when the exported graph changes, so cached exports are rebuilt. */
export const ONNX_EXPORT_VERSION = 3;

interface OnnxMeta {
  format: 'tenc-onnx';
  exportVersion: number;
  info: OnnxModelInfo;
  weights: { mtimeMs: number; size: number };
  exportedAt: string;
}

export interface OnnxExportStatus {
  file: string;
  info: OnnxModelInfo;
  /** True when this call (re-)exported the model, false when the cached file was fresh. */
  exported: boolean;
}

const pending = new Map<string, Promise<OnnxExportStatus>>();

function readMeta(file: string): OnnxMeta | null {
  try {
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as OnnxMeta;
    return meta.format === 'tenc-onnx' ? meta : null;
  } catch {
    return null;
  }
}

/** Why `<modelDir>/model.onnx` must be (re-)exported, or null when it is fresh. */
export function onnxExportStaleness(modelDir: string): string | null {
  const onnxFile = path.join(modelDir, ONNX_FILE);
  if (!fs.existsSync(onnxFile)) return 'no model.onnx';
  const meta = readMeta(path.join(modelDir, ONNX_META_FILE));
  if (!meta) return 'no readable model.onnx.json';
  if (meta.exportVersion !== ONNX_EXPORT_VERSION) return `exported by graph version ${meta.exportVersion}, now ${ONNX_EXPORT_VERSION}`;
  const weights = fs.statSync(path.join(modelDir, 'weights.safetensors'));
  if (weights.mtimeMs > fs.statSync(onnxFile).mtimeMs) return 'weights.safetensors is newer than model.onnx';
  if (weights.mtimeMs !== meta.weights.mtimeMs || weights.size !== meta.weights.size) return 'weights.safetensors changed since the export';
  return null;
}

/** Exports `<modelDir>/model.onnx` unless a fresh one is there; concurrent calls in this process share one export. */
export function ensureOnnxExport(modelDir: string): Promise<OnnxExportStatus> {
  const dir = path.resolve(modelDir);
  let p = pending.get(dir);
  if (!p) {
    p = doEnsureExport(dir).finally(() => pending.delete(dir));
    pending.set(dir, p);
  }
  return p;
}

async function doEnsureExport(dir: string): Promise<OnnxExportStatus> {
  readModelConfig(dir); // throws a ModelFolderError for a folder that is not a model
  const file = path.join(dir, ONNX_FILE);
  if (onnxExportStaleness(dir) === null) return { file, info: readMeta(path.join(dir, ONNX_META_FILE))!.info, exported: false };
  // Stat before loading: a training run that rewrites the weights meanwhile leaves the export stale, not wrongly fresh.
  const stat = fs.statSync(path.join(dir, 'weights.safetensors'));
  const { model } = await loadModel(dir);
  let info: OnnxModelInfo;
  try {
    info = await exportOnnx(model, file);
  } finally {
    model.dispose();
  }
  const meta: OnnxMeta = {
    format: 'tenc-onnx',
    exportVersion: ONNX_EXPORT_VERSION,
    info,
    weights: { mtimeMs: stat.mtimeMs, size: stat.size },
    exportedAt: new Date().toISOString(),
  };
  const tmp = `${path.join(dir, ONNX_META_FILE)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(meta, null, 2));
  fs.renameSync(tmp, path.join(dir, ONNX_META_FILE));
  return { file, info, exported: true };
}

/** The tokenization a saved model was trained with, built from its folder (no weights loaded). */
export function codecForModelFolder(modelDir: string, config: ModelConfigFile = readModelConfig(modelDir)): OnnxTextCodec {
  if (config.base.kind === 'builtin') return useLiteCodec(loadUseLiteTokenizer(), config.maxLength);
  const baseDir = path.resolve(modelDir, config.base.dir);
  const plan = planModelFolder(baseDir);
  if (!plan.tokenizer || !plan.config) throw new Error(`cannot read the tokenizer of ${baseDir}:\n- ${plan.problems.join('\n- ')}`);
  return hfCodec(plan.tokenizer, plan.config, config.maxLength);
}

/**
 * ONNX inference for a saved model folder: exports `<modelDir>/model.onnx` when missing or
 * stale, then opens it on onnxruntime-node's CPU provider. Call dispose() when done.
 */
export async function onnxSessionFor(modelDir: string, options: OnnxSessionOptions = {}): Promise<OnnxBiEncoder | OnnxCrossEncoder> {
  const config = readModelConfig(modelDir);
  const { file, info } = await ensureOnnxExport(modelDir);
  const codec = codecForModelFolder(modelDir, config);
  const session = await createOnnxSession(file, options);
  try {
    if (info.kind === 'bi') {
      if (!info.dim) throw new Error(`${ONNX_META_FILE} in ${modelDir} lacks the embedding width`);
      return new OnnxBiEncoder(session, codec, info.dim);
    }
    return new OnnxCrossEncoder(session, codec);
  } catch (err) {
    await session.release();
    throw err;
  }
}

/**
 * A saved bi-encoder folder on a worker pool (one single-threaded session per core): exports
 * `<modelDir>/model.onnx` when missing or stale, as onnxSessionFor. Throws for a cross-encoder.
 */
export async function parallelBiEncoderFor(modelDir: string, options: OnnxWorkerPoolOptions = {}): Promise<ParallelOnnxBiEncoder> {
  const config = readModelConfig(modelDir);
  const { file, info } = await ensureOnnxExport(modelDir);
  if (info.kind !== 'bi') throw new Error(`${modelDir} holds a cross-encoder, not a bi-encoder`);
  if (!info.dim) throw new Error(`${ONNX_META_FILE} in ${modelDir} lacks the embedding width`);
  const bytes = new Uint8Array(await fs.promises.readFile(file));
  return ParallelOnnxBiEncoder.open(bytes, codecForModelFolder(modelDir, config), info.dim, options);
}

/**
 * A saved cross-encoder folder on a worker pool (one single-threaded session per core, issue
 * 14): exports `<modelDir>/model.onnx` when missing or stale, as onnxSessionFor. Throws for a
 * bi-encoder.
 */
export async function parallelCrossEncoderFor(modelDir: string, options: OnnxWorkerPoolOptions = {}): Promise<ParallelOnnxCrossEncoder> {
  const config = readModelConfig(modelDir);
  const { file, info } = await ensureOnnxExport(modelDir);
  if (info.kind === 'bi') throw new Error(`${modelDir} holds a bi-encoder, not a cross-encoder`);
  const bytes = new Uint8Array(await fs.promises.readFile(file));
  return ParallelOnnxCrossEncoder.open(bytes, codecForModelFolder(modelDir, config), options);
}
