import { parse } from 'csv-parse/sync';

export interface TableText {
  text: string;
  rows: number;
  warnings: string[];
}

/**
 * Cell text of a CSV/TSV file: each row becomes one paragraph (rows separated by a blank line)
 * with its non-empty cells on separate lines. CSV follows RFC 4180 quoting, leniently (stray
 * quotes and ragged rows are accepted); TSV has no quoting, as in the evaluation data files.
 */
export function delimitedToText(content: string, delimiter: ',' | '\t'): TableText {
  const warnings: string[] = [];
  const base = {
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
  } as const;
  let records: string[][];
  if (delimiter === '\t') {
    records = parse(content, { ...base, quote: false });
  } else {
    try {
      records = parse(content, { ...base, relax_quotes: true });
    } catch (err) {
      // Typically an unclosed quote that swallows the rest of the file: read it again without quoting.
      warnings.push(`CSV quoting is broken (${(err as Error).message.split('\n')[0]}); read without quote handling`);
      records = parse(content, { ...base, quote: false });
    }
  }
  const paragraphs: string[] = [];
  for (const row of records) {
    const cells = row.map((c) => flattenBlankLines(c.trim())).filter((c) => c.length > 0);
    if (cells.length) paragraphs.push(cells.join('\n'));
  }
  return { text: paragraphs.join('\n\n'), rows: records.length, warnings };
}

/** Blank lines inside one record would split it into several passages; keep it one paragraph. */
export function flattenBlankLines(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/\n\s*\n/g, '\n');
}
