/**
 * The USE lite transformer ("KonaTransformer", 2 layers) re-implemented with TF.js ops on
 * trainable variables. The forward pass follows the original graph (model.json) op for op:
 *
 *   x  = 2 * E[ids] + timing(pos)        the graph adds the embeddings twice:
 *                                        Layer_0/add = emb + AddTimingSignal(emb)
 *   layer 0 (256 -> 512):
 *     y = MHA(LN(x)) + dense(x)          4 heads of 64, q scaled by 1/8; the residual is
 *                                        projected to 512 (AdjustResidualInput)
 *     z = y + FFN(LN(y))                 512 -> 1536 (relu) -> 512
 *   layer 1 (512): y = MHA(LN(z)) + z;   z = y + FFN(LN(y))   (4 heads of 128)
 *   pooled = mean of z over real tokens (divided by max(count, 1))
 *   out = tanh(pooled @ W + b)           then L2-normalised by the bi-encoder
 *
 * LN: (x - mean) * rsqrt(var + 1e-6) * scale + bias. Padded keys get a -1e9 attention bias.
 * The graph computes the FFN and projections only at real positions (gather/scatter); we
 * compute them densely. Padded positions never reach a real position (masked keys, masked
 * pooling), so real outputs are identical.
 *
 * Training mode adds dropout after the input embedding, on the attention output and on the
 * FFN output (before each residual sum), the places T2T's layer_postprocess drops out.
 */
import * as tf from '@tensorflow/tfjs';
import { dense, dropout, embeddingLookup, layerNorm, matMul } from '../../backend/ops';
import { INV_TIMESCALES_NODE, USE_LITE, baseParamsFromGraph } from './params';
import { readUseLiteGraphWeights } from './artifacts';

export interface TokenBatch {
  batch: number;
  seqLen: number;
  /** [batch * seqLen] token ids, 0 where padded. */
  ids: Int32Array;
  /** [batch * seqLen] 1 for a real token, 0 for padding. */
  mask: Float32Array;
  /** [batch * seqLen] segment ids (cross-encoder), 0 where padded. */
  segments?: Int32Array;
  lengths: number[];
  truncated: boolean[];
}

export interface EncodedInput {
  ids: number[];
  typeIds?: number[];
  truncated: boolean;
}

/** Pads encoded inputs into one batch (at least one position, so an all-empty batch works). */
export function packBatch(items: readonly EncodedInput[]): TokenBatch {
  const batch = items.length;
  const seqLen = Math.max(1, ...items.map((e) => e.ids.length));
  const ids = new Int32Array(batch * seqLen);
  const mask = new Float32Array(batch * seqLen);
  const withSegments = items.some((e) => e.typeIds !== undefined);
  const segments = withSegments ? new Int32Array(batch * seqLen) : undefined;
  items.forEach((e, b) => {
    ids.set(e.ids, b * seqLen);
    mask.fill(1, b * seqLen, b * seqLen + e.ids.length);
    if (segments && e.typeIds) segments.set(e.typeIds, b * seqLen);
  });
  return {
    batch,
    seqLen,
    ids,
    mask,
    segments,
    lengths: items.map((e) => e.ids.length),
    truncated: items.map((e) => e.truncated),
  };
}

export interface CoreForwardOptions {
  training?: boolean;
  dropoutRate?: number;
}

export interface UseLiteBaseParams {
  params: Map<string, tf.Tensor>;
  /** [1, 128] inverse timescales of the sinusoidal timing signal (constant). */
  invTimescales: tf.Tensor2D;
}

/** Reads the base weights from the model folder. Caller owns the returned tensors. */
export function loadUseLiteBaseParams(dir?: string): UseLiteBaseParams {
  const graph = readUseLiteGraphWeights(dir);
  try {
    const params = baseParamsFromGraph(graph);
    const inv = graph[INV_TIMESCALES_NODE];
    if (!inv) throw new Error(`USE lite weights lack ${INV_TIMESCALES_NODE}`);
    return { params, invTimescales: inv.reshape([1, -1]) as tf.Tensor2D };
  } finally {
    tf.dispose(Object.values(graph));
  }
}

