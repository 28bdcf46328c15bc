/**
 * Teacher evidence on the STS evaluation sets, score only (no training): Spearman x100 of the
 * built-in bi-encoder's cosine, USE-lite token alignment (teachers/alignment.ts), and z-scored
 * mixes of them (with GloVe SIF and negation evidence when --glove-data-dir is given), per set,
 * at max length 64 as bench/sts-baseline.ts. Scores are cached in
 * --cache (JSON) so mixes can be re-weighed without recomputing.
 *   npx tsx bench/teacher-eval.ts [--sets sts12,...] [--cache bench/results/teacher-scores.json]
 */
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_EVAL_DATASETS } from '../src/engine/eval/stsData';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { biScores } from '../src/engine/train/scoring';
import { alignmentScores } from '../src/engine/train/teachers/alignment';
import { mixZ } from '../src/engine/train/teachers/combine';
import { sifScores } from '../src/engine/train/teachers/sifEvidence';
import { negationFlags } from '../src/engine/train/teachers/negationEvidence';
import { teacherScores, type Evidence } from '../src/engine/train/teachers/teacher';
import path from 'node:path';
import { readScoreCache, writeScoreCache, type ScoreCache } from './lib/scoreCache';

const { values } = parseArgs({
  options: {
    sets: { type: 'string', default: STS_EVAL_DATASETS.join(',') },
    cache: { type: 'string', default: 'bench/results/teacher-scores.json' },
    'max-length': { type: 'string', default: '64' },
    'glove-data-dir': { type: 'string' },
  },
});
// GloVe's compact folder (converted once by the app or bench/glove-sts.ts); SIF is skipped without it.
if (values['glove-data-dir']) process.env.TENC_GLOVE_DIR = path.join(values['glove-data-dir'], 'models', 'glove-6b-100d');
const maxLength = Number(values['max-length']);
await initBackend('auto');
const use = loadUseLiteBiEncoder();
const onnx = await OnnxBiEncoder.fromModel(use, { intraOpNumThreads: 1 });
const cache: ScoreCache = readScoreCache(values.cache!);
const rows: Record<string, Record<string, number>> = {};
for (const name of values.sets!.split(',')) {
  const data = await loadScoredPairs(name);
  const c = (cache[name] ??= {});
  const t = Date.now();
  if (!c.cos) c.cos = Array.from(await biScores(onnx, data, { maxLength }));
  if (!c.align) c.align = Array.from(await alignmentScores(use, data, { maxLength }));
  if (!c.sif && values['glove-data-dir']) c.sif = Array.from(sifScores(data));
  writeScoreCache(values.cache!, cache);
  const r = (x: ArrayLike<number>) => 100 * spearman(x, data.gold);
  rows[name] = {
    cos: r(c.cos),
    align: r(c.align),
    'mix 0.5/0.5': r(
      mixZ([
        { scores: c.cos, weight: 0.5 },
        { scores: c.align, weight: 0.5 },
      ]),
    ),
    'mix 0.7/0.3': r(
      mixZ([
        { scores: c.cos, weight: 0.7 },
        { scores: c.align, weight: 0.3 },
      ]),
    ),
  };
  if (c.sif) {
    const row = rows[name]!;
    row.sif = r(c.sif);
    row['cos+sif 0.7/0.3'] = r(
      mixZ([
        { scores: c.cos, weight: 0.7 },
        { scores: c.sif, weight: 0.3 },
      ]),
    );
    for (const [wa, ws] of [
      [1, 0.4],
      [1, 0.6],
      [0.6, 0.6],
      [0.5, 0.5],
      [1, 1],
      [0.7, 0.4],
    ] as const) {
      row[`cos 1, align ${wa}, sif ${ws}`] = r(
        mixZ([
          { scores: c.cos, weight: 1 },
          { scores: c.align, weight: wa },
          { scores: c.sif, weight: ws },
        ]),
      );
    }
  }
  if (c.sif) {
    // Negation evidence (teachers/negationEvidence.ts): on pairs whose texts differ by a negation
    // the teacher keeps the cosine, lowered by p standard deviations; the run's teacher function.
    const row = rows[name]!;
    const flags = negationFlags(data);
    const model = Float32Array.from(c.cos);
    const ev = (wa: number, ws: number, p: number): Evidence[] => [
      { name: 'alignment', scores: Float32Array.from(c.align), weight: wa },
      { name: 'sif', scores: Float32Array.from(c.sif!), weight: ws },
      { name: 'negation', scores: flags, weight: p },
    ];
    row['negation-flagged %'] = (100 * flags.reduce((a, b) => a + b, 0)) / flags.length;
    row['cos, negation 0.5'] = r(teacherScores(model, ev(0, 0, 0.5)));
    for (const p of [0, 0.25, 0.5, 0.75, 1]) row[`cos 1, align 0.4, sif 0.4, negation ${p}`] = r(teacherScores(model, ev(0.4, 0.4, p)));
  }
  console.error(`${name}: ${JSON.stringify(rows[name])} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
}
const cols = Object.keys(Object.values(rows)[0]!);
console.log(`| evidence | ${Object.keys(rows).join(' | ')} | avg |`);
console.log(
  `|---|${Object.keys(rows)
    .map(() => '---')
    .join('|')}|---|`,
);
for (const col of cols) {
  const v = Object.values(rows).map((r) => r[col]!);
  console.log(`| ${col} | ${v.map((x) => x.toFixed(2)).join(' | ')} | ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(2)} |`);
}
