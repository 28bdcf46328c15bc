/**
 * USE lite as a cross-encoder: `a </s> b` read as one sequence, a learned segment embedding
 * (0 for a and the separator, 1 for b) added to the input, and a score head on the pooled
 * representation: logit = tanh-pooler(mean-pooled states) @ w + b; score = sigmoid(logit).
 *
 * The segment embeddings start at zero, so on a single segment the network computes exactly
 * the base model; the head starts small (normal, std 0.02) so initial scores sit near 0.5.
 */
import * as tf from '@tensorflow/tfjs';
import type { SentencePieceTokenizer } from '../../tokenize/sentencepiece';
import type {
  CrossEncoder,
  ForwardOptions,
  InferenceOptions,
  ScoreResult,
  SetWeightsOptions,
  TextPair,
} from '../encoder';
import { dense } from '../../backend/ops';
import { type UseLiteLoadOptions, buildCore, loadUseLiteTokenizer, runBatched } from './biEncoder';
import { type TokenBatch, type UseLiteCore, packBatch } from './core';
import { USE_LITE } from './params';

export interface UseLiteCrossEncoderOptions extends UseLiteLoadOptions {
  /** Seed of the score head's initial weights (default 42). */
  seed?: number;
}

export class UseLiteCrossEncoder implements CrossEncoder {
  readonly kind = 'cross-encoder' as const;
  readonly maxLength: number;
  readonly tokenizer: SentencePieceTokenizer;
  protected readonly core: UseLiteCore;

  constructor(options: UseLiteCrossEncoderOptions = {}) {
    this.maxLength = options.maxLength ?? USE_LITE.maxPositions;
    this.tokenizer = options.tokenizer ?? loadUseLiteTokenizer(options.modelDir);
    this.core = buildCore(options);
    tf.tidy(() => {
      this.core.addVariable('segment_embeddings', tf.zeros([2, USE_LITE.embedDim]));
      this.core.addVariable(
        'score_head/kernel',
        tf.randomNormal([USE_LITE.hiddenDim, 1], 0, 0.02, 'float32', options.seed ?? 42),
      );
      this.core.addVariable('score_head/bias', tf.zeros([1]));
    });
  }

  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.core.variables;
  }

  private encodePair(pair: TextPair, maxLength: number) {
    return this.tokenizer.encodePair(String(pair[0] ?? ''), String(pair[1] ?? ''), { maxLength });
  }

  tokenizePairs(pairs: readonly TextPair[], maxLength = this.maxLength): TokenBatch {
    return packBatch(pairs.map((p) => this.encodePair(p, maxLength)));
  }

  /** The 512-d representation the score head reads: tanh pooler over mean-pooled states. */
  representation(batch: TokenBatch, options: ForwardOptions = {}): tf.Tensor2D {
    if (batch.batch === 0) return tf.zeros([0, USE_LITE.hiddenDim]);
    return tf.tidy(() => this.core.encode(batch, options));
  }

  /** Differentiable: one logit per pair of a tokenized batch, [batch]. */
  forwardBatch(batch: TokenBatch, options: ForwardOptions = {}): tf.Tensor1D {
    if (batch.batch === 0) return tf.zeros([0]);
    return tf.tidy(() => {
      const pooled = this.core.encode(batch, options);
      const kernel = this.core.variables.get('score_head/kernel') as tf.Variable<tf.Rank.R2>;
      const bias = this.core.variables.get('score_head/bias') as tf.Variable<tf.Rank.R1>;
      return dense(pooled, kernel, bias).reshape([-1]) as tf.Tensor1D;
    });
  }

  forward(pairs: readonly TextPair[], options: ForwardOptions = {}): { logits: tf.Tensor1D; truncated: boolean[] } {
    const batch = this.tokenizePairs(pairs, options.maxLength ?? this.maxLength);
    return { logits: this.forwardBatch(batch, options), truncated: batch.truncated };
  }

  async scoreDetailed(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<ScoreResult> {
    const maxLength = options.maxLength ?? this.maxLength;
    const encoded = pairs.map((p) => this.encodePair(p, maxLength));
    const scores = await runBatched(encoded, (e) => e.ids.length, options.batchSize ?? 32, async (items) => {
      const out = tf.tidy(() => tf.sigmoid(this.forwardBatch(packBatch(items))));
      try {
        return Array.from((await out.data()) as Float32Array);
      } finally {
        out.dispose();
      }
    });
    return { scores: Float32Array.from(scores), truncated: encoded.map((e) => e.truncated) };
  }

  async score(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<Float32Array> {
    return (await this.scoreDetailed(pairs, options)).scores;
  }

  trainableVariables(): tf.Variable[] {
    return this.core.trainableVariables();
  }

  getWeights(): Map<string, tf.Tensor> {
    return this.core.getWeights();
  }

  /** Accepts bi-encoder weights too (the head and segment table then keep their values). */
  setWeights(weights: ReadonlyMap<string, tf.Tensor>, options: SetWeightsOptions = {}): void {
    this.core.setWeights(weights, options.ignoreUnknown ?? false);
  }

  dispose(): void {
    this.core.dispose();
  }
}

/** Loads the built-in USE lite as a cross-encoder (call initBackend first). */
export function loadUseLiteCrossEncoder(options: UseLiteCrossEncoderOptions = {}): UseLiteCrossEncoder {
  return new UseLiteCrossEncoder(options);
}
