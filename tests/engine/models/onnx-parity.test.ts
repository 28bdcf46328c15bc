/**
 * ONNX export parity: onnxruntime-node on the exported graph gives the TF.js (wasm) outputs of
 * the same weights, for the built-in USE lite and the tiny BERT / RoBERTa fixtures, bi and
 * cross, on pristine weights and on seeded "trained-looking" perturbations of them.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import type { BiEncoder, CrossEncoder, TextPair } from '../../../src/engine/models/encoder';
import { HfEncoder, loadHfCrossEncoder, loadHfEncoder } from '../../../src/engine/models/hf';
import { OnnxBiEncoder, OnnxCrossEncoder } from '../../../src/engine/models/onnx';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';
import { awkwardInputs, generateSentences, rng, sharedDataSentences } from './use-lite-fixtures';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const HF_FIXTURES = ['bert-vocab', 'bert-tokjson', 'roberta-bpe', 'roberta-tokjson'];

/** >= 50 varied inputs: generated text, real sentences, empty, long (truncated), CJK, emoji, odd characters. */
function sentences(): string[] {
  const real = sharedDataSentences(12, 7);
  return [
    ...generateSentences(40, 4242),
    ...real,
    '',
    '東京は日本の首都です。北京大学で勉强しています。',
    '안녕하세요 세계 こんにちは 世界',
    '😀👍🏽🇫🇷❤️🤖👨‍👩‍👧 🎉☕',
    'The weather is nice 😀 今日は晴れ',
    ('A remarkably long sentence about markets, weather and cats that keeps going ' + (real.join(' ') || 'on and on')).repeat(6),
    'word '.repeat(500),
    ...awkwardInputs().slice(0, 8),
  ];
}

function pairsFrom(texts: string[]): TextPair[] {
  const r = rng(31);
  const pairs: TextPair[] = texts.map((t, i) => [t, texts[Math.floor(r() * texts.length)]!] as const);
  // Near-paraphrases too, so scores spread over the range, plus both-empty and identical pairs.
  pairs.push(['a man is playing a guitar', 'a man plays the guitar'], ['', ''], [texts[3]!, texts[3]!], ['', 'only the second text']);
  return pairs;
}

/** Adds seeded Gaussian noise (10% of each tensor's RMS, 0.05 for all-zero tensors) to every weight. */
function perturb(model: BiEncoder | CrossEncoder, seed: number): void {
  const weights = model.getWeights();
  const noisy = new Map<string, tf.Tensor>();
  let i = 0;
  for (const [name, t] of weights) {
    const rms = Math.sqrt(tf.tidy(() => tf.mean(tf.square(t)).dataSync()[0]!));
    const sigma = rms > 0 ? 0.1 * rms : 0.05;
    noisy.set(
      name,
      tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, sigma, 'float32', seed + i++))),
    );
  }
  model.setWeights(noisy);
  tf.dispose([...weights.values(), ...noisy.values()]);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    d += a[k]! * b[k]!;
    na += a[k]! * a[k]!;
    nb += b[k]! * b[k]!;
  }
  return d / Math.sqrt(na * nb);
}

async function expectBiParity(model: BiEncoder, texts: string[], opts: { maxLength?: number } = {}): Promise<void> {
  const onnx = await OnnxBiEncoder.fromModel(model, { intraOpNumThreads: 1 });
  try {
    const ref = await model.embedDetailed(texts, { ...opts, batchSize: 16 });
    const got = await onnx.embedDetailed(texts, { ...opts, batchSize: 16 });
    expect(got.vectors).toHaveLength(texts.length);
    expect(got.truncated).toEqual(ref.truncated);
    let worst = 1;
    got.vectors.forEach((v, i) => {
      expect(v.length).toBe(model.dim);
      worst = Math.min(worst, cosine(v, ref.vectors[i]!));
      // both are unit vectors
      expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-4);
    });
    expect(worst).toBeGreaterThanOrEqual(0.9999);
    if (process.env.TENC_ONNX_REPORT) console.log(`${model.constructor.name} 1 - min cosine ${(1 - worst).toExponential(2)}`);
    // The vectors are not all the same (a broken graph could be constant).
    expect(cosine(got.vectors[0]!, got.vectors[1]!)).toBeLessThan(0.9999);
  } finally {
    await onnx.dispose();
  }
}

async function expectCrossParity(model: CrossEncoder, pairs: TextPair[], opts: { maxLength?: number } = {}): Promise<Float32Array> {
  const onnx = await OnnxCrossEncoder.fromModel(model, { intraOpNumThreads: 1 });
  try {
    const ref = await model.scoreDetailed(pairs, { ...opts, batchSize: 16 });
    const got = await onnx.scoreDetailed(pairs, { ...opts, batchSize: 16 });
    expect(got.scores).toHaveLength(pairs.length);
    expect(got.truncated).toEqual(ref.truncated);
    let worst = 0;
    got.scores.forEach((s, i) => (worst = Math.max(worst, Math.abs(s - ref.scores[i]!))));
    expect(worst).toBeLessThanOrEqual(1e-4);
    if (process.env.TENC_ONNX_REPORT)
      console.log(`${model.constructor.name} max |score diff| ${worst.toExponential(2)}, score spread ${spread(ref.scores).toFixed(3)}`);
    return ref.scores;
  } finally {
    await onnx.dispose();
  }
}

