/**
 * The built-in pair judge: decides whether two texts that the bi-encoder found close say the same
 * thing, reading both at once. The built-in model (USE lite) has a bi-encoder only; the pooled
 * cosine of two sentences of one topic is high whether or not they are paraphrases, so on its
 * own it finds a third of true paraphrases at useful precision (issue 11). The judge is a
 * logistic regression over evidence that needs both texts:
 *   - the bi-encoder cosine the candidate search found,
 *   - what the GloVe word vectors see of the pair (models/glove/pairFeatures.ts: SIF cosine,
 *     word alignment both ways, shared words, length gap, negation mismatch, unmatched content,
 *     word order),
 *   - surface evidence: word-set Jaccard over every word (names and numbers the GloVe
 *     vocabulary lacks included), numbers on only one side or different, and negation counts
 *     (text/negation.ts).
 * Its weights are fitted on labelled pairs by bench/fit-pair-judge.ts and shipped in
 * resources/dedup/pair-judge.json, with the data they were fitted on and the decision
 * threshold calibrated there. A trained cross-encoder, when the user picks one, replaces it.
 */
import { PAIR_FEATURE_NAMES, PairFeaturizer, type GloveVectors } from '../models/glove';
import { countNegations } from '../text/negation';
import { numbersOf } from './passageEvidence';

/** Names of the judge's inputs, in order. */
export const JUDGE_FEATURE_NAMES = [
  'bi_cosine',
  ...PAIR_FEATURE_NAMES.map((n) => `glove_${n}`),
  'word_jaccard',
  'numbers_differ',
  'numbers_one_side',
  'negation_count_differs',
] as const;
export const JUDGE_FEATURES = JUDGE_FEATURE_NAMES.length;

/** Words the GloVe featurizer reads of each text (longer texts are cut; passages are ~1 KB). */
export const JUDGE_MAX_WORDS = 128;

export interface PairJudgeWeights {
  format: 'tenc-pair-judge';
  version: 1;
  features: string[];
  /** Standardisation: x' = (x - mean) / scale. */
  mean: number[];
  scale: number[];
  coef: number[];
  intercept: number;
  /** Probability from which a pair is accepted (calibrated on the fitting data). */
  accept: number;
  /** Lowest bi-encoder cosine that is sent to the judge at all. */
  candidateFloor: number;
  maxWords: number;
  /** Which bi-encoder's cosine the weights were fitted with (the built-in USE lite). */
  biEncoder: string;
  /** What it was fitted on and how it did there (reproduced by bench/fit-pair-judge.ts). */
  fittedOn: Record<string, unknown>;
}

export function checkJudgeWeights(w: unknown): PairJudgeWeights {
  const o = w as Partial<PairJudgeWeights> | null;
  const n = JUDGE_FEATURES;
  const okArray = (a: unknown) => Array.isArray(a) && a.length === n && a.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!o || o.format !== 'tenc-pair-judge' || o.version !== 1) throw new Error('the pair judge weights are not a tenc-pair-judge file of version 1');
  if (JSON.stringify(o.features) !== JSON.stringify(JUDGE_FEATURE_NAMES))
    throw new Error(`the pair judge weights were fitted on other features (${String(o.features)}); refit them with bench/fit-pair-judge.ts`);
  if (!okArray(o.mean) || !okArray(o.scale) || !okArray(o.coef) || !Number.isFinite(o.intercept))
    throw new Error(`the pair judge weights need ${n} finite means, scales and coefficients`);
  if (!(typeof o.accept === 'number' && o.accept > 0 && o.accept < 1)) throw new Error(`the pair judge's accept threshold must be in (0, 1), got ${o.accept}`);
  if (!(typeof o.candidateFloor === 'number' && o.candidateFloor >= -1 && o.candidateFloor <= 1))
    throw new Error(`the pair judge's candidate floor must be a cosine, got ${o.candidateFloor}`);
  return o as PairJudgeWeights;
}

