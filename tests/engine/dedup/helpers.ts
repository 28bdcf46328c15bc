/** Shared helpers of the dedup tests: generated texts, a toy embedder, temporary stores. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createStore, openDatabase, type Store } from '../../../src/engine/store';
import { seededRandom, shuffleInPlace } from '../../../src/engine/random';

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

export function onCleanup(fn: () => unknown): void {
  cleanups.push(async () => {
    await fn();
  });
}

/** A fresh temporary folder (under `base`, default the OS temp folder), removed after the test. */
export async function tempDir(prefix = 'tenc-dedup-', base = os.tmpdir()): Promise<string> {
  const dir = await fs.mkdtemp(path.join(base, prefix));
  onCleanup(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A migrated store in a temporary folder, closed after the test. */
export async function tempStore(): Promise<Store> {
  const dir = await tempDir('tenc-dedup-db-');
  const db = await openDatabase(path.join(dir, 'test.sqlite'));
  onCleanup(() => db.close());
  return createStore(db);
}

/** Seeded random numbers in [0, 1) (the engine's mulberry32). */
export const mulberry32 = seededRandom;

/** Pseudo-words (no real language, so no two generated texts share phrases by accident). */
export function makeVocabulary(n: number, seed = 1): string[] {
  const rand = mulberry32(seed);
  const syll = ['ka', 'lo', 'mi', 'ta', 're', 'su', 'ne', 'vo', 'pi', 'da', 'go', 'ru', 'se', 'bi', 'fe', 'zu'];
  const words = new Set<string>();
  while (words.size < n) {
    const len = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < len; i++) w += syll[Math.floor(rand() * syll.length)];
    words.add(w);
  }
  return [...words];
}

/** A text of `words` random words from `vocab`, split into sentences of 12 words. */
export function randomText(vocab: readonly string[], words: number, rand: () => number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = vocab[Math.floor(rand() * vocab.length)];
    if (i % 12 === 0) w = w[0].toUpperCase() + w.slice(1);
    out.push(i % 12 === 11 || i === words - 1 ? `${w}.` : w);
  }
  return out.join(' ');
}

/** Replaces `n` words (at evenly spread positions) by words not in the text. */
export function changeWords(text: string, n: number, rand: () => number): string {
  const words = text.split(' ');
  const step = Math.max(1, Math.floor(words.length / (n + 1)));
  for (let k = 1; k <= n; k++) {
    const i = Math.min(words.length - 1, k * step);
    words[i] = `zz${Math.floor(rand() * 1e9).toString(36)}`;
  }
  return words.join(' ');
}

/** The same words in another order: a "paraphrase" for the toy embedder, not for MinHash. */
export function shuffleWords(text: string, rand: () => number): string {
  const words = text.replace(/\./g, '').toLowerCase().split(/\s+/).filter(Boolean);
  return `${shuffleInPlace(words, rand).join(' ')}.`;
}

/**
 * A deterministic toy bi-encoder: a bag of hashed character trigrams of each word, 256
 * dimensions, L2-normalised. Texts with the same words (in any order) embed identically;
 * unrelated texts land far apart.
 */
export function toyEmbed(texts: string[]): Promise<Float32Array[]> {
  return Promise.resolve(texts.map(toyVector));
}

export const TOY_DIM = 256;

export function toyVector(text: string): Float32Array {
  const v = new Float32Array(TOY_DIM);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const w = ` ${word} `;
    for (let i = 0; i + 3 <= w.length; i++) {
      let h = 2166136261;
      for (let k = i; k < i + 3; k++) h = Math.imul(h ^ w.charCodeAt(k), 16777619);
      h >>>= 0;
      v[h % TOY_DIM] += (h & 0x100) === 0 ? 1 : -1;
    }
  }
  let s = 0;
  for (let i = 0; i < TOY_DIM; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < TOY_DIM; i++) v[i] *= inv;
  return v;
}

/** Writes files (relative path → content) under `root`, creating folders. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, content);
  }
}
