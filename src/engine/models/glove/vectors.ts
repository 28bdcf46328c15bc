/**
 * The compact GloVe folder in memory: the matrix is read as one buffer (no parsing) and the
 * vocabulary is a JSON array, so loading takes well under a second. Loaded folders are shared by
 * every GloVe model of the process (they are read-only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertGloveJson, GLOVE_FORMAT_VERSION, type ConvertProgress, type GloveMeta } from './convert';
import { WordIndex } from './wordIndex';
import { defaultGloveDir, gloveDirOf, glovePackageJson, GloveUnavailableError } from './location';

export interface GloveVectors {
  dir: string;
  size: number;
  dim: number;
  /** Row i: the vector of the word of frequency rank i (0 = most frequent). */
  matrix: Float32Array;
  words: readonly string[];
  /** SIF's reference component, stored at conversion. */
  referenceComponent?: Float32Array;
  /** word -> rank (the first of duplicate words). */
  index: Pick<WordIndex, 'get' | 'has'>;
}

export interface LoadGloveOptions {
  /** The app's data folder (the compact copy lives in `models/glove-6b-100d/` under it). */
  dataDir?: string;
  /** The compact folder itself (overrides dataDir). */
  dir?: string;
  /** Convert from the npm package when the compact folder is missing (default true). */
  convert?: boolean;
  /** The JSON to convert from (default: the npm package's). */
  source?: string;
  onProgress?(p: ConvertProgress): void;
}

const loaded = new Map<string, GloveVectors>();
let conversionListener: ((p: ConvertProgress) => void) | null = null;

/**
 * Where conversions started without their own onProgress report (a model loaded by the engine
 * on first use): the CLI prints them, so the one-time wait is visible.
 */
export function onGloveConversionProgress(listener: ((p: ConvertProgress) => void) | null): void {
  conversionListener = listener;
}

export function resolveGloveDir(o: Pick<LoadGloveOptions, 'dataDir' | 'dir'> = {}): string {
  return o.dir ? path.resolve(o.dir) : o.dataDir ? gloveDirOf(o.dataDir) : defaultGloveDir();
}

export function readGloveMeta(dir: string): GloveMeta | null {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as GloveMeta;
    return meta.format === 'tenc-glove' && meta.version === GLOVE_FORMAT_VERSION ? meta : null;
  } catch {
    return null;
  }
}

/** Converts the package JSON into the compact folder unless a complete conversion is there. */
export function ensureGloveConverted(o: LoadGloveOptions = {}): string {
  const dir = resolveGloveDir(o);
  if (readGloveMeta(dir)) return dir;
  if (o.convert === false) throw new GloveUnavailableError(`no converted GloVe vectors in ${dir}`);
  convertGloveJson({ source: o.source ?? glovePackageJson(), outDir: dir, onProgress: o.onProgress ?? conversionListener ?? undefined });
  return dir;
}

/** Loads (converting first if needed) the GloVe vectors; cached per folder. */
export function loadGloveVectors(o: LoadGloveOptions = {}): GloveVectors {
  const dir = path.resolve(resolveGloveDir(o));
  const cached = loaded.get(dir);
  if (cached) return cached;
  ensureGloveConverted({ ...o, dir });
  const meta = readGloveMeta(dir)!;
  const bytes = fs.readFileSync(path.join(dir, 'vectors.f32'));
  if (bytes.byteLength !== meta.size * meta.dim * 4) {
    throw new GloveUnavailableError(
      `${dir}/vectors.f32 has ${bytes.byteLength} bytes, expected ${meta.size * meta.dim * 4}: delete the folder to convert again`,
    );
  }
  const matrix = alignedFloat32(bytes);
  const words = fs.readFileSync(path.join(dir, 'vocab.txt'), 'utf8').split('\n');
  if (words.length !== meta.size)
    throw new GloveUnavailableError(`${dir}/vocab.txt has ${words.length} words, expected ${meta.size}: delete the folder to convert again`);
  const table = alignedUint32(fs.readFileSync(path.join(dir, 'vocab.hash')));
  let index: WordIndex;
  try {
    index = new WordIndex(words, table);
  } catch {
    throw new GloveUnavailableError(`${dir}/vocab.hash is damaged: delete the folder to convert again`);
  }
  const vectors: GloveVectors = { dir, size: meta.size, dim: meta.dim, matrix, words, index, referenceComponent: Float32Array.from(meta.referenceComponent) };
  loaded.set(dir, vectors);
  return vectors;
}

// Buffers from readFileSync may sit at an unaligned offset of a shared pool (small files): copy then.
function alignedFloat32(bytes: Buffer): Float32Array {
  return bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : new Float32Array(new Uint8Array(bytes).buffer);
}

function alignedUint32(bytes: Buffer): Uint32Array {
  return bytes.byteOffset % 4 === 0
    ? new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4))
    : new Uint32Array(new Uint8Array(bytes).buffer);
}

/** Forgets loaded folders, or the one folder `dir` (tests; memory). */
export function unloadGloveVectors(dir?: string): void {
  if (dir === undefined) loaded.clear();
  else loaded.delete(path.resolve(dir));
}

/** Whether the vectors of `dir` are held in memory now. */
export function gloveVectorsLoaded(dir: string): boolean {
  return loaded.has(path.resolve(dir));
}
