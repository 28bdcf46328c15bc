/**
 * Weights in the project's own model format: one float32 safetensors file per model (a
 * standard, memory-mappable format that other tools read too). Writes are atomic (temporary
 * file, fsync, rename), so a crash leaves either the old file or the new one, never half.
 */
import { threadId } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import { readSafetensorsHeader, readTensorAsFloat32, writeSafetensors } from '../hf/safetensors';

export async function saveWeights(file: string, weights: ReadonlyMap<string, tf.Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  const tensors: { name: string; shape: number[]; data: Float32Array }[] = [];
  for (const [name, t] of weights) tensors.push({ name, shape: [...t.shape], data: (await t.data()) as Float32Array });
  writeFileAtomic(file, (tmp) => writeSafetensors(tmp, tensors, { format: 'tenc', ...metadata }));
}

/** Loads every tensor of a weights file; the caller owns (and disposes) the tensors. */
export async function loadWeights(file: string): Promise<Map<string, tf.Tensor>> {
  const header = readSafetensorsHeader(file);
  const out = new Map<string, tf.Tensor>();
  for (const [name, entry] of header.tensors) out.set(name, tf.tensor(await readTensorAsFloat32(entry), entry.shape, 'float32'));
  return out;
}

/** Raw float arrays (labels, optimizer moments) saved alongside weights in checkpoints. */
export async function saveArrays(file: string, arrays: ReadonlyMap<string, { shape: number[]; data: Float32Array }>): Promise<void> {
  const tensors = [...arrays].map(([name, a]) => ({ name, shape: a.shape, data: a.data }));
  writeFileAtomic(file, (tmp) => writeSafetensors(tmp, tensors, { format: 'tenc' }));
}

export async function loadArrays(file: string): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const header = readSafetensorsHeader(file);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, entry] of header.tensors) out.set(name, { shape: entry.shape, data: await readTensorAsFloat32(entry) });
  return out;
}

export function writeFileAtomic(file: string, write: (tmpPath: string) => void): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Per process and thread: a training worker and the engine may write the same file at once.
  const tmp = `${file}.tmp-${process.pid}-${threadId}`;
  write(tmp);
  const fd = fs.openSync(tmp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, (tmp) => fs.writeFileSync(tmp, JSON.stringify(value, null, 2)));
}
