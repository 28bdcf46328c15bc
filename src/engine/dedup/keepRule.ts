/**
 * Which file of a duplicate cluster to suggest keeping. The rule, in order:
 *  1. the most text (a near or semantic duplicate with more content is the fuller version;
 *     for exact duplicates the lengths are equal and the next rules decide);
 *  2. the oldest modification time (copies usually get a newer one: the oldest is the original);
 *  3. the shortest path, counted in folders then characters (the file nearest the top of the
 *     tree, not the one in "backup/old/copy of ...");
 *  4. the path in code-point order, so the choice never depends on scan order.
 * The user can override it per cluster.
 */

export interface KeepCandidate {
  /** Characters of extracted text (or bytes when unknown). */
  textLength: number;
  mtimeMs: number;
  /** Path used for the tie-breaks (absolute, or relative to a common root). */
  path: string;
}

/** Negative when `a` should be kept rather than `b`, positive for `b`, 0 for the same path. */
export function compareForKeep(a: KeepCandidate, b: KeepCandidate): number {
  if (a.textLength !== b.textLength) return b.textLength - a.textLength;
  if (a.mtimeMs !== b.mtimeMs) return a.mtimeMs - b.mtimeMs;
  const da = depth(a.path);
  const db = depth(b.path);
  if (da !== db) return da - db;
  if (a.path.length !== b.path.length) return a.path.length - b.path.length;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The candidate to keep; throws on an empty list. */
export function suggestKeep<T extends KeepCandidate>(candidates: readonly T[]): T {
  if (candidates.length === 0) throw new RangeError('suggestKeep needs at least one candidate');
  let best = candidates[0];
  for (const c of candidates) if (compareForKeep(c, best) < 0) best = c;
  return best;
}

function depth(p: string): number {
  let n = 0;
  for (const ch of p) if (ch === '/' || ch === '\\') n++;
  return n;
}
