/**
 * Check a Hugging Face model folder before loading it, collecting every problem with a
 * message that says exactly what is wrong.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEncoderConfig, positionLimit, SUPPORTED_MODEL_TYPES, type HfEncoderConfig } from './config';
import { readSentenceTransformerSetup, type PoolingMode } from './sentenceTransformers';
import { openWeights, resolveTensors, type ResolvedTensor } from './weights';
import type { HfTokenizer } from '../../tokenize/pipeline';
import { loadTokenizerFromFolder } from '../../tokenize/fromFolder';

export interface ModelFolderSummary {
  /** The folder given. */
  dir: string;
  /** Folder with config.json, weights and tokenizer (a sentence-transformers subfolder, or dir). */
  modelDir: string;
  modelType: HfEncoderConfig['modelType'];
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  vocabSize: number;
  maxLength: number;
  parameterCount: number;
  weightsFiles: string[];
  dtypes: string[];
  tokenizer: { kind: 'wordpiece' | 'bpe'; files: string[]; vocabSize: number } | null;
  pooling: PoolingMode[];
  poolingSource: string;
  hasPooler: boolean;
  /** Things that do not stop loading but are worth telling. */
  warnings: string[];
  /** One line for people, e.g. "BERT, 6 layers, hidden 384, ...". */
  description: string;
}

export interface ModelFolderInspection {
  ok: boolean;
  problems: string[];
  /** Null when the folder is too broken to describe (no readable config.json). */
  summary: ModelFolderSummary | null;
}

/** What loadHfEncoder needs; only complete when the inspection is ok. */
export interface ModelFolderPlan extends ModelFolderInspection {
  config: HfEncoderConfig | null;
  tensors: ResolvedTensor[];
  tokenizer: HfTokenizer | null;
}

export async function inspectModelFolder(dir: string): Promise<ModelFolderInspection> {
  const { ok, problems, summary } = planModelFolder(dir);
  return { ok, problems, summary };
}

