/**
 * Which tensors a BERT / RoBERTa encoder needs, with which shapes, and how to find them in
 * a checkpoint whose names may carry a `bert.` / `roberta.` (or other) prefix and may use the
 * old TensorFlow-era LayerNorm names `gamma` / `beta`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HfEncoderConfig } from './config';
import { FLOAT_DTYPES, readSafetensorsHeader, type TensorEntry } from './safetensors';

export interface ExpectedTensor {
  /** Name without prefix, as in a bare BertModel / RobertaModel. */
  name: string;
  shape: number[];
  /** Stored [out, in] by PyTorch; kept as [in, out] in TF.js. */
  linear: boolean;
  optional: boolean;
}

export function expectedTensors(cfg: HfEncoderConfig): ExpectedTensor[] {
  const H = cfg.hiddenSize;
  const I = cfg.intermediateSize;
  const t = (name: string, shape: number[], linear = false, optional = false): ExpectedTensor => ({ name, shape, linear, optional });
  const out: ExpectedTensor[] = [
    t('embeddings.word_embeddings.weight', [cfg.vocabSize, H]),
    t('embeddings.position_embeddings.weight', [cfg.maxPositionEmbeddings, H]),
    t('embeddings.token_type_embeddings.weight', [cfg.typeVocabSize, H]),
    t('embeddings.LayerNorm.weight', [H]),
    t('embeddings.LayerNorm.bias', [H]),
  ];
  for (let l = 0; l < cfg.numLayers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const n of ['query', 'key', 'value']) {
      out.push(t(`${p}attention.self.${n}.weight`, [H, H], true), t(`${p}attention.self.${n}.bias`, [H]));
    }
    out.push(
      t(`${p}attention.output.dense.weight`, [H, H], true),
      t(`${p}attention.output.dense.bias`, [H]),
      t(`${p}attention.output.LayerNorm.weight`, [H]),
      t(`${p}attention.output.LayerNorm.bias`, [H]),
      t(`${p}intermediate.dense.weight`, [I, H], true),
      t(`${p}intermediate.dense.bias`, [I]),
      t(`${p}output.dense.weight`, [H, I], true),
      t(`${p}output.dense.bias`, [H]),
      t(`${p}output.LayerNorm.weight`, [H]),
      t(`${p}output.LayerNorm.bias`, [H]),
    );
  }
  out.push(t('pooler.dense.weight', [H, H], true, true), t('pooler.dense.bias', [H], false, true));
  return out;
}

const ANCHOR = 'embeddings.word_embeddings.weight';
const PREFERRED_PREFIXES = ['', 'bert.', 'roberta.'];

/** The prefix in front of the encoder's names, or null when the word embeddings are absent. */
export function detectPrefix(names: Iterable<string>): string | null {
  const found: string[] = [];
  for (const n of names) if (n.endsWith(ANCHOR)) found.push(n.slice(0, n.length - ANCHOR.length));
  if (found.length === 0) return null;
  for (const p of PREFERRED_PREFIXES) if (found.includes(p)) return p;
  return found.sort((a, b) => a.length - b.length)[0];
}

/** Names a tensor may be stored under (old checkpoints say LayerNorm.gamma / .beta). */
function aliases(name: string): string[] {
  if (name.endsWith('LayerNorm.weight')) return [name, name.replace(/weight$/, 'gamma')];
  if (name.endsWith('LayerNorm.bias')) return [name, name.replace(/bias$/, 'beta')];
  return [name];
}

/** All tensors of the weights: one file, or the shards listed in model.safetensors.index.json. */
export interface WeightIndex {
  files: string[];
  tensors: Map<string, TensorEntry>;
}

export const WEIGHTS_FILE = 'model.safetensors';
export const WEIGHTS_INDEX_FILE = 'model.safetensors.index.json';
const OTHER_FORMATS = ['pytorch_model.bin', 'tf_model.h5', 'model.onnx', 'onnx/model.onnx', 'flax_model.msgpack'];

