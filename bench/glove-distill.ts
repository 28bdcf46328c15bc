/**
 * Can the GloVe bi-encoder learn from a better teacher? cross->bi alone, as in a Trans-Encoder
 * cycle: the untrained GloVe cross-encoder (word alignment; 66.4 avg against SIF's 63.8) labels
 * unlabelled pairs of the STS sets, the GloVe bi-encoder is fitted to those labels (cosine MSE,
 * the preset's learning rate, batch and epochs), and both are scored on the seven sets.
 *   npx tsx bench/glove-distill.ts [--data-dir DIR] [--pairs 1000] [--lr 3e-5] [--epochs 2]
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_DATASETS, STS_EVAL_DATASETS } from '../src/engine/eval/stsData';
import { GloveBiEncoder, GloveCrossEncoder, loadGloveVectors } from '../src/engine/models/glove';
import { fit } from '../src/engine/train/fit';
import { cosineMse } from '../src/engine/train/losses';
import { seededRandom } from '../src/engine/random';
import { biScores, crossScores } from '../src/engine/train/scoring';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    pairs: { type: 'string', default: '1000' },
    lr: { type: 'string', default: '3e-5' },
    epochs: { type: 'string', default: '2' },
  },
});
const dataDir = values['data-dir'] ?? path.join(os.tmpdir(), 'tenc-glove-bench');
await initBackend('auto');
const vectors = loadGloveVectors({ dataDir });
const bi = new GloveBiEncoder({ vectors });
const teacher = new GloveCrossEncoder({ vectors });

const all: [string, string][] = [];
const seen = new Set<string>();
for (const name of STS_DATASETS) {
  const s = await loadScoredPairs(name);
  s.a.forEach((a, i) => {
    const key = `${a}\u0000${s.b[i]}`;
    if (!seen.has(key)) {
      seen.add(key);
      all.push([a, s.b[i]!]);
    }
  });
}
const rand = seededRandom(42);
for (let i = all.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [all[i], all[j]] = [all[j]!, all[i]!];
}
const chosen = all.slice(0, Number(values.pairs));
const pairs = { a: chosen.map((p) => p[0]), b: chosen.map((p) => p[1]) };
const labels = await crossScores(teacher, pairs, { maxLength: 32 });

const evalSets = await Promise.all(STS_EVAL_DATASETS.map((n) => loadScoredPairs(n)));
async function row(label: string, score: (s: (typeof evalSets)[number]) => Promise<Float32Array>) {
  const r = await Promise.all(evalSets.map(async (s) => 100 * spearman(await score(s), s.gold)));
  console.log(`| ${label} | ${r.map((x) => x.toFixed(2)).join(' | ')} | ${(r.reduce((a, b) => a + b, 0) / r.length).toFixed(2)} |`);
}
console.log(`| model | ${STS_EVAL_DATASETS.join(' | ')} | avg |`);
console.log(`|---|${STS_EVAL_DATASETS.map(() => '---').join('|')}|---|`);
await row('teacher: GloVe cross (untrained)', (s) => crossScores(teacher, s));
await row('GloVe bi, start (SIF)', (s) => biScores(bi, s));
const t0 = Date.now();
const labelTensor = tf.tensor1d(labels);
const res = await fit({
  model: bi,
  examples: pairs.a.length,
  batchSize: 16,
  epochs: Number(values.epochs),
  learningRate: Number(values.lr),
  warmupFraction: 0.1,
  seed: 42,
  lossOf: (batch) => {
    const idx = Array.from(batch);
    const ea = bi.forward(
      idx.map((i) => pairs.a[i]!),
      { maxLength: 32 },
    ).embeddings;
    const eb = bi.forward(
      idx.map((i) => pairs.b[i]!),
      { maxLength: 32 },
    ).embeddings;
    return cosineMse(ea, eb, tf.gather(labelTensor, tf.tensor1d(idx, 'int32')) as tf.Tensor1D);
  },
});
await row(`GloVe bi after ${res.steps} steps (${((Date.now() - t0) / 1000).toFixed(0)} s)`, (s) => biScores(bi, s));
