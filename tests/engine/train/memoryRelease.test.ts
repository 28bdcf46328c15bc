/**
 * Issue 14, memory of a run. (1) The teachers' GloVe SIF evidence lets the 160 MB word table go
 * once scored, unless something else had it loaded (a GloVe member keeps it). (2) A training
 * step whose loss is a mean over rows takes its gradients a few rows per backward pass: the
 * step's peak tensor memory drops, its loss and gradients stay those of one pass (dropout off).
 * (3) fit()'s Adam updates one variable at a time: the same weights as tfjs's Adam, bit for bit,
 * at a fraction of its peak. (4) A run scores its pairs for the labels 16 at a time.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { convertGloveJson, gloveVectorsLoaded, loadGloveVectors, unloadGloveVectors } from '../../../src/engine/models/glove';
import {
  type UseLiteBaseParams,
  loadUseLiteBaseParams,
  loadUseLiteBiEncoder,
  loadUseLiteCrossEncoder,
  loadUseLiteTokenizer,
} from '../../../src/engine/models/use-lite';
import { fit } from '../../../src/engine/train/fit';
import { leanAdam } from '../../../src/engine/train/leanAdam';
import { shareGrads } from '../../../src/engine/train/parallel/shareGrads';
import { type ParallelTask, taskLoss } from '../../../src/engine/train/parallel/task';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { runTransEncoder } from '../../../src/engine/train/transEncoder';
import { TRAIN_SCORING_BATCH } from '../../../src/engine/train/scoring';
import { computeEvidence } from '../../../src/engine/train/teachers/evidence';
import { writeGloveFixture } from '../models/glove-fixture';
import { pairTask } from '../../helpers/parallelTask';
import { generateSentences } from '../models/use-lite-fixtures';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-memory-'));
let base: UseLiteBaseParams;
const tokenizer = loadUseLiteTokenizer();

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
  base = loadUseLiteBaseParams();
});

afterAll(() => {
  tf.dispose([...base.params.values(), base.invTimescales]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('GloVe SIF evidence', () => {
  const { file } = writeGloveFixture(path.join(tmp, 'pkg'));
  const gloveDir = path.join(tmp, 'glove');
  convertGloveJson({ source: file, outDir: gloveDir });
  const pairs = { a: ['a man is playing a guitar', 'a woman eats'], b: ['someone plays music', 'a man is playing the piano'] };
  const settings = { ...PAPER_SETTINGS, teacher: { alignment: 0, sif: 0.4, negation: 0 } };
  const bi = () => loadUseLiteBiEncoder({ base, tokenizer });

  it('lets the word table go after scoring, and leaves one loaded by someone else', async () => {
    const saved = process.env['TENC_GLOVE_DIR'];
    process.env['TENC_GLOVE_DIR'] = gloveDir;
    const model = bi();
    try {
      unloadGloveVectors();
      const first = await computeEvidence(model, pairs, settings);
      expect(first.evidence.map((e) => e.name)).toEqual(['sif']);
      expect(gloveVectorsLoaded(gloveDir)).toBe(false);
      loadGloveVectors({ dir: gloveDir });
      const second = await computeEvidence(model, pairs, settings);
      expect(gloveVectorsLoaded(gloveDir)).toBe(true);
      expect(Array.from(second.evidence[0]!.scores)).toEqual(Array.from(first.evidence[0]!.scores));
    } finally {
      model.dispose();
      unloadGloveVectors();
      if (saved === undefined) delete process.env['TENC_GLOVE_DIR'];
      else process.env['TENC_GLOVE_DIR'] = saved;
    }
  });
});

describe('gradients a few rows per pass', () => {
  const texts = generateSentences(64, 17);
  const n = 32;
  const task = (loss: ParallelTask['loss']): ParallelTask => pairTask(loss, texts, n, 16);

  for (const kind of ['bi', 'cross'] as const) {
    it(`${kind}-encoder: same loss and gradients as one pass, lower peak memory`, async () => {
      const model = kind === 'bi' ? loadUseLiteBiEncoder({ base, tokenizer }) : loadUseLiteCrossEncoder({ base, tokenizer });
      const t = task(kind === 'bi' ? 'bi-cosine-mse' : 'cross-bce');
      const variables = model.trainableVariables();
      const rows = Uint32Array.from({ length: 16 }, (_, i) => (i * 3) % n);
      const lossOf = (r: Uint32Array) => taskLoss(model, t, r);
      try {
        const whole = shareGrads(lossOf, rows, 0.5, variables, 16);
        const parts = shareGrads(lossOf, rows, 0.5, variables, 4);
        expect(parts.loss).toBeCloseTo(whole.loss, 6);
        for (const v of variables) {
          const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(whole.grads[v.name]!, parts.grads[v.name]!))).dataSync()[0]!);
          const scale = tf.tidy(() => tf.max(tf.abs(whole.grads[v.name]!)).dataSync()[0]!);
          expect(diff).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
        }
        tf.dispose([...Object.values(whole.grads), ...Object.values(parts.grads)]);

        // fit() with a row-mean task: same losses with 4 rows per pass as with 16, lower peak.
        const fitted = async (gradRows: number) => {
          const weights = model.getWeights();
          const losses: number[] = [];
          const profile = await tf.profile(async () => {
            await fit({
              model,
              examples: n,
              batchSize: 16,
              epochs: 1,
              learningRate: 1e-5,
              warmupFraction: 0,
              seed: 3,
              lossOf,
              parallel: t,
              parallelThreads: 1,
              gradRows,
              onStep: (_s, _t, loss) => void losses.push(loss),
            });
          });
          model.setWeights(weights);
          tf.dispose([...weights.values()]);
          return { peak: profile.peakBytes, losses };
        };
        const one = await fitted(16);
        const four = await fitted(4);
        expect(four.losses.length).toBe(2);
        for (const [i, l] of four.losses.entries()) expect(l).toBeCloseTo(one.losses[i]!, 5);
        expect(four.peak).toBeLessThan(one.peak);
        const stepPeak = async (maxRows: number) => {
          const before = tf.memory().numBytes;
          const p = await tf.profile(() => tf.dispose(Object.values(shareGrads(lossOf, rows, 1, variables, maxRows).grads)));
          return p.peakBytes - before;
        };
        const parted = await stepPeak(4);
        const whole1 = await stepPeak(16);
        expect(parted).toBeLessThan(0.8 * whole1);
      } finally {
        model.dispose();
      }
    }, 120_000);
  }
});

describe('Adam one variable at a time', () => {
  it('gives the weights of tfjs Adam bit for bit, at a fraction of its peak', async () => {
    const texts = generateSentences(8, 5);
    const t: ParallelTask = { loss: 'cross-bce', a: texts.slice(0, 4), b: texts.slice(4), labels: new Float32Array(4).fill(0.4), maxLength: 8, dropout: 0 };
    const model = loadUseLiteCrossEncoder({ base, tokenizer });
    const variables = model.trainableVariables();
    const rows = Uint32Array.of(0, 1, 2, 3);
    const start = model.getWeights();
    try {
      const trained = async (optimizer: tf.Optimizer) => {
        model.setWeights(start);
        let peak = 0;
        for (let step = 0; step < 2; step++) {
          const g = tf.variableGrads(() => taskLoss(model, t, rows), variables);
          const p = await tf.profile(() => optimizer.applyGradients(g.grads));
          peak = Math.max(peak, p.peakBytes);
          tf.dispose([g.value, ...Object.values(g.grads)]);
        }
        const weights = model.getWeights();
        const out = new Map([...weights].map(([k, v]) => [k, v.dataSync().slice()]));
        tf.dispose([...weights.values()]);
        optimizer.dispose();
        return { out, peak };
      };
      const reference = await trained(tf.train.adam(1e-3));
      const lean = await trained(leanAdam(1e-3));
      for (const [name, w] of reference.out) expect(lean.out.get(name)).toEqual(w);
      const weightBytes = variables.reduce((s, v) => s + 4 * v.size, 0);
      // Weights, both slots and the gradients stay; tfjs's update adds a dozen copies on top.
      expect(reference.peak - lean.peak).toBeGreaterThan(3 * weightBytes);
    } finally {
      tf.dispose([...start.values()]);
      model.dispose();
    }
  }, 120_000);
});

describe('labelling batches', () => {
  it('a run scores its pairs for the labels in batches of 16', async () => {
    const texts = generateSentences(48, 11);
    const pairs = { a: texts.slice(0, 24), b: texts.slice(24) };
    const bi = loadUseLiteBiEncoder({ base, tokenizer });
    const cross = loadUseLiteCrossEncoder({ base, tokenizer });
    const batches: number[] = [];
    const embed = bi.embed.bind(bi);
    const score = cross.score.bind(cross);
    bi.embed = (t, o) => (batches.push(o?.batchSize ?? NaN), embed(t, o));
    cross.score = (p, o) => (batches.push(o?.batchSize ?? NaN), score(p, o));
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      dropout: 0,
      biToCross: { batchSize: 12, epochs: 1, maxLength: 12 },
      crossToBi: { batchSize: 12, epochs: 1, maxLength: 12 },
    });
    const runDir = fs.mkdtempSync(path.join(tmp, 'run-'));
    const saved = process.env['TENC_TRAIN_THREADS'];
    process.env['TENC_TRAIN_THREADS'] = '1';
    try {
      await runTransEncoder({ members: [{ name: 'use-lite', bi, cross }], pairs, settings, runDir });
    } finally {
      if (saved === undefined) delete process.env['TENC_TRAIN_THREADS'];
      else process.env['TENC_TRAIN_THREADS'] = saved;
      bi.dispose();
      cross.dispose();
    }
    expect(TRAIN_SCORING_BATCH).toBe(16);
    expect(batches).toEqual([16, 16]);
  }, 300_000);
});
