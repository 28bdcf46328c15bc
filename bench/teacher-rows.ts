/**
 * Teacher rows of a bench/trans-encoder-sts.ts run scored afterwards: its --out file holds each
 * model's raw scores per set; the evidence comes from bench/teacher-eval.ts's cache. Prints, per
 * cycle, the teacher of bi->cross (the previous bi-encoder, or the start) and of cross->bi (the
 * cycle's cross-encoder), each mixed with the evidence in the cycles that use it.
 *
 *   npx tsx bench/teacher-rows.ts --run out.json --cache teacher-scores.json
 */
import fs from 'node:fs';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import { teacherScores, type Evidence } from '../src/engine/train/teachers/teacher';
import { negationFlags } from '../src/engine/train/teachers/negationEvidence';
import type { TransEncoderSettings } from '../src/engine/train/settings';
import { benchArgs } from './lib/args';
import { readScoreCache } from './lib/scoreCache';

const { values } = benchArgs({ run: { type: 'string' }, cache: { type: 'string', default: 'bench/results/teacher-scores.json' } });
if (!values.run) throw new Error('--run FILE (the --out of bench/trans-encoder-sts.ts) is required');
const run = JSON.parse(fs.readFileSync(values.run, 'utf8')) as {
  settings: TransEncoderSettings;
  rows: { model: string; avg: number; scores: Record<string, number>; raw: Record<string, number[]> }[];
};
const cache = readScoreCache(values.cache!);
const s = run.settings;
const rowOf = (name: string) => run.rows.find((r) => r.model === name);
const sets = Object.keys(run.rows[0]!.scores);
const gold = new Map<string, Awaited<ReturnType<typeof loadScoredPairs>>>();
for (const name of sets) gold.set(name, await loadScoredPairs(name));
const evidenceOf = (name: string): Evidence[] => {
  const c = cache[name];
  if (!c?.align || (s.teacher.sif > 0 && !c.sif)) throw new Error(`no cached evidence for ${name} in ${values.cache}`);
  const ev: Evidence[] = [];
  if (s.teacher.alignment > 0) ev.push({ name: 'alignment', scores: Float32Array.from(c.align), weight: s.teacher.alignment });
  if (s.teacher.sif > 0) ev.push({ name: 'sif', scores: Float32Array.from(c.sif!), weight: s.teacher.sif });
  if (s.teacher.negation > 0) ev.push({ name: 'negation', scores: negationFlags(gold.get(name)!), weight: s.teacher.negation });
  return ev;
};
const print = (label: string, model: string, cycle: number) => {
  const r = rowOf(model);
  if (!r) return;
  const withEvidence = cycle <= (s.teacher.cycles ?? Infinity);
  const vals = sets.map((name) => {
    const t = teacherScores(Float32Array.from(r.raw[name]!), withEvidence ? evidenceOf(name) : [], {});
    return 100 * spearman(t, gold.get(name)!.gold);
  });
  const avg = vals.reduce((a, b) => a + b, 0) / vals.length;
  console.log(`| ${label} | ${vals.map((v) => v.toFixed(2)).join(' | ')} | ${avg.toFixed(2)} |`);
};
console.log(`| model | ${sets.join(' | ')} | avg |`);
for (const r of run.rows.filter((r) => r.scores && Number.isFinite(r.avg))) if (r.model.startsWith('start')) print('teacher b2c cycle 1', r.model, 1);
for (let c = 1; c <= s.cycles; c++) {
  const cross = rowOf(`cycle ${c} cross`);
  const bi = rowOf(`cycle ${c} bi`);
  if (cross) {
    console.log(`| cycle ${c} cross | ${sets.map((n) => cross.scores[n]!.toFixed(2)).join(' | ')} | ${cross.avg.toFixed(2)} |`);
    print(`teacher c2b cycle ${c}`, cross.model, c);
  }
  if (bi) console.log(`| cycle ${c} bi | ${sets.map((n) => bi.scores[n]!.toFixed(2)).join(' | ')} | ${bi.avg.toFixed(2)} |`);
  if (bi && c < s.cycles) print(`teacher b2c cycle ${c + 1}`, bi.model, c + 1);
}
