/**
 * The paraphrase check of a list of pairs: one bi-encoder pass over all their texts and, where a
 * cross-encoder is chosen, one pass over the pairs in both orders. `check.pair` is this with one pair.
 */
import type { PairCheck } from '../../shared/api';

/** A check's scores and verdict; the API adds the notes on language and negation (checkNotes.ts). */
export type PairScores = Pick<PairCheck, 'biScore' | 'crossScore' | 'basis' | 'threshold' | 'verdict' | 'truncated'>;
import { PARAPHRASE_BI_THRESHOLD, PARAPHRASE_CROSS_THRESHOLD } from '../../shared/thresholds';
import type { ModelCache } from '../models/modelCache';
import { ApiError } from './errors';

export interface CheckPairsOptions {
  biModelId: number | null;
  crossModelId: number | null;
  threshold?: number;
  /** Through ONNX Runtime (bulk: several times faster per pair, a one-time export first) or TF.js (one pair, no wait). */
  bulk?: boolean;
}

export async function checkPairs(models: ModelCache, pairs: readonly { a: string; b: string }[], opts: CheckPairsOptions): Promise<PairScores[]> {
  const bi = await (opts.bulk ? models.bulkBi(opts.biModelId) : models.bi(opts.biModelId)).catch((err: Error) => {
    throw new ApiError('not_found', err.message);
  });
  const { vectors, truncated } = await bi.embedDetailed(pairs.flatMap((p) => [p.a, p.b]));
  let cross: { scores: number[]; truncated: boolean[] } | null = null;
  if (opts.crossModelId !== null) {
    const crossId = opts.crossModelId;
    const model = await (opts.bulk ? models.bulkCross(crossId) : models.cross(crossId)).catch((err: Error) => {
      throw new ApiError('not_found', err.message);
    });
    const r = await model.scoreDetailed(pairs.flatMap((p) => [[p.a, p.b] as const, [p.b, p.a] as const]));
    cross = { scores: Array.from(r.scores), truncated: r.truncated };
  }
  return pairs.map((_, i) => {
    const va = vectors[2 * i]!;
    const vb = vectors[2 * i + 1]!;
    let biScore = 0;
    for (let k = 0; k < va.length; k++) biScore += va[k]! * vb[k]!;
    const crossScore = cross ? (cross.scores[2 * i]! + cross.scores[2 * i + 1]!) / 2 : null;
    const basis = crossScore !== null ? 'cross' : 'bi';
    const threshold = opts.threshold ?? (basis === 'cross' ? PARAPHRASE_CROSS_THRESHOLD : PARAPHRASE_BI_THRESHOLD);
    const score = crossScore ?? biScore;
    return {
      biScore,
      crossScore,
      basis,
      threshold,
      verdict: score >= threshold ? 'paraphrase' : 'not a paraphrase',
      truncated: truncated[2 * i]! || truncated[2 * i + 1]! || (cross ? cross.truncated[2 * i]! || cross.truncated[2 * i + 1]! : false),
    };
  });
}
