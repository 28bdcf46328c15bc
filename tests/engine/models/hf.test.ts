/**
 * The imported BERT / RoBERTa encoders against an independent numpy reference
 * (scripts/fixtures/make_hf_fixtures.py): hidden states, pair states and pooled embeddings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHfEncoder, type HfEncoder } from '../../../src/engine/models/hf';

const FIX = path.resolve(__dirname, '../../fixtures/hf');
const TOL = 1e-4;

interface Expected {
  maxLength: number;
  hiddenSize: number;
  cases: Array<{ text: string; ids: number[]; truncated: boolean; hidden: number[][] }>;
  pairs: Array<{ a: string; b: string; ids: number[]; cls: number[]; mean: number[] }>;
}
const load = (name: string): Expected => JSON.parse(fs.readFileSync(path.join(FIX, name), 'utf8'));
const EXPECTED: Record<string, Expected> = { bert: load('bert-expected.json'), roberta: load('roberta-expected.json') };

const FOLDERS = [
  { dir: 'bert-vocab', family: 'bert', pooling: 'mean', dtype: 'F32' },
  { dir: 'bert-tokjson', family: 'bert', pooling: 'mean', dtype: 'F16' },
  { dir: 'roberta-bpe', family: 'roberta', pooling: 'cls', dtype: 'BF16' },
  { dir: 'roberta-tokjson', family: 'roberta', pooling: 'mean', dtype: 'F16' },
] as const;

// Pooled vectors derived from the reference hidden rows.
const meanRows = (rows: number[][]) => rows[0].map((_, k) => rows.reduce((s, r) => s + r[k], 0) / rows.length);
const normalize = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

for (const f of FOLDERS) {
  describe(`${f.dir} (${f.family}, ${f.dtype} weights, ${f.pooling} pooling)`, () => {
    const exp = EXPECTED[f.family];
    let enc: HfEncoder;

    beforeAll(async () => {
      enc = await loadHfEncoder(path.join(FIX, f.dir));
    });
    afterAll(() => enc?.dispose());

    it('describes itself', () => {
      expect(enc.modelType).toBe(f.family);
      expect(enc.maxLength).toBe(exp.maxLength);
      expect(enc.pooling).toEqual([f.pooling]);
      expect(enc.dim).toBe(exp.hiddenSize);
      expect(enc.summary.dtypes).toEqual([f.dtype]);
    });

    it('computes the reference hidden states for a padded batch of all sentences (max abs error <= 1e-4)', () => {
      const batch = enc.encodeTexts(exp.cases.map((c) => c.text));
      const hidden = enc.forwardTokens(batch);
      const h = hidden.arraySync() as number[][][];
      hidden.dispose();
      let worst = 0;
      exp.cases.forEach((c, i) => {
        expect(Array.from(batch.ids.slice(i * batch.seqLength, i * batch.seqLength + c.ids.length))).toEqual(c.ids);
        expect(batch.truncated[i]).toBe(c.truncated);
        c.hidden.forEach((row, j) => {
          worst = Math.max(worst, maxAbsDiff(h[i][j], row));
        });
      });
      expect(worst).toBeLessThanOrEqual(TOL);
    });

    it('computes the reference first-token state of text pairs', () => {
      const { hidden, attentionMask } = enc.forwardPairs(exp.pairs.map((p) => [p.a, p.b] as const));
      const h = hidden.arraySync() as number[][][];
      const m = attentionMask.arraySync() as number[][];
      tf.dispose([hidden, attentionMask]);
      exp.pairs.forEach((p, i) => {
        expect(maxAbsDiff(h[i][0], p.cls)).toBeLessThanOrEqual(TOL);
        expect(m[i].reduce((s, x) => s + x, 0)).toBe(p.ids.length);
        const rows = h[i].slice(0, p.ids.length);
        expect(maxAbsDiff(meanRows(rows), p.mean)).toBeLessThanOrEqual(TOL);
      });
    });

    it('embed() returns the configured pooling of the reference states, L2-normalised, in input order', async () => {
      const texts = exp.cases.map((c) => c.text);
      const vecs = await enc.embed(texts, { batchSize: 5 });
      expect(vecs).toHaveLength(texts.length);
      exp.cases.forEach((c, i) => {
        const pooled = f.pooling === 'cls' ? c.hidden[0] : meanRows(c.hidden);
        expect(vecs[i]).toBeInstanceOf(Float32Array);
        expect(Math.hypot(...vecs[i])).toBeCloseTo(1, 5);
        expect(maxAbsDiff(vecs[i], normalize(pooled))).toBeLessThanOrEqual(TOL);
      });
    });

    it('reports truncation of a long text and gives it the reference embedding', async () => {
      const long = exp.cases.find((c) => c.truncated)!;
      const { vectors, truncated } = await enc.embedDetailed(['short', long.text]);
      expect(truncated).toEqual([false, true]);
      const pooled = f.pooling === 'cls' ? long.hidden[0] : meanRows(long.hidden);
      expect(maxAbsDiff(vectors[1], normalize(pooled))).toBeLessThanOrEqual(TOL);
    });
  });
}

describe('training-related behaviour (bert-vocab)', () => {
  let enc: HfEncoder;
  beforeAll(async () => {
    enc = await loadHfEncoder(path.join(FIX, 'bert-vocab'));
  });
  afterAll(() => enc?.dispose());

  it('is deterministic in inference mode and random with dropout in training mode', () => {
    const texts = ['A man is playing a guitar on the street!', 'The quick brown fox.'];
    const run = (training: boolean) => {
      const { embeddings } = enc.forward(texts, { training });
      const out = embeddings.dataSync().slice();
      embeddings.dispose();
      return out;
    };
    const a = run(false);
    const b = run(false);
    expect(maxAbsDiff(a, b)).toBe(0);
    const t1 = run(true);
    const t2 = run(true);
    expect(maxAbsDiff(t1, a)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(t1, t2)).toBeGreaterThan(1e-3);
  });

  it('gives a gradient to every encoder variable', () => {
    const vars = enc.trainableVariables();
    expect(vars.length).toBe(5 + 16 * 2);
    const { value, grads } = tf.variableGrads(() => {
      const { embeddings } = enc.forward(['a man is playing a guitar', 'the dog sat on the log'], { training: true });
      return tf.sum(tf.mul(tf.slice(embeddings, [0, 0], [1, -1]), tf.slice(embeddings, [1, 0], [1, -1]))) as tf.Scalar;
    }, vars);
    for (const v of vars) {
      const g = grads[v.name];
      expect(g, v.name).toBeDefined();
      expect(g.shape).toEqual(v.shape);
      expect(Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0])).toBe(true);
    }
    // the embedding table gets gradient only on the rows of the tokens used
    const wordGrad = grads[enc.variables.get('embeddings.word_embeddings.weight')!.name];
    const rowSums = tf.sum(tf.abs(wordGrad), 1).dataSync();
    const used = new Set(enc.encodeTexts(['a man is playing a guitar', 'the dog sat on the log']).ids);
    rowSums.forEach((s, row) => expect(s > 0, `row ${row}`).toBe(used.has(row)));
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('does not leak tensors in embed()', async () => {
    await enc.embed(['warm up']);
    const before = tf.memory().numTensors;
    await enc.embed(['one', 'two three', ''], { batchSize: 2 });
    const { embeddings } = enc.forward(['x']);
    embeddings.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('embeds a text alike alone and inside a padded batch', async () => {
    const [alone] = await enc.embed(['a cat']);
    const batch = await enc.embed(['a cat', 'the quick brown fox jumps over the lazy dog'], { batchSize: 2 });
    expect(maxAbsDiff(alone, batch[0])).toBeLessThan(1e-5);
  });

  it('handles bad input: empty list, empty text, lone surrogates, control characters', async () => {
    expect(await enc.embed([])).toEqual([]);
    const [empty, broken, ctrl, clean] = await enc.embed(['', 'dog\uD800', 'd\u0000o\u0007g', 'dog']);
    expect(Array.from(empty).every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(broken, clean)).toBeLessThan(1e-6);
    expect(maxAbsDiff(ctrl, clean)).toBeLessThan(1e-6);
  });

  it('honours a shorter maxLength per call', async () => {
    const r = await enc.embedDetailed(['the quick brown fox jumps over the lazy dog'], { maxLength: 5 });
    expect(r.truncated).toEqual([true]);
    expect(enc.encodeTexts(['the quick brown fox'], 4).seqLength).toBe(4);
  });

  it('round-trips weights through getWeights / setWeights', async () => {
    const saved = enc.getWeights();
    const [before] = await enc.embed(['a man is playing a guitar']);
    // (a constant added right before a LayerNorm would cancel out; this one goes through GELU)
    const bias = enc.variables.get('encoder.layer.0.intermediate.dense.bias')!;
    bias.assign(tf.add(bias, 0.5));
    const [changed] = await enc.embed(['a man is playing a guitar']);
    expect(maxAbsDiff(before, changed)).toBeGreaterThan(1e-3);
    enc.setWeights(saved);
    const [restored] = await enc.embed(['a man is playing a guitar']);
    expect(maxAbsDiff(before, restored)).toBe(0);
    expect(() => enc.setWeights(new Map([['nope', saved.get('pooler.dense.bias')!]]))).toThrow(/unknown weight nope/);
    tf.dispose([...saved.values()]);
  });
});

describe('saving a loaded model', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-save-'));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('writes a folder that loads back to the same embeddings', async () => {
    const enc = await loadHfEncoder(path.join(FIX, 'roberta-tokjson'));
    const texts = EXPECTED.roberta.cases.slice(0, 6).map((c) => c.text);
    const before = await enc.embed(texts);
    await enc.saveFolder(out);
    enc.dispose();
    expect(fs.existsSync(path.join(out, 'tokenizer.json'))).toBe(true);
    const again = await loadHfEncoder(out);
    expect(again.summary.dtypes).toEqual(['F32']);
    const after = await again.embed(texts);
    again.dispose();
    before.forEach((v, i) => expect(maxAbsDiff(v, after[i])).toBe(0));
  });
});
