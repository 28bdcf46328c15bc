/**
 * The compact GloVe folder in memory: the matrix is read as one buffer (no parsing) and the
 * vocabulary is a JSON array, so loading takes well under a second. Loaded folders are shared by
 * every GloVe model of the process (they are read-only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertGloveJson, GLOVE_FORMAT_VERSION, type ConvertProgress, type GloveMeta } from './convert';
import { defaultGloveDir, gloveDirOf, glovePackageJson, GloveUnavailableError } from './location';

export interface GloveVectors {
  dir: string;
  size: number;
  dim: number;
  /** Row i: the vector of the word of frequency rank i (0 = most frequent). */
  matrix: Float32Array;
  words: readonly string[];
  index: ReadonlyMap<string, number>;
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
  convertGloveJson({ source: o.source ?? glovePackageJson(), outDir: dir, onProgress: o.onProgress });
  return dir;
}

/** Loads (converting first if needed) the GloVe vectors; cached per folder. */
export function loadGloveVectors(o: LoadGloveOptions = {}): GloveVectors {
  const dir = resolveGloveDir(o);
  const cached = loaded.get(dir);
  if (cached) return cached;
  ensureGloveConverted({ ...o, dir });
  const meta = readGloveMeta(dir)!;
  const bytes = fs.readFileSync(path.join(dir, 'vectors.f32'));
  if (bytes.byteLength !== meta.size * meta.dim * 4) {
    throw new GloveUnavailableError(`${dir}/vectors.f32 has ${bytes.byteLength} bytes, expected ${meta.size * meta.dim * 4}: delete the folder to convert again`);
  }
  // Buffers from readFileSync may share a pool at an unaligned offset; large ones do not, but copy if so.
  const matrix = bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, meta.size * meta.dim) : new Float32Array(new Uint8Array(bytes).buffer);
  const words = JSON.parse(fs.readFileSync(path.join(dir, 'vocab.json'), 'utf8')) as string[];
  if (words.length !== meta.size) throw new GloveUnavailableError(`${dir}/vocab.json has ${words.length} words, expected ${meta.size}: delete the folder to convert again`);
  const index = new Map<string, number>();
  words.forEach((w, i) => {
    if (!index.has(w)) index.set(w, i);
  });
  const vectors: GloveVectors = { dir, size: meta.size, dim: meta.dim, matrix, words, index };
  loaded.set(dir, vectors);
  return vectors;
}

/** Forgets loaded folders (tests; memory). */
export function unloadGloveVectors(): void {
  loaded.clear();
}
