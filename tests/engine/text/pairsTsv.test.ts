import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWithData, sharedData } from '../../helpers/sharedData';
import { PairsTsvError, parsePairsTsv, readPairsTsv } from '../../../src/engine/text';
import { makeTempDir, removeDir } from './fixtures';

const STS12 = path.join(sharedData ?? '', 'sts', 'sts12.tsv');

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeDir(dir);
});

async function write(name: string, content: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await fs.writeFile(p, content);
  return p;
}

async function errorOf(p: Promise<unknown>): Promise<PairsTsvError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PairsTsvError);
    return err as PairsTsvError;
  }
  throw new Error('expected a PairsTsvError');
}

describe('readPairsTsv', () => {
  itWithData('reads the 3108 STS12 pairs with scores and subsets, quotes kept verbatim', async () => {
    const pairs = await readPairsTsv(STS12);
    expect(pairs).toHaveLength(3108);
    // Cross-check every row against an independent plain split of the file.
    const lines = (await fs.readFile(STS12, 'utf8')).split('\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe('score\tsentence1\tsentence2\tsubset');
    const rows = lines.slice(1).map((l) => l.split('\t'));
    pairs.forEach((p, i) => {
      expect(p.score).toBe(Number(rows[i][0]));
      expect(p.a).toBe(rows[i][1]);
      expect(p.b).toBe(rows[i][2]);
      expect(p.subset).toBe(rows[i][3]);
    });
    for (const p of pairs) {
      expect(p.score).toBeGreaterThanOrEqual(0);
      expect(p.score).toBeLessThanOrEqual(5);
    }
    const counts: Record<string, number> = {};
    for (const p of pairs) counts[p.subset!] = (counts[p.subset!] ?? 0) + 1;
    expect(counts).toEqual({ MSRpar: 750, MSRvid: 750, SMTeuroparl: 459, 'surprise.OnWN': 750, 'surprise.SMTnews': 399 });
    expect(pairs.some((p) => (p.a + p.b).includes('"'))).toBe(true);
  });

  it('reads plain two-column files without a header', async () => {
    const p = await write('plain.tsv', 'A man is eating.\tSomeone eats.\r\n\n"Quoted\tunbalanced " mark\n');
    expect(await readPairsTsv(p)).toEqual([
      { a: 'A man is eating.', b: 'Someone eats.', score: null, subset: null },
      { a: '"Quoted', b: 'unbalanced " mark', score: null, subset: null },
    ]);
  });

  it('accepts header columns in another order and without subset', async () => {
    expect(parsePairsTsv('sentence2\tscore\tsentence1\nB\t0.5\tA\n')).toEqual([{ a: 'A', b: 'B', score: 0.5, subset: null }]);
  });

  it('reads a UTF-8 file with BOM and UTF-16 files', async () => {
    const body = 'score\tsentence1\tsentence2\tsubset\n4.0\tCafé crème\t咖啡\tx\n';
    const bom = await write('bom.tsv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
    const utf16 = await write('utf16.tsv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]));
    const expected = [{ a: 'Café crème', b: '咖啡', score: 4, subset: 'x' }];
    expect(await readPairsTsv(bom)).toEqual(expected);
    expect(await readPairsTsv(utf16)).toEqual(expected);
  });

  it('names the line of a row with the wrong number of fields', async () => {
    const p = await write('short.tsv', 'score\tsentence1\tsentence2\tsubset\n1\ta\tb\ts\n2\ta\tb\n');
    const err = await errorOf(readPairsTsv(p));
    expect(err.line).toBe(3);
    expect(err.message).toContain('line 3');
    expect(err.message).toMatch(/expected 4 tab-separated fields.*found 3/);
    const plain = await errorOf(readPairsTsv(await write('three.tsv', 'a\tb\na\tb\tc\n')));
    expect(plain.line).toBe(2);
    expect(plain.message).toMatch(/expected 2 tab-separated fields/);
  });

  it('names the line of a score that is not a number', async () => {
    const err = await errorOf(readPairsTsv(await write('score.tsv', 'score\tsentence1\tsentence2\n1.5\ta\tb\nhigh\ta\tb\n')));
    expect(err.line).toBe(3);
    expect(err.message).toContain('"high" is not a number');
    const empty = await errorOf(readPairsTsv(await write('noscore.tsv', 'score\tsentence1\tsentence2\n\ta\tb\n')));
    expect(empty.line).toBe(2);
  });

  it('names the line of an empty sentence', async () => {
    const err = await errorOf(readPairsTsv(await write('empty.tsv', 'a\tb\nc\t  \n')));
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/second sentence is empty/);
  });

  it('reports a missing file and an empty file', async () => {
    const missing = await errorOf(readPairsTsv(path.join(dir, 'nope.tsv')));
    expect(missing.line).toBe(0);
    expect(missing.message).toMatch(/cannot be read/);
    expect(await readPairsTsv(await write('empty-file.tsv', ''))).toEqual([]);
  });
});
