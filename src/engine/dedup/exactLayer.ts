/**
 * The exact layer: texts whose content hashes are equal (`contentHash`, see
 * src/engine/text/normalize.ts: the same text up to whitespace, line ends and Unicode composition).
 */
import { contentHash } from '../text/normalize';
import type { Match } from './types';

/** Indexes of items grouped by hash; only groups of two or more, in order of first appearance. */
export function groupByHash(hashes: readonly string[]): number[][] {
  const groups = new Map<string, number[]>();
  hashes.forEach((h, i) => {
    const g = groups.get(h);
    if (g) g.push(i);
    else groups.set(h, [i]);
  });
  return [...groups.values()].filter((g) => g.length > 1);
}

/** Star-shaped exact matches (first member to each other) for each group: enough for union-find. */
export function exactMatchesFromGroups(groups: readonly (readonly number[])[]): Match[] {
  const out: Match[] = [];
  for (const g of groups) for (let i = 1; i < g.length; i++) out.push({ a: g[0], b: g[i], layer: 'exact', score: 1 });
  return out;
}

/** Groups of texts that are the same text (up to whitespace, line ends and Unicode composition; see normalize.ts). */
export function findExactDuplicates(texts: readonly string[]): number[][] {
  return groupByHash(texts.map((t) => contentHash(t)));
}
