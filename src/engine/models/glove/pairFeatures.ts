/**
 * What the GloVe cross-encoder sees of a pair of texts read together: evidence that needs both
 * texts at once, computed from the frozen word vectors.
 *   0 sif cosine            cosine of the two SIF embeddings (reference component removed)
 *   1 align a->b            SIF-weighted mean over a's words of the best cosine to a word of b
 *   2 align b->a            the same the other way (BERTScore-style greedy matching)
 *   3 exact overlap         SIF-weighted share of words that occur in both texts
 *   4 length gap            |n_a - n_b| / max(n_a, n_b) in known words
 *   5 negation mismatch     1 when one text is negated ("not", "n't", "no", "never", ...) and the other is not
 *   6 unmatched content     SIF-weighted share of words of either text with no word of cosine > 0.5 in the other
 *   7 order agreement       among aligned word pairs, the share whose order is the same in both texts
 */
import { l2NormalizeInPlace, removeComponent, weightedAverage } from './sif';
import { sifOf } from './biEncoder';
import { gloveTokenIds } from './tokenize';
import type { GloveVectors } from './vectors';

export const PAIR_FEATURE_NAMES = ['sif_cosine', 'align_ab', 'align_ba', 'overlap', 'length_gap', 'negation_mismatch', 'unmatched', 'order'] as const;
export const PAIR_FEATURES = PAIR_FEATURE_NAMES.length;

const NEGATIONS = ['not', "n't", 'no', 'never', 'nobody', 'nothing', 'none', 'neither', 'nor', 'without'];

interface TextView {
  ids: number[];
  unit: Float32Array[];
  sif: Float32Array;
  negated: boolean;
}

export class PairFeaturizer {
  private readonly negationIds: Set<number>;
  private readonly cache = new Map<string, TextView>();

  constructor(readonly vectors: GloveVectors) {
    this.negationIds = new Set(NEGATIONS.map((w) => vectors.index.get(w)).filter((x): x is number => x !== undefined));
  }

  private view(text: string, maxLength: number): { view: TextView; truncated: boolean } {
    const all = gloveTokenIds(text, this.vectors.index);
    const key = `${maxLength}\u0000${text}`;
    let view = this.cache.get(key);
    if (!view) {
      const ids = all.slice(0, maxLength);
      const { weights, component } = sifOf(this.vectors);
      const dim = this.vectors.dim;
      const unit = ids.map((id) => l2NormalizeInPlace(this.vectors.matrix.slice(id * dim, (id + 1) * dim)));
      const sif = l2NormalizeInPlace(removeComponent(weightedAverage(this.vectors, weights, ids), component));
      view = { ids, unit, sif, negated: ids.some((id) => this.negationIds.has(id)) };
      if (this.cache.size > 20000) this.cache.clear();
      this.cache.set(key, view);
    }
    return { view, truncated: all.length > maxLength };
  }

  /** Features of each ordered pair, row-major [pairs, PAIR_FEATURES]. */
  features(pairs: readonly (readonly [string, string])[], maxLength: number): { data: Float32Array; truncated: boolean[] } {
    const { weights } = sifOf(this.vectors);
    const data = new Float32Array(pairs.length * PAIR_FEATURES);
    const truncated: boolean[] = [];
    pairs.forEach(([ta, tb], p) => {
      const a = this.view(String(ta ?? ''), maxLength);
      const b = this.view(String(tb ?? ''), maxLength);
      truncated.push(a.truncated || b.truncated);
      const f = data.subarray(p * PAIR_FEATURES, (p + 1) * PAIR_FEATURES);
      f.set(pairFeatures(a.view, b.view, weights));
    });
    return { data, truncated };
  }
}

function dot(u: Float32Array, v: Float32Array): number {
  let s = 0;
  for (let d = 0; d < u.length; d++) s += u[d]! * v[d]!;
  return s;
}

function pairFeatures(a: TextView, b: TextView, weights: Float32Array): number[] {
  const na = a.ids.length;
  const nb = b.ids.length;
  if (na === 0 || nb === 0) return [0, 0, 0, 0, na === nb ? 0 : 1, a.negated !== b.negated ? 1 : 0, 1, 0];
  const sims = new Float32Array(na * nb);
  for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) sims[i * nb + j] = dot(a.unit[i]!, b.unit[j]!);
  const bestA = new Int32Array(na);
  let alignAB = 0;
  let wA = 0;
  let unmatched = 0;
  for (let i = 0; i < na; i++) {
    let best = -Infinity;
    for (let j = 0; j < nb; j++)
      if (sims[i * nb + j]! > best) {
        best = sims[i * nb + j]!;
        bestA[i] = j;
      }
    const w = weights[a.ids[i]!]!;
    alignAB += w * best;
    wA += w;
    if (best <= 0.5) unmatched += w;
  }
  let alignBA = 0;
  let wB = 0;
  for (let j = 0; j < nb; j++) {
    let best = -Infinity;
    for (let i = 0; i < na; i++) best = Math.max(best, sims[i * nb + j]!);
    const w = weights[b.ids[j]!]!;
    alignBA += w * best;
    wB += w;
    if (best <= 0.5) unmatched += w;
  }
  const setB = new Set(b.ids);
  const setA = new Set(a.ids);
  let shared = 0;
  for (const id of a.ids) if (setB.has(id)) shared += weights[id]!;
  for (const id of b.ids) if (setA.has(id)) shared += weights[id]!;
  // Order: over pairs of a's words that align to different words of b, how often the order is kept.
  let kept = 0;
  let compared = 0;
  for (let i = 0; i < na; i++)
    for (let k = i + 1; k < na; k++) {
      if (bestA[i] === bestA[k]) continue;
      compared++;
      if (bestA[i]! < bestA[k]!) kept++;
    }
  return [
    dot(a.sif, b.sif),
    alignAB / wA,
    alignBA / wB,
    shared / (wA + wB),
    Math.abs(na - nb) / Math.max(na, nb),
    a.negated !== b.negated ? 1 : 0,
    unmatched / (wA + wB),
    compared ? kept / compared : 1,
  ];
}
