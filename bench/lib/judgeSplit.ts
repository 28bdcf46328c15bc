/**
 * Which labelled pairs the built-in pair judge is fitted on, and which are kept away from it
 * for reporting (bench/fit-pair-judge.ts and bench/dedup-quality.ts share this one rule).
 *   fit:      STS-B train (gold >= 4 = same meaning), SICK-R train (relatedness >= 4),
 *             the first 3,076 pairs of MRPC train (label 1).
 *   held out: the last 1,000 pairs of MRPC train, STS-B dev and STS12-16 (gold >= 4), each pair
 *             dropped when either sentence also occurs in the fitting pairs (STS-B train was
 *             drawn from STS12-16, so many of their pairs are the same sentences).
 */
import { loadScoredPairs } from '../../src/engine/eval/stsData';
import { contentHash } from '../../src/engine/text/normalize';

export const MRPC_FIT_ROWS = 3076;
/** STS / SICK gold from which a pair counts as the same meaning. */
export const SAME_MEANING_GOLD = 4;

export interface LabelledRow {
  source: string;
  a: string;
  b: string;
  gold: number;
  dup: boolean;
}

async function rows(name: string, from = 0, to = Infinity): Promise<LabelledRow[]> {
  const d = await loadScoredPairs(name);
  const mrpc = name.startsWith('mrpc');
  const out: LabelledRow[] = [];
  for (let i = from; i < Math.min(to, d.a.length); i++) {
    out.push({ source: name, a: d.a[i], b: d.b[i], gold: d.gold[i], dup: mrpc ? d.gold[i] === 1 : d.gold[i] >= SAME_MEANING_GOLD });
  }
  return out;
}

export async function judgeFitRows(): Promise<LabelledRow[]> {
  return [...(await rows('stsb-train')), ...(await rows('sickr-train')), ...(await rows('mrpc-train', 0, MRPC_FIT_ROWS))];
}

/** Held-out pairs by group, none sharing a sentence with the fitting pairs. */
export async function judgeHeldOutRows(): Promise<{ mrpc: LabelledRow[]; sts: LabelledRow[]; droppedShared: number }> {
  const seen = new Set<string>();
  for (const r of await judgeFitRows()) {
    seen.add(contentHash(r.a));
    seen.add(contentHash(r.b));
  }
  let droppedShared = 0;
  const keep = (rs: LabelledRow[]) =>
    rs.filter((r) => {
      const ok = !seen.has(contentHash(r.a)) && !seen.has(contentHash(r.b));
      if (!ok) droppedShared++;
      return ok;
    });
  const mrpc = keep(await rows('mrpc-train', MRPC_FIT_ROWS));
  const sts: LabelledRow[] = [];
  for (const name of ['stsb-dev', 'sts12', 'sts13', 'sts14', 'sts15', 'sts16']) sts.push(...keep(await rows(name)));
  return { mrpc, sts, droppedShared };
}
