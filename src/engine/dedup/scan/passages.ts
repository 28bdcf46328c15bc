/** Stage 2: the passages of the scan's documents (metadata only), by distinct content. */
import { passageMetaForDocuments } from '../../store/repositories/scanData';
import type { ScanContext } from './context';

export interface PassageSet {
  count: number;
  /** Per passage occurrence: passage row id, scan document index, length, distinct-hash index. */
  id: Int32Array;
  doc: Int32Array;
  length: Int32Array;
  hashIndex: Int32Array;
  /** Distinct passage hashes. */
  hashes: string[];
  /** Per distinct hash: long enough for passage-level matching. */
  eligible: Uint8Array;
  /** Per distinct hash: its index among the eligible ones, or -1. */
  eligibleIndex: Int32Array;
  eligibleHashes: string[];
  /** Per scan document: its first occurrence and how many it has (occurrences are by document). */
  firstOfDoc: Int32Array;
  countOfDoc: Int32Array;
  /** Passage vectors and signatures fit in memory: passage-level near/semantic matching and passage evidence run. */
  fuzzy: boolean;
}

export async function loadPassages(ctx: ScanContext): Promise<PassageSet> {
  const metas = await passageMetaForDocuments(
    ctx.store.db,
    ctx.docs.map((d) => d.id),
  );
  const docIndexById = new Map(ctx.docs.map((d, i) => [d.id, i]));
  const set: PassageSet = {
    count: metas.length,
    id: new Int32Array(metas.length),
    doc: new Int32Array(metas.length),
    length: new Int32Array(metas.length),
    hashIndex: new Int32Array(metas.length),
    hashes: [],
    eligible: new Uint8Array(0),
    eligibleIndex: new Int32Array(0),
    eligibleHashes: [],
    firstOfDoc: new Int32Array(ctx.docs.length).fill(-1),
    countOfDoc: new Int32Array(ctx.docs.length),
    fuzzy: false,
  };
  const hashIndex = new Map<string, number>();
  metas.forEach((m, i) => {
    set.id[i] = m.id;
    const doc = docIndexById.get(m.documentId)!;
    set.doc[i] = doc;
    if (set.firstOfDoc[doc] < 0) set.firstOfDoc[doc] = i;
    set.countOfDoc[doc]++;
    set.length[i] = m.length;
    let h = hashIndex.get(m.contentHash);
    if (h === undefined) {
      h = set.hashes.length;
      hashIndex.set(m.contentHash, h);
      set.hashes.push(m.contentHash);
    }
    set.hashIndex[i] = h;
  });
  set.eligible = new Uint8Array(set.hashes.length);
  for (let i = 0; i < set.count; i++) {
    if (set.length[i] >= ctx.settings.minPassageChars) set.eligible[set.hashIndex[i]] = 1;
  }
  set.eligibleIndex = new Int32Array(set.hashes.length).fill(-1);
  set.hashes.forEach((h, i) => {
    if (set.eligible[i]) {
      set.eligibleIndex[i] = set.eligibleHashes.length;
      set.eligibleHashes.push(h);
    }
  });
  ctx.stats.passages = set.count;
  ctx.stats.distinctPassages = set.hashes.length;
  if (set.eligibleHashes.length > ctx.settings.maxPassagesForFuzzy) {
    if (ctx.settings.passageLevel) {
      ctx.stats.passageFuzzySkipped = `${set.eligibleHashes.length} distinct passages exceed the limit of ${ctx.settings.maxPassagesForFuzzy}; only identical passages were matched`;
    }
  } else set.fuzzy = true;
  return set;
}

/** A document's eligible passages: rows among the eligible hashes, their lengths and passage ids. */
export function eligibleOfDoc(set: PassageSet, doc: number): { rows: number[]; lengths: number[]; ids: number[] } {
  const rows: number[] = [];
  const lengths: number[] = [];
  const ids: number[] = [];
  for (let p = set.firstOfDoc[doc]; p >= 0 && p < set.firstOfDoc[doc] + set.countOfDoc[doc]; p++) {
    const e = set.eligibleIndex[set.hashIndex[p]];
    if (e >= 0) {
      rows.push(e);
      lengths.push(set.length[p]);
      ids.push(set.id[p]);
    }
  }
  return { rows, lengths, ids };
}
