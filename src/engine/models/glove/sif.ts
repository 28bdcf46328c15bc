/**
 * SIF sentence embeddings (Arora, Liang & Ma, ICLR 2017) on GloVe: the average of the word
 * vectors weighted by a / (a + p(w)), then the first principal component removed.
 * p(w) is not in the package, only the frequency rank: GloVe's vocabulary is sorted by corpus
 * frequency, so p(w) follows Zipf's law, p(rank r) = 1 / (r * H_N) (H_N the N-th harmonic number).
 */
import { gloveTokenIds } from './tokenize';
import type { GloveVectors } from './vectors';

export const SIF_A = 1e-3;

/** Zipf estimate of a word's unigram probability from its 0-based frequency rank. */
export function zipfProbabilities(size: number): Float64Array {
  let harmonic = 0;
  for (let r = 1; r <= size; r++) harmonic += 1 / r;
  const p = new Float64Array(size);
  for (let i = 0; i < size; i++) p[i] = 1 / ((i + 1) * harmonic);
  return p;
}

export function sifWeights(size: number, a = SIF_A): Float32Array {
  const p = zipfProbabilities(size);
  return Float32Array.from(p, (pi) => a / (a + pi));
}

/** Weighted average of the word vectors of `ids` (zeros when no word is known). */
export function weightedAverage(vectors: GloveVectors, weights: ArrayLike<number>, ids: readonly number[]): Float32Array {
  const { dim, matrix } = vectors;
  const out = new Float32Array(dim);
  if (ids.length === 0) return out;
  for (const id of ids) {
    const w = weights[id]!;
    const row = id * dim;
    for (let d = 0; d < dim; d++) out[d]! += w * matrix[row + d]!;
  }
  for (let d = 0; d < dim; d++) out[d]! /= ids.length;
  return out;
}

/** First right singular vector of the rows (uncentred, as SIF's TruncatedSVD), unit length. */
export function firstPrincipalComponent(rows: readonly Float32Array[], dim: number): Float32Array {
  const cov = new Float64Array(dim * dim);
  for (const r of rows)
    for (let i = 0; i < dim; i++) {
      const ri = r[i]!;
      if (ri === 0) continue;
      for (let j = 0; j < dim; j++) cov[i * dim + j]! += ri * r[j]!;
    }
  let v = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let it = 0; it < 200; it++) {
    const next = new Float64Array(dim);
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += cov[i * dim + j]! * v[j]!;
      next[i] = s;
    }
    const norm = Math.hypot(...next);
    if (norm === 0) break;
    let delta = 0;
    for (let i = 0; i < dim; i++) {
      next[i]! /= norm;
      delta += Math.abs(next[i]! - v[i]!);
    }
    v = next;
    if (delta < 1e-10) break;
  }
  return Float32Array.from(v);
}

/**
 * A reference component that needs no texts: the direction of the expected SIF average of a
 * sentence drawn word by word from the Zipf distribution, sum_w p(w) * a/(a+p(w)) * v_w. The
 * uncentred first component of many sentence averages is dominated by that mean direction.
 */
export function vocabularyComponent(vectors: Pick<GloveVectors, 'size' | 'dim' | 'matrix'>, a = SIF_A): Float32Array {
  const p = zipfProbabilities(vectors.size);
  const { dim, matrix } = vectors;
  const acc = new Float64Array(dim);
  for (let i = 0; i < vectors.size; i++) {
    const w = p[i]! * (a / (a + p[i]!));
    for (let d = 0; d < dim; d++) acc[d]! += w * matrix[i * dim + d]!;
  }
  const norm = Math.hypot(...acc) || 1;
  return Float32Array.from(acc, (x) => x / norm);
}

export function removeComponent(v: Float32Array, u: ArrayLike<number>): Float32Array {
  let dot = 0;
  for (let d = 0; d < v.length; d++) dot += v[d]! * u[d]!;
  for (let d = 0; d < v.length; d++) v[d]! -= dot * u[d]!;
  return v;
}

export function l2NormalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let d = 0; d < v.length; d++) s += v[d]! * v[d]!;
  const n = Math.sqrt(s);
  if (n > 0) for (let d = 0; d < v.length; d++) v[d]! /= n;
  return v;
}

export interface SifEmbedOptions {
  /**
   * Which first component to remove: 'texts' estimates it on the texts given (the SIF paper's
   * way; needs a batch of texts), 'reference' uses the text-free vocabulary component (stable:
   * a text gets the same vector whatever it is embedded with), or an explicit unit vector.
   */
  component?: 'texts' | 'reference' | Float32Array;
}

/** The parameter-free SIF scorer (the trainable model is in biEncoder.ts). */
export class GloveSif {
  readonly dim: number;
  readonly weights: Float32Array;
  private reference: Float32Array | null = null;

  constructor(
    readonly vectors: GloveVectors,
    readonly a = SIF_A,
  ) {
    this.dim = vectors.dim;
    this.weights = sifWeights(vectors.size, a);
  }

  referenceComponent(): Float32Array {
    return (this.reference ??=
      this.a === SIF_A && this.vectors.referenceComponent ? this.vectors.referenceComponent : vocabularyComponent(this.vectors, this.a));
  }

  /** Weighted averages before component removal. */
  averages(texts: readonly string[]): Float32Array[] {
    return texts.map((t) => weightedAverage(this.vectors, this.weights, gloveTokenIds(t, this.vectors.index)));
  }

  /** L2-normalised SIF embeddings (a text with no known word gets the zero vector). */
  embed(texts: readonly string[], options: SifEmbedOptions = {}): Float32Array[] {
    const avgs = this.averages(texts);
    const c = options.component ?? 'reference';
    const u = c === 'texts' ? firstPrincipalComponent(avgs, this.dim) : c === 'reference' ? this.referenceComponent() : c;
    return avgs.map((v) => l2NormalizeInPlace(removeComponent(v, u)));
  }
}