const WORD = /[\p{L}\p{N}]+/gu;

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().match(WORD) ?? []);
}

/** The surface features of a pair: word Jaccard, numbers differ, numbers on one side only, negation counts differ. */
export function surfaceFeatures(a: string, b: string): [number, number, number, number] {
  const wa = wordSet(a);
  const wb = wordSet(b);
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  const union = wa.size + wb.size - shared;
  const na = numbersOf(a);
  const nb = numbersOf(b);
  let sharedNum = 0;
  for (const x of na) if (nb.has(x)) sharedNum++;
  const unionNum = na.size + nb.size - sharedNum;
  const both = na.size > 0 && nb.size > 0;
  return [
    union > 0 ? shared / union : 1,
    both ? 1 - sharedNum / unionNum : 0,
    na.size > 0 !== nb.size > 0 ? 1 : 0,
    countNegations(a) !== countNegations(b) ? 1 : 0,
  ];
}

/** Computes the judge's raw inputs for pairs of texts with their bi-encoder cosines. */
export class JudgeFeaturizer {
  constructor(
    readonly vectors: GloveVectors,
    readonly maxWords = JUDGE_MAX_WORDS,
  ) {}

  /** Row-major [pairs, JUDGE_FEATURES]. */
  features(pairs: readonly (readonly [string, string])[], cosines: ArrayLike<number>): Float32Array {
    if (cosines.length !== pairs.length) throw new RangeError(`${cosines.length} cosines for ${pairs.length} pairs`);
    // A featurizer per call: its cache of word vectors per text (up to maxWords x dim floats a
    // text, kept for 20,000 texts) would hold about 1 GB over a scan of 1 KB files.
    const g = new PairFeaturizer(this.vectors).features(pairs, this.maxWords).data;
    const gw = PAIR_FEATURE_NAMES.length;
    const out = new Float32Array(pairs.length * JUDGE_FEATURES);
    pairs.forEach(([a, b], p) => {
      const row = out.subarray(p * JUDGE_FEATURES, (p + 1) * JUDGE_FEATURES);
      row[0] = cosines[p];
      row.set(g.subarray(p * gw, (p + 1) * gw), 1);
      row.set(surfaceFeatures(a, b), 1 + gw);
    });
    return out;
  }
}

/** Probability of "same meaning" for each row of `x` ([n, JUDGE_FEATURES]). */
export function judgeProbabilities(w: Pick<PairJudgeWeights, 'mean' | 'scale' | 'coef' | 'intercept'>, x: Float32Array): Float64Array {
  const n = x.length / JUDGE_FEATURES;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = w.intercept;
    for (let k = 0; k < JUDGE_FEATURES; k++) z += (w.coef[k] * (x[i * JUDGE_FEATURES + k] - w.mean[k])) / w.scale[k];
    out[i] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

/** A judge the scan calls on candidate pairs: a probability per pair, and when to accept. */
export interface PairJudge {
  /** Shown in scan settings and evidence. */
  name: string;
  candidateFloor: number;
  accept: number;
  judge(pairs: Array<[string, string]>, cosines: readonly number[]): Promise<number[]>;
}

/**
 * A judge with these weights. `vectors` may be a function: the word vectors are then loaded on the
 * first pair judged (a scan without borderline pairs never loads them).
 */
export function pairJudgeFrom(weights: PairJudgeWeights, vectors: GloveVectors | (() => GloveVectors), name = 'built-in pair judge'): PairJudge {
  const w = checkJudgeWeights(weights);
  let featurizer: JudgeFeaturizer | null = null;
  return {
    name,
    candidateFloor: w.candidateFloor,
    accept: w.accept,
    judge: async (pairs, cosines) => {
      featurizer ??= new JudgeFeaturizer(typeof vectors === 'function' ? vectors() : vectors, w.maxWords);
      return Array.from(judgeProbabilities(w, featurizer.features(pairs, cosines)));
    },
  };
}
