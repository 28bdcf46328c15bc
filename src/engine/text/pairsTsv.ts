import fs from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { decodeText } from './encoding';

export interface TextPair {
  a: string;
  b: string;
  /** Gold score from a score column; null for plain two-column files. */
  score: number | null;
  /** Sub-corpus name from a `subset` column; null when there is none. */
  subset: string | null;
}

/** A line that was left out, and why (1-based line number in the file). */
export interface PairsProblem {
  line: number;
  reason: string;
}

export interface ParsedPairs {
  pairs: TextPair[];
  /** Lines left out; the good lines are kept. */
  problems: PairsProblem[];
  /** The layout that was recognised, in words ("tab-separated: score, text A, text B, with a header"). */
  layout: string;
}

export class PairsTsvError extends Error {
  constructor(
    readonly file: string,
    /** 1-based line number of the offending line (0 for problems with the whole file). */
    readonly line: number,
    /** What is wrong, without the file name (for callers that name the file themselves). */
    readonly detail: string,
    /** The lines left out, when the file has no good one (for callers that word them themselves). */
    readonly problems: PairsProblem[] = [],
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

/** Header names understood for each column (lower case; MRPC's "#1 String" included). */
const HEADER_NAMES = {
  a: [
    'sentence1',
    'sentence_1',
    'sentence a',
    'sentence_a',
    'text1',
    'text_1',
    'text_a',
    'texta',
    'text a',
    's1',
    'question1',
    '#1 string',
    'premise',
    'anchor',
  ],
  b: [
    'sentence2',
    'sentence_2',
    'sentence b',
    'sentence_b',
    'text2',
    'text_2',
    'text_b',
    'textb',
    'text b',
    's2',
    'question2',
    '#2 string',
    'hypothesis',
    'positive',
  ],
  score: ['score', 'label', 'similarity', 'gold', 'quality', 'is_duplicate', 'relatedness_score'],
  subset: ['subset', 'source', 'genre'],
} as const;

type Columns = { n: number | null; a: number; b: number; score: number; subset: number };

interface Row {
  line: number;
  fields: string[];
}

const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s.trim()));

/**
 * Reads sentence pairs from a TSV or CSV file in the common layouts (see parsePairs). Lines
 * that cannot be read are reported in `problems`; only a file that cannot be read at all
 * throws a PairsTsvError.
 */
export async function readPairsFile(file: string, opts: ReadPairsOptions = {}): Promise<ParsedPairs> {
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
  return parsePairs(decodeText(data).text, { csv: /\.csv$/i.test(file) ? true : /\.tsv$/i.test(file) ? false : undefined });
}

/**
 * The pairs of a file, for callers that need pairs only (training, evaluation): bad lines are
 * left out; a file with bad lines and no good one throws, naming its first problems.
 */
export async function readPairsTsv(file: string, opts: ReadPairsOptions = {}): Promise<TextPair[]> {
  const { pairs, problems } = await readPairsFile(file, opts);
  if (pairs.length === 0 && problems.length > 0) throw new PairsTsvError(file, 0, `no pair can be read (${describeProblems(problems)})`, problems);
  return pairs;
}

/** "line 3: …; line 7: …; and 12 more lines" — the first few problems in one sentence. */
export function describeProblems(problems: PairsProblem[], shown = 3): string {
  const head = problems.slice(0, shown).map((p) => `line ${p.line}: ${p.reason}`);
  const more = problems.length - shown;
  return head.join('; ') + (more > 0 ? `; and ${more} more line${more === 1 ? '' : 's'}` : '');
}

/** Parses the content of a pairs file; kept for callers of the former tab-only reader. */
export function parsePairsTsv(content: string): TextPair[] {
  return parsePairs(content).pairs;
}

/**
 * Parses pairs in the common layouts:
 *  - tab-separated, or comma-separated with CSV quoting (chosen by `csv`, else by the first line);
 *  - with a header naming the columns (sentence1/sentence2, text_a/text_b, score/label, subset...,
 *    any order; the shared STS layout is `score\tsentence1\tsentence2\tsubset`), or without:
 *    two texts; score + two texts; two texts + score; score + two texts + subset.
 * Tab-separated text has no quoting: `"` is an ordinary character. Blank lines are ignored.
 */
