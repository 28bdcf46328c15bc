/**
 * STS baseline of the built-in model: bi-encoder Spearman x100 on STS12-16, STS-B dev and
 * SICK-R trial from ../shared/data (all pairs of each set), at max length 64 and 128.
 *   npx tsx bench/sts-baseline.ts
 */
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_EVAL_DATASETS } from '../src/engine/eval/stsData';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { biScores } from '../src/engine/train/scoring';

const backend = await initBackend('auto');
// Inference through ONNX Runtime (outputs equal TF.js's to cosine 1 - 1e-11; see onnx-parity tests), ~4x faster.
const bi = await OnnxBiEncoder.fromModel(loadUseLiteBiEncoder(), { intraOpNumThreads: 1 });
const lengths = [64, 128];
console.log(`TF.js backend: ${backend.name}; inference: onnxruntime-node (CPU, 1 thread)`);
console.log(`| dataset | pairs | ${lengths.map((l) => `Spearman x100 (max len ${l})`).join(' | ')} |`);
console.log(`|---|---|${lengths.map(() => '---').join('|')}|`);
const sums = lengths.map(() => 0);
for (const name of STS_EVAL_DATASETS) {
  const data = await loadScoredPairs(name);
  const cells: string[] = [];
  for (const [i, maxLength] of lengths.entries()) {
    const rho = 100 * spearman(await biScores(bi, data, { maxLength }), data.gold);
    sums[i]! += rho;
    cells.push(rho.toFixed(2));
  }
  console.log(`| ${name} | ${data.a.length} | ${cells.join(' | ')} |`);
}
console.log(`| **average** | | ${sums.map((s) => (s / STS_EVAL_DATASETS.length).toFixed(2)).join(' | ')} |`);
