/**
 * Cross->bi teachers of cycle 1 scored on the STS evaluation sets, no training (issue 10): the
 * cycle-1 cross-encoder alone, the run's label (cross-encoder mixed with the evidence), the
 * bi->cross evidence teacher alone, and ensembles of the two (teachers/teacher.ts
 * ensembleLabels) at several weights, plain and with the residual evidence. The cross-encoder's
 * raw scores come from a bench/trans-encoder-sts.ts --out file; the start cosine, alignment and
 * SIF from bench/teacher-eval.ts's cache. Tuning sets (default STS12, STS13) are reported apart.
 *
 *   npx tsx bench/teacher-ensemble.ts --run out.json --cache teacher-scores.json
 */
import fs from 'node:fs';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, type ScoredPairs } from '../src/engine/eval/stsData';
import { ensembleLabels, teacherScores, type Evidence } from '../src/engine/train/teachers/teacher';
import { negationFlags } from '../src/engine/train/teachers/negationEvidence';
import { pairLengths } from '../src/engine/train/teachers/groups';
import { toProbabilities } from '../src/engine/train/scoring';
import type { TransEncoderSettings } from '../src/engine/train/settings';
import { benchArgs } from './lib/args';
import { readScoreCache } from './lib/scoreCache';

const { values } = benchArgs({
  run: { type: 'string' },
  cache: { type: 'string', default: 'bench/results/teacher-scores.json' },
  tune: { type: 'string', default: 'sts12,sts13' },
  cross: { type: 'string', default: 'cycle 1 cross' },
});
if (!values.run) throw new Error('--run FILE (the --out of bench/trans-encoder-sts.ts) is required');
const run = JSON.parse(fs.readFileSync(values.run, 'utf8')) as {
  settings: TransEncoderSettings;
  rows: { model: string; raw: Record<string, number[]> }[];
};
const s = run.settings;
const cache = readScoreCache(values.cache!);
const crossRow = run.rows.find((r) => r.model === values.cross);
if (!crossRow) throw new Error(`no row "${values.cross}" in ${values.run}`);
const tune = new Set(values.tune!.split(','));
const sets = Object.keys(crossRow.raw).filter((n) => cache[n]?.align && cache[n]?.sif && cache[n]?.cos);
const missing = Object.keys(crossRow.raw).filter((n) => !sets.includes(n));
if (missing.length) console.error(`no cached evidence for ${missing.join(', ')}: left out`);

const candidates: Record<string, (d: ScoredPairs, x: Float32Array, ev: Evidence[], cos: Float32Array) => ArrayLike<number>> = {
  'start cosine': (_d, _x, _ev, cos) => cos,
  '(a) cross-encoder alone': (_d, x) => x,
  'run label: cross + evidence': (_d, x, ev) => teacherScores(x, ev),
  '(b) evidence teacher (b2c)': (_d, _x, ev, cos) => toProbabilities(teacherScores(cos, ev)),
  '(b) residual evidence teacher': (d, _x, ev, cos) => toProbabilities(teacherScores(cos, ev, { lengths: pairLengths(d) })),
};
for (const w of [0.25, 0.5, 0.6, 0.75]) {
  candidates[`(c) ens(cross, b2c) w ${w}`] = (_d, x, ev, cos) => ensembleLabels(x, toProbabilities(teacherScores(cos, ev)), w);
  candidates[`(c') ens(cross+ev, b2c) w ${w}`] = (_d, x, ev, cos) => ensembleLabels(teacherScores(x, ev), toProbabilities(teacherScores(cos, ev)), w);
  candidates[`(d) ens(cross, resid b2c) w ${w}`] = (d, x, ev, cos) =>
    ensembleLabels(x, toProbabilities(teacherScores(cos, ev, { lengths: pairLengths(d) })), w);
  candidates[`(d') ens(cross+resid ev, resid b2c) w ${w}`] = (d, x, ev, cos) =>
    ensembleLabels(teacherScores(x, ev, { lengths: pairLengths(d) }), toProbabilities(teacherScores(cos, ev, { lengths: pairLengths(d) })), w);
}
const result: Record<string, Record<string, number>> = {};
for (const name of sets) {
  const d = await loadScoredPairs(name);
  const c = cache[name]!;
  const ev: Evidence[] = [
    { name: 'alignment', scores: Float32Array.from(c.align!), weight: s.teacher.alignment },
    { name: 'sif', scores: Float32Array.from(c.sif!), weight: s.teacher.sif },
    { name: 'negation', scores: negationFlags(d), weight: s.teacher.negation },
  ];
  const x = Float32Array.from(crossRow.raw[name]!);
  const cos = Float32Array.from(c.cos!);
  for (const [label, f] of Object.entries(candidates)) (result[label] ??= {})[name] = 100 * spearman(f(d, x, ev, cos), d.gold);
}
const tuneSets = sets.filter((n) => tune.has(n));
const restSets = sets.filter((n) => !tune.has(n));
const mean = (r: Record<string, number>, ns: string[]) => ns.reduce((a, n) => a + r[n]!, 0) / ns.length;
console.log(`| teacher | ${sets.join(' | ')} | tune avg (${tuneSets.join('+')}) | other ${restSets.length} avg | all avg |`);
console.log(`|---|${sets.map(() => '---').join('|')}|---|---|---|`);
for (const [label, r] of Object.entries(result))
  console.log(
    `| ${label} | ${sets.map((n) => r[n]!.toFixed(2)).join(' | ')} | ${mean(r, tuneSets).toFixed(2)} | ${restSets.length ? mean(r, restSets).toFixed(2) : '-'} | ${mean(r, sets).toFixed(2)} |`,
  );
