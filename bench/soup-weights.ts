/**
 * Weighted soups of saved bi-encoders with the start, seven STS sets at max length 64 (issue 10).
 *
 *   npx tsx bench/soup-weights.ts '0.3;0.35:DIR1;0.35:DIR2'   (start's weight; weight:model folder ...)
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_EVAL_DATASETS } from '../src/engine/eval/stsData';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { loadWeights } from '../src/engine/models/io/weightsFile';
import { biScores } from '../src/engine/train/scoring';
await initBackend('auto');
const sets: Awaited<ReturnType<typeof loadScoredPairs>>[] = [];
for (const n of STS_EVAL_DATASETS) sets.push(await loadScoredPairs(n));
const bi = loadUseLiteBiEncoder();
const start = bi.getWeights();
for (const spec of process.argv.slice(2)) {
  // spec: startWeight;w1:dir1;w2:dir2
  const [sw, ...terms] = spec.split(';');
  const parts = [{ w: Number(sw), m: start }];
  for (const t of terms) {
    const [w, dir] = t.split(':');
    parts.push({ w: Number(w), m: await loadWeights(dir + '/weights.safetensors') });
  }
  const mix = new Map<string, tf.Tensor>();
  for (const [name] of start)
    mix.set(
      name,
      tf.tidy(() => parts.reduce((acc, p) => tf.add(acc, tf.mul(p.m.get(name)!, p.w)), tf.zerosLike(start.get(name)!))),
    );
  bi.setWeights(mix);
  const onnx = await OnnxBiEncoder.fromModel(bi);
  const vals: number[] = [];
  for (const s of sets) vals.push(100 * spearman(await biScores(onnx, s, { maxLength: 64 }), s.gold));
  await onnx.dispose();
  console.log(`${spec}  ${vals.map((v) => v.toFixed(2)).join(' ')}  avg ${(vals.reduce((a, b) => a + b, 0) / vals.length).toFixed(2)}`);
}
