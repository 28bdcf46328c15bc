/**
 * A Hugging Face BERT / RoBERTa checkpoint loaded as a trainable TF.js encoder with its
 * tokenizer and sentence-transformers pooling:
 *   - bi-encoder: embed(texts) -> L2-normalised Float32Arrays; embedTensor() for training;
 *   - cross-encoder: encodePairs() / forwardPairs() give token states of
 *     `[CLS] a [SEP] b [SEP]` (BERT, with segment ids) or `<s> a </s></s> b </s>` (RoBERTa).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { positionLimit, type HfEncoderConfig } from './config';
import { planModelFolder, type ModelFolderSummary } from './folder';
import { l2Normalize, poolTokens } from './pooling';
import { readTensorAsFloat32, writeSafetensors } from './safetensors';
import type { PoolingMode } from './sentenceTransformers';
import type { HfTokenizer } from '../../tokenize/pipeline';
import { BertLikeEncoder, type EncoderForwardOptions, type EncoderInputs } from './transformer';
import type { BiEncoder, EmbedResult, ForwardOptions, InferenceOptions, SetWeightsOptions, TextPair } from '../encoder';

export class HfModelFolderError extends Error {
  override name = 'HfModelFolderError';
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`cannot load the model in ${dir}:\n- ${problems.join('\n- ')}`);
  }
}

/** Token ids of a batch, right-padded to its longest member. */
export interface TokenBatch {
  batchSize: number;
  seqLength: number;
  /** Row-major [batchSize, seqLength]. */
  ids: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  /** Per row: content tokens were cut to fit maxLength. */
  truncated: boolean[];
}

export interface LoadOptions {
  /** Use a shorter maximum length than the folder's (it is never made longer than the positions allow). */
  maxLength?: number;
}

/**
 * An imported checkpoint as a bi-encoder (the BiEncoder contract of ../encoder), plus the
 * token-level pieces a cross-encoder or a trainer needs. Variables are named with the
 * Hugging Face tensor names without prefix (e.g. "encoder.layer.0.attention.self.query.weight";
 * linear weights are held transposed, [in, out]).
 */
export class HfEncoder implements BiEncoder {
  readonly kind = 'bi-encoder' as const;
  readonly modelType: HfEncoderConfig['modelType'];
  readonly hiddenSize: number;
  /** Width of a sentence embedding: hiddenSize times the number of pooling modes. */
  readonly dim: number;
  readonly pooling: readonly PoolingMode[];

