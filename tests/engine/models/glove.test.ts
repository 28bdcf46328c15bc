/** GloVe: one-time conversion of the package JSON, loading, tokenisation and SIF. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  convertGloveJson,
  firstPrincipalComponent,
  ensureGloveConverted,
  GloveUnavailableError,
  gloveTokenIds,
  loadGlove,
  loadGloveVectors,
  readGloveMeta,
  unloadGloveVectors,
} from '../../../src/engine/models/glove';
import { FIXTURE_DIM, fixtureWords, writeGloveFixture } from './glove-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-glove-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const { file, vectors } = writeGloveFixture(path.join(tmp, 'pkg'));

describe('convertGloveJson', () => {
  it('writes every vector at its frequency rank, whatever the chunk boundaries, and reports progress', () => {
    for (const chunkBytes of [7, 64, 1 << 20]) {
      const outDir = path.join(tmp, `out-${chunkBytes}`);
      const progress: number[] = [];
      const meta = convertGloveJson({ source: file, outDir, chunkBytes, onProgress: (p) => progress.push(p.words) });
      expect(meta).toMatchObject({ format: 'tenc-glove', size: fixtureWords().length, dim: FIXTURE_DIM });
      expect(progress.at(-1)).toBe(fixtureWords().length);
      const loaded = loadGloveVectors({ dir: outDir, convert: false });
      expect(loaded.words).toEqual(fixtureWords());
      for (const [i, word] of fixtureWords().entries()) {
        expect(loaded.index.get(word)).toBe(i);
        expect(Array.from(loaded.matrix.subarray(i * FIXTURE_DIM, (i + 1) * FIXTURE_DIM))).toEqual(vectors.get(word)!.map((x) => Math.fround(x)));
      }
    }
  });

  it('converts once: a complete folder is reused, not parsed again', () => {
    const dataDir = path.join(tmp, 'data-once');
    const dir = ensureGloveConverted({ dataDir, source: file });
    expect(dir).toBe(path.join(dataDir, 'models', 'glove-6b-100d'));
    const stamp = readGloveMeta(dir)!.convertedAt;
    ensureGloveConverted({ dataDir, source: path.join(tmp, 'does-not-exist.json') });
    expect(readGloveMeta(dir)!.convertedAt).toBe(stamp);
  });

  it('refuses a missing or malformed file with a clear message and keeps an earlier conversion', () => {
    const outDir = path.join(tmp, 'keep');
    convertGloveJson({ source: file, outDir });
    const before = fs.readFileSync(path.join(outDir, 'vectors.f32'));
    expect(() => convertGloveJson({ source: path.join(tmp, 'nope.json'), outDir })).toThrow(GloveUnavailableError);
    expect(() => convertGloveJson({ source: path.join(tmp, 'nope.json'), outDir })).toThrow(/does not exist/);
    const text = fs.readFileSync(file, 'utf8');
    const bad = [
      ['truncated', text.slice(0, Math.floor(text.length * 0.6))],
      ['not json', 'hello'],
      ['wrong size', text.replace(/"size":\d+/, '"size":99')],
      ['vectors first', `{"vectors":{},"size":1}`],
    ] as const;
    for (const [name, content] of bad) {
      const f = path.join(tmp, `bad-${name.replace(/ /g, '-')}.json`);
      fs.writeFileSync(f, content);
      expect(() => convertGloveJson({ source: f, outDir, chunkBytes: 13 }), name).toThrow(/not a word-vector file of the expected shape/);
    }
    expect(readGloveMeta(outDir)).not.toBeNull();
    expect(fs.readFileSync(path.join(outDir, 'vectors.f32')).equals(before)).toBe(true);
  });

  it('does not load an incomplete folder', () => {
    const outDir = path.join(tmp, 'incomplete');
    convertGloveJson({ source: file, outDir });
    fs.truncateSync(path.join(outDir, 'vectors.f32'), 100);
    unloadGloveVectors();
    expect(() => loadGloveVectors({ dir: outDir, convert: false })).toThrow(/delete the folder to convert again/);
    fs.rmSync(path.join(outDir, 'meta.json'));
    expect(() => loadGloveVectors({ dir: outDir, convert: false })).toThrow(/no converted GloVe vectors/);
  });
});

describe('tokenisation and SIF', () => {
  const dir = path.join(tmp, 'sif');
  convertGloveJson({ source: file, outDir: dir });
  const sif = loadGlove({ dir, convert: false });
  const words = (t: string) => gloveTokenIds(t, sif.vectors.index).map((i) => sif.vectors.words[i]);

  it('lower-cases, splits punctuation and clitics, keeps known compounds and skips unknown words', () => {
    expect(words("The dog isn't eating.")).toEqual(['the', 'dog', 'is', "n't", 'eating', '.']);
    expect(words("A woman doesn't run, the man's dog runs")).toEqual(['a', 'woman', "n't", ',', 'the', 'man', "'s", 'dog', 'runs']);
    expect(words('A CROSS-COUNTRY dog-park in the U.S.')).toEqual(['a', 'cross-country', 'dog', 'park', 'in', 'the', 'u.s.']);
    expect(words('Café, “quoted” zzzz')).toEqual(['café', ',']);
  });

  it('embeds texts as unit vectors; a paraphrase is closer than an unrelated text; unknown-only text gives zeros', () => {
    const [a, b, c, empty] = sif.embed(['A man is playing the guitar.', 'Someone plays music on a piano.', 'Stock prices fell in the market.', 'zzz qqq']);
    const cos = (u: Float32Array, v: Float32Array) => u.reduce((s, x, d) => s + x * v[d]!, 0);
    expect(cos(a!, a!)).toBeCloseTo(1, 5);
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!) + 0.2);
    expect(Array.from(empty!).every((x) => x === 0)).toBe(true);
    // The component can be estimated on the texts given (the SIF paper's way): every embedding is then orthogonal to it.
    const texts = ['A man is playing the guitar.', 'Someone plays music on a piano.', 'Stock prices fell in the market.', 'The dog runs in the park.'];
    const own = sif.embed(texts, { component: 'texts' });
    const u = firstPrincipalComponent(sif.averages(texts), sif.dim);
    for (const v of own) expect(Math.abs(cos(v, u))).toBeLessThan(1e-5);
    expect(Math.abs(cos(u, sif.referenceComponent()))).toBeLessThan(0.9999);
  });
});
