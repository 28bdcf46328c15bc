/**
 * The teacher of each Trans-Encoder phase: the model's own scores (bi-encoder cosines for
 * bi->cross, cross-encoder scores for cross->bi), optionally mixed with token-alignment evidence.
 */
import type { BiEncoder } from '../../models/encoder';
import type { TokenStateEncoder } from './alignment';
import { mixZ, quantileMap } from './combine';

/** The bi-encoder's token-alignment side, when it has one (USE lite does). */
export function asTokenStateEncoder(bi: BiEncoder): TokenStateEncoder | null {
  const m = bi as unknown as Partial<TokenStateEncoder>;
  return typeof m.tokenStates === 'function' && typeof m.tokenIds === 'function' ? (bi as unknown as TokenStateEncoder) : null;
}

/** One source of evidence on the pairs and its weight against 1 for the model's own scores. */
export interface Evidence {
  name: 'alignment' | 'sif';
  scores: Float32Array;
  weight: number;
}

/**
 * z(model) + Σ w·z(evidence), normalised, with its ranking put back on the model scores' scale
 * (quantileMap), so the labels keep the range the loss expects. Without evidence (or weights)
 * it returns the model's scores unchanged (the paper's teacher).
 */
export function teacherScores(modelScores: Float32Array, evidence: readonly Evidence[]): Float32Array {
  const used = evidence.filter((e) => e.weight > 0);
  if (used.length === 0) return modelScores;
  return quantileMap(mixZ([{ scores: modelScores, weight: 1 }, ...used]), modelScores);
}
