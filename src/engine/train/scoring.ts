import type { BiEncoder, CrossEncoder, TextPair } from '../models/encoder';

/**
 * Pairs (or texts) per batch when a training run scores with its own models: a wasm heap keeps
 * its high-water mark, and cross-encoder scoring at 64 pairs x 40 tokens grew it to 237 MB, at
 * 16 to 95 MB (bi-encoder 137 -> 55 MB), same scores within 2.4e-7, same time (issue 14).
 */
export const TRAIN_SCORING_BATCH = 16;

export interface PairList {
  a: readonly string[];
  b: readonly string[];
}

/** Cosine of each pair under a bi-encoder; every distinct text is embedded once. */
export async function biScores(bi: Pick<BiEncoder, 'embed'>, pairs: PairList, opts: { maxLength?: number; batchSize?: number } = {}): Promise<Float32Array> {
  const index = new Map<string, number>();
  const texts: string[] = [];
  const idOf = (t: string) => {
    let i = index.get(t);
    if (i === undefined) {
      i = texts.length;
      index.set(t, i);
      texts.push(t);
    }
    return i;
  };
  const ia = pairs.a.map(idOf);
  const ib = pairs.b.map(idOf);
  const vectors = await bi.embed(texts, { maxLength: opts.maxLength, batchSize: opts.batchSize ?? 64 });
  const out = new Float32Array(ia.length);
  for (let p = 0; p < ia.length; p++) {
    const u = vectors[ia[p]!]!;
    const v = vectors[ib[p]!]!;
    let dot = 0;
    for (let d = 0; d < u.length; d++) dot += u[d]! * v[d]!;
    out[p] = dot;
  }
  return out;
}

/** Cross-encoder score of each pair, averaged over both orders (the model is not symmetric). */
export async function crossScores(
  cross: Pick<CrossEncoder, 'score'>,
  pairs: PairList,
  opts: { maxLength?: number; batchSize?: number } = {},
): Promise<Float32Array> {
  const n = pairs.a.length;
  const both: TextPair[] = [];
  for (let i = 0; i < n; i++) both.push([pairs.a[i]!, pairs.b[i]!]);
  for (let i = 0; i < n; i++) both.push([pairs.b[i]!, pairs.a[i]!]);
  const s = await cross.score(both, { maxLength: opts.maxLength, batchSize: opts.batchSize ?? 64 });
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (s[i]! + s[n + i]!) / 2;
  return out;
}

/** Element-wise mean of several score arrays (mutual distillation's labels). */
export function meanScores(list: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(list[0]!.length);
  for (const s of list) for (let i = 0; i < out.length; i++) out[i]! += s[i]! / list.length;
  return out;
}

/**
 * Weighted element-wise mean; weights are clipped at 0, and all-zero weights fall back to the
 * plain mean (no member can be trusted more than another).
 */
export function weightedMeanScores(list: readonly Float32Array[], weights: readonly number[]): Float32Array {
  if (weights.length !== list.length) throw new RangeError(`${weights.length} weights for ${list.length} score arrays`);
  const w = weights.map((x) => (Number.isFinite(x) && x > 0 ? x : 0));
  const total = w.reduce((a, b) => a + b, 0);
  if (total === 0) return meanScores(list);
  const out = new Float32Array(list[0]!.length);
  list.forEach((s, k) => {
    if (w[k] === 0) return;
    for (let i = 0; i < out.length; i++) out[i]! += (w[k]! / total) * s[i]!;
  });
  return out;
}

/** Cosines as soft BCE targets: clipped to [0, 1]. */
export function toProbabilities(scores: Float32Array): Float32Array {
  return scores.map((s) => Math.min(1, Math.max(0, s)));
}
