/**
 * Duplicate groups that never chain: every member of a group is matched directly against the
 * group's keeper (star grouping). Chained links (A~B, B~C) join C to A's group only if C~A
 * itself holds, so a run of texts that each resemble the next (licences of one genre, invoices
 * of one template, shuffled words) does not become one group.
 */
import { isBetterMatch } from './clustering';
import type { Match, MatchLayer } from './types';

/** A match with what was measured to accept it (shown to the person deciding). */
export interface EvidencedMatch extends Match {
  detail?: MatchDetail;
}

/** What a near or semantic match rests on, beyond its score. */
export interface MatchDetail {
  /** Estimated Jaccard similarity of the word 3-shingles (MinHash). */
  jaccard?: number;
  /** Cosine similarity of the bi-encoder's document vectors. */
  cosine?: number;
  /** Cross-encoder score of a borderline pair. */
  cross?: number;
  /** Pair judge probability of a borderline pair (the built-in model's judge, pairJudge.ts). */
  judge?: number;
  /**
   * Share of each side's passages (by characters) that have a matching passage on the other
   * side: [member's share covered by the keeper, keeper's share covered by the member].
   */
  coverage?: [number, number];
  /** A few matching passage pairs: passage index in the member, in the keeper, and their score. */
  passages?: [number, number, number][];
  /** Numbers (amounts, dates, ids) found in both texts / in either. */
  numbers?: [number, number];
}

export interface GroupMember {
  item: number;
  layer: MatchLayer;
  score: number;
  detail?: MatchDetail;
}

export interface KeeperGroup {
  keeper: number;
  /** The other items, each with its own evidence against the keeper, best evidence first. */
  members: GroupMember[];
  /** The weakest member layer: what the whole group can be trusted as. */
  layer: MatchLayer;
  /** The lowest member score within that layer. */
  score: number;
}

/**
 * Groups items 0..itemCount-1 around keepers. Items are tried as keepers in the order of
 * `keeperOrder` (best keeper first); an item not yet in a group takes every other free item
 * it has a match with (and that `mayJoin` accepts). Several matches of one pair count once, as the best of them.
 * Returns groups of two or more items, largest first.
 */
export function groupAroundKeepers(
  itemCount: number,
  matches: Iterable<EvidencedMatch>,
  keeperOrder: (a: number, b: number) => number = (a, b) => a - b,
  /** Whether `member` may join `keeper` on this evidence (seen from the member); default: always. */
  mayJoin: (member: GroupMember, keeper: number) => boolean = () => true,
): KeeperGroup[] {
  const adjacency = new Map<number, Map<number, EvidencedMatch>>();
  const link = (x: number, y: number, m: EvidencedMatch) => {
    let row = adjacency.get(x);
    if (!row) adjacency.set(x, (row = new Map()));
    const old = row.get(y);
    if (!old || isBetterMatch(m, old)) row.set(y, m);
  };
  for (const m of matches) {
    if (m.a === m.b) continue;
    if (m.a < 0 || m.b < 0 || m.a >= itemCount || m.b >= itemCount) throw new RangeError(`match (${m.a}, ${m.b}) is outside 0..${itemCount - 1}`);
    link(m.a, m.b, m);
    link(m.b, m.a, m);
  }
  const order = [...adjacency.keys()].sort((a, b) => keeperOrder(a, b) || a - b);
  const taken = new Uint8Array(itemCount);
  const groups: KeeperGroup[] = [];
  for (const keeper of order) {
    if (taken[keeper]) continue;
    const members: GroupMember[] = [];
    for (const [item, m] of adjacency.get(keeper)!) {
      if (taken[item]) continue;
      // Evidence is kept as "member against keeper": a match found the other way round is flipped.
      const member = { item, layer: m.layer, score: m.score, detail: m.a === keeper ? flipDetail(m.detail) : m.detail };
      if (mayJoin(member, keeper)) members.push(member);
    }
    if (members.length === 0) continue;
    taken[keeper] = 1;
    for (const m of members) taken[m.item] = 1;
    members.sort((x, y) => (isBetterMatch(x, y) ? -1 : isBetterMatch(y, x) ? 1 : x.item - y.item));
    const weakest = members[members.length - 1];
    let score = Infinity;
    for (const m of members) if (m.layer === weakest.layer && m.score < score) score = m.score;
    groups.push({ keeper, members, layer: weakest.layer, score });
  }
  return groups.sort((x, y) => y.members.length - x.members.length || x.keeper - y.keeper);
}

/** The same evidence seen from the other side (coverage and passage pairs swapped). */
export function flipDetail(d: MatchDetail | undefined): MatchDetail | undefined {
  if (!d) return d;
  const out: MatchDetail = { ...d };
  if (d.coverage) out.coverage = [d.coverage[1], d.coverage[0]];
  if (d.passages) out.passages = d.passages.map(([x, y, s]) => [y, x, s]);
  return out;
}
