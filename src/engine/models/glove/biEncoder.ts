/**
 * GloVe as a trainable bi-encoder: SIF on frozen GloVe 6B vectors with learned parts on top,
 *   e(text) = normalise( P · (avg_w(text) - (avg_w · u) u) ),   P = I + K'·ΔP
 *   avg_w   = mean over the text's known words of  sif(w) · exp(K·δ_w) · v_w
 * δ (one learned log-weight per vocabulary word, so training can learn which words matter) and
 * ΔP (a 100x100 correction of the identity) start at zero, so the untrained model is exactly SIF
 * with the reference component u (sif.ts). The vectors themselves never change.
 *
 * K rescales the variables: the training loop uses one learning rate for every member, tuned for
 * transformers (2e-5 to 5e-5), and Adam moves a variable by about the learning rate per step
 * whatever the gradient's size. With K = 100 (K' = 10 for the 10,000 entries of ΔP) a GloVe member moves as far in a few hundred steps
 * as its few parameters need.
 */
import * as tf from '@tensorflow/tfjs';
import { matMul } from '../../backend/ops';
import type { BiEncoder, EmbedResult, ForwardOptions, InferenceOptions, SetWeightsOptions } from '../encoder';
import { sifWeights } from './sif';
import { gloveTokenIds } from './tokenize';
import { loadGloveVectors, type GloveVectors, type LoadGloveOptions } from './vectors';
import { vocabularyComponent } from './sif';

export const GLOVE_ARCHITECTURE = 'glove-sif';
export const GLOVE_PARAM_SCALE = 100;
/** The projection has 10,000 entries that all move at once: a gentler scale. */
export const GLOVE_PROJECTION_SCALE = 10;
export const GLOVE_DEFAULT_MAX_LENGTH = 256;

const sifCache = new WeakMap<GloveVectors, { weights: Float32Array; component: Float32Array }>();

/** SIF weights and reference component of a vector set, computed once per process. */
export function sifOf(vectors: GloveVectors): { weights: Float32Array; component: Float32Array } {
  let entry = sifCache.get(vectors);
  if (!entry) {
    entry = { weights: sifWeights(vectors.size), component: vocabularyComponent(vectors) };
    sifCache.set(vectors, entry);
  }
  return entry;
}

/** Texts as padded word batches: ids, gathered vectors and SIF weights (0 on padding). */
export interface WordBatch {
  batch: number;
  length: number;
  ids: Int32Array;
  vectors: Float32Array;
  sif: Float32Array;
  counts: Float32Array;
  truncated: boolean[];
}

export function packWords(vectors: GloveVectors, texts: readonly string[], maxLength: number): WordBatch {
  const { weights } = sifOf(vectors);
  const lists = texts.map((t) => gloveTokenIds(String(t ?? ''), vectors.index));
  const length = Math.max(1, Math.min(maxLength, Math.max(0, ...lists.map((l) => l.length))));
  const dim = vectors.dim;
  const b: WordBatch = {
    batch: texts.length,
    length,
    ids: new Int32Array(texts.length * length),
    vectors: new Float32Array(texts.length * length * dim),
    sif: new Float32Array(texts.length * length),
    counts: new Float32Array(texts.length),
    truncated: lists.map((l) => l.length > maxLength),
  };
  lists.forEach((list, i) => {
    const n = Math.min(list.length, maxLength);
    b.counts[i] = Math.max(1, n);
    for (let j = 0; j < n; j++) {
      const id = list[j]!;
      const slot = i * length + j;
      b.ids[slot] = id;
      b.sif[slot] = weights[id]!;
      b.vectors.set(vectors.matrix.subarray(id * dim, (id + 1) * dim), slot * dim);
    }
  });
  return b;
}

/**
 * values[ids] with a gradient summed per id in plain JS (ids are known on the CPU): tf.gather's
 * gradient needs UnsortedSegmentSum, which tfjs-backend-wasm lacks.
 */
function lookupValues(values: tf.Tensor1D, ids: Int32Array): tf.Tensor1D {
  const size = values.shape[0];
  const lookup = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const t = args[0] as tf.Tensor1D;
    return {
      value: tf.gather(t, tf.tensor1d(ids, 'int32')),
      gradFunc: (dy: tf.Tensor) => {
        const g = dy.dataSync();
        const dense = new Float32Array(size);
        for (let i = 0; i < ids.length; i++) dense[ids[i]!]! += g[i]!;
        return tf.tensor1d(dense);
      },
    };
  });
  return lookup(values) as tf.Tensor1D;
}

function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D);
}

export interface GloveBiEncoderOptions extends LoadGloveOptions {
  maxLength?: number;
  /** Already loaded vectors (shared, read-only). */
  vectors?: GloveVectors;
}

export class GloveBiEncoder implements BiEncoder {
  readonly kind = 'bi-encoder' as const;
  readonly dim: number;
  readonly maxLength: number;
  readonly vectors: GloveVectors;
  private readonly vars: Map<string, tf.Variable>;