export class UseLiteCore {
  readonly variables = new Map<string, tf.Variable>();
  private readonly invTimescales: tf.Tensor2D;
  private readonly timing = new Map<number, tf.Tensor2D>();

  constructor(base: UseLiteBaseParams) {
    for (const [name, t] of base.params) this.variables.set(name, tf.variable(t, true));
    this.invTimescales = tf.keep(base.invTimescales.clone());
  }

  addVariable(name: string, initial: tf.Tensor): tf.Variable {
    if (this.variables.has(name)) throw new Error(`Variable ${name} exists`);
    const v = tf.variable(initial, true);
    this.variables.set(name, v);
    return v;
  }

  private v<R extends tf.Rank>(name: string): tf.Variable<R> {
    const v = this.variables.get(name);
    if (!v) throw new Error(`USE lite variable ${name} missing`);
    return v as tf.Variable<R>;
  }

  /** Sinusoidal timing signal for positions 0..len-1, [len, 256] (cached, computed as the graph does). */
  private timingSignal(len: number): tf.Tensor2D {
    let t = this.timing.get(len);
    if (!t) {
      t = tf.tidy(() => {
        const scaled = tf.mul(tf.range(0, len, 1, 'float32').reshape([len, 1]), this.invTimescales);
        return tf.concat([tf.sin(scaled), tf.cos(scaled)], 1) as tf.Tensor2D;
      });
      tf.keep(t);
      this.timing.set(len, t);
    }
    return t;
  }

