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
import { seededRandom, shuffleInPlace } from '../../src/engine/random';
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

/**
 * The seeded sample of held-out pairs that chooses the judge's accept threshold (tuning half) and
 * reports it (held-out half): bench/dedup-judge-accept.ts and dedup-judge-study.ts draw it, and
 * dedup-quality.ts marks which of its pairs were in the tuning half.
 */
export async function judgeAcceptHalves(
  n = 2000,
  seed = 11,
  held?: Awaited<ReturnType<typeof judgeHeldOutRows>>,
): Promise<{ tuning: LabelledRow[]; heldOut: LabelledRow[] }> {
  const h = held ?? (await judgeHeldOutRows());
  const rand = seededRandom(seed);
  const take = (rs: LabelledRow[], k: number) => shuffleInPlace([...rs], rand).slice(0, k);
  const rows = shuffleInPlace([...take(h.mrpc, Math.round(n / 2)), ...take(h.sts, n - Math.round(n / 2))], rand);
  const half = Math.floor(rows.length / 2);
  return { tuning: rows.slice(0, half), heldOut: rows.slice(half) };
}
