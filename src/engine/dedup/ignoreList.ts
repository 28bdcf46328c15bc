/**
 * The "not a duplicate" list (issue 13). A person dismisses a group (or one file of it); the
 * pairs of files they judged are stored by path and content hash. A later scan leaves out of a
 * group every member whose pair with the group's kept file was dismissed, and drops a group left
 * with no member; reports of earlier scans hide them the same way. A file that moved or changed
 * is judged again (its path or hash no longer matches). Clearing the list brings them back.
 */
import type { PairSide, Store } from '../store';
import { LAYER_STRENGTH, type MatchLayer } from './types';

/** The dismissed pairs among some files, for quick look-up. */
export class IgnoredPairs {
  private readonly keys = new Set<string>();

  constructor(pairs: Iterable<readonly [PairSide, PairSide]>) {
    for (const [a, b] of pairs) this.keys.add(IgnoredPairs.key(a, b));
  }

  static key(x: PairSide, y: PairSide): string {
    const [a, b] = x.path < y.path ? [x, y] : [y, x];
    return `${a.path}\0${a.hash}\0${b.path}\0${b.hash}`;
  }

  get size(): number {
    return this.keys.size;
  }

  has(a: PairSide, b: PairSide): boolean {
    return this.keys.size > 0 && this.keys.has(IgnoredPairs.key(a, b));
  }
}

/** The dismissed pairs among files at these paths. */
export async function ignoredPairsAmong(store: Store, paths: readonly string[]): Promise<IgnoredPairs> {
  return new IgnoredPairs(await store.dedupReview.pairsAmong(paths));
}

/** A group as the scan builds it: a kept item and members, each with its layer and score. */
export interface GroupShape<M extends { layer: MatchLayer; score: number }> {
  layer: MatchLayer;
  score: number;
  members: M[];
}

/**
 * Leaves out the members whose pair with their group's kept file was dismissed; a group left
 * without members is dropped, and a thinned group's layer and score become its weakest member's
 * again. `side` names a member or keeper as path and hash. Returns the groups and how many
 * members were left out.
 */
export function withoutDismissed<G extends GroupShape<{ layer: MatchLayer; score: number }>>(
  groups: readonly G[],
  ignored: IgnoredPairs,
  keeperSide: (g: G) => PairSide,
  memberSide: (m: G['members'][number]) => PairSide,
): { groups: G[]; hidden: number } {
  if (ignored.size === 0) return { groups: [...groups], hidden: 0 };
  let hidden = 0;
  const out: G[] = [];
  for (const g of groups) {
    const keeper = keeperSide(g);
    const members = g.members.filter((m) => !ignored.has(keeper, memberSide(m)));
    hidden += g.members.length - members.length;
    if (members.length === 0) continue;
    if (members.length === g.members.length) {
      out.push(g);
      continue;
    }
    let layer = members[0].layer;
    for (const m of members) if (LAYER_STRENGTH[m.layer] < LAYER_STRENGTH[layer]) layer = m.layer;
    const score = Math.min(...members.filter((m) => m.layer === layer).map((m) => m.score));
    out.push({ ...g, members, layer, score });
  }
  return { groups: out, hidden };
}

/**
 * The pairs a dismissal stores: with `only`, each of those files against every other file of
 * the group (they leave it); without, every pair of the group (it goes as a whole).
 */
export function dismissalPairs(files: readonly PairSide[], only?: ReadonlySet<string>): [PairSide, PairSide][] {
  const out: [PairSide, PairSide][] = [];
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      if (only && !only.has(files[i].path) && !only.has(files[j].path)) continue;
      out.push([files[i], files[j]]);
    }
  }
  return out;
}
