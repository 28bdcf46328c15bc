/** The results of a bulk check as CSV (RFC 4180: fields with commas, quotes or line breaks are quoted). */
import type { PairCheck } from '../../../../shared/api';

export interface BulkRow {
  a: string;
  b: string;
  /** The known answer from the file's score column, if it had one. */
  known: number | null;
  check: PairCheck;
}

export const CSV_HEADER = [
  'pair',
  'text_a',
  'text_b',
  'bi_score',
  'cross_score',
  'verdict',
  'threshold',
  'known_score',
  'negation_mismatch',
  'unsupported_languages',
  'truncated',
];

export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : '') : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function bulkCsv(rows: readonly BulkRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  rows.forEach((r, i) => {
    const c = r.check;
    lines.push(
      [i + 1, r.a, r.b, c.biScore, c.crossScore, c.verdict, c.threshold, r.known, c.negationMismatch, c.unsupportedLanguages.join(' '), c.truncated]
        .map(csvField)
        .join(','),
    );
  });
  // A byte order mark so spreadsheet programs read the texts as UTF-8 (Chinese included).
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}
