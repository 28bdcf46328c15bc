/**
 * Measures, on the active TensorFlow.js backend, what a Trans-Encoder run spends its time on:
 * real training steps of a base's bi- and cross-encoder (the run's losses, Adam, the
 * optimizer.minimize + loss read-back of `fit`), batched inference for labelling, checkpoint
 * and weight writes, model loading, and the exact kNN of mining. `estimate.ts` scales these
 * by the counts of a run. Runs in the estimate worker (or in-process where no worker starts).
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exactKnn } from '../dedup/exactSearch';
import type { BiEncoder, CrossEncoder, TextPair } from '../models/encoder';
import { saveArrays, saveWeights } from '../models/io/weightsFile';
import { createBiEncoder, createCrossEncoder, type BaseSpec } from '../models/modelFiles';
import { leanAdam } from './leanAdam';
import { cosineMse, softBceWithLogits } from './losses';
import { DataParallelSteps } from './parallel/dataParallel';
import { type ParallelTask, taskLoss } from './parallel/task';

/**
 * One thing to time. `train`: seconds of one optimisation step at batch x length tokens;
 * `infer`: seconds of one inference batch of `batch` rows (texts, or pairs for `cross`) at
 * `length` tokens; `checkpoint`: one in-progress save (weights + Adam state) of that kind;
 * `save`: one write of the bi-encoder's weights; `load`: building the bi- and cross-encoder;
 * `knn`: seconds per (n^2 * dim) of exactKnn, so mining n vectors costs knn * n^2 * dim.
 */
export type CostItem =
  | { what: 'train'; kind: 'bi' | 'cross'; batch: number; length: number; dropout: number }
  | { what: 'infer'; kind: 'bi' | 'cross'; batch: number; length: number }
  | { what: 'checkpoint'; kind: 'bi' | 'cross' }
  | { what: 'save' }
  | { what: 'load' }
  | { what: 'knn' };

export interface MeasuredCost {
  item: CostItem;
  seconds: number;
}

export interface MeasureOptions {
  /** Timed training steps per shape at most (after an untimed warm-up step). */
  maxTimedSteps?: number;
  /** Stop timing a shape once its timed steps add up to this many seconds. */
  enoughSeconds?: number;
  /** Between measurements (lets an in-process caller's event loop breathe). */
  yieldBetween?: () => Promise<void>;
}

export function costItemKey(item: CostItem): string {
  switch (item.what) {
    case 'train':
      return `train|${item.kind}|${item.batch}x${item.length}|d${item.dropout > 0 ? 1 : 0}`;
    case 'infer':
      return `infer|${item.kind}|${item.batch}x${item.length}`;
    case 'checkpoint':
      return `checkpoint|${item.kind}`;
    default:
      return item.what;
  }
}

/**
 * A fixed English text, repeated until long enough: every row of a measured batch is cut at
 * exactly `length` tokens, so the batch has the shape being timed. Rows differ (a number in
 * front) so nothing is shared between them.
 */
const FIXED_TEXT =
  'A man is playing a guitar on the street while people walk past. The committee will publish its report ' +
  'next week, after the hearings have ended. Two dogs are running through a field of tall grass. ' +
  'Prices rose sharply in the third quarter, driven by higher energy costs. She said the bridge would be ' +
  'closed for repairs until the end of the month. ';
const LONG_TEXT = FIXED_TEXT.repeat(8);

function fixedTexts(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, i) => `${i + offset}. ${LONG_TEXT.slice((i * 37) % FIXED_TEXT.length)}`);
}

const now = () => performance.now() / 1000;

async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const t = now();
  await fn();
  return now() - t;
}

/** One optimisation step exactly as `fit` runs it: minimize the loss, read the loss back. */
async function step(optimizer: tf.Optimizer, variables: tf.Variable[], lossOf: () => tf.Scalar): Promise<void> {
  const loss = optimizer.minimize(lossOf, true, variables);
  if (loss) {
    await loss.data();
    loss.dispose();
  }
}

