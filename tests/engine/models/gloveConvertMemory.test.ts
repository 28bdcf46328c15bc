/**
 * Issue 14: converting the GloVe JSON keeps the words, not the text they were cut from. V8 cuts
 * a slice of 13+ characters as a view of its parent string, so each long word held its 1 MB
 * chunk alive and a conversion of the 307 MB package held all of it until the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, expect, it } from 'vitest';
import { convertGloveJson } from '../../../src/engine/models/glove';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-glove-memory-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

it('holds no chunk of the source text while converting', () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // 400 words of 16+ characters, each followed by 64 KB of blank space (valid JSON): 26 MB of text.
  const dim = 4;
  const size = 400;
  const pad = ' '.repeat(64 * 1024);
  const entries = Array.from({ length: size }, (_, i) => {
    const vector = Array.from({ length: dim }, (_, d) => Math.sin(i * 7 + d * 3).toFixed(5));
    return `"longword-number-${String(i).padStart(5, '0')}":[${vector.join(',')},1,${i}]${pad}`;
  });
  const source = path.join(tmp, 'vectors.json');
  fs.writeFileSync(
    source,
    `{"precision":5,"l2NormIndex":${dim},"wordIndex":${dim + 1},"size":${size},"dimensions":${dim},"vectors":{${entries.join(',')}},"unkVector":[0,0,0,0]}`,
  );
  expect(fs.statSync(source).size).toBeGreaterThan(25e6);

  gc();
  const before = process.memoryUsage().heapUsed;
  let held = -1;
  convertGloveJson({
    source,
    outDir: path.join(tmp, 'out'),
    // The last report comes after every word is read, while the words are still held.
    onProgress: (p) => {
      if (p.words !== size) return;
      gc();
      held = process.memoryUsage().heapUsed - before;
    },
  });
  expect(held).toBeGreaterThan(0);
  expect(held).toBeLessThan(4e6);
  expect(fs.readFileSync(path.join(tmp, 'out', 'vocab.txt'), 'utf8').split('\n')[399]).toBe('longword-number-00399');
});
