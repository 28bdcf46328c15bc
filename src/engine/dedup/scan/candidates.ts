/**
 * Stage 3b (optional): cheap document vectors pick which documents the transformer reads. Every
 * distinct passage gets a cheap vector (SIF over the GloVe word vectors: a weighted mean of word
 * vectors, microseconds a passage against milliseconds for the transformer); each document's
 * vector is the length-weighted mean of its passages', as embed.ts does with the transformer's.
 * Documents with a neighbour at cosine ≥ the floor are candidates; only their passages are
 * embedded by the bi-encoder, so a folder of mostly different files costs a fraction of the
 * transformer time (issue 11: 94% of a 100,000-file scan was embedding every passage).
 * What it costs: a document whose cheap vector has no neighbour above the floor gets no
 * semantic match, at file or passage level (measured in bench/dedup-quality.ts and
 * bench/dedup-scale.ts). Identical and near (MinHash) matching do not depend on it.
 */
import { passageTextsByHash } from '../../store/repositories/scanData';
import { searchSemanticPairs } from '../semantic';
import { hashString32, tokenize } from '../shingles';
import { normalizeInPlace } from '../vectors';
import type { ScanContext } from './context';
import type { PassageSet } from './passages';

const CHUNK = 1024;

/** Cheap vectors: one L2-normalised vector per text (a zero vector for a text with no known word). */
export type CheapEmbedFn = (texts: string[]) => Float32Array[];

export interface CandidateStage {
  embed: CheapEmbedFn;
  /**
   * Cosine of two documents' cheap vectors from which both are candidates, for short texts; with
   * `longFloor`, the floor rises linearly with the shorter document's length from `shortChars`
   * to `longChars` (averages of many word vectors converge on the genre: two unrelated 1 KB news
   * texts often reach 0.8).
   */
  floor: number;
  longFloor?: number;
  shortChars?: number;
  longChars?: number;
  /** Neighbours looked up per document (default: the scan's semanticK). */
  k?: number;
  /**
   * Shared words: the idf-weighted cosine of two documents' word sets from which a pair of long
   * documents stays a candidate, rising linearly from 0 at `shortChars` to this at `longChars`
   * (like `longFloor`). SIF averages of 1 KB texts of one genre are alike; a paraphrase still
   * shares most of its rarer words (names, numbers, terms) with its original. Unset: no check.
   */
  lexicalFloor?: number;
}

export interface CandidateSelection {
  /** Per distinct content: 1 when the transformer should read it. */
  contents: Uint8Array;
  /** Per distinct passage hash: 1 when some candidate content holds it. */
  passages: Uint8Array;
}

export async function selectCandidates(
  ctx: ScanContext,
  passages: PassageSet,
  contentDocs: number[][],
  stage: CandidateStage,
  /** The near (MinHash) layer's file pairs: a pair it found needs no transformer. */
  nearPairs: ReadonlyArray<{ a: number; b: number }> = [],
): Promise<CandidateSelection> {
  const nContents = contentDocs.length;
  const total = passages.hashes.length;
  // Which contents each distinct passage adds to, with its length as weight (first document of each content).
  const uses: Array<number[]> = Array.from({ length: total }, () => []);
  const weights: Array<number[]> = Array.from({ length: total }, () => []);
  contentDocs.forEach((docs, c) => {
    const doc = docs[0];
    for (let p = passages.firstOfDoc[doc]; p >= 0 && p < passages.firstOfDoc[doc] + passages.countOfDoc[doc]; p++) {
      uses[passages.hashIndex[p]].push(c);
      weights[passages.hashIndex[p]].push(Math.max(1, passages.length[p]));
    }
  });
  let dim = 0;
  let docVectors = new Float32Array(0);
  // Word sets (32-bit hashes) of each distinct passage, for the shared-words check.
  const lexical = stage.lexicalFloor !== undefined && stage.lexicalFloor > 0;
  const passageWords: Array<Uint32Array | null> = lexical ? new Array<Uint32Array | null>(total).fill(null) : [];
  ctx.progress('candidates', 0, total);
  for (let start = 0; start < total; start += CHUNK) {
    ctx.check();
    const part = passages.hashes.slice(start, start + CHUNK);
    const texts = await passageTextsByHash(ctx.store.db, part);
    const partTexts = part.map((h) => texts.get(h) ?? '');
    if (lexical) partTexts.forEach((t, i) => (passageWords[start + i] = wordSet(t)));
    const vecs = stage.embed(partTexts);
    vecs.forEach((v, i) => {
      if (dim === 0) {
        dim = v.length;
        docVectors = new Float32Array(nContents * dim);
      }
      const h = start + i;
      uses[h].forEach((c, u) => {
        const w = weights[h][u];
        for (let k = 0; k < dim; k++) docVectors[c * dim + k] += w * v[k];
      });
    });
    ctx.progress('candidates', Math.min(total, start + CHUNK), total);
  }
  const chars = new Float64Array(nContents);
  contentDocs.forEach((docs, c) => {
    const doc = docs[0];
    for (let p = passages.firstOfDoc[doc]; p >= 0 && p < passages.firstOfDoc[doc] + passages.countOfDoc[doc]; p++) chars[c] += passages.length[p];
  });
  const contents = new Uint8Array(nContents);
  if (dim > 0 && nContents > 1) {
    for (let c = 0; c < nContents; c++) normalizeInPlace(docVectors.subarray(c * dim, (c + 1) * dim));
    const found = await searchSemanticPairs(
      { data: docVectors, dim, count: nContents },
      {
        threshold: stage.floor,
        k: stage.k ?? ctx.settings.semanticK,
        exactMaxItems: ctx.settings.exactMaxItems,
        signal: ctx.opts.signal,
        onProgress: (d, n) => ctx.progress('candidates', d, n, 'neighbours'),
      },
    );
    const words = lexical ? contentWords(passages, contentDocs, passageWords) : null;
    passageWords.length = 0;
    const near = new Set(nearPairs.map((p) => Math.min(p.a, p.b) * nContents + Math.max(p.a, p.b)));
    let kept = 0;
    let dropNear = 0;
    let dropLexical = 0;
    for (const p of found.pairs) {
      const shorter = Math.min(chars[p.a], chars[p.b]);
      if (p.similarity < floorFor(stage, shorter)) continue;
      if (near.has(Math.min(p.a, p.b) * nContents + Math.max(p.a, p.b))) {
        dropNear++;
        continue;
      }
      if (words && words.cosine(p.a, p.b) < lexicalFloorFor(stage, shorter)) {
        dropLexical++;
        continue;
      }
      kept++;
      contents[p.a] = contents[p.b] = 1;
    }
    ctx.stats.candidatePairs = kept;
    ctx.stats.candidatePairsNear = dropNear;
    ctx.stats.candidatePairsLexical = dropLexical;
  }
  const wantedPassages = new Uint8Array(total);
  for (let h = 0; h < total; h++) if (uses[h].some((c) => contents[c])) wantedPassages[h] = 1;
  let n = 0;
  for (const x of contents) n += x;
  ctx.stats.candidateContents = n;
  return { contents, passages: wantedPassages };
}

