/** USE lite as a bi-encoder: each text -> one L2-normalised 512-d vector. */
import * as tf from '@tensorflow/tfjs';
import { SentencePieceTokenizer } from '../../tokenize/sentencepiece';
import type { BiEncoder, EmbedResult, ForwardOptions, InferenceOptions, SetWeightsOptions } from '../encoder';
import { useLiteVocabPath } from './artifacts';
import { type TokenBatch, type UseLiteBaseParams, UseLiteCore, l2Normalize, loadUseLiteBaseParams, packBatch } from './core';
import { USE_LITE } from './params';

export interface UseLiteLoadOptions {
  /** Folder with model.json, shards and vocab.json (default: the built-in package). */
  modelDir?: string;
  /** Default maxLength in tokens (default 128, the original model's limit). */
  maxLength?: number;
  /** Reuse an already loaded tokenizer. */
  tokenizer?: SentencePieceTokenizer;
  /** Reuse already read base weights (copied into new variables; caller keeps ownership). */
  base?: UseLiteBaseParams;
}

export function loadUseLiteTokenizer(modelDir?: string): SentencePieceTokenizer {
  return SentencePieceTokenizer.fromVocabFile(useLiteVocabPath(modelDir));
}

/** Reads weights (unless given) and builds a core; shared by both encoder kinds. */
export function buildCore(options: UseLiteLoadOptions): UseLiteCore {
  if (options.base) return new UseLiteCore(options.base);
  const base = loadUseLiteBaseParams(options.modelDir);
  try {
    return new UseLiteCore(base);
  } finally {
    tf.dispose([...base.params.values(), base.invTimescales]);
  }
}

/** Runs `items` in batches of similar length (less padding); results come back in input order. */
export async function runBatched<T, R>(items: readonly T[], lengthOf: (item: T) => number, batchSize: number, run: (batch: T[]) => Promise<R[]>): Promise<R[]> {
  const order = items.map((_, i) => i).sort((a, b) => lengthOf(items[a]!) - lengthOf(items[b]!));
  const out = new Array<R>(items.length);
  const size = Math.max(1, Math.floor(batchSize));
  for (let start = 0; start < order.length; start += size) {
    const idx = order.slice(start, start + size);
    const results = await run(idx.map((i) => items[i]!));
    idx.forEach((i, j) => {
      out[i] = results[j]!;
    });
  }
  return out;
}

/** One text's token ids and their L2-normalised last-layer states ([ids.length, dim], row-major). */
export interface TokenStates {
  ids: number[];
  states: Float32Array;
}

export class UseLiteBiEncoder implements BiEncoder {
  readonly kind = 'bi-encoder' as const;
  readonly dim = USE_LITE.hiddenDim;
  readonly maxLength: number;
  readonly tokenizer: SentencePieceTokenizer;
  /** The model folder it was read from (undefined: the built-in package); a training worker rebuilds it from there. */
  readonly modelDir?: string;
  protected readonly core: UseLiteCore;

  constructor(options: UseLiteLoadOptions = {}) {
    this.maxLength = options.maxLength ?? USE_LITE.maxPositions;
    this.modelDir = options.modelDir;
    this.tokenizer = options.tokenizer ?? loadUseLiteTokenizer(options.modelDir);
    this.core = buildCore(options);
  }

  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.core.variables;
  }

  tokenize(texts: readonly string[], maxLength = this.maxLength): TokenBatch {
    return packBatch(texts.map((t) => this.tokenizer.encode(String(t ?? ''), { maxLength })));
  }

  /** Differentiable: [batch, 512] normalised embeddings of a tokenized batch. */
  forwardBatch(batch: TokenBatch, options: ForwardOptions = {}): tf.Tensor2D {
    if (batch.batch === 0) return tf.zeros([0, this.dim]);
    return tf.tidy(() => l2Normalize(this.core.encode(batch, options)));
  }

  forward(texts: readonly string[], options: ForwardOptions = {}): { embeddings: tf.Tensor2D; truncated: boolean[] } {
    const batch = this.tokenize(texts, options.maxLength ?? this.maxLength);
    return { embeddings: this.forwardBatch(batch, options), truncated: batch.truncated };
  }

  async embedDetailed(texts: readonly string[], options: InferenceOptions = {}): Promise<EmbedResult> {
    const maxLength = options.maxLength ?? this.maxLength;
    const encoded = texts.map((t) => this.tokenizer.encode(String(t ?? ''), { maxLength }));
    const vectors = await runBatched(
      encoded,
      (e) => e.ids.length,
      options.batchSize ?? 32,
      async (items) => {
        const out = tf.tidy(() => l2Normalize(this.core.encode(packBatch(items))));
        try {
          const data = (await out.data()) as Float32Array;
          return items.map((_, i) => data.slice(i * this.dim, (i + 1) * this.dim));
        } finally {
          out.dispose();
        }
      },
    );
    return { vectors, truncated: encoded.map((e) => e.truncated) };
  }

  /**
   * Last-layer token states of each text, each token's 512-d state L2-normalised (row-major
   * [tokens, 512]), with the token ids: the evidence token alignment matches (teachers/alignment.ts).
   */
  tokenIds(text: string, maxLength = this.maxLength): number[] {
    return this.tokenizer.encode(String(text ?? ''), { maxLength }).ids;
  }

  async tokenStates(texts: readonly string[], options: InferenceOptions = {}): Promise<TokenStates[]> {
    const maxLength = options.maxLength ?? this.maxLength;
    const encoded = texts.map((t) => this.tokenizer.encode(String(t ?? ''), { maxLength }));
    const width = USE_LITE.hiddenDim;
    return runBatched(
      encoded,
      (e) => e.ids.length,
      options.batchSize ?? 32,
      async (items) => {
        const batch = packBatch(items);
        const out = tf.tidy(() => {
          const z = this.core.tokenStates(batch);
          return tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 2, true), 1e-12));
        });
        try {
          const data = (await out.data()) as Float32Array;
          return items.map((e, b) => ({
            ids: e.ids,
            states: data.slice(b * batch.seqLen * width, (b * batch.seqLen + e.ids.length) * width),
          }));
        } finally {
          out.dispose();
        }
      },
    );
  }

  async embed(texts: readonly string[], options: InferenceOptions = {}): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts, options)).vectors;
  }

  trainableVariables(): tf.Variable[] {
    return this.core.trainableVariables();
  }

  getWeights(): Map<string, tf.Tensor> {
    return this.core.getWeights();
  }

  setWeights(weights: ReadonlyMap<string, tf.Tensor>, options: SetWeightsOptions = {}): void {
    this.core.setWeights(weights, options.ignoreUnknown ?? false);
  }

  dispose(): void {
    this.core.dispose();
  }
}

/** Loads the built-in USE lite as a bi-encoder (call initBackend first). */
export function loadUseLiteBiEncoder(options: UseLiteLoadOptions = {}): UseLiteBiEncoder {
  return new UseLiteBiEncoder(options);
}
