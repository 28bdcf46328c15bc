/**
 * USE lite as a cross-encoder: `a </s> b` read as one sequence, with a learned segment
 * embedding (0 for a and the separator, 1 for b) and a score head.
 *
 * Head: both segments are pooled from the joint states (the base's tanh pooler over each
 * text's own tokens, without the separator) into u and v, and
 *   logit = s * logit(cos(u, v)) + c + w . [u * v, |u - v|],   score = sigmoid(logit),
 * with the cosine clipped to [1e-4, 1 - 1e-4] before its logit.
 * Attention between the two segments carries a learned bias g (added to the attention logits
 * of token pairs from different segments).
 *
 * Why this head: a 2-layer encoder pooled over the whole pair needs many thousands of steps
 * to learn to compare two sentences from scratch (measured: Spearman x100 of 8 on STS-B dev
 * after 100 steps), while a Trans-Encoder run on a CPU has a few hundred. Initialised with
 * Token positions restart at 0 for the second text, so each text sits where the base model saw
 * text in training. Measured before training, Spearman x100: on all of STS-B dev 74-75 with
 * positions running on through the pair, whatever the gate (the bi-encoder: 78); restarted, on
 * its first 500 pairs, 87.9 with the gate at -2 or -30, and 80.7 with the gate open (0).
 * s = 1, c = 0, w = 0 and g = -2 (cross-segment attention damped, not cut), the cross-encoder
 * starts out scoring a pair with the cosine of its two segments, on the cosine's own scale
 * (sigmoid(logit(cos)) = cos), close to the base bi-encoder's judgement. The scale matters: a
 * head on another scale (first tried: sigmoid(4 cos - 2)) hands the bi-encoder labels it can
 * only match by distorting its geometry, which cost STS accuracy. Training moves it from there: the segment embeddings, the cross-segment
 * attention and the interaction features are where it learns what the bi-encoder cannot see.
 */
import * as tf from '@tensorflow/tfjs';
import type { SentencePieceTokenizer } from '../../tokenize/sentencepiece';
import type { CrossEncoder, ForwardOptions, InferenceOptions, ScoreResult, SetWeightsOptions, TextPair } from '../encoder';
import { matMul } from '../../backend/ops';
import { type UseLiteLoadOptions, buildCore, loadUseLiteTokenizer, runBatched } from './biEncoder';
import { type TokenBatch, type UseLiteCore, l2Normalize, packBatch } from './core';
import { USE_LITE } from './params';

const CROSS_GATE_INIT = -2;
const COS_SCALE_INIT = 1;
const BIAS_INIT = 0;
const COS_CLIP = 1e-4;

export type UseLiteCrossEncoderOptions = UseLiteLoadOptions;

/**
 * Where each text of a packed pair lies: token positions restart at 0 for the second text
 * (so each text sits at the positions the base model saw in training), and the pooling
 * weights of each text leave out the separator and padding.
 */
export function pairLayout(batch: TokenBatch): { positions: Int32Array; poolA: Float32Array; poolB: Float32Array } {
  const { batch: B, seqLen: L } = batch;
  const positions = new Int32Array(B * L);
  const poolA = new Float32Array(B * L);
  const poolB = new Float32Array(B * L);
  for (let b = 0; b < B; b++) {
    const row = b * L;
    let length = 0;
    while (length < L && batch.mask[row + length]! > 0) length++;
    let bStart = length;
    if (batch.segments)
      for (let i = 0; i < length; i++)
        if (batch.segments[row + i] === 1) {
          bStart = i;
          break;
        }
    // The separator is the last token of segment 0 (encodePair: a </s> b).
    const sep = bStart - 1;
    for (let i = 0; i < L; i++) {
      positions[row + i] = i < bStart ? i : i - bStart;
      if (i < sep) poolA[row + i] = 1;
      else if (i >= bStart && i < length) poolB[row + i] = 1;
    }
  }
  return { positions, poolA, poolB };
}