function biLoss(bi: BiEncoder, batch: number, length: number, dropout: number): () => tf.Scalar {
  const a = fixedTexts(batch);
  const b = fixedTexts(batch, 1000);
  const targets = Array.from({ length: batch }, (_, i) => (i % 5) / 5);
  return () => {
    const y = tf.tensor1d(targets);
    const ea = bi.forward(a, { training: true, dropoutRate: dropout, maxLength: length }).embeddings;
    const eb = bi.forward(b, { training: true, dropoutRate: dropout, maxLength: length }).embeddings;
    return cosineMse(ea, eb, y);
  };
}

function crossLoss(cross: CrossEncoder, batch: number, length: number, dropout: number): () => tf.Scalar {
  const a = fixedTexts(batch);
  const b = fixedTexts(batch, 1000);
  const pairs = a.map((t, i) => [t, b[i]!] as const);
  const targets = Array.from({ length: batch }, (_, i) => (i % 5) / 5);
  return () => {
    const y = tf.tensor1d(targets);
    const { logits } = cross.forward(pairs, { training: true, dropoutRate: dropout, maxLength: length });
    return softBceWithLogits(logits, y);
  };
}

async function saveOptimizer(file: string, optimizer: tf.Optimizer): Promise<void> {
  const weights = await optimizer.getWeights();
  const arrays = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [i, w] of weights.entries())
    arrays.set(`${String(i).padStart(5, '0')}|${w.name}`, { shape: [...w.tensor.shape], data: Float32Array.from(await w.tensor.data()) });
  await saveArrays(file, arrays);
}

async function saveModelWeights(file: string, model: BiEncoder | CrossEncoder): Promise<void> {
  const weights = model.getWeights();
  try {
    await saveWeights(file, weights);
  } finally {
    tf.dispose([...weights.values()]);
  }
}

/**
 * Times `items` for `base` on the active backend (call initBackend first). Loads the base's
 * bi- and cross-encoder once, and frees them (and everything it allocated) before returning.
 */