  constructor(options: GloveBiEncoderOptions = {}) {
    this.vectors = options.vectors ?? loadGloveVectors(options);
    this.dim = this.vectors.dim;
    this.maxLength = options.maxLength ?? GLOVE_DEFAULT_MAX_LENGTH;
    const { component } = sifOf(this.vectors);
    this.vars = tf.tidy(() => new Map<string, tf.Variable>([
      ['glove/word_log_weight', tf.variable(tf.zeros([this.vectors.size]), true)],
      ['glove/projection_delta', tf.variable(tf.zeros([this.dim, this.dim]), true)],
      // The removed component is stored with the model (not trained): a saved model embeds the same way everywhere.
      ['glove/component', tf.variable(tf.tensor1d(component), false)],
    ]));
  }

  get variables(): ReadonlyMap<string, tf.Variable> {
    return this.vars;
  }

  /** Differentiable: [batch, dim] normalised embeddings of a packed batch. */
  forwardBatch(b: WordBatch, options: ForwardOptions = {}): tf.Tensor2D {
    if (b.batch === 0) return tf.zeros([0, this.dim]);
    return tf.tidy(() => {
      const logW = this.vars.get('glove/word_log_weight')!;
      const deltaP = this.vars.get('glove/projection_delta')!;
      const u = this.vars.get('glove/component')!;
      const learned = tf.reshape(lookupValues(logW as tf.Tensor1D, b.ids), [b.batch, b.length]);
      let w = tf.mul(tf.tensor2d(b.sif, [b.batch, b.length]), tf.exp(tf.mul(learned, GLOVE_PARAM_SCALE))) as tf.Tensor2D;
      const rate = options.dropoutRate ?? 0.1;
      // Word dropout: a training view that leaves out some words.
      if (options.training && rate > 0) w = tf.dropout(w, rate) as tf.Tensor2D;
      const vecs = tf.tensor3d(b.vectors, [b.batch, b.length, this.dim]);
      const avg = tf.div(tf.sum(tf.mul(vecs, tf.expandDims(w, 2)), 1), tf.tensor2d(b.counts, [b.batch, 1])) as tf.Tensor2D;
      const proj = tf.mul(tf.sum(tf.mul(avg, u), 1, true), tf.expandDims(u, 0));
      const centred = tf.sub(avg, proj) as tf.Tensor2D;
      const p = tf.add(tf.eye(this.dim), tf.mul(deltaP, GLOVE_PROJECTION_SCALE)) as tf.Tensor2D;
      return l2Normalize(matMul(centred, p));
    });
  }

  forward(texts: readonly string[], options: ForwardOptions = {}): { embeddings: tf.Tensor2D; truncated: boolean[] } {
    const b = packWords(this.vectors, texts, options.maxLength ?? this.maxLength);
    return { embeddings: this.forwardBatch(b, options), truncated: b.truncated };
  }

  async embedDetailed(texts: readonly string[], options: InferenceOptions = {}): Promise<EmbedResult> {
    const maxLength = options.maxLength ?? this.maxLength;
    const size = Math.max(1, Math.floor(options.batchSize ?? 128));
    const vectors: Float32Array[] = [];
    const truncated: boolean[] = [];
    for (let start = 0; start < texts.length; start += size) {
      const b = packWords(this.vectors, texts.slice(start, start + size), maxLength);
      const out = this.forwardBatch(b);
      try {
        const data = (await out.data()) as Float32Array;
        for (let i = 0; i < b.batch; i++) vectors.push(data.slice(i * this.dim, (i + 1) * this.dim));
      } finally {
        out.dispose();
      }
      truncated.push(...b.truncated);
    }
    return { vectors, truncated };
  }

  async embed(texts: readonly string[], options: InferenceOptions = {}): Promise<Float32Array[]> {
    return (await this.embedDetailed(texts, options)).vectors;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.vars.values()].filter((v) => v.trainable);
  }

  getWeights(): Map<string, tf.Tensor> {
    return new Map([...this.vars].map(([k, v]) => [k, v.clone()]));
  }

  setWeights(weights: ReadonlyMap<string, tf.Tensor>, options: SetWeightsOptions = {}): void {
    assignByName(this.vars, weights, options, 'GloVe bi-encoder');
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
  }
}

export function assignByName(vars: ReadonlyMap<string, tf.Variable>, weights: ReadonlyMap<string, tf.Tensor>, options: SetWeightsOptions, what: string): void {
  for (const [name, t] of weights) {
    const v = vars.get(name);
    if (!v) {
      if (options.ignoreUnknown) continue;
      throw new Error(`${what}: unknown weight ${name}`);
    }
    if (v.shape.join('x') !== t.shape.join('x')) throw new Error(`${what}: weight ${name} has shape [${t.shape}], expected [${v.shape}]`);
    v.assign(t);
  }
}

export function loadGloveBiEncoder(options: GloveBiEncoderOptions = {}): GloveBiEncoder {
  return new GloveBiEncoder(options);
}
