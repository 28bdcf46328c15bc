/**
 * The teacher of each Trans-Encoder phase: the model's own scores (bi-encoder cosines for
 * bi->cross, cross-encoder scores for cross->bi), optionally mixed with token-alignment evidence.
 */
import type { BiEncoder } from '../../models/encoder';
import type { TokenStateEncoder } from './alignment';
import { mixZ, quantileMap, zScore } from './combine';

/** The bi-encoder's token-alignment side, when it has one (USE lite does). */
export function asTokenStateEncoder(bi: BiEncoder): TokenStateEncoder | null {
  const m = bi as unknown as Partial<TokenStateEncoder>;
  return typeof m.tokenStates === 'function' && typeof m.tokenIds === 'function' ? (bi as unknown as TokenStateEncoder) : null;
}

/**
 * One source of evidence on the pairs and its weight against 1 for the model's own scores.
 * `negation` is not a score but a per-pair flag (1 where the two texts hold a different number
 * of negations, teachers/negationEvidence.ts): its weight is a penalty in standard deviations,
 * and on flagged pairs the other evidence is not trusted (see teacherScores).
 */
export interface Evidence {
  name: 'alignment' | 'sif' | 'negation';
  scores: Float32Array;
  weight: number;
}

/**
 * Per pair: (z(model) + t·Σ w·z(evidence)) / (1 + t·Σ w) − p·negated, with its ranking put back
 * on the model scores' scale (quantileMap), so the labels keep the range the loss expects.
 * t is the trust in the evidence: 0 on pairs where one text negates what the other asserts
 * (token alignment and SIF read "is playing" and "is not playing" as the same words), else 1;
 * p is the negation evidence's weight. Without evidence (or weights) it returns the model's
 * scores unchanged (the paper's teacher).
 */
export function teacherScores(modelScores: Float32Array, evidence: readonly Evidence[]): Float32Array {
  const used = evidence.filter((e) => e.weight > 0);
  if (used.length === 0) return modelScores;
  const negation = used.find((e) => e.name === 'negation');
  const others = used.filter((e) => e.name !== 'negation');
  if (!negation) return quantileMap(mixZ([{ scores: modelScores, weight: 1 }, ...others]), modelScores);
  const flags = negation.scores;
  if (flags.length !== modelScores.length) throw new RangeError(`negation flags for ${flags.length} pairs, model scores for ${modelScores.length}`);
  const model = zScore(modelScores);
  const mixed = others.length ? mixZ([{ scores: modelScores, weight: 1 }, ...others]) : model;
  const out = new Float32Array(modelScores.length);
  for (let i = 0; i < out.length; i++) out[i] = flags[i]! > 0 ? model[i]! - negation.weight * flags[i]! : mixed[i]!;
  return quantileMap(out, modelScores);
}
