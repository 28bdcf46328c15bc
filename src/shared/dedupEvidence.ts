import type { DedupEvidence } from './api';

/**
 * One line of what a duplicate's match with its kept file rests on, e.g. "cosine 0.93; passages
 * matched 95% / 90%; numbers shared 3 of 3". Shared by the engine's reports and the app's view.
 */
export function evidenceSummary(ev: DedupEvidence | null, decimals = 3): string {
  if (!ev) return '';
  const scale = 10 ** decimals;
  const num = (x: number) => String(Math.round(x * scale) / scale);
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  const parts: string[] = [];
  if (ev.jaccard != null) parts.push(`Jaccard ${num(ev.jaccard)}`);
  if (ev.cosine != null) parts.push(`cosine ${num(ev.cosine)}`);
  if (ev.cross != null) parts.push(`cross-encoder ${num(ev.cross)}`);
  if (ev.judge != null) parts.push(`pair judge ${num(ev.judge)}`);
  if (ev.coverage) parts.push(`passages matched ${pct(ev.coverage[0])} / ${pct(ev.coverage[1])}`);
  if (ev.numbers && ev.numbers[1] > 0) parts.push(`numbers shared ${ev.numbers[0]} of ${ev.numbers[1]}`);
  return parts.join('; ');
}