  constructor(
    readonly config: HfEncoderConfig,
    readonly tokenizer: HfTokenizer,
    readonly encoder: BertLikeEncoder,
    pooling: readonly PoolingMode[],
    /** Default longest token sequence, special tokens included. */
    readonly maxLength: number,
    readonly summary: ModelFolderSummary,
  ) {
    this.modelType = config.modelType;
    this.hiddenSize = config.hiddenSize;
    this.pooling = [...pooling];
    this.dim = config.hiddenSize * pooling.length;
  }

  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.encoder.weights;
  }

  // ---- tokenization -------------------------------------------------------------------

  private limit(maxLength: number | undefined): number {
    const m = maxLength ?? this.maxLength;
    if (!Number.isInteger(m) || m < 2) throw new RangeError(`maxLength must be an integer >= 2, not ${m}`);
    return Math.min(m, positionLimit(this.config));
  }

  /** Tokenize and pad single texts: `[CLS] text [SEP]` / `<s> text </s>`. */
  encodeTexts(texts: readonly string[], maxLength?: number): TokenBatch {
    const m = this.limit(maxLength);
    return this.pad(texts.map((t) => ({ ...this.tokenizer.encode(String(t ?? ''), { maxLength: m }), typeIds: null })));
  }

  /** Tokenize and pad text pairs for a cross-encoder (longest-first truncation). */
  encodePairs(pairs: readonly TextPair[], maxLength?: number): TokenBatch {
    const m = this.limit(maxLength);
    return this.pad(pairs.map(([a, b]) => this.tokenizer.encodePair(String(a ?? ''), String(b ?? ''), { maxLength: m })));
  }

  private pad(rows: Array<{ ids: number[]; typeIds: number[] | null; truncated: boolean }>): TokenBatch {
    const B = rows.length;
    const L = Math.max(1, ...rows.map((r) => r.ids.length));
    const ids = new Int32Array(B * L).fill(this.tokenizer.ids.pad);
    const attentionMask = new Int32Array(B * L);
    const tokenTypeIds = new Int32Array(B * L);
    const maxType = this.config.typeVocabSize - 1;
    rows.forEach((r, i) => {
      r.ids.forEach((id, j) => {
        ids[i * L + j] = id;
        attentionMask[i * L + j] = 1;
        // RoBERTa has a single segment embedding: its segment ids are always 0.
        tokenTypeIds[i * L + j] = Math.min(r.typeIds?.[j] ?? 0, maxType);
      });
    });
    return { batchSize: B, seqLength: L, ids, attentionMask, tokenTypeIds, truncated: rows.map((r) => r.truncated) };
  }

  // ---- forward ------------------------------------------------------------------------

  /** Token states [batch, seq, hidden] of a tokenized batch or of tensors. */
  forwardTokens(input: TokenBatch | EncoderInputs, opts: EncoderForwardOptions = {}): tf.Tensor3D {
    if ('batchSize' in input) return tf.tidy(() => this.encoder.forward(batchTensors(input), opts));
    return this.encoder.forward(input, opts);
  }

  /** Sentence vectors [batch, dim] from token states (not normalised). */
  pool(hidden: tf.Tensor3D, attentionMask: tf.Tensor2D): tf.Tensor2D {
    return poolTokens(hidden, attentionMask, this.pooling);
  }

  /** Differentiable: [batch, dim] L2-normalised embeddings of a tokenized batch. */
  forwardBatch(batch: TokenBatch, opts: EncoderForwardOptions = {}): tf.Tensor2D {
    return tf.tidy(() => {
      const t = batchTensors(batch);
      return l2Normalize(this.pool(this.encoder.forward(t, opts), t.attentionMask));
    });
  }

  /** Differentiable: L2-normalised embeddings; gradients flow to the variables. */
  forward(texts: readonly string[], options: ForwardOptions = {}): { embeddings: tf.Tensor2D; truncated: boolean[] } {
    const batch = this.encodeTexts(texts, options.maxLength);
    return { embeddings: this.forwardBatch(batch, options), truncated: batch.truncated };
  }

  /**
   * Token states of text pairs (`[CLS] a [SEP] b [SEP]` with segment ids for BERT,
   * `<s> a </s></s> b </s>` for RoBERTa) and their mask, for a cross-encoder head.
   * The caller disposes both tensors.
   */
  forwardPairs(pairs: readonly TextPair[], options: ForwardOptions = {}): { hidden: tf.Tensor3D; attentionMask: tf.Tensor2D; truncated: boolean[] } {
    const batch = this.encodePairs(pairs, options.maxLength);
    const t = batchTensors(batch);
    try {
      return { hidden: this.encoder.forward(t, options), attentionMask: tf.keep(t.attentionMask), truncated: batch.truncated };
    } finally {
      t.ids.dispose();
      t.tokenTypeIds.dispose();
    }
  }

  /** L2-normalised sentence embeddings in input order, batched by length (little padding). */
  async embedDetailed(texts: readonly string[], options: InferenceOptions = {}): Promise<EmbedResult> {
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
    const m = this.limit(options.maxLength);
    const encoded = texts.map((t) => this.tokenizer.encode(String(t ?? ''), { maxLength: m }));
    const order = encoded.map((_, i) => i).sort((a, b) => encoded[a].ids.length - encoded[b].ids.length);
    const vectors: Float32Array[] = new Array(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const out = this.forwardBatch(this.pad(idx.map((i) => ({ ...encoded[i], typeIds: null }))));
      try {
        const data = (await out.data()) as Float32Array;
        idx.forEach((orig, k) => {
          vectors[orig] = data.slice(k * this.dim, (k + 1) * this.dim);
        });
      } finally {
        out.dispose();
      }
    }
    return { vectors, truncated: encoded.map((e) => e.truncated) };
  }

  async embed(texts: readonly string[], options: InferenceOptions = {}): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts, options)).vectors;
  }

  // ---- weights ------------------------------------------------------------------------

  /** Encoder variables; the BERT pooler (unused by sentence embeddings) only when asked for. */
  trainableVariables(opts: { includePooler?: boolean } = {}): tf.Variable[] {
    return this.encoder.trainableVariables(opts.includePooler ?? false);
  }

  get hasPooler(): boolean {
    return this.encoder.hasPooler;
  }

  /** Copies of all weights by name; the caller disposes them. */
  getWeights(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, v] of this.encoder.weights) out.set(name, tf.keep(v.clone()));
    return out;
  }

  setWeights(weights: ReadonlyMap<string, tf.Tensor>, options: SetWeightsOptions = {}): void {
    for (const [name, t] of weights) {
      const v = this.encoder.weights.get(name);
      if (!v) {
        if (options.ignoreUnknown) continue;
        throw new Error(`unknown weight ${name}`);
      }
      if (!tf.util.arraysEqual(v.shape, t.shape)) throw new Error(`weight ${name} has shape [${t.shape}], expected [${v.shape}]`);
    }
    tf.tidy(() => {
      for (const [name, t] of weights) this.encoder.weights.get(name)?.assign(t.dtype === 'float32' ? t : tf.cast(t, 'float32'));
    });
  }

  /**
   * Save as a Hugging Face folder: the source folder's config, tokenizer and
   * sentence-transformers files copied, the current weights written as F32
   * model.safetensors (Hugging Face names and layout, no prefix).
   */
  async saveFolder(outDir: string): Promise<void> {
    const src = this.summary.dir;
    if (path.resolve(outDir) === path.resolve(src)) throw new Error('saveFolder: choose a folder other than the one the model came from');
    const rel = path.relative(src, this.summary.modelDir);
    fs.mkdirSync(path.join(outDir, rel), { recursive: true });
    const isWeights = (r: string) => /\.(bin|h5|onnx|msgpack|safetensors)$/.test(r) || path.basename(r) === 'model.safetensors.index.json';
    copyTree(src, outDir, (r) => !isWeights(r));
    writeSafetensors(path.join(outDir, rel, 'model.safetensors'), await this.encoder.exportWeights());
  }

  dispose(): void {
    this.encoder.dispose();
  }
}

