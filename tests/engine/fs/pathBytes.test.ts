import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bytesToPathString, displayPath, pathStringToBytes, toFsPath } from '../../../src/engine/fs/pathBytes';
import { walkFolder } from '../../../src/engine/text/walkFolder';
import { readDocument } from '../../../src/engine/text/readDocument';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

describe('pathBytes', () => {
  it('gives every byte string a string form that turns back into the same bytes', () => {
    const samples = [
      Buffer.from('plain.txt'),
      Buffer.from('café – naïve ☃ 𝄞.md'),
      Buffer.from([0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]), // \xff\xfe.txt
      Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
      Buffer.from([0xe2, 0x82]), // a truncated UTF-8 sequence
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded UTF-16 surrogate (not valid UTF-8)
      Buffer.from('\uf7a0 and \uf7ff are reserved'), // real characters of the escape range
    ];
    for (const b of samples) expect([...pathStringToBytes(bytesToPathString(b))]).toEqual([...b]);
    // Random byte strings too.
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (let n = 0; n < 2000; n++) {
      const b = Buffer.from(Array.from({ length: 1 + (n % 12) }, rand));
      expect([...pathStringToBytes(bytesToPathString(b))]).toEqual([...b]);
    }
  });

  it('leaves valid UTF-8 names as they are and shows raw bytes as \\xFF in messages', () => {
    expect(bytesToPathString(Buffer.from('café.txt'))).toBe('café.txt');
    expect(toFsPath('/a/café.txt')).toBe('/a/café.txt');
    const odd = bytesToPathString(Buffer.from([0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]));
    expect(displayPath(`/data/${odd}`)).toBe('/data/\\xFF\\xFE.txt');
    expect(Buffer.isBuffer(toFsPath(`/data/${odd}`))).toBe(true);
  });

  it.runIf(process.platform === 'linux')('walkFolder lists a file named \\xff\\xfe.txt and readDocument opens it (before: skipped as deleted)', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'tenc-bytes-'));
    dirs.push(root);
    await fs.mkdir(path.join(root, 'sub'));
    await fs.writeFile(Buffer.concat([Buffer.from(`${root}/sub/`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'Bytes for a name, words for a text.');
    await fs.writeFile(path.join(root, 'sub', 'plain.txt'), 'Plain.');
    const files: string[] = [];
    const skipped: string[] = [];
    for await (const e of walkFolder(root)) {
      if ('file' in e) {
        files.push(displayPath(e.file.relPath));
        const doc = await readDocument(e.file.absPath);
        expect(doc.ok).toBe(true);
      } else skipped.push(`${e.skipped.relPath}: ${e.skipped.reason}`);
    }
    expect(skipped).toEqual([]);
    expect(files).toEqual(['sub/plain.txt', 'sub/\\xFF\\xFE.txt']);
  });
});
