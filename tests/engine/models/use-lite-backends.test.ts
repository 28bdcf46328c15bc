/** The same model gives the same embeddings on the wasm and cpu backends. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { type UseLiteBiEncoder, loadUseLiteBiEncoder } from '../../../src/engine/models/use-lite';
import { generateSentences, sharedDataSentences } from './use-lite-fixtures';

let model: UseLiteBiEncoder;

beforeAll(async () => {
  await initBackend('wasm');
  model = loadUseLiteBiEncoder();
});

afterAll(async () => {
  await initBackend('wasm');
  model.dispose();
});

describe('USE lite across backends', () => {
  it('wasm and cpu embeddings agree (cosine >= 0.9999)', async () => {
    const texts = [...generateSentences(4, 21), ...sharedDataSentences(4, 22)].map((t) => t.slice(0, 200));
    expect((await initBackend('wasm')).name).toBe('wasm');
    const onWasm = await model.embed(texts, { maxLength: 48 });
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = await model.embed(texts, { maxLength: 48 });
    for (let i = 0; i < texts.length; i++) {
      let dot = 0;
      for (let j = 0; j < 512; j++) dot += onWasm[i]![j]! * onCpu[i]![j]!;
      expect(dot).toBeGreaterThanOrEqual(0.9999);
    }
  });
});
