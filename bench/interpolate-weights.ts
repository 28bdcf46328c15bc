/**
 * Weight interpolation of trained bi-encoders with the start (train/interpolate.ts), no training:
 * for each saved model folder and each start share a, the seven STS sets (gold, max length 64)
 * and the label-free value the run's selection would see: Spearman with the teacher (the run's
 * last cross-encoder with the start's evidence) on the run's held-out pairs.
 *
 *   npx tsx bench/interpolate-weights.ts --models DIR[,DIR] --teacher CROSS_DIR --shares 0,0.25,0.5,0.75
 */
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_DATASETS, STS_EVAL_DATASETS, type ScoredPairs } from '../src/engine/eval/stsData';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { loadModel } from '../src/engine/models/modelFiles';
import { loadWeights } from '../src/engine/models/io/weightsFile';
import { PRESETS, isPresetName } from '../src/engine/train/presets';
import { biScores, crossScores } from '../src/engine/train/scoring';
import { computeEvidence } from '../src/engine/train/teachers/evidence';
import { teacherScores } from '../src/engine/train/teachers/teacher';
import { interpolateWeights } from '../src/engine/train/interpolate';
import type { CrossEncoder } from '../src/engine/models/encoder';
import path from 'node:path';
import { benchPairSplit } from './lib/stsPairs';
import { benchArgs } from './lib/args';

const { values } = benchArgs({
  preset: { type: 'string', default: 'quick' },
  models: { type: 'string' },
  teacher: { type: 'string' },
  shares: { type: 'string', default: '0,0.25,0.5,0.75' },
  eval: { type: 'string', default: STS_EVAL_DATASETS.join(',') },
  'glove-data-dir': { type: 'string' },
  out: { type: 'string' },
  // 0: skip the start row (its figures are known: 69.39 on the seven sets).
  'eval-start': { type: 'string', default: '1' },
  // The share the saved models were already mixed with (a run with settings.biStartShare S saves
  // S * start + (1 - S) * trained): the trained weights are recovered before each share is mixed.
  'saved-share': { type: 'string', default: '0' },
});
if (!isPresetName(values.preset)) throw new Error(`unknown preset ${values.preset}`);
if (!values.models) throw new Error('--models DIR[,DIR] is required');
const settings = PRESETS[values.preset].settings;
if (values['glove-data-dir']) process.env.TENC_GLOVE_DIR = path.join(values['glove-data-dir'], 'models', 'glove-6b-100d');
await initBackend('auto');
const evalSets: ScoredPairs[] = [];
for (const name of values.eval!.split(',')) evalSets.push(await loadScoredPairs(name));

// The run's held-out pairs, drawn as bench/trans-encoder-sts.ts draws them.
const { held } = benchPairSplit(await Promise.all(STS_DATASETS.map((name) => loadScoredPairs(name))), settings);
const heldOutCount = held.length;
const heldOut = { a: held.map((p) => p[0]), b: held.map((p) => p[1]) };

const bi = loadUseLiteBiEncoder();
const start = bi.getWeights();
const startCopy = new Map([...start].map(([k, v]) => [k, v.clone()]));
let teacher: Float32Array | null = null;
if (values.teacher) {
  const heldEvidence = (await computeEvidence(bi, heldOut, settings)).evidence;
  const cross = (await loadModel(values.teacher)).model as CrossEncoder;
  teacher = teacherScores(await crossScores(cross, heldOut, { maxLength: settings.biToCross.maxLength }), heldEvidence);
}
console.log(`held-out ${heldOutCount} pairs; sets ${evalSets.map((s) => s.name).join(' ')}`);
const rows: { model: string; share: number; scores: Record<string, number>; avg: number; agreement: number | null; seconds: number }[] = [];
async function row(label: string, share: number) {
  const t = Date.now();
  const onnx = await OnnxBiEncoder.fromModel(bi);
  const scores: Record<string, number> = {};
  for (const s of evalSets) scores[s.name] = 100 * spearman(await biScores(onnx, s, { maxLength: 64 }), s.gold);
  await onnx.dispose();
  const agreement = teacher ? spearman(await biScores(bi, heldOut, { maxLength: settings.crossToBi.maxLength }), teacher) : null;
  const vals = Object.values(scores);
  const r = { model: label, share, scores, avg: vals.reduce((a, b) => a + b, 0) / vals.length, agreement, seconds: (Date.now() - t) / 1000 };
  rows.push(r);
  console.log(
    `${label.padEnd(40)} a=${share.toFixed(2)} ${vals.map((v) => v.toFixed(2).padStart(6)).join(' ')}  avg ${r.avg.toFixed(2)}  agreement ${agreement === null ? '-' : (100 * agreement).toFixed(2)}  (${r.seconds.toFixed(0)} s)`,
  );
  if (values.out) fs.writeFileSync(values.out, JSON.stringify({ heldOut: heldOutCount, rows }, null, 2));
}
if (values['eval-start'] === '1') await row('start', 1);
for (const dir of values.models.split(',')) {
  const trained = unmix(await loadWeights(path.join(dir, 'weights.safetensors')), Number(values['saved-share']));
  for (const share of values.shares!.split(',').map(Number)) {
    const w = interpolateWeights(startCopy, trained, share);
    bi.setWeights(w);
    tf.dispose([...w.values()]);
    await row(path.basename(path.dirname(dir)) + '/' + path.basename(dir), share);
  }
  tf.dispose([...trained.values()]);
}

/** The trained weights of a model saved as S * start + (1 - S) * trained (S = 0: as saved). */
function unmix(saved: Map<string, tf.Tensor>, share: number): Map<string, tf.Tensor> {
  if (!(share >= 0 && share < 1)) throw new Error(`--saved-share must be in [0, 1), not ${share}`);
  if (share === 0) return saved;
  const out = new Map<string, tf.Tensor>();
  for (const [name, t] of saved) {
    const s0 = startCopy.get(name)!;
    out.set(name, t.dtype === 'float32' ? tf.tidy(() => tf.div(tf.sub(t, tf.mul(s0, share)), 1 - share)) : t.clone());
  }
  tf.dispose([...saved.values()]);
  return out;
}