export function planModelFolder(dir: string): ModelFolderPlan {
  const problems: string[] = [];
  const warnings: string[] = [];
  const fail = (): ModelFolderPlan => ({ ok: false, problems, summary: null, config: null, tensors: [], tokenizer: null });

  if (!fs.existsSync(dir)) {
    problems.push(`model folder ${dir} does not exist`);
    return fail();
  }
  if (!fs.statSync(dir).isDirectory()) {
    problems.push(`${dir} is not a folder`);
    return fail();
  }

  const st = readSentenceTransformerSetup(dir);
  problems.push(...st.problems);
  const modelDir = path.join(dir, st.transformerPath);
  const where = st.transformerPath ? ` in ${st.transformerPath}/` : '';

  // config.json
  const configFile = path.join(modelDir, 'config.json');
  if (!fs.existsSync(configFile)) {
    problems.push(`missing config.json${where} (a Hugging Face model folder has config.json, model.safetensors and tokenizer files)`);
    return fail();
  }
  let configJson: unknown;
  try {
    configJson = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch (e) {
    problems.push(`config.json is unreadable or not valid JSON: ${(e as Error).message}`);
    return fail();
  }
  const parsed = parseEncoderConfig(configJson);
  problems.push(...parsed.problems);
  const config = parsed.config;
  if (!config) return fail();

  // weights
  let tensors: ResolvedTensor[] = [];
  let weightsFiles: string[] = [];
  let embeddingRows = config.vocabSize;
  let hasPooler = false;
  try {
    const weights = openWeights(modelDir);
    weightsFiles = weights.files;
    const r = resolveTensors(config, weights);
    problems.push(...r.problems);
    tensors = r.resolved;
    hasPooler = tensors.some((t) => t.expected.name === 'pooler.dense.weight') && tensors.some((t) => t.expected.name === 'pooler.dense.bias');
    const word = weights.tensors.get(`${r.prefix ?? ''}embeddings.word_embeddings.weight`);
    if (word?.shape.length === 2) embeddingRows = word.shape[0];
    const ignored = r.unused.filter((n) => !/position_ids$/.test(n));
    if (ignored.length) warnings.push(`${ignored.length} tensor(s) not used by the encoder, e.g. ${ignored.slice(0, 3).join(', ')}`);
  } catch (e) {
    problems.push((e as Error).message);
  }

  // tokenizer
  let tokenizer: HfTokenizer | null = null;
  let tokenizerFiles: string[] = [];
  let modelMaxLength: number | null = null;
  try {
    const loaded = loadTokenizerFromFolder(modelDir, config.modelType);
    tokenizer = st.lowercaseInput ? loaded.tokenizer.withLowercaseInput(true) : loaded.tokenizer;
    tokenizerFiles = loaded.files;
    modelMaxLength = loaded.modelMaxLength;
    if (tokenizer.vocabSize > embeddingRows) {
      problems.push(
        `vocab size mismatch: the tokenizer (${loaded.files[0]}) has ids up to ${tokenizer.vocabSize - 1} but the word embeddings have only ${embeddingRows} rows`,
      );
    } else if (tokenizer.vocabSize < embeddingRows) {
      warnings.push(`the tokenizer has ${tokenizer.vocabSize} tokens, the word embeddings ${embeddingRows} rows (the extra rows are never used)`);
    }
    if (tokenizer.ids.pad !== config.padTokenId && config.modelType === 'roberta') {
      warnings.push(`the tokenizer's padding id ${tokenizer.ids.pad} differs from config.json pad_token_id ${config.padTokenId}`);
    }
  } catch (e) {
    problems.push((e as Error).message);
  }

  // maximum length
  const limit = positionLimit(config);
  let maxLength = limit;
  if (st.maxSeqLength !== null) {
    if (st.maxSeqLength > limit)
      warnings.push(`sentence_bert_config.json max_seq_length ${st.maxSeqLength} exceeds the ${limit} positions of the model; using ${limit}`);
    maxLength = Math.min(st.maxSeqLength, limit);
  } else if (modelMaxLength !== null) {
    maxLength = Math.min(modelMaxLength, limit);
  }

  const H = config.hiddenSize;
  const parameterCount = tensors.reduce((n, t) => n + t.expected.shape.reduce((a, d) => a * d, 1), 0);
  const dtypes = [...new Set(tensors.map((t) => t.entry.dtype))];
  const summary: ModelFolderSummary = {
    dir,
    modelDir,
    modelType: config.modelType,
    hiddenSize: H,
    numLayers: config.numLayers,
    numHeads: config.numHeads,
    intermediateSize: config.intermediateSize,
    vocabSize: config.vocabSize,
    maxLength,
    parameterCount,
    weightsFiles,
    dtypes,
    tokenizer: tokenizer ? { kind: tokenizer.kind, files: tokenizerFiles, vocabSize: tokenizer.vocabSize } : null,
    pooling: st.pooling,
    poolingSource: st.poolingSource,
    hasPooler,
    warnings,
    description: describe(config, maxLength, parameterCount, dtypes, st.pooling, tokenizer, tokenizerFiles),
  };
  return { ok: problems.length === 0, problems, summary, config, tensors, tokenizer };
}

function describe(
  cfg: HfEncoderConfig,
  maxLength: number,
  params: number,
  dtypes: string[],
  pooling: PoolingMode[],
  tokenizer: HfTokenizer | null,
  tokenizerFiles: string[],
): string {
  const name = cfg.modelType === 'bert' ? 'BERT' : 'RoBERTa';
  const tok = tokenizer ? `${tokenizer.kind === 'wordpiece' ? 'WordPiece' : 'byte-level BPE'} from ${tokenizerFiles[0]}` : 'no tokenizer';
  const p = params >= 1e6 ? `${(params / 1e6).toFixed(1)}M` : `${(params / 1e3).toFixed(1)}k`;
  return (
    `${name}, ${cfg.numLayers} layers, hidden ${cfg.hiddenSize}, ${cfg.numHeads} heads, vocab ${cfg.vocabSize} (${tok}), ` +
    `max ${maxLength} tokens, ${pooling.join('+')} pooling, ${p} parameters${dtypes.length ? ` (${dtypes.join('/')})` : ''}`
  );
}

export { SUPPORTED_MODEL_TYPES };
