/** Stage 4: embeddings of every distinct passage (cached by content hash) and of each distinct document. */
import { passageTextsByHash } from '../../store/repositories/scanData';
import { normalizeInPlace } from '../vectors';
import type { ScanContext } from './context';
import type { CandidateSelection } from './candidates';
import type { PassageSet } from './passages';

const CACHE_CHUNK = 256;

export interface ScanVectors {
  /** One L2-normalised vector per distinct content. */
  docVectors: Float32Array;
  /**
   * Passage vectors: one per eligible distinct passage (row = eligible index) when every passage
   * fits in memory; else, with a candidate stage, one per embedded eligible passage (rows by
   * `passageRows`) when those fit; else null.
   */
  passageVectors: Float32Array | null;
  /** Eligible passage index → its row of `passageVectors` (-1: none); null when the row is the eligible index. */
  passageRows: Int32Array | null;
  dim: number;
  /** With a candidate stage: which contents / eligible passages have vectors (the others are zero). */
  contentsPresent: Uint8Array | null;
  passagesPresent: Uint8Array | null;
}

/**
 * Embeds every distinct passage (cached ones are looked up), and makes each document's vector
 * the length-weighted mean of its passage vectors, so the whole text counts, not only the
 * first few hundred tokens a bi-encoder reads.
 * Memory: each passage vector is added into the document vectors as it arrives and kept only
 * if passage-level matching needs it; keeping every one (distinct passages × dim × 4 bytes)
 * took 1.1 GB at 100,000 files of 1 KB (bench/dedup-scale.ts).
 */
