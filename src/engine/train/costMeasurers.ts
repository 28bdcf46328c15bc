/**
 * Where cost measurements run. In a worker thread (the engine's main thread stays free to
 * answer while steps are timed, as it does while training); in-process where no worker can
 * start (a bundle built without the `estimateWorker` entry).
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { initBackend } from '../backend';
import { startWorker } from '../jobs/startWorker';
import type { BaseSpec } from '../models/modelFiles';
import type { Measurement, Measurer } from './estimate';
import type { EstimateWorkerInput, EstimateWorkerMessage } from './estimateWorker';
import { measureCosts, type CostItem } from './measureCosts';

/** Measures in this thread, yielding to the event loop between steps. */
export async function measureInProcess(base: BaseSpec, items: CostItem[]): Promise<Measurement> {
  const backend = await initBackend('auto');
  const loadPerCore = os.loadavg()[0]! / Math.max(1, os.cpus().length);
  const costs = await measureCosts(base, items, { yieldBetween: () => new Promise((r) => setImmediate(r)) });
  return { backend: backend.name, costs, loadPerCore };
}

class WorkerDidNotStart extends Error {}

function measureInWorker(base: BaseSpec, items: CostItem[], track: (w: Worker | null) => void): Promise<Measurement> {
  const input: EstimateWorkerInput = { base, items };
  let worker: Worker;
  try {
    worker = startWorker('estimateWorker', new URL('./estimateWorker.ts', import.meta.url), input as unknown as Record<string, unknown>);
  } catch (err) {
    return Promise.reject(new WorkerDidNotStart((err as Error).message));
  }
  track(worker);
  let started = false;
  return new Promise<Measurement>((resolve, reject) => {
    worker.on('message', (m: EstimateWorkerMessage) => {
      if (m.type === 'started') started = true;
      else if (m.type === 'done') resolve({ backend: m.backend, costs: m.costs, loadPerCore: m.loadPerCore });
      else reject(new Error(m.message));
    });
    worker.on('error', (err) => reject(started ? err : new WorkerDidNotStart(err.message)));
    worker.on('exit', (code) => reject(started ? new Error(`the estimate worker stopped (exit code ${code})`) : new WorkerDidNotStart(`exit code ${code}`)));
  }).finally(() => {
    track(null);
    void worker.terminate();
  });
}

/**
 * The measurer an engine uses: a worker thread, or this thread where the worker does not
 * start. `dispose` stops a measurement under way (the engine is closing).
 */
export function createEngineMeasurer(): { measure: Measurer; dispose(): void } {
  let current: Worker | null = null;
  let workerWorks = true;
  return {
    measure: async (base, items) => {
      if (workerWorks) {
        try {
          return await measureInWorker(base, items, (w) => (current = w));
        } catch (err) {
          if (!(err instanceof WorkerDidNotStart)) throw err;
          workerWorks = false;
        }
      }
      return measureInProcess(base, items);
    },
    dispose: () => {
      void current?.terminate();
      current = null;
    },
  };
}
