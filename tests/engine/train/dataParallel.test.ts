/**
 * Issue 14: data-parallel training steps (src/engine/train/parallel). fit() with a parallel
 * task splits each batch between this thread and a gradient worker; the losses over 20 steps
 * match the single-threaded loop within 1e-4 relative (dropout off), for both Trans-Encoder
 * phases; a worker's failure surfaces as an error; cancelling stops the workers.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { installNativeMatMul } from '../../../src/engine/backend/nativeMatMul';
import { CancelledError } from '../../../src/engine/jobs/jobRunner';
import {
  type UseLiteBaseParams,
  loadUseLiteBaseParams,
  loadUseLiteBiEncoder,
  loadUseLiteCrossEncoder,
  loadUseLiteTokenizer,
} from '../../../src/engine/models/use-lite';
import { fit } from '../../../src/engine/train/fit';
import { type ParallelTask, splitBatch, taskLoss } from '../../../src/engine/train/parallel/task';
import { pairTask } from '../../helpers/parallelTask';
import { generateSentences } from '../models/use-lite-fixtures';

let base: UseLiteBaseParams;
const tokenizer = loadUseLiteTokenizer();
const texts = generateSentences(48, 31);
const n = 24;
const task = (loss: ParallelTask['loss']): ParallelTask => pairTask(loss, texts, n, 12);

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
  expect(installNativeMatMul({ threads: 1 })).toBeNull();
  base = loadUseLiteBaseParams();
});

afterAll(() => {
  tf.dispose([...base.params.values(), base.invTimescales]);
  installNativeMatMul();
});

async function run(kind: 'bi' | 'cross', threads: number, steps: number, signal?: AbortSignal) {
  const model = kind === 'bi' ? loadUseLiteBiEncoder({ base, tokenizer }) : loadUseLiteCrossEncoder({ base, tokenizer });
  const t = task(kind === 'bi' ? 'bi-cosine-mse' : 'cross-bce');
  const losses: number[] = [];
  try {
    const result = await fit({
      model,
      examples: kind === 'bi' ? n : 2 * n,
      batchSize: 6,
      epochs: kind === 'bi' ? 5 : 3,
      learningRate: 5e-5,
      warmupFraction: 0.1,
      seed: 9,
      lossOf: (batch) => taskLoss(model, t, batch),
      parallel: t,
      parallelThreads: threads,
      signal,
      onStep: (step, _total, loss) => {
        losses.push(loss);
        if (step >= steps) throw new Error('enough');
      },
    }).catch((err: unknown) => {
      if (err instanceof Error && err.message === 'enough') return undefined;
      throw err;
    });
    return { losses, result, tensors: tf.memory().numTensors };
  } finally {
    model.dispose();
  }
}

describe('data-parallel fit()', () => {
  it('splits a batch by length into shares of similar padded work', () => {
    const lengths = [3, 30, 4, 28, 5, 6, 29, 7];
    const shares = splitBatch(Uint32Array.from(lengths.keys()), (i) => lengths[i]!, 2);
    expect(shares.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The long rows go together, the short ones together.
    expect(new Set(shares[1]!.map((i) => lengths[i]))).toEqual(new Set([28, 29, 30]));
    // A one-row batch (the last of an epoch) still gives one share per participant.
    expect(splitBatch([5], () => 1, 2)).toEqual([[5], []]);
    expect(splitBatch([5, 6], () => 1, 3)).toHaveLength(3);
  });

  for (const kind of ['bi', 'cross'] as const) {
    it(`${kind}-encoder: 20 steps on 2 threads give the single-threaded losses (1e-4 relative)`, async () => {
      const single = await run(kind, 1, 20);
      const parallel = await run(kind, 2, 20);
      expect(single.losses).toHaveLength(20);
      expect(parallel.losses).toHaveLength(20);
      const rel = parallel.losses.map((l, s) => Math.abs(l - single.losses[s]!) / Math.abs(single.losses[s]!));
      console.log(`${kind}: max relative loss difference, 2 threads vs 1, over 20 steps: ${Math.max(...rel).toExponential(2)}`);
      for (const r of rel) expect(r).toBeLessThan(1e-4);
      expect(parallel.losses[19]).not.toBe(parallel.losses[0]);
    }, 400_000);
  }

  it('reports the threads it trained on, and cancelling stops the workers', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const model = loadUseLiteBiEncoder({ base, tokenizer });
    const t = task('bi-cosine-mse');
    const controller = new AbortController();
    try {
      const done = await fit({
        model,
        examples: n,
        batchSize: 6,
        epochs: 1,
        learningRate: 5e-5,
        warmupFraction: 0,
        seed: 1,
        lossOf: (batch) => taskLoss(model, t, batch),
        parallel: t,
        parallelThreads: 2,
      });
      expect(done.threads).toBe(2);
      await expect(
        fit({
          model,
          examples: n,
          batchSize: 6,
          epochs: 3,
          learningRate: 5e-5,
          warmupFraction: 0,
          seed: 1,
          lossOf: (batch) => taskLoss(model, t, batch),
          parallel: t,
          parallelThreads: 2,
          signal: controller.signal,
          onStep: (step) => {
            if (step === 2) controller.abort();
          },
        }),
      ).rejects.toBeInstanceOf(CancelledError);
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  }, 400_000);

  it('a task that does not fit the model is refused with a clear message', async () => {
    const model = loadUseLiteBiEncoder({ base, tokenizer });
    try {
      const t = task('cross-bce');
      await expect(
        fit({
          model,
          examples: n,
          batchSize: 6,
          epochs: 1,
          learningRate: 1e-5,
          warmupFraction: 0,
          seed: 1,
          lossOf: (b) => taskLoss(model, task('bi-cosine-mse'), b),
          parallel: t,
          parallelThreads: 2,
        }),
      ).rejects.toThrow(/cross-bce task cannot train a bi-encoder/);
    } finally {
      model.dispose();
    }
  });
});
