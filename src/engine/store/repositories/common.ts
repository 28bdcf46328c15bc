/** Helpers shared by the repositories. */
import type { Db } from '../db';

export interface RepoContext {
  db: Db;
  /** Current time in unix ms (tests pass a fake clock). */
  now: () => number;
}

/** Unix ms to ISO-8601. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms == null ? null : iso(ms);
}

/** Serialises a value for a JSON column; `undefined` becomes SQL NULL. */
export function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function fromJson(text: string | null | undefined): unknown {
  return text == null ? null : JSON.parse(text);
}

/** SQLite has no NaN (it would store NULL anyway); say so explicitly. */
export function finiteOrNull(value: number | null | undefined): number | null {
  return value == null || Number.isNaN(value) ? null : value;
}

/** Splits `items` into slices of at most `size` (keeps IN (...) lists under SQLite's variable limit). */
export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `?, ?, ?` for n parameters. */
export function placeholders(n: number): string {
  return new Array(n).fill('?').join(', ');
}

/** Appends LIMIT/OFFSET (SQLite needs a LIMIT before an OFFSET). */
export function page(opts: { limit?: number; offset?: number }, params: unknown[]): string {
  if (opts.limit == null && opts.offset == null) return '';
  params.push(opts.limit ?? -1, opts.offset ?? 0);
  return ' LIMIT ? OFFSET ?';
}
