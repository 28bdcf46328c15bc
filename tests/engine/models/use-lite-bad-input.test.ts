/** Awkward input must never crash the model and must give defined, documented output. */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import {
  type UseLiteBiEncoder,
  type UseLiteCrossEncoder,
  loadUseLiteBaseParams,
  loadUseLiteBiEncoder,
  loadUseLiteCrossEncoder,
  loadUseLiteTokenizer,
  type UseLiteBaseParams,
} from '../../../src/engine/models/use-lite';
import { awkwardInputs, generateSentences } from './use-lite-fixtures';

let base: UseLiteBaseParams;
let bi: UseLiteBiEncoder;
let cross: UseLiteCrossEncoder;

const huge = generateSentences(5000, 3).join(' ').slice(0, 100_000);
const hugeNoSpaces = 'x'.repeat(100_000);
const hugeSurrogates = 'ab\ud800 '.repeat(25_000);

beforeAll(async () => {
  await initBackend('wasm');
  base = loadUseLiteBaseParams();
  const tokenizer = loadUseLiteTokenizer();
  bi = loadUseLiteBiEncoder({ base, tokenizer });
  cross = loadUseLiteCrossEncoder({ base, tokenizer });
});

afterAll(() => {
  bi.dispose();
  cross.dispose();
  tf.dispose([...base.params.values(), base.invTimescales]);
});

function expectUnitVector(v: Float32Array): void {
  expect(v).toHaveLength(512);
  expect(v.every(Number.isFinite)).toBe(true);
  expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-4);
}

describe('USE lite bi-encoder on bad input', () => {
  it('embeds empty, control, lone-surrogate and 100,000-character texts', async () => {
    const texts = [...awkwardInputs(), huge, hugeNoSpaces, hugeSurrogates, 'a normal sentence'];
    const start = performance.now();
    const { vectors, truncated } = await bi.embedDetailed(texts, { maxLength: 128 });
    expect(performance.now() - start).toBeLessThan(60_000);
    expect(vectors).toHaveLength(texts.length);
    vectors.forEach(expectUnitVector);
    expect(truncated).toEqual(texts.map((t) => t.length >= 100_000));
  });

  it('gives an empty text the documented vector: normalised tanh(pooler bias)', async () => {
    const [empty] = await bi.embed(['']);
    const expected = tf.tidy(() => {
      const t = tf.tanh(bi.variables.get('pooler/bias')!);
      return tf.div(t, tf.norm(t)).dataSync();
    });
    let d = 0;
    for (let i = 0; i < 512; i++) d = Math.max(d, Math.abs(empty![i]! - expected[i]!));
    expect(d).toBeLessThan(1e-5);
  });

  it('is deterministic and independent of batch composition and maxLength padding', async () => {
    const texts = ['\u0000\u0001 tab\there', 'lone \ud83d surrogate', 'Short.'];
    const a = await bi.embed(texts, { batchSize: 3 });
    const b = await bi.embed([...texts, huge], { batchSize: 1 });
    for (let i = 0; i < texts.length; i++) {
      let d = 0;
      for (let j = 0; j < 512; j++) d = Math.max(d, Math.abs(a[i]![j]! - b[i]![j]!));
      expect(d).toBeLessThan(1e-5);
    }
  });

  it('honours small and odd maxLength values', async () => {
    const { vectors, truncated } = await bi.embedDetailed(['one two three four five six seven'], { maxLength: 2 });
    expectUnitVector(vectors[0]!);
    expect(truncated).toEqual([true]);
    const zero = await bi.embedDetailed(['anything'], { maxLength: 0 });
    expectUnitVector(zero.vectors[0]!);
    expect(zero.truncated).toEqual([true]);
  });
});

describe('USE lite on empty batches and repeated calls', () => {
  it('returns empty results for no input', async () => {
    expect(await bi.embed([])).toEqual([]);
    const { embeddings } = bi.forward([]);
    expect(embeddings.shape).toEqual([0, 512]);
    embeddings.dispose();
    expect(Array.from(await cross.score([]))).toEqual([]);
  });

  it('does not leak tensors across inference calls', async () => {
    const run = async () => {
      await bi.embed(['one', 'two three', '']);
      await cross.score([
        ['a', 'b'],
        ['', 'c d'],
      ]);
    };
    await run(); // fills the per-length timing-signal cache
    const before = tf.memory().numTensors;
    await run();
    await run();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('USE lite cross-encoder on bad input', () => {
  it('scores awkward and huge pairs with finite scores in (0, 1)', async () => {
    const odd = awkwardInputs();
    const pairs = odd.map((t, i) => [t, odd[(i + 3) % odd.length]!] as const);
    pairs.push([huge, hugeNoSpaces], ['', huge], [hugeSurrogates, '']);
    const { scores, truncated } = await cross.scoreDetailed(pairs, { maxLength: 96 });
    expect(scores).toHaveLength(pairs.length);
    for (const s of scores) expect(Number.isFinite(s) && s > 0 && s < 1).toBe(true);
    expect(truncated.slice(-3)).toEqual([true, true, true]);
    expect(truncated.slice(0, odd.length).every((t) => !t)).toBe(true);
    const batch = cross.tokenizePairs(pairs.slice(-3), 96);
    expect(batch.seqLen).toBeLessThanOrEqual(96);
  });
});
