/**
 * The BERT / RoBERTa encoder in TF.js: embeddings (word + position + segment) with
 * LayerNorm, then post-LN blocks of multi-head self-attention and a feed-forward layer.
 * Weights are trainable tf.Variables keyed by their Hugging Face names (no prefix);
 * linear weights are held transposed, [in, out].
 */
import * as tf from '@tensorflow/tfjs';
import type { HfEncoderConfig } from './config';
import { activation, batchMatMul, gatherRows, layerNorm, linear, maybeDropout } from './ops';
import type { ExpectedTensor } from './weights';

export interface EncoderInputs {
  /** int32 [batch, seq] token ids. */
  ids: tf.Tensor2D;
  /** [batch, seq] 1 for real tokens, 0 for padding. */
  attentionMask: tf.Tensor2D;
  /** int32 [batch, seq] segment ids; zeros when absent. */
  tokenTypeIds?: tf.Tensor2D;
}

export interface EncoderForwardOptions {
  /** Dropout on (training) or off (inference, the default). */
  training?: boolean;
  /** Dropout rate for every dropout site in training mode (default: config.json's rates). */
  dropoutRate?: number;
}

// Added to the attention scores of padding keys. Large enough that exp() is exactly 0 in
// float32, small enough to stay finite in float16 (webgl/webgpu); HF used -10000 too.
const MASKED_SCORE = -1e4;

export class BertLikeEncoder {
  readonly weights = new Map<string, tf.Variable>();

  constructor(
    readonly config: HfEncoderConfig,
    tensors: Array<{ expected: ExpectedTensor; values: Float32Array }>,
  ) {
    for (const { expected, values } of tensors) {
      const shape = expected.linear ? [expected.shape[1], expected.shape[0]] : expected.shape;
      const data = expected.linear ? transpose2d(values, expected.shape[0], expected.shape[1]) : values;
      const init = tf.tensor(data, shape, 'float32');
      this.weights.set(expected.name, tf.variable(init, true));
      init.dispose(); // the variable holds its own reference to the data
    }
  }

  /** Adds a variable (e.g. a task head) that travels with the encoder's weights. */
  addVariable(name: string, init: tf.Tensor): tf.Variable {
    if (this.weights.has(name)) throw new Error(`variable ${name} exists`);
    const v = tf.variable(init, true);
    this.weights.set(name, v);
    return v;
  }

  get hasPooler(): boolean {
    return this.weights.has('pooler.dense.weight') && this.weights.has('pooler.dense.bias');
  }

  /** Encoder variables (the BERT pooler is left out unless asked for: the sentence embedding does not use it). */
  trainableVariables(includePooler = false): tf.Variable[] {
    return [...this.weights.entries()].filter(([n]) => includePooler || !n.startsWith('pooler.')).map(([, v]) => v);
  }

  private w(name: string): tf.Variable {
    const v = this.weights.get(name);
    if (!v) throw new Error(`encoder weight ${name} is missing`);
    return v;
  }

