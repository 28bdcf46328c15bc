/**
 * GloVe as a model of the app: trainable bi- and cross-encoder, saved and loaded like other
 * models, used alone through the API (check, eval with the GloVe base) and as the second member
 * of a mutual run (train.start with mutual glove), on a small fixture of the package's shape.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { Engine } from '../../../src/engine/api/engine';
import { convertGloveJson, GloveBiEncoder, GloveCrossEncoder, unloadGloveVectors } from '../../../src/engine/models/glove';
import { createBiEncoder, createCrossEncoder, GLOVE_BASE, loadModel, readModelConfig, saveModel } from '../../../src/engine/models/modelFiles';
import type { BiEncoder, CrossEncoder, TextPair } from '../../../src/engine/models/encoder';
import { cosineMse, softBceWithLogits } from '../../../src/engine/train/losses';
import { loadWeights } from '../../../src/engine/models/io/weightsFile';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { runTransEncoder, type CycleResult } from '../../../src/engine/train/transEncoder';
import { writeGloveFixture } from './glove-fixture';

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-glove-model-')));
const dataDir = path.join(root, 'data');
const { file } = writeGloveFixture(path.join(root, 'pkg'));
const savedEnv = process.env.TENC_GLOVE_DIR;

const texts = [
  'A man is playing the guitar.',
  'Someone plays music on a piano.',
  'A woman is eating bread.',
  'The child eats pasta.',
  'Stock prices fell in the market.',
  'Shares of the economy fell.',
  'The dog runs in the park.',
  'A cat is running in the park.',
];
const pairs: TextPair[] = [
  [texts[0]!, texts[1]!],
  [texts[2]!, texts[3]!],
  [texts[4]!, texts[5]!],
  [texts[6]!, texts[7]!],
  [texts[0]!, texts[4]!],
  [texts[2]!, texts[6]!],
  [texts[1]!, texts[5]!],
  [texts[3]!, texts[7]!],
];
const gold = [4.5, 4, 4.2, 3.8, 0.2, 0.4, 0.1, 0.6];

beforeAll(async () => {
  await initBackend('wasm');
  // The data folder's compact copy, as the app makes it from the package on first use.
  convertGloveJson({ source: file, outDir: path.join(dataDir, 'models', 'glove-6b-100d') });
  process.env.TENC_GLOVE_DIR = path.join(dataDir, 'models', 'glove-6b-100d');
});
afterAll(() => {
  if (savedEnv === undefined) delete process.env.TENC_GLOVE_DIR;
  else process.env.TENC_GLOVE_DIR = savedEnv;
  unloadGloveVectors();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('GloVe bi- and cross-encoder', () => {
  it('start as SIF and as an alignment judge: paraphrases score above unrelated pairs', async () => {
    const bi = (await createBiEncoder(GLOVE_BASE)) as GloveBiEncoder;
    const cross = (await createCrossEncoder(GLOVE_BASE)) as GloveCrossEncoder;
    expect(bi).toBeInstanceOf(GloveBiEncoder);
    const v = await bi.embed(texts);
    const cos = (i: number, j: number) => v[i]!.reduce((s, x, d) => s + x * v[j]![d]!, 0);
    expect(cos(0, 1)).toBeGreaterThan(cos(0, 4));
    const s = await cross.score(pairs);
    expect(Math.min(...s.slice(0, 4))).toBeGreaterThan(Math.max(...s.slice(4)));
    bi.dispose();
    cross.dispose();
  });

  it('train: a few Adam steps lower the loss; the word vectors stay frozen', async () => {
    const bi = (await createBiEncoder(GLOVE_BASE)) as GloveBiEncoder;
    const cross = (await createCrossEncoder(GLOVE_BASE)) as GloveCrossEncoder;
    const matrixBefore = bi.vectors.matrix.slice();
    const targets = tf.tensor1d(gold.map((g) => g / 5));
    const biLoss = () => cosineMse(bi.forward(pairs.map((p) => p[0])).embeddings, bi.forward(pairs.map((p) => p[1])).embeddings, targets);
    const crossLoss = () => softBceWithLogits(cross.forward(pairs).logits, targets);
    const value = (f: () => tf.Scalar) => tf.tidy(() => f().dataSync()[0]!);
    const [bi0, cross0] = [value(biLoss), value(crossLoss)];
    for (const [model, loss] of [
      [bi, biLoss],
      [cross, crossLoss],
    ] as const) {
      const opt = tf.train.adam(5e-5); // the presets' learning rate: the variables' scale makes it enough
      for (let i = 0; i < 30; i++) opt.minimize(loss, true, model.trainableVariables())?.dispose();
      opt.dispose();
    }
    expect(value(biLoss)).toBeLessThan(bi0 * 0.8);
    expect(value(crossLoss)).toBeLessThan(cross0 - 0.01);
    expect(bi.vectors.matrix).toEqual(matrixBefore);
    expect(bi.trainableVariables().map((t) => t.shape)).toEqual([[bi.vectors.size], [bi.dim, bi.dim]]);
    targets.dispose();
    bi.dispose();
    cross.dispose();
  });

  it('save and load: config.json + weights.safetensors give bit-identical outputs', async () => {
    const models: [BiEncoder, CrossEncoder] = [await createBiEncoder(GLOVE_BASE), await createCrossEncoder(GLOVE_BASE)];
    // Move the weights off their start so the round trip carries something.
    for (const m of models) {
      const moved = new Map([...m.getWeights()].map(([k, t]) => [k, tf.tidy(() => tf.add(t, tf.randomNormal(t.shape, 0, 1e-3, 'float32', 3)))]));
      m.setWeights(moved);
      tf.dispose([...moved.values()]);
    }
    const [bi, cross] = models;
    await saveModel(path.join(root, 'saved-bi'), bi, { base: GLOVE_BASE, provenance: { test: true } });
    await saveModel(path.join(root, 'saved-cross'), cross, { base: GLOVE_BASE });
    expect(readModelConfig(path.join(root, 'saved-bi'))).toMatchObject({ kind: 'bi', architecture: 'glove', base: { kind: 'builtin', name: 'glove' } });
    const bi2 = (await loadModel(path.join(root, 'saved-bi'))).model as BiEncoder;
    const cross2 = (await loadModel(path.join(root, 'saved-cross'))).model as CrossEncoder;
    expect(await bi2.embed(texts)).toEqual(await bi.embed(texts));
    expect(await cross2.score(pairs)).toEqual(await cross.score(pairs));
    expect(await cross2.score(pairs)).not.toEqual(await (await createCrossEncoder(GLOVE_BASE)).score(pairs));
    for (const m of [bi, cross, bi2, cross2]) m.dispose();
  });
});

it('is a mutual member beside an imported Hugging Face model: both members train and the GloVe bi-encoder moves', async () => {
  const bases = [
    { name: 'bert', base: { kind: 'hf' as const, dir: path.resolve('tests/fixtures/hf/bert-vocab') } },
    { name: 'glove', base: GLOVE_BASE },
  ];
  const members = [];
  for (const b of bases) members.push({ name: b.name, bi: await createBiEncoder(b.base), cross: await createCrossEncoder(b.base) });
  const start = members[1]!.bi.getWeights();
  const settings = mergeSettings(PAPER_SETTINGS, {
    cycles: 1,
    dropout: 0,
    mutualLabels: 'fidelity',
    biToCross: { batchSize: 4, maxLength: 16, learningRate: 5e-5 },
    crossToBi: { batchSize: 4, maxLength: 16, epochs: 1, learningRate: 3e-5 },
  });
  const runDir = path.join(root, 'hf-glove-run');
  const cycles: CycleResult[] = [];
  await runTransEncoder({
    members,
    pairs: { a: pairs.map((p) => p[0]), b: pairs.map((p) => p[1]) },
    settings,
    runDir,
    onCycleEnd: async (r) => void cycles.push(r),
  });
  expect(cycles[0]!.labelWeights!.map((w) => w.member)).toEqual(['bert', 'glove']);
  const trained = await loadWeights(path.join(runDir, 'cycle0-bi-glove.safetensors'));
  const moved = tf.tidy(() => tf.sum(tf.abs(tf.sub(trained.get('glove/projection_delta')!, start.get('glove/projection_delta')!))).dataSync()[0]!);
  expect(moved).toBeGreaterThan(0);
  expect(fs.existsSync(path.join(runDir, 'cycle0-cross-glove.safetensors'))).toBe(true);
  tf.dispose([...start.values(), ...trained.values()]);
  for (const m of members) {
    m.bi.dispose();
    m.cross.dispose();
  }
}, 300_000);

describe('GloVe in the app (engine API, as tenc uses it)', () => {
  let engine: Engine;
  const pairsDir = path.join(root, 'pairs');
  beforeAll(async () => {
    fs.mkdirSync(pairsDir, { recursive: true });
    const rows = pairs.map((p, i) => `${gold[i]}\t${p[0]}\t${p[1]}\tfixture`);
    fs.writeFileSync(path.join(pairsDir, 'pairs.tsv'), ['score\tsentence1\tsentence2\tsubset', ...rows].join('\n') + '\n');
    engine = await Engine.open({ dataDir, transport: 'direct', allowedRoots: [pairsDir] });
  });
  afterAll(async () => engine.close());

  it('tenc check / eval --model glove: the GloVe base checks pairs and is evaluated as bi- and cross-encoder', async () => {
    const glove = await engine.gloveModelId();
    const same = await engine.invoke('check.pair', { a: texts[0]!, b: texts[1]!, biModelId: glove, crossModelId: glove });
    const other = await engine.invoke('check.pair', { a: texts[0]!, b: texts[4]!, biModelId: glove, crossModelId: glove });
    expect(same.crossScore).not.toBeNull();
    expect(same.crossScore!).toBeGreaterThan(other.crossScore!);
    expect(same.biScore).toBeGreaterThan(other.biScore);
    for (const as of ['bi', 'cross'] as const) {
      const { jobId } = await engine.invoke('eval.run', { file: path.join(pairsDir, 'pairs.tsv'), modelId: glove, as });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status, job?.error ?? '').toBe('done');
      expect((job!.result as { spearman: number }).spearman, as).toBeGreaterThan(0.5);
    }
  }, 120_000);

  it("tenc train --mutual glove: a mutual run with the built-in model saves and registers both members' models", async () => {
    const { jobId } = await engine.invoke('train.start', {
      preset: 'quick',
      pairsFile: path.join(pairsDir, 'pairs.tsv'),
      mutual: { kind: 'builtin', name: 'glove' },
      overrides: { cycles: 1, biToCross: { batchSize: 4, maxLength: 16 }, crossToBi: { batchSize: 4, maxLength: 16, epochs: 1 } },
    });
    const job = await engine.jobs.wait(jobId);
    expect(job?.status, job?.error ?? '').toBe('done');
    const models = await engine.invoke('models.list', {});
    const gloveModels = models.filter((m) => m.name.includes('glove') && m.kind !== 'base');
    expect(gloveModels.map((m) => m.kind).sort()).toEqual(['bi', 'cross']);
    const row = await engine.store.models.get(gloveModels.find((m) => m.kind === 'bi')!.id);
    const { config, model } = await loadModel(path.join(dataDir, row!.relDir));
    expect(config.base).toEqual({ kind: 'builtin', name: 'glove' });
    expect(model).toBeInstanceOf(GloveBiEncoder);
    // The trained GloVe member is usable like any model: check with it.
    const r = await engine.invoke('check.pair', { a: texts[0]!, b: texts[1]!, biModelId: row!.id });
    expect(Number.isFinite(r.biScore)).toBe(true);
    model.dispose();
  }, 300_000);
});
