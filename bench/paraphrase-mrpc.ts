/**
 * Paraphrase check on MRPC train (4076 pairs, yes/no labels): ROC-AUC and best-F1 threshold of
 * the bi-encoder cosine and the cross-encoder score, for the built-in model and, given
 * --run-models DIR_BI,DIR_CROSS (model folders of a Trans-Encoder run), for a trained model.
 *   npx tsx bench/paraphrase-mrpc.ts [--limit N] [--bi DIR] [--cross DIR]
 */
import { initBackend } from '../src/engine/backend';
import { evaluateScores } from '../src/engine/eval/evaluatePairs';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import type { BiEncoder, CrossEncoder } from '../src/engine/models/encoder';
import { loadModel } from '../src/engine/models/modelFiles';
import { OnnxBiEncoder, OnnxCrossEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';
import { biScores, crossScores } from '../src/engine/train/scoring';
import { benchArgs } from './lib/args';

const { values } = benchArgs({
  limit: { type: 'string' },
  bi: { type: 'string' },
  cross: { type: 'string' },
  'skip-cross': { type: 'boolean', default: false },
});
await initBackend('auto');
const all = await loadScoredPairs('mrpc-train');
const n = values.limit ? Number(values.limit) : all.a.length;
const data = { a: all.a.slice(0, n), b: all.b.slice(0, n), gold: all.gold.slice(0, n) };
const rows: string[] = [];
async function report(label: string, scores: Float32Array) {
  const r = evaluateScores(scores, data.gold);
  rows.push(
    `| ${label} | ${r.rocAuc!.toFixed(4)} | ${r.bestF1!.threshold.toFixed(3)} | ${r.bestF1!.f1.toFixed(4)} | ${r.bestF1!.precision.toFixed(3)} | ${r.bestF1!.recall.toFixed(3)} |`,
  );
  console.error(rows.at(-1));
}
const models: [string, BiEncoder, CrossEncoder | null][] = [
  ['built-in USE lite', loadUseLiteBiEncoder(), values['skip-cross'] ? null : loadUseLiteCrossEncoder()],
];
if (values.bi) {
  const bi = (await loadModel(values.bi)).model as BiEncoder;
  const cross = values.cross ? ((await loadModel(values.cross)).model as CrossEncoder) : null;
  models.push(['Trans-Encoder run', bi, cross]);
}
// Scored through ONNX Runtime (same outputs as TF.js to 1e-6, see the onnx-parity tests), ~4x faster.
for (const [label, bi, cross] of models) {
  await report(`${label}: bi-encoder cosine`, await biScores(await OnnxBiEncoder.fromModel(bi), data, { maxLength: 64 }));
  if (cross) await report(`${label}: cross-encoder`, await crossScores(await OnnxCrossEncoder.fromModel(cross), data, { maxLength: 64 }));
}
console.log(`MRPC train, ${n} pairs (${data.gold.filter((g) => g === 1).length} paraphrases)`);
console.log('| model | ROC-AUC | best-F1 threshold | F1 | precision | recall |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
