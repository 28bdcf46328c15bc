/**
 * Groups items linked by accepted matches into duplicate clusters (union-find), keeping for
 * each cluster the matches that hold it together and for each member its best match.
 */
import { LAYER_STRENGTH, type Match, type MatchLayer } from './types';
import { UnionFind } from './unionFind';

export interface ClusterMemberInfo {
  item: number;
  /** Layer and score of this member's strongest match inside the cluster. */
  layer: MatchLayer;
  score: number;
  /** The item that match links it to. */
  matchedWith: number;
}

export interface MatchCluster {
  /** Member items, ascending. */
  items: number[];
  /**
   * The weakest layer needed to hold the cluster together: the weakest match of a maximum
   * spanning tree built from the strongest matches first. A cluster whose members are all
   * identical is `exact` even if a semantic match also joins two of them.
   */
  layer: MatchLayer;
  /** The lowest score among the spanning matches of that weakest layer. */
  score: number;
  members: ClusterMemberInfo[];
  /** The spanning matches (members - 1 of them), strongest first. */
  matches: Match[];
}

/** True when match x is better evidence than y (stronger layer, then higher score). */
export function isBetterMatch(x: { layer: MatchLayer; score: number }, y: { layer: MatchLayer; score: number }): boolean {
  const d = LAYER_STRENGTH[x.layer] - LAYER_STRENGTH[y.layer];
  return d > 0 || (d === 0 && x.score > y.score);
}

/**
 * Clusters items 0..itemCount-1 by the given matches. Several matches of one pair (found by
 * several layers) count once, as the best of them. Returns clusters of two or more items,
 * largest first (ties: smallest first item).
 */
export function clusterMatches(itemCount: number, matches: Iterable<Match>): MatchCluster[] {
  const best = new Map<number, Match>();
  for (const m of matches) {
    if (m.a === m.b) continue;
    if (m.a < 0 || m.b < 0 || m.a >= itemCount || m.b >= itemCount) throw new RangeError(`match (${m.a}, ${m.b}) is outside 0..${itemCount - 1}`);
    const a = Math.min(m.a, m.b);
    const b = Math.max(m.a, m.b);
    const key = a * itemCount + b;
    const norm: Match = { a, b, layer: m.layer, score: m.score };
    const old = best.get(key);
    if (!old || isBetterMatch(norm, old)) best.set(key, norm);
  }
  const edges = [...best.values()].sort((x, y) => (isBetterMatch(x, y) ? -1 : isBetterMatch(y, x) ? 1 : x.a - y.a || x.b - y.b));

  const uf = new UnionFind(itemCount);
  const tree: Match[] = [];
  const bestOf = new Map<number, ClusterMemberInfo>();
  for (const e of edges) {
    if (uf.union(e.a, e.b)) tree.push(e);
    // Edges come best first, so the first seen for an item is its best.
    if (!bestOf.has(e.a)) bestOf.set(e.a, { item: e.a, layer: e.layer, score: e.score, matchedWith: e.b });
    if (!bestOf.has(e.b)) bestOf.set(e.b, { item: e.b, layer: e.layer, score: e.score, matchedWith: e.a });
  }

  const treeByRoot = new Map<number, Match[]>();
  for (const e of tree) {
    const r = uf.find(e.a);
    const list = treeByRoot.get(r);
    if (list) list.push(e);
    else treeByRoot.set(r, [e]);
  }

  const clusters: MatchCluster[] = uf.groups(2).map((items) => {
    const spanning = treeByRoot.get(uf.find(items[0]))!;
    let weakest = spanning[0];
    for (const e of spanning) if (isBetterMatch(weakest, e)) weakest = e;
    const layer = weakest.layer;
    let score = Infinity;
    for (const e of spanning) if (e.layer === layer && e.score < score) score = e.score;
    return { items, layer, score, members: items.map((i) => bestOf.get(i)!), matches: spanning };
  });
  return clusters.sort((x, y) => y.items.length - x.items.length || x.items[0] - y.items[0]);
}