function spread(scores: Float32Array): number {
  return Math.max(...scores) - Math.min(...scores);
}

const TEXTS = sentences();
const PAIRS = pairsFrom(TEXTS);

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
  expect(TEXTS.length).toBeGreaterThanOrEqual(50);
});

describe('USE lite ONNX export', () => {
  let bi: BiEncoder;
  let cross: CrossEncoder;
  beforeAll(() => {
    bi = loadUseLiteBiEncoder();
    cross = loadUseLiteCrossEncoder();
  });
  afterAll(() => {
    bi.dispose();
    cross.dispose();
  });

  it('bi-encoder: cosine >= 0.9999 with TF.js on every input (pristine weights)', async () => {
    await expectBiParity(bi, TEXTS);
  });

  it('bi-encoder: same with a shorter maxLength (more truncation)', async () => {
    await expectBiParity(bi, TEXTS, { maxLength: 16 });
  });

  it('cross-encoder: |score diff| <= 1e-4 (pristine weights)', async () => {
    await expectCrossParity(cross, PAIRS);
  });

  it('perturbed weights: bi and cross still match (segment table, gate and head kernel non-zero)', async () => {
    perturb(bi, 1000);
    perturb(cross, 2000);
    await expectBiParity(bi, TEXTS);
    const scores = await expectCrossParity(cross, PAIRS);
    expect(spread(scores)).toBeGreaterThan(0.05);
  });
});

describe.each(HF_FIXTURES)('Hugging Face %s ONNX export', (fixture) => {
  const dir = path.join(FIX, fixture);

  it('bi-encoder matches TF.js, pristine and perturbed', async () => {
    const bi = await loadHfEncoder(dir);
    try {
      await expectBiParity(bi, TEXTS);
      perturb(bi, 3000);
      await expectBiParity(bi, TEXTS);
    } finally {
      bi.dispose();
    }
  });

  it('cross-encoder matches TF.js, pristine and perturbed', async () => {
    const cross = await loadHfCrossEncoder(dir);
    try {
      await expectCrossParity(cross, PAIRS);
      perturb(cross, 4000);
      // A trained head has larger weights than the 0.02-std initial one: spread the logits.
      const w = cross.getWeights();
      const head = new Map([['classifier.weight', tf.mul(w.get('classifier.weight')!, 25)]]);
      cross.setWeights(head);
      tf.dispose([...w.values(), ...head.values()]);
      const scores = await expectCrossParity(cross, PAIRS);
      expect(spread(scores)).toBeGreaterThan(0.05);
    } finally {
      cross.dispose();
    }
  });
});

describe('Hugging Face pooling modes', () => {
  it('cls + max + mean + mean_sqrt_len concatenated, and max alone, match TF.js', async () => {
    const base = await loadHfEncoder(path.join(FIX, 'bert-vocab'));
    try {
      perturb(base, 5000);
      for (const pooling of [['cls', 'max', 'mean', 'mean_sqrt_len'], ['max'], ['mean_sqrt_len']] as const) {
        const bi = new HfEncoder(base.config, base.tokenizer, base.encoder, pooling, base.maxLength, base.summary);
        expect(bi.dim).toBe(base.hiddenSize * pooling.length);
        await expectBiParity(bi, TEXTS.slice(0, 30));
      }
    } finally {
      base.dispose();
    }
  });
});

describe('OnnxBiEncoder / OnnxCrossEncoder batching', () => {
  it('results do not depend on batch size and come back in input order', async () => {
    const bi = loadUseLiteBiEncoder();
    const onnx = await OnnxBiEncoder.fromModel(bi, { intraOpNumThreads: 2, allowSpinning: false });
    try {
      const texts = TEXTS.slice(0, 25);
      const one = await onnx.embed(texts, { batchSize: 1 });
      const seven = await onnx.embed(texts, { batchSize: 7 });
      const reversed = await onnx.embed([...texts].reverse(), { batchSize: 7 });
      one.forEach((v, i) => {
        expect(cosine(v, seven[i]!)).toBeGreaterThan(0.99999);
        expect(cosine(v, reversed[texts.length - 1 - i]!)).toBeGreaterThan(0.99999);
      });
      expect(await onnx.embed([])).toEqual([]);
    } finally {
      await onnx.dispose();
      bi.dispose();
    }
  });

  it('cross-encoder: empty input, and maxLength is validated like the TF.js model', async () => {
    const cross = await loadHfCrossEncoder(path.join(FIX, 'bert-vocab'));
    const onnx = await OnnxCrossEncoder.fromModel(cross);
    try {
      expect(Array.from(await onnx.score([]))).toEqual([]);
      await expect(onnx.score([['a', 'b']], { maxLength: 1 })).rejects.toThrow(RangeError);
      // longer than the position table: clamped, as the TF.js model does
      const r = await onnx.scoreDetailed([['word '.repeat(200), 'x']], { maxLength: 10_000 });
      expect(r.truncated).toEqual([true]);
    } finally {
      await onnx.dispose();
      cross.dispose();
    }
  });
});
