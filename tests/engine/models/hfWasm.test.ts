/**
 * The imported encoder on the wasm backend (the app's default where no native backend is
 * installed): same numbers as the reference, and training gradients (embedding lookup,
 * transposed products) that work there.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend/init';
import { loadHfEncoder, type HfEncoder } from '../../../src/engine/models/hf';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const expected = JSON.parse(fs.readFileSync(path.join(FIX, 'roberta-expected.json'), 'utf8')) as {
  cases: Array<{ text: string; hidden: number[][] }>;
};

describe('HF encoder on wasm', () => {
  let enc: HfEncoder;
  beforeAll(async () => {
    const info = await initBackend('wasm');
    expect(info.name).toBe('wasm');
    enc = await loadHfEncoder(path.join(FIX, 'roberta-bpe'));
  });
  afterAll(async () => {
    enc?.dispose();
    await tf.setBackend('cpu');
  });

  it('matches the reference hidden states (max abs error <= 1e-4)', () => {
    const cases = expected.cases.slice(0, 10);
    const hidden = enc.forwardTokens(enc.encodeTexts(cases.map((c) => c.text)));
    const h = hidden.arraySync() as number[][][];
    hidden.dispose();
    let worst = 0;
    cases.forEach((c, i) => c.hidden.forEach((row, j) => row.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - h[i][j][k]))))));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('computes finite gradients for every variable in training mode', () => {
    const vars = enc.trainableVariables();
    const { value, grads } = tf.variableGrads(() => {
      const { embeddings } = enc.forward(['a man is playing a guitar', 'the dog sat on the log', 'x'], { training: true });
      return tf.sum(tf.matMul(embeddings, embeddings, false, true)) as tf.Scalar;
    }, vars);
    expect(Object.keys(grads)).toHaveLength(vars.length);
    for (const v of vars) expect(Number.isFinite(tf.sum(tf.abs(grads[v.name])).dataSync()[0]), v.name).toBe(true);
    tf.dispose([value, ...Object.values(grads)]);
  });
});
