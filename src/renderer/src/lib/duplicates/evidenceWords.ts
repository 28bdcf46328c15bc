/** What a duplicate's match with its kept file rests on, in plain words of the app's language. */
import type { DedupEvidence } from '../../../../shared/api';
import { i18n } from '../../i18n/index.svelte';
import { formatScore } from '../format';
import type { DedupLayer } from '../dedup';

function percent(x: number): string {
  return new Intl.NumberFormat(i18n.tag, { style: 'percent', maximumFractionDigits: 0 }).format(x);
}

/** "Shares 86% of its word sequences with the kept file. 95% of this file is found in the kept file, …" */
export function evidenceWords(layer: DedupLayer, score: number | null, ev: DedupEvidence | null): string {
  const t = i18n.m.duplicates.evidence;
  const parts: string[] = [];
  if (layer === 'exact') parts.push(t.exact);
  else if (layer === 'near') parts.push(t.near(percent(ev?.jaccard ?? score ?? 0)));
  else if (layer === 'semantic') parts.push(t.semantic(formatScore(ev?.cosine ?? score, 2)));
  else if (layer === 'cross' && ev?.judge != null) parts.push(t.judge(formatScore(ev.judge, 2)));
  else if (layer === 'cross') parts.push(t.cross(formatScore(ev?.cross ?? score, 2)));
  // Passage coverage is what a meaning match was accepted on; for copies the shared word sequences say more.
  if (ev?.coverage && (layer === 'semantic' || layer === 'cross')) parts.push(t.coverage(percent(ev.coverage[0]), percent(ev.coverage[1])));
  if (ev?.numbers && ev.numbers[1] > 0) parts.push(t.numbers(String(ev.numbers[0]), String(ev.numbers[1])));
  return parts.join(t.sep);
}
