/**
 * Candidate sentence pairs from a corpus that has no pairs. Nearest neighbours under the
 * current bi-encoder give the similar pairs; random pairs give the clearly different ones and
 * lexical-overlap pairs the hard cases (shared words, maybe different meaning), so the
 * teacher's scores span the whole range instead of clustering near 1.
 */
import { exactKnn } from '../dedup/exactSearch';
import { toMatrix } from '../dedup/vectors';
import { randomSubset, seededRandom } from '../random';

export type MinedSource = 'knn' | 'random' | 'lexical';

export interface MinedPair {
  a: number;
  b: number;
  source: MinedSource;
}

export interface MiningOptions {
  /** Nearest neighbours per text. */
  k: number;
  randomPerText: number;
  lexicalPerText: number;
  /** Pairs kept at most; a seeded sample keeps the mix of sources. */
  maxPairs: number;
  seed: number;
}

export const DEFAULT_MINING: MiningOptions = { k: 3, randomPerText: 1, lexicalPerText: 1, maxPairs: 100_000, seed: 42 };

/** Mines unordered pairs of distinct texts (indices into `texts`), each pair at most once. */
export function mineCandidatePairs(texts: readonly string[], vectors: readonly Float32Array[], opts: Partial<MiningOptions> = {}): MinedPair[] {
  const o = { ...DEFAULT_MINING, ...opts };
  const n = texts.length;
  if (n < 2) return [];
  const out: MinedPair[] = [];
  const seen = new Set<string>();
  const add = (a: number, b: number, source: MinedSource) => {
    if (a === b) return;
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ a, b, source });
  };

  if (o.k > 0) {
    const m = toMatrix(vectors as Float32Array[]);
    const knn = exactKnn(m, m, Math.min(o.k, n - 1), { sameSet: true });
    for (let i = 0; i < n; i++)
      for (let j = 0; j < knn.k; j++) {
        const nb = knn.ids[i * knn.k + j]!;
        if (nb >= 0) add(i, nb, 'knn');
      }
  }
  if (o.lexicalPerText > 0) for (const [a, b] of lexicalPairs(texts, o.lexicalPerText)) add(a, b, 'lexical');
  const rand = seededRandom(o.seed);
  for (let r = 0; r < o.randomPerText; r++) for (let i = 0; i < n; i++) add(i, Math.floor(rand() * n), 'random');

  return randomSubset(out, o.maxPairs, rand);
}

const WORD = /[\p{L}\p{N}]+/gu;

function tokenSet(text: string): Set<string> {
  const set = new Set<string>();
  for (const m of text.toLowerCase().matchAll(WORD)) {
    const w = m[0];
    // CJK runs have no spaces: use character bigrams as their "words".
    if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u.test(w) && w.length > 2) for (let i = 0; i + 1 < w.length; i++) set.add(w.slice(i, i + 2));
    else if (w.length > 1) set.add(w);
  }
  return set;
}

/**
 * For each text, the texts with the largest IDF-weighted word overlap. Very common words are
 * left out of the inverted index (they connect everything and say nothing).
 */
export function lexicalPairs(texts: readonly string[], perText: number): [number, number][] {
  const n = texts.length;
  const sets = texts.map(tokenSet);
  const postings = new Map<string, number[]>();
  sets.forEach((s, i) => {
    for (const w of s) {
      let p = postings.get(w);
      if (!p) postings.set(w, (p = []));
      p.push(i);
    }
  });
  const maxDf = Math.max(2, Math.min(200, Math.ceil(n * 0.02)));
  const out: [number, number][] = [];
  const score = new Float64Array(n);
  const touched: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const w of sets[i]!) {
      const p = postings.get(w)!;
      if (p.length < 2 || p.length > maxDf) continue;
      const idf = Math.log(n / p.length);
      for (const j of p) {
        if (j === i) continue;
        if (score[j] === 0) touched.push(j);
        score[j]! += idf;
      }
    }
    touched.sort((x, y) => score[y]! - score[x]!);
    for (const j of touched.slice(0, perText)) out.push([i, j]);
    for (const j of touched) score[j] = 0;
    touched.length = 0;
  }
  return out;
}
