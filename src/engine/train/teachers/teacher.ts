/**
 * The teacher of each Trans-Encoder phase: the model's own scores (bi-encoder cosines for
 * bi->cross, cross-encoder scores for cross->bi), optionally mixed with token-alignment evidence.
 */
import type { BiEncoder } from '../../models/encoder';
import type { TokenStateEncoder } from './alignment';
import { mixZ, quantileMap, zScore } from './combine';
import { pairCells, residualWithinCells } from './groups';

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

export interface TeacherOptions {
  /**
   * Per pair: the mean word count of its texts (teachers/groups.ts pairLengths). With it the
   * teacher is residual (settings.teacher.residual): each evidence's z-scores lose, within each
   * cell of length decile x model-score quintile, their mean offset from the model's z-scores,
   * so the evidence reorders pairs of about the same length and model score but cannot move a
   * whole group of pairs (a kind of text) up or down against the others.
   */
  lengths?: ArrayLike<number>;
}

/**
 * Per pair: (z(model) + t·Σ w·z(evidence)) / (1 + t·Σ w) − p·negated, with its ranking put back
 * on the model scores' scale (quantileMap), so the labels keep the range the loss expects.
 * t is the trust in the evidence: 0 on pairs where one text negates what the other asserts
 * (token alignment and SIF read "is playing" and "is not playing" as the same words), else 1;
 * p is the negation evidence's weight. Without evidence (or weights) it returns the model's
 * scores unchanged (the paper's teacher). With options.lengths the z(evidence) are residual
 * within groups of similar pairs (TeacherOptions).
 */
export function teacherScores(modelScores: Float32Array, evidence: readonly Evidence[], options: TeacherOptions = {}): Float32Array {
  const used = evidence.filter((e) => e.weight > 0);
  if (used.length === 0) return modelScores;
  const negation = used.find((e) => e.name === 'negation');
  const others = used.filter((e) => e.name !== 'negation');
  for (const e of others)
    if (e.scores.length !== modelScores.length) throw new RangeError(`${e.name} evidence for ${e.scores.length} pairs, model scores for ${modelScores.length}`);
  const mix =
    options.lengths && others.length ? residualMix(modelScores, others, options.lengths) : () => mixZ([{ scores: modelScores, weight: 1 }, ...others]);
  if (!negation) return quantileMap(mix(), modelScores);
  const flags = negation.scores;
  if (flags.length !== modelScores.length) throw new RangeError(`negation flags for ${flags.length} pairs, model scores for ${modelScores.length}`);
  const model = zScore(modelScores);
  const mixed = others.length ? mix() : model;
  const out = new Float32Array(modelScores.length);
  for (let i = 0; i < out.length; i++) out[i] = flags[i]! > 0 ? model[i]! - negation.weight * flags[i]! : mixed[i]!;
  return quantileMap(out, modelScores);
}

/** (z(model) + Σ w·r) / (1 + Σ w), r: each evidence's z-scores residual within the pairs' cells (TeacherOptions.lengths). */
function residualMix(modelScores: Float32Array, others: readonly Evidence[], lengths: ArrayLike<number>): () => Float32Array {
  return () => {
    const model = zScore(modelScores);
    const cells = pairCells(lengths, modelScores);
    const total = 1 + others.reduce((a, e) => a + e.weight, 0);
    const out = Float32Array.from(model, (v) => v / total);
    for (const e of others) {
      const r = residualWithinCells(zScore(e.scores), model, cells);
      for (let i = 0; i < out.length; i++) out[i]! += (e.weight / total) * r[i]!;
    }
    return out;
  };
}

/**
 * The cross->bi labels of an ensemble teacher (settings.teacher.ensemble): the cross-encoder's
 * labels and the cycle's bi->cross teacher (the start's cosine mixed with the evidence), each
 * z-scored, mixed as (1 - w) and w, the ranking put back on the cross labels' scale. The
 * cross-encoder keeps only part of its teacher's lead over the start (issue 10: Quick cycle 1,
 * teacher 71.57, cross-encoder 70.42, start 69.39), and the two err on different pairs, so
 * together they judge better than either. w = 0 returns the cross labels unchanged (the paper's).
 */
export function ensembleLabels(crossLabels: Float32Array, biToCrossTeacher: ArrayLike<number>, weight: number): Float32Array {
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`ensemble weight ${weight} is not in [0, 1]`);
  if (biToCrossTeacher.length !== crossLabels.length)
    throw new RangeError(`bi->cross teacher for ${biToCrossTeacher.length} pairs, cross labels for ${crossLabels.length}`);
  if (weight === 0) return crossLabels;
  return quantileMap(
    mixZ([
      { scores: crossLabels, weight: 1 - weight },
      { scores: biToCrossTeacher, weight },
    ]),
    crossLabels,
  );
}
