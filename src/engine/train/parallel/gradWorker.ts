/**
 * A data-parallel gradient worker (issue 14): holds a copy of the built-in USE lite model,
 * and per step reads the current weights from shared memory, computes the loss and gradients
 * of its share of the batch, and writes the share-weighted gradients back to shared memory.
 * The optimizer step itself happens once, on the trainer's thread (dataParallel.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../backend';
import { heapView } from '../../backend/heapView';
import { installNativeMatMul } from '../../backend/nativeMatMul';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../models/use-lite';
import { shareGrads } from './shareGrads';
import { taskLoss } from './task';
import type { GradWorkerInput, GradWorkerReply, GradWorkerRequest } from './protocol';

const input = workerData as GradWorkerInput;
const post = (m: GradWorkerReply) => parentPort!.postMessage(m);

async function main(): Promise<void> {
  const backend = await initBackend('wasm');
  if (backend.name !== 'wasm') throw new Error(`gradient worker needs the wasm backend, got ${backend.name}`);
  installNativeMatMul({ threads: input.matmulThreads });
  const options = { modelDir: input.recipe.modelDir, maxLength: input.recipe.maxLength };
  const model = input.recipe.kind === 'bi' ? loadUseLiteBiEncoder(options) : loadUseLiteCrossEncoder(options);
  const variables = model.trainableVariables();
  const weights = new Float32Array(input.weights);
  const grads = new Float32Array(input.grads);
  const offsets: number[] = [];
  let total = 0;
  for (const v of variables) {
    offsets.push(total);
    total += v.size;
  }
  if (total !== weights.length) throw new Error(`the worker's model has ${total} parameters, the trainer's ${weights.length}`);
  let version = -1;
  post({ type: 'ready' });

  parentPort!.on('message', (m: GradWorkerRequest) => {
    if (m.type !== 'step') return;
    try {
      const t0 = performance.now();
      if (m.version !== version) {
        // Through new tensors: writing the variables' heap memory in place (heapView) broke the
        // cross-encoder's 1e-4 loss agreement (4.1e-4 over 20 steps, vs 4.2e-7 this way).
        tf.tidy(() => variables.forEach((v, k) => v.assign(tf.tensor(weights.subarray(offsets[k]!, offsets[k]! + v.size), v.shape, 'float32'))));
        version = m.version;
      }
      const t1 = performance.now();
      // The loss is weighted by the share inside the tape, so the gradients come out weighted.
      const { loss, grads: g } = shareGrads((rows) => taskLoss(model, input.task, rows), Uint32Array.from(m.indices), m.weight, variables, input.gradRows);
      try {
        const t2 = performance.now();
        variables.forEach((v, k) => {
          const region = grads.subarray(offsets[k]!, offsets[k]! + v.size);
          const t = g[v.name];
          if (!t) {
            region.fill(0);
            return;
          }
          // Straight from the wasm heap (one copy), else through dataSync.
          region.set(heapView(t) ?? (t.dataSync() as Float32Array));
        });
        const times = { syncWeights: t1 - t0, forwardBackward: t2 - t1, writeGrads: performance.now() - t2 };
        post({ type: 'done', step: m.step, loss, times });
      } finally {
        tf.dispose(Object.values(g));
      }
    } catch (err) {
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });
}

main().catch((err) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
