/**
 * The estimate worker: times training steps and inference (`measureCosts`) off the engine's
 * main thread, on the backend a training worker would pick, and posts the costs back.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import type { BaseSpec } from '../models/modelFiles';
import { measureCosts, type CostItem } from './measureCosts';
import type { Measurement } from './estimate';
import type { TrainWorkerInput } from './protocol';

export interface EstimateWorkerInput {
  base: BaseSpec;
  items: CostItem[];
  backend?: TrainWorkerInput['backend'];
}

export type EstimateWorkerMessage = { type: 'started' } | ({ type: 'done' } & Measurement) | { type: 'error'; message: string };

const input = workerData as EstimateWorkerInput;
const post = (m: EstimateWorkerMessage) => parentPort!.postMessage(m);

async function main(): Promise<void> {
  post({ type: 'started' });
  const backend = await initBackend(input.backend ?? 'auto');
  const loadPerCore = os.loadavg()[0]! / Math.max(1, os.cpus().length);
  const costs = await measureCosts(input.base, input.items);
  post({ type: 'done', backend: backend.name, costs, loadPerCore });
}

main().catch((err) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