export function parsePairs(content: string, opts: { csv?: boolean } = {}): ParsedPairs {
  const problems: PairsProblem[] = [];
  const csv = opts.csv ?? looksLikeCsv(content);
  const rows = csv ? csvRows(content, problems) : tsvRows(content);
  if (rows.length === 0) return { pairs: [], problems, layout: 'empty' };

  const headerCols = headerColumns(rows[0]!.fields);
  const dataRows = headerCols ? rows.slice(1) : rows;
  const cols = headerCols ?? guessColumns(dataRows);
  if (!cols) {
    problems.push({
      line: rows[0]!.line,
      reason: 'no pair layout recognised: expected two texts per line, or a score and two texts (or a header naming sentence1 and sentence2)',
    });
    return { pairs: [], problems, layout: 'unknown' };
  }

  const sep = csv ? 'comma' : 'tab';
  const pairs: TextPair[] = [];
  for (const { line, fields } of dataRows) {
    const width = cols.n ?? fields.length;
    if (fields.length !== width) {
      problems.push({ line, reason: `expected ${width} ${sep}-separated fields, found ${fields.length}` });
      continue;
    }
    const a = fields[cols.a]!.trim();
    const b = fields[cols.b]!.trim();
    if (!a || !b) {
      problems.push({ line, reason: `${!a ? 'the first' : 'the second'} text is empty` });
      continue;
    }
    let score: number | null = null;
    if (cols.score >= 0) {
      const raw = fields[cols.score]!.trim();
      if (!isNumber(raw)) {
        problems.push({ line, reason: `score ${JSON.stringify(raw)} is not a number` });
        continue;
      }
      score = Number(raw);
    }
    const subset = cols.subset >= 0 ? fields[cols.subset]!.trim() || null : null;
    pairs.push({ a, b, score, subset });
  }
  return { pairs, problems, layout: describeLayout(csv, cols, headerCols !== null) };
}

/**
 * Comma-separated when the first line has no tab and most of the first lines split into the
 * same number (2 or more) of comma fields: prose with commas here and there does not.
 */
function looksLikeCsv(content: string): boolean {
  const lines = content
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, 20);
  if (!lines.length || lines[0]!.includes('\t')) return false;
  const counts = new Map<number, number>();
  for (const l of lines) {
    const n = l.split(',').length;
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  const [n, times] = [...counts].sort((x, y) => y[1] - x[1])[0]!;
  return n >= 2 && times >= lines.length * 0.8;
}

function tsvRows(content: string): Row[] {
  const rows: Row[] = [];
  content.split(/\r?\n/).forEach((text, i) => {
    if (text.trim() !== '') rows.push({ line: i + 1, fields: text.split('\t') });
  });
  return rows;
}

function csvRows(content: string, problems: PairsProblem[]): Row[] {
  const records = parseCsv(content, {
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      problems.push({ line: Number(err?.lines ?? 0), reason: `not valid CSV (${err?.message.replace(/^Invalid [^:]*: /, '') ?? 'unreadable record'})` });
      return undefined;
    },
  }) as unknown as { info: { lines: number }; record: string[] }[];
  return records.filter((r) => r.record.some((f) => f.trim() !== '')).map((r) => ({ line: r.info.lines, fields: r.record }));
}

/** Columns named by a header line, or null when the first line is data. */
function headerColumns(fields: string[]): Columns | null {
  const names = fields.map((f) => f.trim().toLowerCase());
  const find = (known: readonly string[]) => names.findIndex((n) => known.includes(n));
  const a = find(HEADER_NAMES.a);
  const b = find(HEADER_NAMES.b);
  if (a < 0 || b < 0) return null;
  return { n: names.length, a, b, score: find(HEADER_NAMES.score), subset: find(HEADER_NAMES.subset) };
}

/** Columns of a file without a header, from the most common field count and where the numbers are. */
function guessColumns(rows: Row[]): Columns | null {
  const sample = rows.slice(0, 200);
  const counts = new Map<number, number>();
  for (const r of sample) counts.set(r.fields.length, (counts.get(r.fields.length) ?? 0) + 1);
  const n = [...counts].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]![0];
  const numericShare = (i: number) => {
    const same = sample.filter((r) => r.fields.length === n);
    return same.filter((r) => isNumber(r.fields[i]!)).length / same.length;
  };
  if (n === 2) return { n, a: 0, b: 1, score: -1, subset: -1 };
  if (n === 3 || n === 4) {
    if (numericShare(0) >= 0.5) return { n, a: 1, b: 2, score: 0, subset: n === 4 ? 3 : -1 };
    if (n === 3 && numericShare(2) >= 0.5) return { n, a: 0, b: 1, score: 2, subset: -1 };
  }
  return null;
}

function describeLayout(csv: boolean, cols: Columns, header: boolean): string {
  const order: [number, string][] = [
    [cols.score, 'score'],
    [cols.a, 'text A'],
    [cols.b, 'text B'],
    [cols.subset, 'subset'],
  ];
  const named = order
    .filter(([i]) => i >= 0)
    .sort((x, y) => x[0] - y[0])
    .map(([, name]) => name);
  return `${csv ? 'comma' : 'tab'}-separated: ${named.join(', ')}${header ? ', with a header' : ''}`;
}