export class UseLiteCrossEncoder implements CrossEncoder {
  readonly kind = 'cross-encoder' as const;
  readonly maxLength: number;
  readonly tokenizer: SentencePieceTokenizer;
  /** The model folder it was read from (undefined: the built-in package); a training worker rebuilds it from there. */
  readonly modelDir?: string;
  protected readonly core: UseLiteCore;

  constructor(options: UseLiteCrossEncoderOptions = {}) {
    this.maxLength = options.maxLength ?? USE_LITE.maxPositions;
    this.modelDir = options.modelDir;
    this.tokenizer = options.tokenizer ?? loadUseLiteTokenizer(options.modelDir);
    this.core = buildCore(options);
    tf.tidy(() => {
      this.core.addVariable('segment_embeddings', tf.zeros([2, USE_LITE.embedDim]));
      this.core.addVariable('cross_attention_gate', tf.scalar(CROSS_GATE_INIT));
      this.core.addVariable('score_head/cos_scale', tf.tensor1d([COS_SCALE_INIT]));
      this.core.addVariable('score_head/bias', tf.tensor1d([BIAS_INIT]));
      this.core.addVariable('score_head/kernel', tf.zeros([2 * USE_LITE.hiddenDim, 1]));
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

  /** Differentiable: one logit per pair of a tokenized batch, [batch]. */
  forwardBatch(batch: TokenBatch, options: ForwardOptions = {}): tf.Tensor1D {
    if (batch.batch === 0) return tf.zeros([0]);
    return tf.tidy(() => {
      const { batch: B, seqLen: L } = batch;
      const layout = pairLayout(batch);
      const seg = tf.tensor2d(batch.segments ?? new Int32Array(B * L), [B, L], 'float32');
      // 1 where query and key tokens lie in different segments.
      const differ = tf.abs(tf.sub(seg.reshape([B, 1, L, 1]), seg.reshape([B, 1, 1, L])));
      const gate = this.core.variables.get('cross_attention_gate') as tf.Variable<tf.Rank.R0>;
      const states = this.core.tokenStates(batch, { ...options, attentionBias: tf.mul(differ, gate), positions: layout.positions });
      const u = l2Normalize(this.core.pool(states, tf.tensor2d(layout.poolA, [B, L], 'float32')));
      const v = l2Normalize(this.core.pool(states, tf.tensor2d(layout.poolB, [B, L], 'float32')));
      const cos = tf.clipByValue(tf.sum(tf.mul(u, v), 1), COS_CLIP, 1 - COS_CLIP);
      const cosLogit = tf.sub(tf.log(cos), tf.log(tf.sub(1, cos)));
      const features = tf.concat([tf.mul(u, v), tf.abs(tf.sub(u, v))], 1) as tf.Tensor2D;
      const kernel = this.core.variables.get('score_head/kernel') as tf.Variable<tf.Rank.R2>;
      const scale = this.core.variables.get('score_head/cos_scale') as tf.Variable<tf.Rank.R1>;
      const bias = this.core.variables.get('score_head/bias') as tf.Variable<tf.Rank.R1>;
      return tf.add(tf.add(tf.mul(cosLogit, scale), bias), matMul(features, kernel).reshape([-1])) as tf.Tensor1D;
    });
  }

  forward(pairs: readonly TextPair[], options: ForwardOptions = {}): { logits: tf.Tensor1D; truncated: boolean[] } {
    const batch = this.tokenizePairs(pairs, options.maxLength ?? this.maxLength);
    return { logits: this.forwardBatch(batch, options), truncated: batch.truncated };
  }

  async scoreDetailed(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<ScoreResult> {
    const maxLength = options.maxLength ?? this.maxLength;
    const encoded = pairs.map((p) => this.encodePair(p, maxLength));
    const scores = await runBatched(
      encoded,
      (e) => e.ids.length,
      options.batchSize ?? 32,
      async (items) => {
        const out = tf.tidy(() => tf.sigmoid(this.forwardBatch(packBatch(items))));
        try {
          return Array.from((await out.data()) as Float32Array);
        } finally {
          out.dispose();
        }
      },
    );
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
