import { createHash } from 'node:crypto';

/** Line separators other than \n: CRLF, lone CR, NEL, LINE and PARAGRAPH SEPARATOR. */
const LINE_ENDS = /\r\n?|[\u0085\u2028\u2029]/g;

/**
 * Canonical form of a text for exact-duplicate detection and content-keyed caches. Exact means
 * exact: only what does not change the text a reader sees is normalised away:
 *  1. a leading byte-order mark;
 *  2. Unicode canonical composition (NFC: "é" as one code point or as e + accent);
 *  3. line ends (CRLF, CR, Unicode line separators become \n);
 *  4. whitespace runs become one space, trimmed.
 * Case, digits, signs, punctuation and compatibility forms count: "balance: -500 EUR" and
 * "balance 500 EUR" differ, and so do "Total" and "TOTAL" (those are near duplicates, found by
 * the MinHash layer, whose tokens are lower-cased).
 */
export function normalizeForHash(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .normalize('NFC')
    .replace(LINE_ENDS, '\n')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** sha256 (hex) of `normalizeForHash(text)`, UTF-8 encoded: the key of exact matching and of the caches. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeForHash(text), 'utf8').digest('hex');
}

/** True when the text has at least one letter or digit (a passage of dashes or dots has none). */
export function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