/** Open the weights of a model folder; throws an Error whose message says what is wrong. */
export function openWeights(modelDir: string): WeightIndex {
  const single = path.join(modelDir, WEIGHTS_FILE);
  if (fs.existsSync(single)) {
    return { files: [WEIGHTS_FILE], tensors: readSafetensorsHeader(single).tensors };
  }
  const indexFile = path.join(modelDir, WEIGHTS_INDEX_FILE);
  if (fs.existsSync(indexFile)) {
    let index: { weight_map?: Record<string, string> };
    try {
      index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    } catch (e) {
      throw new Error(`${WEIGHTS_INDEX_FILE} is not valid JSON: ${(e as Error).message}`);
    }
    if (!index.weight_map || typeof index.weight_map !== 'object') throw new Error(`${WEIGHTS_INDEX_FILE} has no weight_map`);
    const shards = [...new Set(Object.values(index.weight_map))];
    const tensors = new Map<string, TensorEntry>();
    for (const shard of shards) {
      if (shard.includes('..') || path.isAbsolute(shard)) throw new Error(`${WEIGHTS_INDEX_FILE} names a shard outside the folder: ${shard}`);
      const file = path.join(modelDir, shard);
      if (!fs.existsSync(file)) throw new Error(`missing weights shard ${shard} (listed in ${WEIGHTS_INDEX_FILE})`);
      for (const [n, e] of readSafetensorsHeader(file).tensors) tensors.set(n, e);
    }
    return { files: shards, tensors };
  }
  const others = OTHER_FORMATS.filter((f) => fs.existsSync(path.join(modelDir, f)));
  if (others.length) {
    throw new Error(
      `missing weights file ${WEIGHTS_FILE}: found ${others.join(', ')}, but only the safetensors format is read ` +
        `(convert it, e.g. with transformers: model.save_pretrained(dir, safe_serialization=True))`,
    );
  }
  throw new Error(`missing weights file ${WEIGHTS_FILE}`);
}

export interface ResolvedTensor {
  expected: ExpectedTensor;
  entry: TensorEntry;
}

/** Match expected tensors against the checkpoint; lists every missing or misshapen one. */
export function resolveTensors(
  cfg: HfEncoderConfig,
  weights: WeightIndex,
): { resolved: ResolvedTensor[]; problems: string[]; prefix: string | null; unused: string[] } {
  const problems: string[] = [];
  const prefix = detectPrefix(weights.tensors.keys());
  if (prefix === null) {
    return {
      resolved: [],
      problems: [`tensor ${ANCHOR} missing (looked for it with and without a prefix such as bert. / roberta.): is this a BERT/RoBERTa checkpoint?`],
      prefix: null,
      unused: [],
    };
  }
  const used = new Set<string>();
  const resolved: ResolvedTensor[] = [];
  for (const exp of expectedTensors(cfg)) {
    const stored = aliases(prefix + exp.name).find((n) => weights.tensors.has(n));
    if (!stored) {
      if (!exp.optional) problems.push(`tensor ${prefix}${exp.name} missing`);
      continue;
    }
    used.add(stored);
    const entry = weights.tensors.get(stored)!;
    if (!sameShape(entry.shape, exp.shape)) {
      const vocabOnly = exp.name === ANCHOR && entry.shape.length === 2 && entry.shape[1] === exp.shape[1];
      problems.push(
        vocabOnly
          ? `vocab size mismatch: config.json vocab_size is ${cfg.vocabSize} but tensor ${stored} has ${entry.shape[0]} rows (shape [${entry.shape.join(', ')}] instead of [${exp.shape.join(', ')}])`
          : `tensor ${stored} has shape [${entry.shape.join(', ')}] instead of [${exp.shape.join(', ')}]`,
      );
      continue;
    }
    if (!(FLOAT_DTYPES as readonly string[]).includes(entry.dtype)) {
      problems.push(`tensor ${stored} has dtype ${entry.dtype}; only ${FLOAT_DTYPES.join(', ')} are read`);
      continue;
    }
    resolved.push({ expected: exp, entry });
  }
  const unused = [...weights.tensors.keys()].filter((n) => !used.has(n));
  return { resolved, problems, prefix, unused };
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
