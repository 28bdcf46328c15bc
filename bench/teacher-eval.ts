/**
 * Teacher evidence on the STS evaluation sets, score only (no training): Spearman x100 of the
 * built-in bi-encoder's cosine, USE-lite token alignment (teachers/alignment.ts), and z-scored
 * mixes of them, per set, at max length 64 as bench/sts-baseline.ts. Scores are cached in
 * --cache (JSON) so mixes can be re-weighed without recomputing.
 *   npx tsx bench/teacher-eval.ts [--sets sts12,...] [--cache bench/results/teacher-scores.json]
 */
import fs from 'node:fs';
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
import path from 'node:path';

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
type Cache = Record<string, Record<string, number[]>>;
const cache: Cache = fs.existsSync(values.cache!) ? JSON.parse(fs.readFileSync(values.cache!, 'utf8')) : {};
const rows: Record<string, Record<string, number>> = {};
for (const name of values.sets!.split(',')) {
  const data = await loadScoredPairs(name);
  const c = (cache[name] ??= {});
  const t = Date.now();
  if (!c.cos) c.cos = Array.from(await biScores(onnx, data, { maxLength }));
  if (!c.align) c.align = Array.from(await alignmentScores(use, data, { maxLength }));
  if (!c.sif && values['glove-data-dir']) c.sif = Array.from(sifScores(data));
  fs.mkdirSync('bench/results', { recursive: true });
  fs.writeFileSync(values.cache!, JSON.stringify(cache));
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
