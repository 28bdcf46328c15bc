/**
 * Calibrates the default paraphrase thresholds of the built-in bi-encoder (cosine) and
 * cross-encoder (score): STS-B pairs with gold >= 4 count as paraphrases; prints ROC-AUC and the
 * best-F1 threshold on train and dev.
 *   npx tsx bench/calibrate-threshold.ts
 */
import { initBackend } from '../src/engine/backend';
import { bestF1Threshold, rocAuc } from '../src/engine/eval/metrics';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';
import { OnnxBiEncoder, OnnxCrossEncoder } from '../src/engine/models/onnx';
import { biScores, crossScores } from '../src/engine/train/scoring';
await initBackend('wasm');
const bi = await OnnxBiEncoder.fromModel(loadUseLiteBiEncoder());
const cross = await OnnxCrossEncoder.fromModel(loadUseLiteCrossEncoder());
for (const name of ['stsb-train', 'stsb-dev']) {
  const d = await loadScoredPairs(name);
  const labels = d.gold.map((g) => (g >= 4 ? 1 : 0));
  for (const [model, s] of [
    ['bi-encoder cosine', await biScores(bi, d, { maxLength: 64 })],
    ['cross-encoder', await crossScores(cross, d, { maxLength: 64 })],
  ] as const) {
    const r = bestF1Threshold(s, labels);
    console.log(
      name,
      model,
      'pairs',
      d.a.length,
      'positives',
      labels.filter(Boolean).length,
      'auc',
      rocAuc(s, labels).toFixed(4),
      'best-F1 threshold',
      r.threshold.toFixed(3),
      'F1',
      r.f1.toFixed(3),
      'P',
      r.precision.toFixed(3),
      'R',
      r.recall.toFixed(3),
    );
  }
}