export function batchTensors(b: TokenBatch): Required<EncoderInputs> {
  const shape: [number, number] = [b.batchSize, b.seqLength];
  return {
    ids: tf.tensor2d(b.ids, shape, 'int32'),
    attentionMask: tf.tensor2d(b.attentionMask, shape, 'int32'),
    tokenTypeIds: tf.tensor2d(b.tokenTypeIds, shape, 'int32'),
  };
}

function copyTree(src: string, dst: string, keep: (rel: string) => boolean, rel = ''): void {
  for (const entry of fs.readdirSync(path.join(src, rel), { withFileTypes: true })) {
    const r = path.join(rel, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(path.join(dst, r), { recursive: true });
      copyTree(src, dst, keep, r);
    } else if (entry.isFile() && keep(r)) {
      fs.copyFileSync(path.join(src, r), path.join(dst, r));
    }
  }
}

/** The checked folder, its tokenizer and a freshly built encoder (shared by both encoder kinds). */
export async function loadHfParts(dir: string, opts: LoadOptions = {}) {
  const plan = planModelFolder(dir);
  if (!plan.ok || !plan.config || !plan.tokenizer || !plan.summary) throw new HfModelFolderError(dir, plan.problems);
  const values = await Promise.all(plan.tensors.map(async (t) => ({ expected: t.expected, values: await readTensorAsFloat32(t.entry) })));
  const encoder = new BertLikeEncoder(plan.config, values);
  let maxLength = plan.summary.maxLength;
  if (opts.maxLength !== undefined) {
    if (!Number.isInteger(opts.maxLength) || opts.maxLength < 3) throw new RangeError(`maxLength must be an integer >= 3, not ${opts.maxLength}`);
    maxLength = Math.min(opts.maxLength, positionLimit(plan.config));
  }
  return { config: plan.config, tokenizer: plan.tokenizer, summary: plan.summary, encoder, maxLength };
}

/** Check and load a model folder as a bi-encoder; throws HfModelFolderError listing every problem. */
export async function loadHfEncoder(dir: string, opts: LoadOptions = {}): Promise<HfEncoder> {
  const p = await loadHfParts(dir, opts);
  return new HfEncoder(p.config, p.tokenizer, p.encoder, p.summary.pooling, p.maxLength, p.summary);
}
