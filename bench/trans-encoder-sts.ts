/**
 * Trans-Encoder on the STS sets, transductively: the unlabelled pairs of STS12-16, STS-B
 * train/dev and SICK-R train/trial are the training data (labels only score). Prints Spearman
 * x100 per dataset for the starting model and for the bi- and cross-encoder after each cycle,
 * with wall time, and the cycle the label-free rule picks.
 *
 *   npx tsx bench/trans-encoder-sts.ts --preset quick [--eval sts12,stsb-dev] [--out file.json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_DATASETS, STS_EVAL_DATASETS, type ScoredPairs } from '../src/engine/eval/stsData';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';
import { PRESETS, isPresetName } from '../src/engine/train/presets';
import { biScores, crossScores } from '../src/engine/train/scoring';
import { seededRandom } from '../src/engine/train/schedule';
import { mergeSettings } from '../src/engine/train/settings';
import { runTransEncoder } from '../src/engine/train/transEncoder';
import type { BiEncoder, CrossEncoder } from '../src/engine/models/encoder';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'quick' },
    eval: { type: 'string', default: STS_EVAL_DATASETS.join(',') },
    train: { type: 'string', default: STS_DATASETS.join(',') },
    'max-pairs': { type: 'string' },
    cycles: { type: 'string' },
    dropout: { type: 'string' },
    'c2b-lr': { type: 'string' },
    'b2c-lr': { type: 'string' },
    'eval-cross': { type: 'string', default: '1' },
    out: { type: 'string' },
    'run-dir': { type: 'string' },
  },
});
if (!isPresetName(values.preset)) throw new Error(`unknown preset ${values.preset}`);
const preset = PRESETS[values.preset];
const settings = mergeSettings(preset.settings, {
  maxPairs: values['max-pairs'] ? Number(values['max-pairs']) : undefined,
  cycles: values.cycles ? Number(values.cycles) : undefined,
  dropout: values.dropout !== undefined ? Number(values.dropout) : undefined,
  crossToBi: values['c2b-lr'] ? { learningRate: Number(values['c2b-lr']) } : undefined,
  biToCross: values['b2c-lr'] ? { learningRate: Number(values['b2c-lr']) } : undefined,
});
const backend = await initBackend('auto');
const t0 = Date.now();
const evalSets: ScoredPairs[] = [];
for (const name of values.eval!.split(',')) evalSets.push(await loadScoredPairs(name));
const trainSets: ScoredPairs[] = [];
for (const name of values.train!.split(',')) trainSets.push(await loadScoredPairs(name));

// Unlabelled training pairs: every distinct pair of the training sets, a seeded sample of maxPairs.
const seen = new Set<string>();
const all: [string, string][] = [];
for (const s of trainSets) for (let i = 0; i < s.a.length; i++) {
  const key = `${s.a[i]}\u0000${s.b[i]}`;
  if (!seen.has(key)) {
    seen.add(key);
    all.push([s.a[i]!, s.b[i]!]);
  }
}
const rand = seededRandom(settings.seed);
for (let i = all.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [all[i], all[j]] = [all[j]!, all[i]!];
}
const chosen = all.slice(0, settings.maxPairs);
const pairs = { a: chosen.map((p) => p[0]), b: chosen.map((p) => p[1]) };

type Row = { model: string; scores: Record<string, number>; avg: number; seconds: number };
const rows: Row[] = [];
async function evaluate(label: string, score: (s: ScoredPairs) => Promise<Float32Array>) {
  const t = Date.now();
  const scores: Record<string, number> = {};
  for (const s of evalSets) scores[s.name] = 100 * spearman(await score(s), s.gold);
  const vals = Object.values(scores);
  const row = { model: label, scores, avg: vals.reduce((a, b) => a + b, 0) / vals.length, seconds: (Date.now() - t) / 1000 };
  rows.push(row);
  console.log(`${label.padEnd(22)} ${Object.values(scores).map((v) => v.toFixed(2).padStart(6)).join(' ')}  avg ${row.avg.toFixed(2)}  (${row.seconds.toFixed(0)} s)`);
}
const biEval = (bi: BiEncoder) => (s: ScoredPairs) => biScores(bi, s, { maxLength: settings.crossToBi.maxLength });
const crossEval = (cross: CrossEncoder) => (s: ScoredPairs) => crossScores(cross, s, { maxLength: settings.biToCross.maxLength });

console.log(`backend ${backend.name}; preset ${preset.name}; ${pairs.a.length} training pairs of ${all.length}; cycles ${settings.cycles}; dropout ${settings.dropout}; lr b2c ${settings.biToCross.learningRate} c2b ${settings.crossToBi.learningRate}`);
console.log(`${'model'.padEnd(22)} ${evalSets.map((s) => s.name.padStart(6)).join(' ')}`);
const bi = loadUseLiteBiEncoder();
const cross = loadUseLiteCrossEncoder();
await evaluate('start (USE lite)', biEval(bi));

const runDir = values['run-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-bench-run-'));
const tTrain = Date.now();
let trainSeconds = 0;
let lastLog = 0;
await runTransEncoder({
  members: [{ name: 'use-lite', bi, cross }],
  pairs,
  settings,
  runDir,
  onProgress: (p) => {
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      console.error(`  ${p.stage} ${p.step}/${p.totalSteps} loss ${p.loss?.toFixed(4) ?? '-'} (${((Date.now() - tTrain) / 1000).toFixed(0)} s)`);
    }
  },
  onCycleEnd: async (result, members) => {
    trainSeconds += 0;
    const m = members[0]!;
    await evaluate(`cycle ${result.cycle + 1} bi`, biEval(m.bi));
    if (values['eval-cross'] === '1') await evaluate(`cycle ${result.cycle + 1} cross`, crossEval(m.cross));
  },
});
const wall = (Date.now() - t0) / 1000;
const evalSeconds = rows.reduce((a, r) => a + r.seconds, 0);
console.log(`wall time ${wall.toFixed(0)} s (training ${(wall - evalSeconds).toFixed(0)} s, evaluation ${evalSeconds.toFixed(0)} s) on ${os.cpus().length} cores`);
if (values.out) fs.writeFileSync(values.out, JSON.stringify({ preset: preset.name, settings, backend, pairs: pairs.a.length, rows, wall }, null, 2));
