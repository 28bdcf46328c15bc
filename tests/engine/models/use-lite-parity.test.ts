/**
 * The re-implemented USE lite against the original TF.js graph model (loaded from the package
 * files with tf.loadGraphModel, no network), fed the way the original JS pipeline feeds it:
 * sparse `indices` [[row, position], ...] and `values` (token ids).
 * Token ids themselves are checked against the original tokenizer, on a superset of these
 * sentences, in tests/engine/tokenize/sentencepiece.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { type UseLiteBiEncoder, loadUseLiteBiEncoder, readUseLiteArtifacts } from '../../../src/engine/models/use-lite';
import { awkwardInputs, generateSentences, sharedDataSentences } from './use-lite-fixtures';

let graph: tf.GraphModel;
let model: UseLiteBiEncoder;

/** The original pipeline: token ids -> sparse inputs -> graph -> [n, 512]. */
async function originalEmbed(idLists: number[][]): Promise<number[][]> {
  const indices: number[] = [];
  const values: number[] = [];
  idLists.forEach((ids, row) =>
    ids.forEach((id, pos) => {
      indices.push(row, pos);
      values.push(id);
    }),
  );
  const inputs = {
    indices: tf.tensor2d(indices, [values.length, 2], 'int32'),
    values: tf.tensor1d(values, 'int32'),
  };
  const out = (await graph.executeAsync(inputs)) as tf.Tensor;
  const arr = (await out.array()) as number[][];
  tf.dispose([out, inputs.indices, inputs.values]);
  return arr;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
}

beforeAll(async () => {
  await initBackend('wasm');
  graph = await tf.loadGraphModel(tf.io.fromMemory(readUseLiteArtifacts()));
  model = loadUseLiteBiEncoder();
});

afterAll(() => {
  model?.dispose();
  graph?.dispose();
});

describe('USE lite re-implementation vs the original graph', () => {
  it('agrees (cosine >= 0.9999) on 260+ varied and real sentences', async () => {
    const sentences = [...generateSentences(160), ...sharedDataSentences(100), ...awkwardInputs().filter((s) => s.length > 0)];
    expect(sentences.length).toBeGreaterThanOrEqual(260);
    const ids = sentences.map((s) => model.tokenizer.encode(s, { maxLength: 128 }).ids);
    // Original: batches of similar length (as fast as possible; results are per row anyway).
    const order = sentences.map((_, i) => i).sort((a, b) => ids[a]!.length - ids[b]!.length);
    const want: number[][] = new Array(sentences.length);
    for (let start = 0; start < order.length; start += 24) {
      const idx = order.slice(start, start + 24);
      const rows = await originalEmbed(idx.map((i) => ids[i]!));
      idx.forEach((i, j) => (want[i] = rows[j]!));
    }
    const got = await model.embed(sentences, { batchSize: 24 });
    const cosines = got.map((v, i) => cosine(v, want[i]!));
    const worst = Math.min(...cosines);
    const failures = sentences.filter((_, i) => !(cosines[i]! >= 0.9999));
    expect(failures).toEqual([]);
    expect(worst).toBeGreaterThanOrEqual(0.9999);
    for (const v of got) {
      expect(v).toHaveLength(512);
      expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-4);
    }
  });

  it('matches the graph on an empty row in the middle of a batch', async () => {
    const texts = ['A dog runs in the park.', '', 'Stocks fell sharply.'];
    const want = await originalEmbed(texts.map((t) => model.tokenizer.encode(t, { maxLength: 128 }).ids));
    const got = await model.embed(texts);
    got.forEach((v, i) => expect(cosine(v, want[i]!)).toBeGreaterThanOrEqual(0.9999));
  });

  it('matches the graph’s own 128-position clipping on a 100,000-character text', async () => {
    const huge = generateSentences(4000, 77).join(' ').slice(0, 100_000);
    const all = model.tokenizer.tokenize(huge);
    expect(all.length).toBeGreaterThan(128);
    // The graph receives every token and drops positions >= 128 itself (ClipToMaxLength).
    const [want] = await originalEmbed([all]);
    const { vectors, truncated } = await model.embedDetailed([huge], { maxLength: 128 });
    expect(truncated).toEqual([true]);
    expect(cosine(vectors[0]!, want!)).toBeGreaterThanOrEqual(0.9999);
  });
});
