/**
 * GloVe as a trainable cross-encoder: a small head over evidence about the two texts read
 * together (pairFeatures.ts: SIF cosine, greedy word alignment both ways, overlap, length gap,
 * negation mismatch, unmatched content, word order). The head is a linear term plus a one-layer
 * tanh MLP whose output starts at zero, so the untrained cross-encoder scores
 * sigmoid(INIT_SCALE · (mean of cosine and alignments) + INIT_BIAS); training learns per pair how
 * far to trust each piece of evidence. Variables are scaled by K like the bi-encoder's (biEncoder.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { matMul } from '../../backend/ops';
import type { CrossEncoder, ForwardOptions, InferenceOptions, ScoreResult, SetWeightsOptions, TextPair } from '../encoder';
import { assignByName, GLOVE_DEFAULT_MAX_LENGTH, variableOf } from './biEncoder';
import { PairFeaturizer, PAIR_FEATURES } from './pairFeatures';
import { loadGloveVectors, type GloveVectors, type LoadGloveOptions } from './vectors';

export const GLOVE_CROSS_PARAM_SCALE = 100;
const HIDDEN = 16;
const INIT_SCALE = 8;
const INIT_BIAS = -5;

export interface GloveCrossEncoderOptions extends LoadGloveOptions {
  maxLength?: number;
  vectors?: GloveVectors;
  /** Seed of the hidden layer's initial weights (default 42). */
  seed?: number;
}

export class GloveCrossEncoder implements CrossEncoder {
  readonly kind = 'cross-encoder' as const;
  readonly maxLength: number;
  readonly vectors: GloveVectors;
  private readonly featurizer: PairFeaturizer;
  private readonly vars: Map<string, tf.Variable>;

  constructor(options: GloveCrossEncoderOptions = {}) {
    this.vectors = options.vectors ?? loadGloveVectors(options);
    this.maxLength = options.maxLength ?? GLOVE_DEFAULT_MAX_LENGTH;
    this.featurizer = new PairFeaturizer(this.vectors);
    const K = GLOVE_CROSS_PARAM_SCALE;
    const linear = new Float32Array(PAIR_FEATURES);
    // cosine and the two alignments, averaged
    linear[0] = INIT_SCALE / 3 / K;
    linear[1] = INIT_SCALE / 3 / K;
    linear[2] = INIT_SCALE / 3 / K;
    this.vars = new Map<string, tf.Variable>([
      ['glove_cross/linear', variableOf(tf.tensor1d(linear), true)],
      ['glove_cross/bias', variableOf(tf.tensor1d([INIT_BIAS / K]), true)],
      [
        'glove_cross/hidden_kernel',
        variableOf(
          tf.tidy(() => tf.mul(tf.randomNormal([PAIR_FEATURES, HIDDEN], 0, 0.5, 'float32', options.seed ?? 42), 1 / K)),
          true,
        ),
      ],
      ['glove_cross/hidden_bias', variableOf(tf.zeros([HIDDEN]), true)],
      ['glove_cross/output', variableOf(tf.zeros([HIDDEN]), true)],
    ]);
  }

  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.vars;
  }

  /** Logits from a feature matrix [n, PAIR_FEATURES]. */
  logitsOf(features: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const K = GLOVE_CROSS_PARAM_SCALE;
      const v = (n: string) => tf.mul(this.vars.get(n)!, K);
      const linear = tf.sum(tf.mul(features, v('glove_cross/linear')), 1);
      const hidden = tf.tanh(tf.add(matMul(features, v('glove_cross/hidden_kernel') as tf.Tensor2D), v('glove_cross/hidden_bias')));
      const mlp = tf.sum(tf.mul(hidden, v('glove_cross/output')), 1);
      return tf.add(tf.add(linear, mlp), v('glove_cross/bias')) as tf.Tensor1D;
    });
  }

  forward(pairs: readonly TextPair[], options: ForwardOptions = {}): { logits: tf.Tensor1D; truncated: boolean[] } {
    const { data, truncated } = this.featurizer.features(pairs, options.maxLength ?? this.maxLength);
    const logits = tf.tidy(() => {
      let f = tf.tensor2d(data, [pairs.length, PAIR_FEATURES]);
      const rate = options.dropoutRate ?? 0.1;
      if (options.training && rate > 0) f = tf.dropout(f, rate) as tf.Tensor2D;
      return this.logitsOf(f);
    });
    return { logits, truncated };
  }

  async scoreDetailed(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<ScoreResult> {
    const scores = new Float32Array(pairs.length);
    const truncated: boolean[] = [];
    const size = Math.max(1, Math.floor(options.batchSize ?? 256));
    for (let start = 0; start < pairs.length; start += size) {
      const { logits, truncated: t } = this.forward(pairs.slice(start, start + size), { maxLength: options.maxLength });
      try {
        const probs = tf.sigmoid(logits);
        scores.set((await probs.data()) as Float32Array, start);
        probs.dispose();
      } finally {
        logits.dispose();
      }
      truncated.push(...t);
    }
    return { scores, truncated };
  }

  async score(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<Float32Array> {
    return (await this.scoreDetailed(pairs, options)).scores;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  getWeights(): Map<string, tf.Tensor> {
    return new Map([...this.vars].map(([k, v]) => [k, v.clone()]));
  }

  setWeights(weights: ReadonlyMap<string, tf.Tensor>, options: SetWeightsOptions = {}): void {
    assignByName(this.vars, weights, options, 'GloVe cross-encoder');
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
  }
}

export function loadGloveCrossEncoder(options: GloveCrossEncoderOptions = {}): GloveCrossEncoder {
  return new GloveCrossEncoder(options);
}