  private attention(h: tf.Tensor3D, layer: 0 | 1, bias: tf.Tensor4D): tf.Tensor3D {
    const [B, L, width] = h.shape;
    const heads = USE_LITE.heads;
    const depth = width / heads;
    const p = `layer_${layer}/attention/`;
    const qkv = dense(h, this.v<tf.Rank.R2>(p + 'qkv/kernel'), this.v<tf.Rank.R1>(p + 'qkv/bias'));
    const [q, k, val] = tf.split(qkv, 3, 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const splitHeads = (x: tf.Tensor3D) => x.reshape([B, L, heads, depth]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
    const qh = tf.mul(splitHeads(q), Math.fround(1 / Math.sqrt(depth))) as tf.Tensor4D;
    const scores = tf.add(matMul(qh, splitHeads(k), false, true), bias) as tf.Tensor4D;
    const weights = tf.softmax(scores);
    const context = matMul(weights, splitHeads(val)).transpose([0, 2, 1, 3]).reshape([B, L, width]) as tf.Tensor3D;
    return dense(context, this.v<tf.Rank.R2>(p + 'output/kernel'), this.v<tf.Rank.R1>(p + 'output/bias'));
  }

  private ffn(y: tf.Tensor3D, layer: 0 | 1): tf.Tensor3D {
    const p = `layer_${layer}/ffn/`;
    const h = layerNorm(y, this.v<tf.Rank.R1>(p + 'layer_norm/scale'), this.v<tf.Rank.R1>(p + 'layer_norm/bias'));
    const inner = tf.relu(dense(h, this.v<tf.Rank.R2>(p + 'conv1/kernel'), this.v<tf.Rank.R1>(p + 'conv1/bias')));
    return dense(inner, this.v<tf.Rank.R2>(p + 'conv2/kernel'), this.v<tf.Rank.R1>(p + 'conv2/bias'));
  }

  /**
   * Sentence representation before L2 normalisation: tanh(mean-pooled states @ W + b), [batch, 512].
   * Call inside tf.tidy (or an optimizer's minimize) to free intermediates.
   */
  encode(batch: TokenBatch, options: CoreForwardOptions = {}): tf.Tensor2D {
    const states = this.tokenStates(batch, options);
    return this.pool(states, tf.tensor2d(batch.mask, [batch.batch, batch.seqLen], 'float32'));
  }

  /**
   * Token states of the last layer, [batch, seqLen, 512]. `attentionBias` ([batch, 1, seqLen,
   * seqLen] or broadcastable) is added to the attention logits of both layers on top of the
   * padding mask (the cross-encoder uses it to weigh attention between its two segments).
   */
  tokenStates(batch: TokenBatch, options: CoreForwardOptions & { attentionBias?: tf.Tensor; positions?: Int32Array } = {}): tf.Tensor3D {
    const { batch: B, seqLen: L } = batch;
    const rate = options.training ? (options.dropoutRate ?? 0.1) : 0;
    const drop = <T extends tf.Tensor>(x: T): T => dropout(x, rate);

    const ids = tf.tensor2d(batch.ids, [B, L], 'int32');
    const mask = tf.tensor2d(batch.mask, [B, L], 'float32');
    const emb = embeddingLookup(this.v<tf.Rank.R2>('embeddings'), ids) as tf.Tensor3D;
    // Positions are 0..L-1 unless given per token (the cross-encoder restarts them for its second text).
    const timing = options.positions
      ? (tf.gather(
          this.timingSignal(Math.max(L, 1 + Math.max(0, ...options.positions))),
          tf.tensor2d(options.positions, [B, L], 'int32'),
        ) as unknown as tf.Tensor3D)
      : this.timingSignal(L);
    let x = tf.add(tf.mul(emb, 2), timing) as tf.Tensor3D;
    const segTable = this.variables.get('segment_embeddings') as tf.Variable<tf.Rank.R2> | undefined;
    if (segTable && batch.segments) {
      x = tf.add(x, embeddingLookup(segTable, tf.tensor2d(batch.segments, [B, L], 'int32'))) as tf.Tensor3D;
    }
    x = drop(x);
    let bias = tf.mul(tf.sub(1, mask), USE_LITE.paddingBias).reshape([B, 1, 1, L]) as tf.Tensor4D;
    if (options.attentionBias) bias = tf.add(bias, options.attentionBias) as tf.Tensor4D;

    // Layer 0
    let h = layerNorm(x, this.v('layer_0/attention/layer_norm/scale'), this.v('layer_0/attention/layer_norm/bias'));
    const residual = dense(x, this.v<tf.Rank.R2>('layer_0/residual/kernel'), this.v<tf.Rank.R1>('layer_0/residual/bias'));
    let y = tf.add(drop(this.attention(h, 0, bias)), residual) as tf.Tensor3D;
    let z = tf.add(y, drop(this.ffn(y, 0))) as tf.Tensor3D;
    // Layer 1
    h = layerNorm(z, this.v('layer_1/attention/layer_norm/scale'), this.v('layer_1/attention/layer_norm/bias'));
    y = tf.add(drop(this.attention(h, 1, bias)), z) as tf.Tensor3D;
    z = tf.add(y, drop(this.ffn(y, 1))) as tf.Tensor3D;
    return z;
  }

  /** tanh pooler over the mean of the states where `weights` ([batch, seqLen], 0/1) is 1. */
  pool(states: tf.Tensor3D, weights: tf.Tensor2D): tf.Tensor2D {
    const summed = tf.sum(tf.mul(states, weights.expandDims(2)), 1);
    const counts = tf.maximum(tf.sum(weights, 1, true), 1);
    const pooled = tf.div(summed, counts) as tf.Tensor2D;
    return tf.tanh(dense(pooled, this.v<tf.Rank.R2>('pooler/kernel'), this.v<tf.Rank.R1>('pooler/bias')));
  }

  trainableVariables(): tf.Variable[] {
    return [...this.variables.values()];
  }

  getWeights(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, v] of this.variables) out.set(name, tf.keep(v.clone()));
    return out;
  }

  setWeights(weights: ReadonlyMap<string, tf.Tensor>, ignoreUnknown = false): void {
    for (const [name, t] of weights) {
      const v = this.variables.get(name);
      if (!v) {
        if (ignoreUnknown) continue;
        throw new Error(`Unknown weight ${name}`);
      }
      if (!tf.util.arraysEqual(v.shape, t.shape)) {
        throw new Error(`Weight ${name} has shape [${t.shape}], expected [${v.shape}]`);
      }
    }
    tf.tidy(() => {
      for (const [name, t] of weights) {
        const v = this.variables.get(name);
        if (v) v.assign(t.dtype === v.dtype ? t : t.cast(v.dtype));
      }
    });
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    for (const t of this.timing.values()) t.dispose();
    this.timing.clear();
    this.invTimescales.dispose();
  }
}

/** L2 normalisation as in the graph: x * rsqrt(max(sum(x^2), 1e-12)). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12))) as tf.Tensor2D);
}