export async function embedAll(
  ctx: ScanContext,
  passages: PassageSet,
  contentDocs: number[][],
  wanted: CandidateSelection | null = null,
): Promise<ScanVectors> {
  const embed = ctx.opts.embed!;
  const modelId = ctx.settings.embedModelId;
  // With a candidate stage only the candidates' passages are embedded (in the same order).
  const order: number[] = [];
  for (let h = 0; h < passages.hashes.length; h++) if (!wanted || wanted.passages[h]) order.push(h);
  const hashes = passages.hashes;
  const total = order.length;
  const batchSize = ctx.opts.embedBatchSize ?? 32;
  // Which document vectors (one per distinct content: its first document's passages) each
  // distinct passage adds to, and with what weight (its length), as rows by passage hash.
  const firstPassage = new Int32Array(ctx.docs.length).fill(-1);
  const passageCount = new Int32Array(ctx.docs.length);
  for (let p = 0; p < passages.count; p++) {
    const doc = passages.doc[p];
    if (firstPassage[doc] < 0) firstPassage[doc] = p;
    passageCount[doc]++;
  }
  const eachUse = (fn: (p: number, c: number) => void) =>
    contentDocs.forEach((docs, c) => {
      const doc = docs[0];
      for (let p = firstPassage[doc]; p >= 0 && p < firstPassage[doc] + passageCount[doc]; p++) fn(p, c);
    });
  const nHashes = hashes.length;
  const useStart = new Int32Array(nHashes + 1);
  eachUse((p) => useStart[passages.hashIndex[p] + 1]++);
  for (let h = 0; h < nHashes; h++) useStart[h + 1] += useStart[h];
  const useContent = new Int32Array(useStart[nHashes]);
  const useWeight = new Float32Array(useStart[nHashes]);
  const next = useStart.slice(0, nHashes);
  eachUse((p, c) => {
    const u = next[passages.hashIndex[p]]++;
    useContent[u] = c;
    useWeight[u] = Math.max(1, passages.length[p]);
  });

  // Which passage vectors are kept. The limit (maxPassagesForFuzzy) is for memory, so it applies
  // to what is held: all eligible passages when folder-wide passage matching runs (fuzzy), else
  // only the candidates' passages, which file matches need for passage coverage and evidence
  // (at 100,000 files of 1 KB: 556,643 distinct passages, of which the candidates hold ~14k;
  // keeping none turned down every semantic pair of long documents).
  let passageRows: Int32Array | null = null;
  let keptRows = passages.fuzzy ? passages.eligibleHashes.length : 0;
  if (!passages.fuzzy && wanted) {
    let n = 0;
    for (const h of order) if (passages.eligibleIndex[h] >= 0) n++;
    if (n <= ctx.settings.maxPassagesForFuzzy) {
      passageRows = new Int32Array(passages.eligibleHashes.length).fill(-1);
      keptRows = 0;
      for (const h of order) if (passages.eligibleIndex[h] >= 0) passageRows[passages.eligibleIndex[h]] = keptRows++;
    }
  }
  const keepPassages = passages.fuzzy || passageRows !== null;

  let dim = -1;
  let docVectors = new Float32Array(0);
  let passageVectors: Float32Array | null = null;
  let row = new Float32Array(0);
  const put = (h: number, v: Float32Array) => {
    if (dim < 0) {
      dim = v.length;
      docVectors = new Float32Array(contentDocs.length * dim);
      if (keepPassages && dim > 0) passageVectors = new Float32Array(keptRows * dim);
      row = new Float32Array(dim);
    }
    if (v.length !== dim) throw new Error(`the embedding model returned ${v.length} dimensions after ${dim}`);
    row.set(v);
    normalizeInPlace(row);
    for (let u = useStart[h]; u < useStart[h + 1]; u++) {
      const out = useContent[u] * dim;
      const w = useWeight[u];
      for (let k = 0; k < dim; k++) docVectors[out + k] += w * row[k];
    }
    const e = passages.eligibleIndex[h];
    const r = e < 0 ? -1 : passageRows ? passageRows[e] : e;
    if (passageVectors && r >= 0) passageVectors.set(row, r * dim);
  };
  ctx.progress('embedding', 0, total);
  for (let start = 0; start < total; start += CACHE_CHUNK) {
    ctx.check();
    const rows = order.slice(start, start + CACHE_CHUNK);
    const part = rows.map((h) => hashes[h]);
    const cached = modelId != null ? await ctx.store.embeddingCache.getMany(modelId, part) : new Map<string, Float32Array>();
    const missing: number[] = [];
    part.forEach((h, i) => {
      const v = cached.get(h);
      if (v) put(rows[i], v);
      else missing.push(rows[i]);
    });
    ctx.stats.embeddingsCached += part.length - missing.length;
    if (missing.length) {
      const texts = await passageTextsByHash(
        ctx.store.db,
        missing.map((i) => hashes[i]),
      );
      // Batches of similar length: every text of a batch is padded to its longest, and on
      // passages of ~1 KB files this ordering cut the embedding CPU time by about 1.6x.
      const lengthOf = (i: number) => texts.get(hashes[i])?.length ?? 0;
      missing.sort((x, y) => lengthOf(x) - lengthOf(y));
      for (let b = 0; b < missing.length; b += batchSize) {
        ctx.check();
        const ids = missing.slice(b, b + batchSize);
        const vecs = await embed(ids.map((i) => texts.get(hashes[i]) ?? ''));
        if (!Array.isArray(vecs) || vecs.length !== ids.length)
          throw new Error(`the embedding model returned ${vecs?.length ?? 'no'} vectors for ${ids.length} texts`);
        ids.forEach((i, k) => put(i, vecs[k]));
        ctx.stats.embedded += ids.length;
        if (modelId != null)
          await ctx.store.embeddingCache.putMany(
            modelId,
            ids.map((i, k) => ({ contentHash: hashes[i], vector: vecs[k] })),
          );
      }
    }
    ctx.progress('embedding', Math.min(total, start + CACHE_CHUNK), total);
  }
  if (dim < 0) dim = 0;
  for (let c = 0; c < contentDocs.length && dim > 0; c++) normalizeInPlace(docVectors.subarray(c * dim, (c + 1) * dim));
  let passagesPresent: Uint8Array | null = null;
  if (wanted) {
    passagesPresent = new Uint8Array(passages.eligibleHashes.length);
    for (const h of order) if (passages.eligibleIndex[h] >= 0) passagesPresent[passages.eligibleIndex[h]] = 1;
  }
  return { docVectors, passageVectors, passageRows, dim, contentsPresent: wanted?.contents ?? null, passagesPresent };
}
