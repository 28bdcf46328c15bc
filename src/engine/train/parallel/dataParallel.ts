/**
 * Data-parallel training steps on every core (issue 14). Node gives the wasm backend one
 * thread, so a training step of the built-in model used one core. Here each step's batch is
 * split (by length, so each share pads less: task.ts `splitBatch`) between this thread and
 * N-1 gradient workers (gradWorker.ts), each holding a copy of the model:
 *
 *   1. the trainer writes the current weights into shared memory (when they changed),
 *   2. every participant computes the loss and gradients of its share, weighted by its share
 *      of the batch (a batch loss is a mean over rows, so the weighted sum is the batch's),
 *   3. the trainer sums the gradients and applies the one optimizer step (fit.ts).
 *
 * Weights, Adam state, checkpoints and resume stay exactly those of the single-threaded path:
 * workers hold nothing between steps but a copy of the weights. Matrix products run natively
 * with one thread per participant (backend/nativeMatMul.ts). Only the built-in USE lite
 * encoders (exactly those classes) can be rebuilt in a worker; `startDataParallel` returns
 * undefined for anything else, and fit() then trains single-threaded as before.
 *
 * TENC_TRAIN_THREADS sets the number of participants (default: the machine's cores, at most
 * 4; 1 turns data parallelism off).
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { currentBackend } from '../../backend';
import { installNativeMatMul, nativeMatMulInfo, uninstallNativeMatMul } from '../../backend/nativeMatMul';
import { heapView } from '../../backend/heapView';
import { startWorker } from '../../jobs/startWorker';
import type { TrainableModel } from '../../models/encoder';
import { UseLiteBiEncoder } from '../../models/use-lite/biEncoder';
import { UseLiteCrossEncoder } from '../../models/use-lite/crossEncoder';
import type { GradWorkerInput, GradWorkerReply, GradWorkerRequest, ModelRecipe, WorkerStepTimes } from './protocol';
import { gradRows, shareGrads } from './shareGrads';
import { type ParallelTask, splitBatch, taskPair } from './task';

export type { ParallelTask } from './task';

/** The worker-side description of `model`, or undefined when a worker cannot rebuild it. */
export function parallelRecipe(model: TrainableModel): ModelRecipe | undefined {
  if (model instanceof UseLiteBiEncoder && model.constructor === UseLiteBiEncoder) return { kind: 'bi', modelDir: model.modelDir, maxLength: model.maxLength };
  if (model instanceof UseLiteCrossEncoder && model.constructor === UseLiteCrossEncoder)
    return { kind: 'cross', modelDir: model.modelDir, maxLength: model.maxLength };
  return undefined;
}

/** Participants in a data-parallel step (this thread included). */
export function trainThreads(env: Record<string, string | undefined> = process.env): number {
  const raw = env['TENC_TRAIN_THREADS'];
  const n = raw ? Number(raw) : NaN;
  if (Number.isInteger(n) && n >= 1) return n;
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 4));
}

/** Milliseconds summed over the steps since the last `resetProfile()`, per part of a step. */
export interface StepProfile {
  steps: number;
  /** Trainer: copying changed weights into shared memory. */
  syncWeights: number;
  /** Trainer: its own share's forward and backward pass. */
  ownForwardBackward: number;
  /** Trainer: waiting for the workers after its own share. */
  waitWorkers: number;
  /** Trainer: summing the shares' gradients into one tensor per variable. */
  sumGrads: number;
  /** Workers (mean over workers): reading weights, forward and backward, writing gradients. */
  worker: WorkerStepTimes;
}

function emptyProfile(): StepProfile {
  return { steps: 0, syncWeights: 0, ownForwardBackward: 0, waitWorkers: 0, sumGrads: 0, worker: { syncWeights: 0, forwardBackward: 0, writeGrads: 0 } };
}

interface Pending {
  resolve(loss: number): void;
  reject(err: Error): void;
}

export class DataParallelSteps {
  private version = 0;
  private synced = -1;
  private readonly pending = new Map<Worker, Pending>();
  private failure: Error | undefined;
  private readonly lengths = new Map<number, number>();
  profile: StepProfile = emptyProfile();

