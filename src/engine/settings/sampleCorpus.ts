/**
 * The sample corpus shipped with the app (resources/sample-corpus), for the guided tour: copied
 * into the data folder, so that a duplicate scan of it may move files into quarantine without
 * touching the app's own files, and so that a person can delete it like any other folder.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SAMPLE_FOLDER = 'sample-corpus';

/** The shipped folder: searched upwards from this module (source tree, CLI and bundled builds differ in depth). */
export function shippedSampleDir(from = import.meta.dirname): string | null {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources', SAMPLE_FOLDER);
    if (fs.existsSync(path.join(candidate, 'README.txt'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** Copies the shipped sample into `<dataDir>/sample-corpus` (missing files only) and returns that folder. */
export function sampleCorpusCopy(dataDir: string, shipped = shippedSampleDir()): string {
  if (!shipped) throw new Error('the sample corpus is not installed with this copy of the app (resources/sample-corpus)');
  const dest = path.join(dataDir, SAMPLE_FOLDER);
  fs.mkdirSync(dest, { recursive: true });
  for (const name of fs.readdirSync(shipped)) {
    const from = path.join(shipped, name);
    const to = path.join(dest, name);
    if (fs.statSync(from).isFile() && !fs.existsSync(to)) fs.copyFileSync(from, to);
  }
  return dest;
}