  /** Last hidden states [batch, seq, hidden]. Dropout only when training. */
  forward(inputs: EncoderInputs, opts: EncoderForwardOptions = {}): tf.Tensor3D {
    const cfg = this.config;
    const training = opts.training ?? false;
    const rates = {
      hidden: training ? (opts.dropoutRate ?? cfg.hiddenDropout) : 0,
      attention: training ? (opts.dropoutRate ?? cfg.attentionDropout) : 0,
    };
    return tf.tidy(() => {
      const [B, L] = inputs.ids.shape;
      const H = cfg.hiddenSize;
      const ids = tf.cast(inputs.ids, 'int32');
      const types = inputs.tokenTypeIds ? tf.cast(inputs.tokenTypeIds, 'int32') : tf.zeros([B, L], 'int32');
      const mask = tf.cast(inputs.attentionMask, 'float32');

      let x = tf.add(
        tf.add(
          gatherRows(this.w('embeddings.word_embeddings.weight') as tf.Tensor2D, tf.reshape(ids, [-1])),
          gatherRows(this.w('embeddings.position_embeddings.weight') as tf.Tensor2D, tf.reshape(this.positionIds(ids), [-1])),
        ),
        gatherRows(this.w('embeddings.token_type_embeddings.weight') as tf.Tensor2D, tf.reshape(types, [-1])),
      ) as tf.Tensor2D;
      x = layerNorm(x, this.w('embeddings.LayerNorm.weight') as tf.Tensor1D, this.w('embeddings.LayerNorm.bias') as tf.Tensor1D, cfg.layerNormEps);
      x = maybeDropout(x, rates.hidden);

      const scoreMask = tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [B, 1, 1, L]);
      for (let l = 0; l < cfg.numLayers; l++) x = this.layer(l, x, scoreMask, B, L, rates);
      return tf.reshape(x, [B, L, H]) as tf.Tensor3D;
    });
  }

  /** BERT: 0..L-1. RoBERTa: padding_idx + 1 + rank among non-padding tokens; padding gets padding_idx. */
  private positionIds(ids: tf.Tensor2D): tf.Tensor2D {
    const [B, L] = ids.shape;
    if (this.config.modelType === 'bert') return tf.tile(tf.reshape(tf.range(0, L, 1, 'int32'), [1, L]), [B, 1]) as tf.Tensor2D;
    const pad = this.config.padTokenId;
    const notPad = tf.cast(tf.notEqual(ids, pad), 'int32');
    return tf.add(tf.mul(tf.cumsum(notPad, 1), notPad), tf.scalar(pad, 'int32')) as tf.Tensor2D;
  }

  private layer(l: number, x: tf.Tensor2D, scoreMask: tf.Tensor, B: number, L: number, rates: { hidden: number; attention: number }): tf.Tensor2D {
    const cfg = this.config;
    const p = `encoder.layer.${l}.`;
    const nh = cfg.numHeads;
    const d = cfg.hiddenSize / nh;
    const W = (n: string) => this.w(p + n + '.weight') as tf.Tensor2D;
    const b = (n: string) => this.w(p + n + '.bias') as tf.Tensor1D;

    const heads = (t: tf.Tensor2D, perm: number[]) => tf.transpose(tf.reshape(t, [B, L, nh, d]), perm);
    const q = heads(linear(x, W('attention.self.query'), b('attention.self.query')), [0, 2, 1, 3]); // [B, nh, L, d]
    const kT = heads(linear(x, W('attention.self.key'), b('attention.self.key')), [0, 2, 3, 1]); // [B, nh, d, L]
    const v = heads(linear(x, W('attention.self.value'), b('attention.self.value')), [0, 2, 1, 3]); // [B, nh, L, d]
    const scores = tf.add(tf.mul(batchMatMul(q, kT), 1 / Math.sqrt(d)), scoreMask);
    const probs = maybeDropout(tf.softmax(scores, -1), rates.attention);
    const ctx = tf.reshape(tf.transpose(batchMatMul(probs, v), [0, 2, 1, 3]), [B * L, cfg.hiddenSize]) as tf.Tensor2D;
    const attnOut = maybeDropout(linear(ctx, W('attention.output.dense'), b('attention.output.dense')), rates.hidden);
    const h = layerNorm(
      tf.add(attnOut, x),
      this.w(p + 'attention.output.LayerNorm.weight') as tf.Tensor1D,
      this.w(p + 'attention.output.LayerNorm.bias') as tf.Tensor1D,
      cfg.layerNormEps,
    );

    const inter = activation(linear(h, W('intermediate.dense'), b('intermediate.dense')), cfg.hiddenAct);
    const ffn = maybeDropout(linear(inter, W('output.dense'), b('output.dense')), rates.hidden);
    return layerNorm(
      tf.add(ffn, h),
      this.w(p + 'output.LayerNorm.weight') as tf.Tensor1D,
      this.w(p + 'output.LayerNorm.bias') as tf.Tensor1D,
      cfg.layerNormEps,
    );
  }

  /** BERT pooler: tanh(dense(CLS hidden state)); throws when the checkpoint has none. */
  poolerOutput(cls: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.tanh(linear(cls, this.w('pooler.dense.weight') as tf.Tensor2D, this.w('pooler.dense.bias') as tf.Tensor1D)));
  }

  /** Current weights with Hugging Face names and layout (linear weights back to [out, in]). */
  async exportWeights(): Promise<Array<{ name: string; shape: number[]; data: Float32Array }>> {
    const out: Array<{ name: string; shape: number[]; data: Float32Array }> = [];
    for (const [name, v] of this.weights) {
      const data = (await v.data()) as Float32Array;
      if (v.rank === 2 && isLinear(name)) {
        const [inDim, outDim] = v.shape;
        out.push({ name, shape: [outDim, inDim], data: transpose2d(data, inDim, outDim) });
      } else {
        out.push({ name, shape: [...v.shape], data: Float32Array.from(data) });
      }
    }
    return out;
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
  }
}

function isLinear(name: string): boolean {
  return name.endsWith('.weight') && !name.includes('embeddings') && !name.includes('LayerNorm');
}

/** [rows, cols] row-major -> [cols, rows]. */
function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = a[base + c];
  }
  return out;
}
