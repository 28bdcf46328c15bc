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
}

export interface CandidateSelection {
  /** Per distinct content: 1 when the transformer should read it. */
  contents: Uint8Array;
  /** Per distinct passage hash: 1 when some candidate content holds it. */
  passages: Uint8Array;
}

export async function selectCandidates(ctx: ScanContext, passages: PassageSet, contentDocs: number[][], stage: CandidateStage): Promise<CandidateSelection> {
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
  ctx.progress('candidates', 0, total);
  for (let start = 0; start < total; start += CHUNK) {
    ctx.check();
    const part = passages.hashes.slice(start, start + CHUNK);
    const texts = await passageTextsByHash(ctx.store.db, part);
    const vecs = stage.embed(part.map((h) => texts.get(h) ?? ''));
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
    for (const p of found.pairs) if (p.similarity >= floorFor(stage, Math.min(chars[p.a], chars[p.b]))) contents[p.a] = contents[p.b] = 1;
  }
  const wantedPassages = new Uint8Array(total);
  for (let h = 0; h < total; h++) if (uses[h].some((c) => contents[c])) wantedPassages[h] = 1;
  let n = 0;
  for (const x of contents) n += x;
  ctx.stats.candidateContents = n;
  return { contents, passages: wantedPassages };
}

/** The candidate floor for a pair whose shorter document has `chars` characters. */
export function floorFor(stage: Pick<CandidateStage, 'floor' | 'longFloor' | 'shortChars' | 'longChars'>, chars: number): number {
  if (stage.longFloor === undefined) return stage.floor;
  const lo = stage.shortChars ?? 300;
  const hi = stage.longChars ?? 1000;
  const t = Math.min(1, Math.max(0, (chars - lo) / Math.max(1, hi - lo)));
  return stage.floor + t * (stage.longFloor - stage.floor);
}
