/**
 * An imported BERT / RoBERTa checkpoint as a cross-encoder: the pair is read as one
 * sequence (`[CLS] a [SEP] b [SEP]` with segment ids for BERT, `<s> a </s></s> b </s>` for
 * RoBERTa) and scored from its first token like Hugging Face's *ForSequenceClassification
 * with one label: logit = w . tanh(dense(h_first)) + b, score = sigmoid(logit).
 *
 * The dense layer is the checkpoint's BERT pooler when it has one (variables
 * "pooler.dense.*"), otherwise it starts random like the classifier ("classifier.*",
 * normal with std config.initializer_range-like 0.02, bias 0), so initial scores sit near 0.5.
 */
import * as tf from '@tensorflow/tfjs';
import type { CrossEncoder, ForwardOptions, InferenceOptions, ScoreResult, SetWeightsOptions, TextPair } from '../encoder';
import type { HfEncoderConfig } from './config';
import type { ModelFolderSummary } from './folder';
import { HfEncoder, loadHfParts, type LoadOptions, type TokenBatch, batchTensors } from './hfEncoder';
import { linear, maybeDropout } from './ops';
import type { HfTokenizer } from '../../tokenize/pipeline';
import type { BertLikeEncoder } from './transformer';

export interface HfCrossEncoderOptions extends LoadOptions {
  /** Seed of the randomly initialised head weights (default 42). */
  seed?: number;
}

const HEAD_STD = 0.02;

export class HfCrossEncoder implements CrossEncoder {
  readonly kind = 'cross-encoder' as const;
  /** Tokenization and the token-level forward are shared with the bi-encoder class. */
  private readonly base: HfEncoder;

  constructor(
    readonly config: HfEncoderConfig,
    readonly tokenizer: HfTokenizer,
    readonly encoder: BertLikeEncoder,
    readonly maxLength: number,
    readonly summary: ModelFolderSummary,
    seed = 42,
  ) {
    this.base = new HfEncoder(config, tokenizer, encoder, ['cls'], maxLength, summary);
    const H = config.hiddenSize;
    tf.tidy(() => {
      if (!encoder.hasPooler) {
        encoder.addVariable('pooler.dense.weight', tf.randomNormal([H, H], 0, HEAD_STD, 'float32', seed + 1));
        encoder.addVariable('pooler.dense.bias', tf.zeros([H]));
      }
      encoder.addVariable('classifier.weight', tf.randomNormal([H, 1], 0, HEAD_STD, 'float32', seed));
      encoder.addVariable('classifier.bias', tf.zeros([1]));
    });
  }

  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.encoder.weights;
  }

  encodePairs(pairs: readonly TextPair[], maxLength?: number): TokenBatch {
    return this.base.encodePairs(pairs, maxLength);
  }

  /** Differentiable: one logit per pair of a tokenized batch, [batch]. */
  forwardBatch(batch: TokenBatch, options: ForwardOptions = {}): tf.Tensor1D {
    const rate = options.training ? (options.dropoutRate ?? this.config.hiddenDropout) : 0;
    return tf.tidy(() => {
      const hidden = this.encoder.forward(batchTensors(batch), options);
      const [B, , H] = hidden.shape;
      const first = maybeDropout(tf.reshape(tf.slice(hidden, [0, 0, 0], [B, 1, H]), [B, H]) as tf.Tensor2D, rate);
      const w = (n: string) => this.encoder.weights.get(n)!;
      const pooled = maybeDropout(tf.tanh(linear(first, w('pooler.dense.weight') as tf.Tensor2D, w('pooler.dense.bias') as tf.Tensor1D)), rate);
      return tf.reshape(linear(pooled, w('classifier.weight') as tf.Tensor2D, w('classifier.bias') as tf.Tensor1D), [-1]) as tf.Tensor1D;
    });
  }

  forward(pairs: readonly TextPair[], options: ForwardOptions = {}): { logits: tf.Tensor1D; truncated: boolean[] } {
    const batch = this.encodePairs(pairs, options.maxLength);
    return { logits: this.forwardBatch(batch, options), truncated: batch.truncated };
  }

  async scoreDetailed(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<ScoreResult> {
    const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
    // batch pairs of similar length (characters as a cheap proxy for tokens): less padding
    const size = pairs.map(([a, b]) => String(a ?? '').length + String(b ?? '').length);
    const order = pairs.map((_, i) => i).sort((x, y) => size[x] - size[y]);
    const scores = new Float32Array(pairs.length);
    const truncated: boolean[] = new Array(pairs.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const batch = this.encodePairs(
        idx.map((i) => pairs[i]),
        options.maxLength,
      );
      const out = tf.tidy(() => tf.sigmoid(this.forwardBatch(batch)));
      try {
        const data = (await out.data()) as Float32Array;
        idx.forEach((orig, k) => {
          scores[orig] = data[k];
          truncated[orig] = batch.truncated[k];
        });
      } finally {
        out.dispose();
      }
    }
    return { scores, truncated };
  }

  async score(pairs: readonly TextPair[], options: InferenceOptions = {}): Promise<Float32Array> {
    return (await this.scoreDetailed(pairs, options)).scores;
  }

  /** Every variable: encoder, pooler and classifier. */
  trainableVariables(): tf.Variable[] {
    return [...this.encoder.weights.values()];
  }

  getWeights(): Map<string, tf.Tensor> {
    return this.base.getWeights();
  }

  /** Accepts bi-encoder weights too (the head then keeps its values). */
  setWeights(weights: ReadonlyMap<string, tf.Tensor>, options: SetWeightsOptions = {}): void {
    this.base.setWeights(weights, options);
  }

  dispose(): void {
    this.encoder.dispose();
  }
}

/** Check and load a model folder as a cross-encoder; throws HfModelFolderError listing every problem. */
export async function loadHfCrossEncoder(dir: string, opts: HfCrossEncoderOptions = {}): Promise<HfCrossEncoder> {
  const p = await loadHfParts(dir, opts);
  return new HfCrossEncoder(p.config, p.tokenizer, p.encoder, p.maxLength, p.summary, opts.seed ?? 42);
}
