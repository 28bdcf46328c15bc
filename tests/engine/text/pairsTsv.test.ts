import fs from 'node:fs/promises';
import path from 'node:path';
import { sharedData } from '../../helpers/sharedData';
import { describe, expect, it } from 'vitest';
import { PairsTsvError, parsePairs, parsePairsTsv, readPairsFile, readPairsTsv, type ParsedPairs } from '../../../src/engine/text';
import { useTempFolder } from './fixtures';

const STS12 = path.join(sharedData ?? '', 'sts', 'sts12.tsv');
const haveData = sharedData !== null;

const tmp = useTempFolder();
const { write } = tmp;

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
  it.skipIf(!haveData)('reads the 3108 STS12 pairs with scores and subsets, quotes kept verbatim', async () => {
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

  it('keeps the good lines and reports each bad one with its line number and why', async () => {
    const p = await write('mixed.tsv', 'score\tsentence1\tsentence2\tsubset\n1\ta\tb\ts\n2\ta\tb\nhigh\tc\td\ts\n3\t  \te\ts\n4\tf\tg\ts\n');
    const { pairs, problems } = await readPairsFile(p);
    expect(pairs).toEqual([
      { a: 'a', b: 'b', score: 1, subset: 's' },
      { a: 'f', b: 'g', score: 4, subset: 's' },
    ]);
    expect(problems).toEqual([
      { line: 3, reason: 'expected 4 tab-separated fields, found 3' },
      { line: 4, reason: 'score "high" is not a number' },
      { line: 5, reason: 'the first text is empty' },
    ]);
    // The pairs-only reader keeps the good lines too.
    expect(await readPairsTsv(p)).toHaveLength(2);
  });

  it('throws once, naming the first problems, when no line can be used', async () => {
    const err = await errorOf(readPairsTsv(await write('allbad.tsv', 'x\t \nc\t  \n\ty\n')));
    expect(err.line).toBe(0);
    expect(err.message).toMatch(/no pair can be read \(line 1: the second text is empty; line 2: the second text is empty; line 3: the first text is empty\)$/);
    expect(err.message.match(/line 1/g)).toHaveLength(1);
  });

  it('reports a missing file and an empty file', async () => {
    const missing = await errorOf(readPairsTsv(path.join(tmp.dir, 'nope.tsv')));
    expect(missing.line).toBe(0);
    expect(missing.message).toMatch(/cannot be read/);
    expect(await readPairsTsv(await write('empty-file.tsv', ''))).toEqual([]);
  });
});

describe('parsePairs: the common layouts', () => {
  const expectAB = (r: ParsedPairs, score: number | null) => {
    expect(r.problems).toEqual([]);
    expect(r.pairs.map((p) => [p.a, p.b, p.score])).toEqual([
      ['A man eats.', 'Someone is eating.', score === null ? null : score],
      ['The sky is blue.', 'Cats purr.', score === null ? null : 0],
    ]);
  };

  it('score + two texts without a header (the file refused before)', () => {
    const r = parsePairs('4.5\tA man eats.\tSomeone is eating.\n0\tThe sky is blue.\tCats purr.\n');
    expectAB(r, 4.5);
    expect(r.layout).toBe('tab-separated: score, text A, text B');
  });

  it('two texts + score, and score + two texts + subset, without a header', () => {
    expectAB(parsePairs('A man eats.\tSomeone is eating.\t1\nThe sky is blue.\tCats purr.\t0\n'), 1);
    expect(parsePairs('3\tA\tB\tdev\n').pairs).toEqual([{ a: 'A', b: 'B', score: 3, subset: 'dev' }]);
  });

  it('CSV with quotes, with and without a header', () => {
    const withHeader = parsePairs('label,text_a,text_b\n1,A man eats.,Someone is eating.\n0,"The sky is blue.","Cats purr."\n');
    expectAB(withHeader, 1);
    expect(withHeader.layout).toBe('comma-separated: score, text A, text B, with a header');
    expectAB(parsePairs('"A man eats.","Someone is eating."\n"The sky is blue.",Cats purr.\n'), null);
    // A comma inside quotes stays in the text.
    expect(parsePairs('"Yes, it is.","It is, yes."\n').pairs[0]).toMatchObject({ a: 'Yes, it is.', b: 'It is, yes.' });
  });

  it('the MRPC header (Quality, #1 ID, #2 ID, #1 String, #2 String)', () => {
    const r = parsePairs('Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA man eats.\tSomeone is eating.\n0\t3\t4\tThe sky is blue.\tCats purr.\n');
    expectAB(r, 1);
  });

  it('a CSV line with a broken quote is reported and the others kept', () => {
    const r = parsePairs('a,b\nx,y\n"unclosed,z\n', { csv: true });
    expect(r.pairs.map((p) => p.a)).toContain('x');
    expect(r.problems.length).toBeGreaterThan(0);
  });

  it('prose with a comma here and there is not taken for CSV', () => {
    const r = parsePairs('Well, the man is eating.\nA dog runs in the park.\nShe said yes, then no, then yes.\n');
    expect(r.pairs).toEqual([]);
    expect(r.problems).toHaveLength(1);
  });

  it('one column only: no layout, said once', () => {
    const r = parsePairs('just one text\nanother one\n');
    expect(r.pairs).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.reason).toMatch(/no pair layout recognised/);
  });
});

describe.skipIf(!haveData)('the shared data files', () => {
  it('reads MRPC (5 columns with its own header) whole', async () => {
    const { pairs, problems } = await readPairsFile(path.join(path.dirname(STS12), '..', 'para', 'mrpc-train.tsv'));
    expect(pairs.length).toBeGreaterThan(3000);
    expect(problems.length).toBeLessThan(pairs.length / 100);
    expect(new Set(pairs.map((p) => p.score))).toEqual(new Set([0, 1]));
  });
});
