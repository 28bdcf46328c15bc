import * as tf from '@tensorflow/tfjs';
import type { TrainableModel } from '../models/encoder';
import { CancelledError } from '../jobs/jobRunner';
import { planBatches, warmupLinear, type LengthGrouping } from './schedule';
import { DataParallelSteps, type ParallelTask } from './parallel/dataParallel';
import { shareGrads } from './parallel/shareGrads';
import { leanAdam } from './leanAdam';

/** What tfjs optimizers give from getWeights() and take in setWeights(), in order. */
export type OptimizerState = { name: string; tensor: tf.Tensor }[];

export interface FitOptions {
  model: TrainableModel;
  /** Number of training examples; batches are index sets into them. */
  examples: number;
  batchSize: number;
  epochs: number;
  learningRate: number;
  warmupFraction: number;
  seed: number;
  /** Issue 14: batches grouped by these example lengths (schedule.ts); none: random batches. */
  grouping?: LengthGrouping;
  /** Builds the loss of one batch; runs inside the optimizer's gradient tape. */
  lossOf(batch: Uint32Array): tf.Scalar;
  /** Resume: steps already done and the optimizer state saved with them. */
  startStep?: number;
  optimizerState?: OptimizerState;
  signal?: AbortSignal;
  onStep?(step: number, totalSteps: number, loss: number): void | Promise<void>;
  /** Called every `checkpointEvery` steps and, when cancelled, before stopping. */
  checkpointEvery?: number;
  onCheckpoint?(step: number, optimizer: tf.Optimizer): Promise<void>;
  /**
   * The same loss as plain data (issue 14): with it, and a model a worker thread can rebuild
   * (the built-in USE lite on wasm), each step is split over every core (parallel/dataParallel.ts),
   * with the same losses, weights and checkpoints as the single-threaded loop. `lossOf` must
   * compute exactly `taskLoss(model, parallel, batch)`; this thread's share still goes through it.
   */
  parallel?: ParallelTask;
  /** Participants of a parallel step (default: TENC_TRAIN_THREADS, else the cores, at most 4). */
  parallelThreads?: number;
  /** With `parallel`: rows per backward pass (default: TENC_GRAD_ROWS, else 8; shareGrads.ts). */
  gradRows?: number;
}

export interface FitResult {
  steps: number;
  meanLoss: number;
  /** Threads each step ran on (1: single-threaded). */
  threads: number;
}

export function fitSteps(examples: number, batchSize: number, epochs: number): number {
  return planBatches(examples, batchSize, epochs, 0).totalSteps;
}

/**
 * The one training loop of the engine: Adam with warm-up and linear decay over a deterministic
 * batch plan, so that resuming at step s continues exactly as an uninterrupted run would.
 */
export async function fit(o: FitOptions): Promise<FitResult> {
  const plan = planBatches(o.examples, o.batchSize, o.epochs, o.seed, o.grouping);
  const optimizer = leanAdam(o.learningRate);
  const variables = o.model.trainableVariables();
  if (o.optimizerState?.length) await optimizer.setWeights(o.optimizerState);
  let lossSum = 0;
  let lossCount = 0;
  const startStep = o.startStep ?? 0;
  const parallel = o.parallel && startStep < plan.totalSteps ? await DataParallelSteps.start(o.model, o.parallel, o.parallelThreads, o.gradRows) : undefined;
  try {
    for (let step = startStep; step < plan.totalSteps; step++) {
      if (o.signal?.aborted) {
        await o.onCheckpoint?.(step, optimizer);
        throw new CancelledError();
      }
      // AdamOptimizer reads its learning rate at every update.
      (optimizer as unknown as { learningRate: number }).learningRate = warmupLinear(step, plan.totalSteps, o.learningRate, o.warmupFraction);
      const batch = plan.batchAt(step);
      let loss: number;
      if (parallel) {
        const r = await parallel.step(step, batch, o.lossOf, variables);
        loss = r.loss;
        // A name -> gradient map, keyed in variable order as minimize() builds it (Adam's slot order
        // follows it, so checkpoints are interchangeable); tfjs types the map as variables.
        if (Number.isFinite(loss)) optimizer.applyGradients(r.grads as unknown as Record<string, tf.Variable>);
        tf.dispose(Object.values(r.grads));
      } else if (o.parallel) {
        // A loss that is a mean over rows: a few rows per backward pass (shareGrads.ts, memory).
        const r = shareGrads(o.lossOf, batch, 1, variables, o.gradRows);
        loss = r.loss;
        if (Number.isFinite(loss)) optimizer.applyGradients(r.grads as unknown as Record<string, tf.Variable>);
        tf.dispose(Object.values(r.grads));
      } else {
        const lossTensor = optimizer.minimize(() => o.lossOf(batch), true, variables);
        loss = lossTensor ? (await lossTensor.data())[0]! : NaN;
        lossTensor?.dispose();
      }
      if (!Number.isFinite(loss)) throw new Error(`training diverged: the loss became ${loss} at step ${step + 1}`);
      lossSum += loss;
      lossCount++;
      await o.onStep?.(step + 1, plan.totalSteps, loss);
      if (o.checkpointEvery && (step + 1) % o.checkpointEvery === 0 && step + 1 < plan.totalSteps) {
        await o.onCheckpoint?.(step + 1, optimizer);
      }
    }
  } finally {
    parallel?.dispose();
    optimizer.dispose();
  }
  return { steps: plan.totalSteps, meanLoss: lossCount ? lossSum / lossCount : NaN, threads: parallel?.participants ?? 1 };
}