/** The shared-words floor for a pair whose shorter document has `chars` characters (0: no check). */
export function lexicalFloorFor(stage: Pick<CandidateStage, 'lexicalFloor' | 'shortChars' | 'longChars'>, chars: number): number {
  if (!stage.lexicalFloor) return 0;
  const lo = stage.shortChars ?? 300;
  const hi = stage.longChars ?? 1000;
  return stage.lexicalFloor * Math.min(1, Math.max(0, (chars - lo) / Math.max(1, hi - lo)));
}

/** The distinct word hashes of a text, sorted. */
function wordSet(text: string): Uint32Array {
  const tokens = tokenize(text);
  const out = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) out[i] = hashString32(tokens[i]);
  out.sort();
  let w = 0;
  for (let r = 0; r < out.length; r++) if (r === 0 || out[r] !== out[w - 1]) out[w++] = out[r];
  return out.slice(0, w);
}

/**
 * Each content's word set (the union of its first document's passages'), with idf weights
 * (log(contents / contents holding the word)) and the idf-weighted cosine of two word sets.
 */
function contentWords(passages: PassageSet, contentDocs: number[][], passageWords: ReadonlyArray<Uint32Array | null>) {
  const sets = contentDocs.map((docs) => {
    const doc = docs[0];
    const parts: Uint32Array[] = [];
    let n = 0;
    for (let p = passages.firstOfDoc[doc]; p >= 0 && p < passages.firstOfDoc[doc] + passages.countOfDoc[doc]; p++) {
      const w = passageWords[passages.hashIndex[p]];
      if (w) {
        parts.push(w);
        n += w.length;
      }
    }
    const all = new Uint32Array(n);
    let o = 0;
    for (const w of parts) {
      all.set(w, o);
      o += w.length;
    }
    all.sort();
    let u = 0;
    for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[u - 1]) all[u++] = all[r];
    return all.slice(0, u);
  });
  const df = new Map<number, number>();
  for (const s of sets) for (const w of s) df.set(w, (df.get(w) ?? 0) + 1);
  const nDocs = Math.max(1, sets.length);
  const idf = (w: number) => Math.log((nDocs + 1) / ((df.get(w) ?? 0) + 1));
  const norm = sets.map((s) => {
    let x = 0;
    for (const w of s) x += idf(w) ** 2;
    return Math.sqrt(x);
  });
  return {
    cosine(a: number, b: number): number {
      const x = sets[a];
      const y = sets[b];
      if (!norm[a] || !norm[b]) return 0;
      let i = 0;
      let j = 0;
      let dot = 0;
      while (i < x.length && j < y.length) {
        if (x[i] < y[j]) i++;
        else if (x[i] > y[j]) j++;
        else {
          dot += idf(x[i]) ** 2;
          i++;
          j++;
        }
      }
      return dot / (norm[a] * norm[b]);
    },
  };
}

/** The candidate floor for a pair whose shorter document has `chars` characters. */
export function floorFor(stage: Pick<CandidateStage, 'floor' | 'longFloor' | 'shortChars' | 'longChars'>, chars: number): number {
  if (stage.longFloor === undefined) return stage.floor;
  const lo = stage.shortChars ?? 300;
  const hi = stage.longChars ?? 1000;
  const t = Math.min(1, Math.max(0, (chars - lo) / Math.max(1, hi - lo)));
  return stage.floor + t * (stage.longFloor - stage.floor);
}
