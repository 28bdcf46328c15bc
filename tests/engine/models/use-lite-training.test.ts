/**
 * Training smoke tests on wasm: a few Adam steps reduce the loss, which proves gradients flow
 * through the whole network, the embedding lookup included.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
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
import { SHARED_DATA_DIR } from './use-lite-fixtures';

/** 8 scored pairs from STS-B train (or a small built-in set when the shared data is absent). */
function scoredPairs(): Array<{ a: string; b: string; y: number }> {
  const p = `${SHARED_DATA_DIR}/sts/stsb-train.tsv`;
  if (existsSync(p)) {
    const rows = readFileSync(p, 'utf8').split('\n').slice(1, 400).filter(Boolean);
    return rows
      .filter((_, i) => i % 50 === 0)
      .map((line) => {
        const [score, a, b] = line.split('\t');
        return { a: a!, b: b!, y: Number(score) / 5 };
      });
  }
  return [
    { a: 'A plane is taking off.', b: 'An air plane is taking off.', y: 1 },
    { a: 'A man is playing a flute.', b: 'A man is eating pasta.', y: 0.1 },
    { a: 'A woman is slicing an onion.', b: 'A woman is cutting an onion.', y: 0.95 },
    { a: 'The cat sleeps.', b: 'Stocks fell sharply on Tuesday.', y: 0 },
    { a: 'Two dogs play in the snow.', b: 'Dogs are playing outside.', y: 0.7 },
    { a: 'He reads a book.', b: 'She writes a letter.', y: 0.2 },
    { a: 'A child is riding a horse.', b: 'A kid rides a pony.', y: 0.8 },
    { a: 'Prices rose again.', b: 'A bird is singing.', y: 0 },
  ];
}

let base: UseLiteBaseParams;
beforeAll(async () => {
  await initBackend('wasm');
  base = loadUseLiteBaseParams();
});
afterAll(() => {
  tf.dispose([...base.params.values(), base.invTimescales]);
});

describe('bi-encoder training on wasm', () => {
  let model: UseLiteBiEncoder;
  beforeAll(() => {
    model = loadUseLiteBiEncoder({ base, tokenizer: loadUseLiteTokenizer() });
  });
  afterAll(() => model.dispose());

  it('reduces an MSE-on-cosine loss in a few Adam steps and updates only used embedding rows', () => {
    const pairs = scoredPairs();
    expect(pairs.length).toBeGreaterThanOrEqual(8);
    const batchA = model.tokenize(
      pairs.map((p) => p.a),
      32,
    );
    const batchB = model.tokenize(
      pairs.map((p) => p.b),
      32,
    );
    const labels = tf.tensor1d(pairs.map((p) => p.y));
    const lossFn = () =>
      tf.tidy(() => {
        const u = model.forwardBatch(batchA, { training: true, dropoutRate: 0 });
        const v = model.forwardBatch(batchB, { training: true, dropoutRate: 0 });
        const cos = tf.sum(tf.mul(u, v), 1);
        return tf.mean(tf.square(tf.sub(cos, labels))) as tf.Scalar;
      });

    const used = new Set([...batchA.ids, ...batchB.ids]);
    const unused = [...Array(8000).keys()].find((id) => id > 100 && !used.has(id))!;
    const embeddings = model.variables.get('embeddings')!;
    const rowsBefore = tf.tidy(() => tf.gather(embeddings, [batchA.ids[0]!, unused]).arraySync() as number[][]);

    const optimizer = tf.train.adam(1e-4);
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      const loss = optimizer.minimize(lossFn, true, model.trainableVariables())!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    const finalLoss = tf.tidy(() => lossFn().dataSync()[0]!);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(finalLoss).toBeLessThan(losses[0]! * 0.9);

    const rowsAfter = tf.tidy(() => tf.gather(embeddings, [batchA.ids[0]!, unused]).arraySync() as number[][]);
    expect(rowsAfter[0]).not.toEqual(rowsBefore[0]); // used token row moved
    expect(rowsAfter[1]).toEqual(rowsBefore[1]); // unused row untouched
    optimizer.dispose();
    labels.dispose();
  });

  it('applies dropout only in training mode', () => {
    const texts = ['Dropout should change this sentence embedding.'];
    const a = tf.tidy(() => model.forward(texts).embeddings.dataSync());
    const b = tf.tidy(() => model.forward(texts).embeddings.dataSync());
    const c = tf.tidy(() => model.forward(texts, { training: true, dropoutRate: 0.3 }).embeddings.dataSync());
    const d = tf.tidy(() => model.forward(texts, { training: true, dropoutRate: 0 }).embeddings.dataSync());
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(d)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });
});

describe('cross-encoder training on wasm', () => {
  let model: UseLiteCrossEncoder;
  beforeAll(() => {
    model = loadUseLiteCrossEncoder({ base, tokenizer: loadUseLiteTokenizer() });
  });
  afterAll(() => model.dispose());

  it('reduces a binary cross-entropy loss and learns the segment embedding', () => {
    const pairs = scoredPairs();
    const batch = model.tokenizePairs(
      pairs.map((p) => [p.a, p.b] as const),
      64,
    );
    const labels = tf.tensor1d(pairs.map((p) => (p.y >= 0.5 ? 1 : 0)));
    const lossFn = () => tf.tidy(() => tf.losses.sigmoidCrossEntropy(labels, model.forwardBatch(batch, { training: true, dropoutRate: 0 })) as tf.Scalar);
    const optimizer = tf.train.adam(3e-4);
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      const loss = optimizer.minimize(lossFn, true, model.trainableVariables())!;
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    const finalLoss = tf.tidy(() => lossFn().dataSync()[0]!);
    expect(finalLoss).toBeLessThan(losses[0]!);
    const seg = model.variables.get('segment_embeddings')!;
    expect(tf.tidy(() => tf.max(tf.abs(seg)).dataSync()[0]!)).toBeGreaterThan(0);
    optimizer.dispose();
    labels.dispose();
  });
});
