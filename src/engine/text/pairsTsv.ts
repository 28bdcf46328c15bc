import fs from 'node:fs/promises';
import { decodeText } from './encoding';

export interface TextPair {
  a: string;
  b: string;
  /** Gold score from a `score` column; null for plain two-column files. */
  score: number | null;
  /** Sub-corpus name from a `subset` column; null when there is none. */
  subset: string | null;
}

export class PairsTsvError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line number of the offending line (0 for problems with the whole file). */
    readonly line: number,
    detail: string,
  ) {
    super(line > 0 ? `${file}, line ${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'PairsTsvError';
  }
}

export interface ReadPairsOptions {
  /** Refuse files larger than this (bytes). Default 512 MiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Reads sentence pairs from a tab-separated file. Two layouts:
 *  - with a header naming the columns `score`, `sentence1`, `sentence2` and optionally
 *    `subset` (any order; the ../shared/data layout is `score\tsentence1\tsentence2\tsubset`);
 *  - without a header: exactly two columns `a\tb` per line.
 * No quote handling: `"` is an ordinary character. Blank lines are ignored. The first malformed
 * line (wrong field count, score that is not a number, empty sentence) throws a
 * PairsTsvError that names the line.
 */
export async function readPairsTsv(file: string, opts: ReadPairsOptions = {}): Promise<TextPair[]> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let data: Buffer;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new PairsTsvError(file, 0, 'not a regular file');
    if (st.size > maxBytes) throw new PairsTsvError(file, 0, `too large (${st.size} bytes > ${maxBytes} byte limit)`);
    data = await fs.readFile(file);
  } catch (err) {
    if (err instanceof PairsTsvError) throw err;
    throw new PairsTsvError(file, 0, `cannot be read (${(err as Error).message})`);
  }
  return parsePairsTsv(decodeText(data).text, file);
}

/** Parses the content of a pairs TSV (see readPairsTsv); `file` only names the source in errors. */
export function parsePairsTsv(content: string, file = '<input>'): TextPair[] {
  const lines = content.split(/\r?\n/);
  const firstIdx = lines.findIndex((l) => l.trim() !== '');
  if (firstIdx < 0) return [];

  const header = lines[firstIdx].split('\t').map((h) => h.trim().toLowerCase());
  const hasHeader = header.includes('sentence1') && header.includes('sentence2');
  const cols = hasHeader
    ? { n: header.length, a: header.indexOf('sentence1'), b: header.indexOf('sentence2'), score: header.indexOf('score'), subset: header.indexOf('subset') }
    : { n: 2, a: 0, b: 1, score: -1, subset: -1 };
  if (hasHeader && new Set(header).size !== header.length) {
    throw new PairsTsvError(file, firstIdx + 1, 'header names a column twice');
  }

  const pairs: TextPair[] = [];
  for (let i = hasHeader ? firstIdx + 1 : firstIdx; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const fields = line.split('\t');
    if (fields.length !== cols.n) {
      const expected = hasHeader
        ? `${cols.n} tab-separated fields as in the header (${header.join(', ')})`
        : '2 tab-separated fields (sentence A, sentence B), or a header line naming score, sentence1, sentence2';
      throw new PairsTsvError(file, lineNo, `expected ${expected}, found ${fields.length}`);
    }
    const a = fields[cols.a].trim();
    const b = fields[cols.b].trim();
    if (!a) throw new PairsTsvError(file, lineNo, `${hasHeader ? 'sentence1' : 'first sentence'} is empty`);
    if (!b) throw new PairsTsvError(file, lineNo, `${hasHeader ? 'sentence2' : 'second sentence'} is empty`);
    let score: number | null = null;
    if (cols.score >= 0) {
      const raw = fields[cols.score].trim();
      score = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(score)) throw new PairsTsvError(file, lineNo, `score ${JSON.stringify(raw)} is not a number`);
    }
    const subset = cols.subset >= 0 ? fields[cols.subset].trim() || null : null;
    pairs.push({ a, b, score, subset });
  }
  return pairs;
}
