/**
 * Cross-encoder re-scoring of borderline semantic candidates. The bi-encoder is fast but
 * coarse near its threshold; the cross-encoder reads both texts together and decides those.
 */
import type { SemanticPair } from './exactSearch';
import type { PairJudge } from './pairJudge';
import type { CrossScoreFn, Match } from './types';

export interface BandSplit {
  /** Similarity ≥ semantic + band: accepted on the bi-encoder alone. */
  confident: SemanticPair[];
  /** semantic - band ≤ similarity < semantic + band: for the cross-encoder. */
  borderline: SemanticPair[];
}

/** The lowest bi-encoder similarity that is still a candidate (with a cross-encoder, the band's floor). */
export function candidateFloor(semantic: number, band: number, hasScorer: boolean): number {
  return hasScorer ? semantic - band : semantic;
}

/**
 * Splits candidates around the semantic threshold. Without a scorer there is no band: pairs at or
 * above `semantic` are confident, the rest dropped.
 */
export function splitByBand(pairs: readonly SemanticPair[], semantic: number, band: number, hasScorer: boolean): BandSplit {
  const out: BandSplit = { confident: [], borderline: [] };
  const floor = candidateFloor(semantic, band, hasScorer);
  const ceiling = hasScorer ? semantic + band : semantic;
  for (const p of pairs) {
    if (p.similarity >= ceiling) out.confident.push(p);
    else if (p.similarity >= floor) out.borderline.push(p);
  }
  return out;
}

/** Splits candidates at explicit edges: [ceiling, ∞) confident, [floor, ceiling) borderline. */
export function splitAt(pairs: readonly SemanticPair[], floor: number, ceiling: number): BandSplit {
  const out: BandSplit = { confident: [], borderline: [] };
  for (const p of pairs) {
    if (p.similarity >= ceiling) out.confident.push(p);
    else if (p.similarity >= floor) out.borderline.push(p);
  }
  return out;
}

export interface RescoreOptions {
  /** Cross-encoder score from which a pair is accepted. */
  accept: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface RescoreResult {
  /** Accepted pairs as `cross` matches scored by the cross-encoder. */
  accepted: Match[];
  rejected: number;
}

/**
 * The batch loop both deciders share: loads each batch's texts through `textOf` (so only one
 * batch of texts is in memory at a time), asks `decide` for one score per pair, and keeps the
 * pairs `accepted` says yes to as matches made by `toMatch`.
 */
async function decideInBatches(
  pairs: readonly SemanticPair[],
  textOf: (item: number) => string | Promise<string>,
  decide: (texts: Array<[string, string]>, batch: readonly SemanticPair[]) => Promise<number[]>,
  accepted: (score: number) => boolean,
  toMatch: (p: SemanticPair, score: number) => Match,
  opts: Omit<RescoreOptions, 'accept'>,
): Promise<RescoreResult> {
  const batchSize = opts.batchSize ?? 32;
  const result: RescoreResult = { accepted: [], rejected: 0 };
  for (let start = 0; start < pairs.length; start += batchSize) {
    opts.signal?.throwIfAborted();
    const batch = pairs.slice(start, start + batchSize);
    const texts: Array<[string, string]> = [];
    for (const p of batch) texts.push([await textOf(p.a), await textOf(p.b)]);
    const scores = await decide(texts, batch);
    batch.forEach((p, i) => {
      const s = scores[i];
      if (Number.isFinite(s) && accepted(s)) result.accepted.push(toMatch(p, s));
      else result.rejected++;
    });
    opts.onProgress?.(Math.min(pairs.length, start + batchSize), pairs.length);
  }
  return result;
}

/** Scores borderline pairs with the cross-encoder in batches; a pair scoring ≥ `accept` is a `cross` match. */
export async function rescoreBorderline(
  pairs: readonly SemanticPair[],
  textOf: (item: number) => string | Promise<string>,
  score: CrossScoreFn,
  opts: RescoreOptions,
): Promise<RescoreResult> {
  return decideInBatches(
    pairs,
    textOf,
    async (texts) => {
      const scores = await score(texts);
      if (!Array.isArray(scores) || scores.length !== texts.length) {
        throw new Error(`the cross-encoder returned ${Array.isArray(scores) ? scores.length : 'no'} scores for ${texts.length} pairs`);
      }
      return scores;
    },
    (s) => s >= opts.accept,
    (p, s) => ({ a: p.a, b: p.b, layer: 'cross', score: s }),
    opts,
  );
}

/**
 * Decides borderline pairs with the pair judge (pairJudge.ts), which sees both texts and the
 * bi-encoder cosine. Accepted pairs are `cross` matches scored by the judge's probability, with
 * their cosine kept as evidence.
 */
export async function judgeBorderline(
  pairs: readonly SemanticPair[],
  textOf: (item: number) => string | Promise<string>,
  judge: PairJudge,
  opts: Omit<RescoreOptions, 'accept'>,
): Promise<RescoreResult> {
  return decideInBatches(
    pairs,
    textOf,
    async (texts, batch) => {
      const probs = await judge.judge(
        texts,
        batch.map((p) => p.similarity),
      );
      if (probs.length !== texts.length) throw new Error(`the pair judge returned ${probs.length} verdicts for ${texts.length} pairs`);
      return probs;
    },
    (s) => s >= judge.accept,
    (p, s) => ({ a: p.a, b: p.b, layer: 'cross', score: s, cosine: p.similarity, judged: true }),
    opts,
  );
}
