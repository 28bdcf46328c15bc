/**
 * Models in the project's own format, one folder each:
 *   config.json          what the model is (kind, architecture, base, limits), written last
 *   weights.safetensors  every variable, float32 (loading gives bit-identical outputs)
 * The base (the built-in USE lite package, or an imported Hugging Face folder) provides the
 * tokenizer and the architecture's configuration; a Hugging Face base is copied into `base/`
 * so the model folder stands alone.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { BiEncoder, CrossEncoder } from './encoder';
import { loadHfCrossEncoder, loadHfEncoder, inspectModelFolder } from './hf';
import { planModelFolder } from './hf/folder';
import { loadWeights, saveWeights, writeJsonAtomic } from './io/weightsFile';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from './use-lite';
import { loadGloveBiEncoder, loadGloveCrossEncoder } from './glove';

/**
 * Built-in bases: USE lite, and GloVe 6B 100d word vectors (SIF with learned word weights; its
 * vectors are converted once into the data folder, see models/glove/).
 */
export type BuiltinName = 'use-lite' | 'glove';
export type BaseSpec = { kind: 'builtin'; name: BuiltinName } | { kind: 'hf'; dir: string };
export type ModelKind = 'bi' | 'cross';

export const BUILTIN_BASE: BaseSpec = { kind: 'builtin', name: 'use-lite' };
export const GLOVE_BASE: BaseSpec = { kind: 'builtin', name: 'glove' };

export function isGloveBase(base: BaseSpec): boolean {
  return base.kind === 'builtin' && base.name === 'glove';
}

export interface ModelConfigFile {
  format: 'tenc-model';
  version: 1;
  kind: ModelKind;
  architecture: string;
  base: BaseSpec;
  maxLength: number;
  createdAt: string;
  /** Free-form: run id, cycle, preset, selection rule. */
  provenance?: Record<string, unknown>;
}

export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

export async function architectureOf(base: BaseSpec): Promise<string> {
  if (base.kind === 'builtin') return base.name;
  const inspection = await inspectModelFolder(base.dir);
  return inspection.summary?.modelType ?? 'unknown';
}

export async function createBiEncoder(base: BaseSpec): Promise<BiEncoder> {
  if (isGloveBase(base)) return loadGloveBiEncoder();
  return base.kind === 'builtin' ? loadUseLiteBiEncoder() : loadHfEncoder(base.dir);
}

/**
 * Whether a base was trained to embed sentences (the built-in model; a Hugging Face folder with
 * a sentence-transformers pooling config) or is a raw masked-LM that needs the SimCSE step first.
 */
export function isSentenceEncoderBase(base: BaseSpec): boolean {
  if (base.kind === 'builtin') return true;
  const summary = planModelFolder(base.dir).summary;
  return summary !== null && !summary.poolingSource.startsWith('default');
}

export async function createCrossEncoder(base: BaseSpec): Promise<CrossEncoder> {
  if (isGloveBase(base)) return loadGloveCrossEncoder();
  return base.kind === 'builtin' ? loadUseLiteCrossEncoder() : loadHfCrossEncoder(base.dir);
}

/** Saves a model's weights and config into `dir` (created). */
export async function saveModel(
  dir: string,
  model: BiEncoder | CrossEncoder,
  info: { base: BaseSpec; provenance?: Record<string, unknown> },
): Promise<ModelConfigFile> {
  fs.mkdirSync(dir, { recursive: true });
  let base = info.base;
  if (base.kind === 'hf') {
    const copy = path.join(dir, 'base');
    if (path.resolve(base.dir) !== path.resolve(copy)) copyHfBase(base.dir, copy);
    base = { kind: 'hf', dir: 'base' };
  }
  const weights = model.getWeights();
  try {
    await saveWeights(path.join(dir, 'weights.safetensors'), weights);
  } finally {
    tf.dispose([...weights.values()]);
  }
  const config: ModelConfigFile = {
    format: 'tenc-model',
    version: 1,
    kind: model.kind === 'bi-encoder' ? 'bi' : 'cross',
    architecture: await architectureOf(info.base),
    base,
    maxLength: model.maxLength,
    createdAt: new Date().toISOString(),
    provenance: info.provenance,
  };
  writeJsonAtomic(path.join(dir, 'config.json'), config);
  return config;
}

export function readModelConfig(dir: string): ModelConfigFile {
  const file = path.join(dir, 'config.json');
  let config: ModelConfigFile;
  try {
    config = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelFolderError(`${file} is missing or not valid JSON: ${(err as Error).message}`);
  }
  if (config.format !== 'tenc-model') throw new ModelFolderError(`${file} is not a TransEncoder Studio model (format is ${String(config.format)})`);
  if (config.kind !== 'bi' && config.kind !== 'cross') throw new ModelFolderError(`${file}: unknown model kind ${String(config.kind)}`);
  if (!fs.existsSync(path.join(dir, 'weights.safetensors'))) throw new ModelFolderError(`${dir} has no weights.safetensors`);
  return config;
}

/** Loads a saved model; outputs are bit-identical to the model that was saved. */
export async function loadModel(dir: string): Promise<{ config: ModelConfigFile; model: BiEncoder | CrossEncoder }> {
  const config = readModelConfig(dir);
  const base: BaseSpec = config.base.kind === 'hf' ? { kind: 'hf', dir: path.resolve(dir, config.base.dir) } : config.base;
  const model = config.kind === 'bi' ? await createBiEncoder(base) : await createCrossEncoder(base);
  const weights = await loadWeights(path.join(dir, 'weights.safetensors'));
  try {
    model.setWeights(weights);
  } finally {
    tf.dispose([...weights.values()]);
  }
  return { config, model };
}

function copyHfBase(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) {
      if (/^\d+_Pooling$/.test(entry.name)) fs.cpSync(src, path.join(to, entry.name), { recursive: true });
    } else if (!/\.(bin|h5|msgpack|ckpt|onnx|pt)$/.test(entry.name)) {
      // model.safetensors is copied too: the Hugging Face loader builds the encoder from it,
      // then the trained weights.safetensors overrides every variable.
      fs.copyFileSync(src, path.join(to, entry.name));
    }
  }
}
