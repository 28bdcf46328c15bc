/**
 * Stage 6: duplicate groups. File groups are built around keepers over distinct contents
 * (identical files are one content), so every member is identical to the kept file or matched
 * to it directly; passage groups the same way over distinct passages.
 */
import { documentTextEnds } from '../../store/repositories/scanData';
import { groupAroundKeepers, type EvidencedMatch, type MatchDetail } from '../keeperGroups';
import { suggestKeep } from '../keepRule';
import { DEFAULT_PASSAGE_COVERAGE } from '../thresholds';
import type { MatchLayer } from '../types';
import type { ScanContext } from './context';
import { eligibleOfDoc, type PassageSet } from './passages';

export interface GroupMemberOut {
  /** Scan document index. */
  doc: number;
  /** Passage occurrence (passage groups only). */
  occurrence?: number;
  layer: MatchLayer;
  score: number;
  /** Evidence against the keeper, passage positions already turned into passage ids. */
  evidence?: StoredEvidence;
}

export interface StoredEvidence extends Omit<MatchDetail, 'passages'> {
  /** Matching passages: [member's passage id, keeper's passage id, score]. */
  passages?: [number, number, number][];
}

export interface FileGroup {
  keepDoc: number;
  layer: MatchLayer;
  score: number;
  members: GroupMemberOut[];
}

export interface PassageGroup {
  keepDoc: number;
  keepOccurrence: number;
  layer: MatchLayer;
  score: number;
  members: GroupMemberOut[];
}

/** Picks the document to keep among scan document indexes, by the keep rule (keepRule.ts). */
export async function keepChooser(ctx: ScanContext): Promise<(docIdx: readonly number[]) => number> {
  // "Most text" is a property of the content: copies with the same content hash tie on it
  // (their raw lengths may differ in whitespace) and the older or shorter-path one wins.
  const ends = await documentTextEnds(
    ctx.store.db,
    ctx.docs.map((d) => d.id),
  );
  const contentLength = new Map<string, number>();
  ctx.docs.forEach((d) => contentLength.set(d.hash, Math.max(contentLength.get(d.hash) ?? 0, ends.get(d.id) ?? d.size)));
  return (docIdx) =>
    suggestKeep(docIdx.map((i) => ({ i, textLength: contentLength.get(ctx.docs[i].hash)!, mtimeMs: ctx.docs[i].mtimeMs, path: ctx.docs[i].absPath }))).i;
}

export function fileGroups(
  contentDocs: number[][],
  matches: readonly EvidencedMatch[],
  passages: PassageSet,
  keepOf: (docIdx: readonly number[]) => number,
): FileGroup[] {
  const degree = new Int32Array(contentDocs.length);
  for (const m of matches) {
    degree[m.a]++;
    degree[m.b]++;
  }
  const keeperDoc = contentDocs.map((docs) => keepOf(docs));
  // Keepers: a content held by the most identical files first (the originals, not an edited
  // copy of them), then the one matched with most others, then the keep rule.
  const order = (x: number, y: number) => {
    const d = contentDocs[y].length - contentDocs[x].length || degree[y] - degree[x];
    if (d) return d;
    return keepOf([keeperDoc[x], keeperDoc[y]]) === keeperDoc[x] ? -1 : 1;
  };
  // A semantic member must be contained in its keeper: its own passages have matches there, so
  // moving it loses no content (the keeper may hold more).
  const mayJoin = (m: { layer: MatchLayer; detail?: MatchDetail }) =>
    m.layer === 'exact' || m.layer === 'near' || !m.detail?.coverage || m.detail.coverage[0] >= DEFAULT_PASSAGE_COVERAGE;
  const groups = groupAroundKeepers(contentDocs.length, matches, order, mayJoin);
  const inGroup = new Uint8Array(contentDocs.length);
  const out: FileGroup[] = [];
  const passageIds = (c: number) => eligibleOfDoc(passages, contentDocs[c][0]).ids;
  for (const g of groups) {
    inGroup[g.keeper] = 1;
    const keep = keeperDoc[g.keeper];
    const members: GroupMemberOut[] = contentDocs[g.keeper].filter((d) => d !== keep).map((doc) => ({ doc, layer: 'exact', score: 1 }));
    for (const m of g.members) {
      inGroup[m.item] = 1;
      const evidence = storedEvidence(m.detail, passageIds(m.item), passageIds(g.keeper));
      for (const doc of contentDocs[m.item]) members.push({ doc, layer: m.layer, score: m.score, evidence });
    }
    out.push({ keepDoc: keep, layer: g.layer, score: g.score, members });
  }
  // Identical files matched with nothing else.
  contentDocs.forEach((docs, c) => {
    if (inGroup[c] || docs.length < 2) return;
    const keep = keeperDoc[c];
    out.push({ keepDoc: keep, layer: 'exact', score: 1, members: docs.filter((d) => d !== keep).map((doc) => ({ doc, layer: 'exact', score: 1 })) });
  });
  return out.sort((x, y) => y.members.length - x.members.length);
}