  private constructor(
    private readonly model: UseLiteBiEncoder | UseLiteCrossEncoder,
    private readonly task: ParallelTask,
    private readonly workers: Worker[],
    private readonly weights: Float32Array,
    private readonly grads: Float32Array[],
    private readonly restoreMatMul: () => void,
    private readonly gradRows: number,
  ) {
    for (const w of workers) {
      w.on('message', (m: GradWorkerReply) => {
        const p = this.pending.get(w);
        if (m.type === 'ready') return;
        this.pending.delete(w);
        if (m.type === 'done') {
          const w = this.profile.worker;
          const share = 1 / this.workers.length;
          w.syncWeights += m.times.syncWeights * share;
          w.forwardBackward += m.times.forwardBackward * share;
          w.writeGrads += m.times.writeGrads * share;
          p?.resolve(m.loss);
        } else this.fail(new Error(`a training worker failed: ${m.message}`));
      });
      w.on('error', (err) => this.fail(new Error(`a training worker failed: ${err.message}`)));
      w.on('exit', (code) => this.fail(new Error(`a training worker stopped (exit code ${code})`)));
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /** Starts the workers (resolves once every one holds the model), or undefined when not possible. */
  static async start(model: TrainableModel, task: ParallelTask, participants = trainThreads(), maxRows = gradRows()): Promise<DataParallelSteps | undefined> {
    const recipe = parallelRecipe(model);
    if (!recipe || participants < 2 || currentBackend()?.name !== 'wasm') return undefined;
    if ((recipe.kind === 'bi') !== (task.loss === 'bi-cosine-mse')) throw new Error(`a ${task.loss} task cannot train a ${recipe.kind}-encoder`);
    const variables = model.trainableVariables();
    const total = variables.reduce((s, v) => s + v.size, 0);
    const weights = new Float32Array(new SharedArrayBuffer(total * 4));
    const grads: Float32Array[] = [];
    const workers: Worker[] = [];
    // One native matmul thread per participant: the cores are shared out by the batch split.
    const before = nativeMatMulInfo()?.threads;
    if (before !== undefined) installNativeMatMul({ threads: 1 });
    const restoreMatMul = () => {
      if (before === undefined) return;
      if (installNativeMatMul({ threads: before }) !== null) uninstallNativeMatMul();
    };
    try {
      for (let k = 1; k < participants; k++) {
        const g = new Float32Array(new SharedArrayBuffer(total * 4));
        grads.push(g);
        const input: GradWorkerInput = {
          recipe,
          task,
          weights: weights.buffer as SharedArrayBuffer,
          grads: g.buffer as SharedArrayBuffer,
          matmulThreads: 1,
          gradRows: maxRows,
        };
        workers.push(startWorker('gradWorker', new URL('./gradWorker.ts', import.meta.url), input as unknown as Record<string, unknown>));
      }
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const onMessage = (m: GradWorkerReply) => {
                if (m.type === 'ready') resolve();
                else if (m.type === 'error') reject(new Error(`a training worker did not start: ${m.message}`));
              };
              w.on('message', onMessage);
              w.once('error', reject);
              w.once('exit', (code) => reject(new Error(`a training worker stopped while starting (exit code ${code})`)));
            }),
        ),
      );
    } catch (err) {
      for (const w of workers) void w.terminate();
      restoreMatMul();
      throw err;
    }
    return new DataParallelSteps(model as UseLiteBiEncoder | UseLiteCrossEncoder, task, workers, weights, grads, restoreMatMul, maxRows);
  }

  resetProfile(): void {
    this.profile = emptyProfile();
  }

  get participants(): number {
    return this.workers.length + 1;
  }

  private lengthOf(i: number): number {
    let len = this.lengths.get(i);
    if (len === undefined) {
      const [a, b] = taskPair(this.task, i);
      const max = this.task.maxLength;
      len =
        this.model instanceof UseLiteCrossEncoder
          ? this.model.tokenizer.encodePair(a, b, { maxLength: max }).ids.length
          : Math.max(this.model.tokenizer.encode(a, { maxLength: max }).ids.length, this.model.tokenizer.encode(b, { maxLength: max }).ids.length);
      this.lengths.set(i, len);
    }
    return len;
  }

  /**
   * Every share's loss and gradients: this thread's with `lossOf` (its gradients as tensors,
   * already weighted by its share of the batch: the loss is scaled inside the tape), the
   * workers' in their shared memory. Returns the batch loss.
   */
  private async shares(
    step: number,
    batch: Uint32Array,
    lossOf: (batch: Uint32Array) => tf.Scalar,
    variables: tf.Variable[],
  ): Promise<{ loss: number; ownGrads: tf.NamedTensorMap; parts: Float32Array[] }> {
    if (this.failure) throw this.failure;
    const shares = splitBatch(batch, (i) => this.lengthOf(i), this.participants);
    // This thread takes the shortest share: it also sums the gradients and steps the optimizer.
    const own = shares[0]!;
    const size = batch.length;
    const t0 = performance.now();
    if (this.synced !== this.version) {
      let offset = 0;
      for (const v of variables) {
        this.weights.set(heapView(v) ?? (v.dataSync() as Float32Array), offset);
        offset += v.size;
      }
      this.synced = this.version;
    }
    const busy: Array<{ k: number; done: Promise<number> }> = [];
    this.workers.forEach((w, k) => {
      const indices = shares[k + 1]!;
      if (!indices.length) return;
      const done = new Promise<number>((resolve, reject) => this.pending.set(w, { resolve, reject }));
      const request: GradWorkerRequest = { type: 'step', step, version: this.version, indices, weight: indices.length / size };
      w.postMessage(request);
      busy.push({ k, done });
    });
    const t1 = performance.now();
    let ownLoss = 0;
    let ownGrads: tf.NamedTensorMap = {};
    if (own.length) {
      const r = shareGrads(lossOf, Uint32Array.from(own), own.length / size, variables, this.gradRows);
      ownLoss = r.loss;
      ownGrads = r.grads;
    }
    const t2 = performance.now();
    let losses: number[];
    try {
      losses = await Promise.all(busy.map((b) => b.done));
    } catch (err) {
      tf.dispose(Object.values(ownGrads));
      throw err;
    }
    const p = this.profile;
    p.steps++;
    p.syncWeights += t1 - t0;
    p.ownForwardBackward += t2 - t1;
    p.waitWorkers += performance.now() - t2;
    return { loss: ownLoss + losses.reduce((s, l) => s + l, 0), ownGrads, parts: busy.map((b) => this.grads[b.k]!) };
  }

  /**
   * One step's loss and gradients over `batch`: this thread computes its share with `lossOf`
   * (the caller's own loss), the workers theirs with the task's. The caller owns the gradients.
   */
  async step(
    step: number,
    batch: Uint32Array,
    lossOf: (batch: Uint32Array) => tf.Scalar,
    variables: tf.Variable[],
  ): Promise<{ loss: number; grads: tf.NamedTensorMap }> {
    const { loss, ownGrads, parts } = await this.shares(step, batch, lossOf, variables);
    const t0 = performance.now();
    const grads = this.summedGrads(variables, ownGrads, parts);
    tf.dispose(Object.values(ownGrads));
    this.profile.sumGrads += performance.now() - t0;
    this.version++;
    return { loss, grads };
  }

  /** own + parts[0] + parts[1] + ... per variable, as tensors the caller owns. */
  private summedGrads(variables: tf.Variable[], ownGrads: tf.NamedTensorMap, parts: Float32Array[]): tf.NamedTensorMap {
    const grads: tf.NamedTensorMap = {};
    let offset = 0;
    for (const v of variables) {
      const at = offset;
      offset += v.size;
      grads[v.name] = tf.tidy(() => {
        const own = ownGrads[v.name];
        let g: tf.Tensor = own ? own.clone() : tf.zeros(v.shape);
        for (const part of parts) g = tf.add(g, tf.tensor(part.subarray(at, at + v.size), v.shape, 'float32'));
        return g;
      });
    }
    return grads;
  }

  dispose(): void {
    this.fail(new Error('training stopped'));
    for (const w of this.workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
    this.restoreMatMul();
  }
}