export async function measureCosts(base: BaseSpec, items: readonly CostItem[], options: MeasureOptions = {}): Promise<MeasuredCost[]> {
  const maxTimed = options.maxTimedSteps ?? 2;
  const enough = options.enoughSeconds ?? 6;
  const pause = options.yieldBetween ?? (async () => undefined);
  const out: MeasuredCost[] = [];
  const needsModels = items.some((i) => i.what !== 'knn');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-measure-'));
  let bi: BiEncoder | undefined;
  let cross: CrossEncoder | undefined;
  const optimizers: Partial<Record<'bi' | 'cross', tf.Optimizer>> = {};
  try {
    if (needsModels) {
      const loadSeconds = await timeAsync(async () => {
        bi = await createBiEncoder(base);
        cross = await createCrossEncoder(base);
      });
      if (items.some((i) => i.what === 'load')) out.push({ item: { what: 'load' }, seconds: loadSeconds });
      await pause();
    }
    const modelOf = (kind: 'bi' | 'cross') => (kind === 'bi' ? bi! : cross!);
    const lossFor = (kind: 'bi' | 'cross', batch: number, length: number, dropout: number) =>
      kind === 'bi' ? biLoss(bi!, batch, length, dropout) : crossLoss(cross!, batch, length, dropout);
    // Each kind trains with its own Adam (as in a run); a warm-up step on a tiny batch first
    // creates Adam's slots and the backend's kernels, which a run pays once, not per step.
    const optimizerFor = async (kind: 'bi' | 'cross', length: number) => {
      let opt = optimizers[kind];
      if (!opt) {
        opt = optimizers[kind] = leanAdam(1e-6);
        await step(opt, modelOf(kind).trainableVariables(), lossFor(kind, 2, Math.min(length, 16), 0));
      }
      return opt;
    };

    // Training shapes first (they warm the backend up for the rest), then the others.
    const order = [...items].sort((x, y) => rank(x) - rank(y));
    for (const item of order) {
      let seconds: number;
      if (item.what === 'train') {
        const opt = await optimizerFor(item.kind, item.length);
        const model = modelOf(item.kind);
        const variables = model.trainableVariables();
        const lossOf = lossFor(item.kind, item.batch, item.length, item.dropout);
        // Where fit() will split steps over every core (issue 14), time that step instead.
        const task: ParallelTask = {
          loss: item.kind === 'bi' ? 'bi-cosine-mse' : 'cross-bce',
          a: fixedTexts(item.batch),
          b: fixedTexts(item.batch, 1000),
          labels: Float32Array.from({ length: item.batch }, (_, i) => (i % 5) / 5),
          maxLength: item.length,
          dropout: item.dropout,
        };
        const parallel = await DataParallelSteps.start(model, task).catch(() => undefined);
        const rows = Uint32Array.from({ length: item.batch }, (_, i) => i);
        const oneStep = parallel
          ? async () => {
              const r = await parallel.step(0, rows, (b) => taskLoss(model, task, b), variables);
              opt.applyGradients(r.grads as unknown as Record<string, tf.Variable>);
              tf.dispose(Object.values(r.grads));
            }
          : () => step(opt, variables, lossOf);
        try {
          // The first full-size step also grows the backend's memory: untimed when a step is cheap.
          const first = await timeAsync(oneStep);
          const times: number[] = [];
          if (first > enough) times.push(first);
          while (times.length < maxTimed && times.reduce((a, b) => a + b, 0) < enough) {
            await pause();
            times.push(await timeAsync(oneStep));
          }
          seconds = times.reduce((a, b) => a + b, 0) / times.length;
        } finally {
          parallel?.dispose();
        }
      } else if (item.what === 'infer') {
        const texts = fixedTexts(item.batch);
        const run =
          item.kind === 'bi'
            ? () => bi!.embed(texts, { maxLength: item.length, batchSize: item.batch }).then(() => undefined)
            : () =>
                cross!
                  .score(
                    texts.map((t, i): TextPair => [t, texts[(i + 1) % texts.length]!]),
                    { maxLength: item.length, batchSize: item.batch },
                  )
                  .then(() => undefined);
        const first = await timeAsync(run);
        seconds = first > enough / 2 ? first : Math.min(first, await timeAsync(run));
      } else if (item.what === 'checkpoint') {
        const opt = await optimizerFor(item.kind, 16);
        seconds = await timeAsync(async () => {
          await saveModelWeights(path.join(tmp, `progress-${item.kind}.safetensors`), modelOf(item.kind));
          await saveOptimizer(path.join(tmp, `optimizer-${item.kind}.safetensors`), opt);
        });
      } else if (item.what === 'save') {
        seconds = await timeAsync(() => saveModelWeights(path.join(tmp, 'weights.safetensors'), bi!));
      } else if (item.what === 'load') {
        continue; // timed above
      } else {
        seconds = measureKnn();
      }
      out.push({ item, seconds });
      await pause();
    }
    return out;
  } finally {
    for (const opt of Object.values(optimizers)) opt.dispose();
    bi?.dispose();
    cross?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function rank(item: CostItem): number {
  return { train: 0, checkpoint: 1, infer: 2, save: 3, load: 4, knn: 5 }[item.what];
}

/** exactKnn over random unit vectors: seconds per (n^2 * dim). Pure JavaScript, any backend. */
function measureKnn(): number {
  const n = 600;
  const dim = 512;
  const data = new Float32Array(n * dim);
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = seed / 4294967296 - 0.5;
  }
  for (let r = 0; r < n; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += data[r * dim + d]! ** 2;
    norm = Math.sqrt(norm);
    for (let d = 0; d < dim; d++) data[r * dim + d]! /= norm;
  }
  const t = now();
  exactKnn({ data, dim, count: n }, { data, dim, count: n }, 3, { sameSet: true });
  return (now() - t) / (n * n * dim);
}