/**
 * Passages that recur across files: groups of eligible distinct passages around keepers; a
 * group is kept only if its passages lie in two or more files that are not already one
 * file-level group (otherwise the file group says it all).
 */
export function passageGroups(
  passages: PassageSet,
  matches: readonly EvidencedMatch[],
  fileGroupOf: Int32Array,
  keepOf: (docIdx: readonly number[]) => number,
): PassageGroup[] {
  // Occurrences by eligible distinct passage.
  const occ: number[][] = passages.eligibleHashes.map(() => []);
  for (let p = 0; p < passages.count; p++) {
    const e = passages.eligibleIndex[passages.hashIndex[p]];
    if (e >= 0) occ[e].push(p);
  }
  const groups = groupAroundKeepers(occ.length, matches, (x, y) => occ[y].length - occ[x].length);
  const units: { keeper: number; members: { item: number; layer: MatchLayer; score: number }[]; layer: MatchLayer; score: number }[] = [...groups];
  const taken = new Uint8Array(occ.length);
  for (const g of groups) {
    taken[g.keeper] = 1;
    for (const m of g.members) taken[m.item] = 1;
  }
  occ.forEach((o, e) => {
    if (!taken[e] && o.length > 1) units.push({ keeper: e, members: [], layer: 'exact', score: 1 });
  });
  const out: PassageGroup[] = [];
  for (const u of units) {
    const all = [u.keeper, ...u.members.map((m) => m.item)].flatMap((e) => occ[e]);
    const files = new Set(all.map((p) => (fileGroupOf[passages.doc[p]] >= 0 ? fileGroupOf[passages.doc[p]] : -1 - passages.doc[p])));
    if (files.size < 2) continue;
    const keepDoc = keepOf([...new Set(occ[u.keeper].map((p) => passages.doc[p]))]);
    const keepOccurrence = occ[u.keeper].find((p) => passages.doc[p] === keepDoc)!;
    const members: GroupMemberOut[] = occ[u.keeper]
      .filter((p) => p !== keepOccurrence)
      .map((p) => ({ doc: passages.doc[p], occurrence: p, layer: 'exact', score: 1 }));
    for (const m of u.members) for (const p of occ[m.item]) members.push({ doc: passages.doc[p], occurrence: p, layer: m.layer, score: m.score });
    out.push({ keepDoc, keepOccurrence, layer: u.layer, score: u.score, members });
  }
  return out;
}

function storedEvidence(detail: MatchDetail | undefined, memberIds: number[], keeperIds: number[]): StoredEvidence | undefined {
  if (!detail) return undefined;
  const { passages, ...rest } = detail;
  const out: StoredEvidence = { ...rest };
  if (passages) out.passages = passages.map(([i, j, s]) => [memberIds[i], keeperIds[j], s]);
  return out;
}
