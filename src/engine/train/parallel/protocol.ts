/** Messages between the data-parallel trainer and its gradient workers (issue 14). */
import type { ParallelTask } from './task';

/** How a worker rebuilds the trainer's model (weights come through shared memory). */
export interface ModelRecipe {
  kind: 'bi' | 'cross';
  modelDir?: string;
  maxLength: number;
}

export interface GradWorkerInput {
  recipe: ModelRecipe;
  task: ParallelTask;
  /** SharedArrayBuffer: every trainable variable's values, in trainableVariables() order. */
  weights: SharedArrayBuffer;
  /** SharedArrayBuffer, this worker's own: its share-weighted gradients, same layout. */
  grads: SharedArrayBuffer;
  matmulThreads: number;
  /** Rows per backward pass (shareGrads.ts). */
  gradRows: number;
}

/** `version` changes whenever the trainer has written new weights. */
export type GradWorkerRequest = { type: 'step'; step: number; version: number; indices: number[]; weight: number };

/** Milliseconds a worker spent in each part of its last step (for profiles). */
export interface WorkerStepTimes {
  syncWeights: number;
  forwardBackward: number;
  writeGrads: number;
}

export type GradWorkerReply = { type: 'ready' } | { type: 'done'; step: number; loss: number; times: WorkerStepTimes } | { type: 'error'; message: string };
