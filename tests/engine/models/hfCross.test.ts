/** Imported checkpoints as cross-encoders: head math on the reference pair states, and learning. */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadHfCrossEncoder, loadHfEncoder } from '../../../src/engine/models/hf';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const bertPairs = JSON.parse(fs.readFileSync(path.join(FIX, 'bert-expected.json'), 'utf8')).pairs as Array<{ a: string; b: string; cls: number[] }>;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('HfCrossEncoder', () => {
  it('scores BERT pairs with the checkpoint pooler on the reference [CLS] state', async () => {
    const cross = await loadHfCrossEncoder(path.join(FIX, 'bert-vocab'));
    const w = cross.getWeights();
    const { scores, truncated } = await cross.scoreDetailed(
      bertPairs.map((p) => [p.a, p.b] as const),
      { batchSize: 2 },
    );
    // expected from the reference state and the weights, computed here in plain JS
    const Wp = w.get('pooler.dense.weight')!.arraySync() as number[][]; // [in, out]
    const bp = w.get('pooler.dense.bias')!.arraySync() as number[];
    const Wc = w.get('classifier.weight')!.arraySync() as number[][];
    const bc = (w.get('classifier.bias')!.arraySync() as number[])[0];
    bertPairs.forEach((p, i) => {
      const pooled = bp.map((b, o) => Math.tanh(b + p.cls.reduce((s, x, k) => s + x * Wp[k][o], 0)));
      const logit = bc + pooled.reduce((s, x, o) => s + x * Wc[o][0], 0);
      expect(Math.abs(scores[i] - 1 / (1 + Math.exp(-logit)))).toBeLessThan(1e-5);
    });
    expect(truncated).toEqual([false, false, false, true, true]);
    tf.dispose([...w.values()]);
    cross.dispose();
  });

  it('starts a RoBERTa head from small random weights: scores near 0.5, same seed same scores', async () => {
    const pairs = [
      ['a man is playing a guitar', 'someone plays an instrument'],
      ['the cat sat', ''],
    ] as const;
    const a = await loadHfCrossEncoder(path.join(FIX, 'roberta-bpe'), { seed: 7 });
    const b = await loadHfCrossEncoder(path.join(FIX, 'roberta-bpe'), { seed: 7 });
    const sa = await a.score(pairs);
    const sb = await b.score(pairs);
    expect(Array.from(sa)).toEqual(Array.from(sb));
    for (const s of sa) expect(Math.abs(s - 0.5)).toBeLessThan(0.1);
    expect(a.variables.has('pooler.dense.weight')).toBe(true);
    a.dispose();
    b.dispose();
  });

  it('learns: a few Adam steps lower the BCE loss on labelled pairs', async () => {
    const cross = await loadHfCrossEncoder(path.join(FIX, 'bert-tokjson'));
    const pairs = [
      ['a man is playing a guitar', 'a man plays the guitar'],
      ['the cat sat on the mat', 'the cat sat on the mat'],
      ['a man is playing a guitar', 'the dog sat on the log'],
      ['prices rose in 2023', 'the quick brown fox'],
    ] as const;
    const labels = tf.tensor1d([1, 1, 0, 0]);
    const loss = (training: boolean) => {
      const { logits } = cross.forward(pairs, { training });
      return tf.mean(tf.losses.sigmoidCrossEntropy(labels, logits)) as tf.Scalar;
    };
    const before = tf.tidy(() => loss(false).dataSync()[0]);
    const opt = tf.train.adam(3e-3);
    for (let step = 0; step < 15; step++) tf.dispose(opt.minimize(() => loss(true), true, cross.trainableVariables()) ?? []);
    const after = tf.tidy(() => loss(false).dataSync()[0]);
    expect(after).toBeLessThan(before * 0.7);
    opt.dispose();
    labels.dispose();
    cross.dispose();
  });

  it('takes bi-encoder weights and keeps its own head', async () => {
    const bi = await loadHfEncoder(path.join(FIX, 'roberta-tokjson'));
    const cross = await loadHfCrossEncoder(path.join(FIX, 'roberta-tokjson'));
    const bias = bi.variables.get('encoder.layer.1.intermediate.dense.bias')!;
    bias.assign(tf.add(bias, 1));
    const headBefore = cross.variables.get('classifier.weight')!.dataSync().slice();
    const w = bi.getWeights();
    cross.setWeights(w);
    expect(Array.from(cross.variables.get('encoder.layer.1.intermediate.dense.bias')!.dataSync())).toEqual(Array.from(bias.dataSync()));
    expect(Array.from(cross.variables.get('classifier.weight')!.dataSync())).toEqual(Array.from(headBefore));
    tf.dispose([...w.values()]);
    bi.dispose();
    cross.dispose();
  });
});
