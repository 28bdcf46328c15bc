import { createHash } from 'node:crypto';

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}';
const SPACE_BETWEEN_CJK = new RegExp(`(?<=[${CJK}]) (?=[${CJK}])`, 'gu');

/**
 * Canonical form of a text for exact-duplicate detection. Two texts that differ only in
 * Unicode compatibility forms (full-width letters, ligatures), case, punctuation (straight vs
 * curly quotes, dash variants, commas) or whitespace normalise to the same string:
 *  1. NFKC, then full case folding where toLowerCase differs from it (ß→ss, final sigma);
 *  2. format characters (zero-width space/joiner, soft hyphen, BOM) removed;
 *  3. punctuation and modifier symbols become spaces;
 *  4. whitespace runs become one space, trimmed; spaces between CJK characters are removed
 *     (CJK text has no word spaces; extraction from PDFs often inserts some).
 */
export function normalizeForHash(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ς/g, 'σ')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\p{P}\p{Sk}]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(SPACE_BETWEEN_CJK, '');
}

/** sha256 (hex) of `normalizeForHash(text)`, UTF-8 encoded. */
export function contentHash(text: string): string {
  return createHash('sha256').update(normalizeForHash(text), 'utf8').digest('hex');
}
