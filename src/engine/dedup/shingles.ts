/**
 * Turns a text into the set of its shingles, each as a 32-bit hash.
 *
 * Tokens are words (runs of letters, digits and marks), except in scripts written without
 * spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar, Tibetan), where
 * every character is a token. A shingle is `size` consecutive tokens, so English gets word
 * 3-grams and Chinese character 3-grams, and mixed text gets both, from one rule.
 */

/** Scripts without word separators: one token per character. */
const CHAR_TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
const TOKEN = new RegExp(`${CHAR_TOKEN.source}|(?:(?!${CHAR_TOKEN.source})[\\p{L}\\p{N}\\p{M}])+`, 'gu');

/** Without a character of an unspaced script, TOKEN is exactly this (and much faster: no look-ahead per character). */
const WORD_TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/** Lower-cased NFKC tokens of `text` (words, or single characters for unspaced scripts). */
export function tokenize(text: string): string[] {
  const t = text.normalize('NFKC').toLowerCase();
  return t.match(CHAR_TOKEN.test(t) ? TOKEN : WORD_TOKEN) ?? [];
}

/** 32-bit FNV-1a over UTF-16 code units, finished with the MurmurHash3 mixer (FNV alone mixes its last bits poorly). */
export function hashString32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** MurmurHash3's 32-bit finaliser: a fast bijective mixer. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The distinct shingle hashes of `text`, sorted ascending. A text with fewer tokens than
 * `size` yields one shingle of all its tokens; a text without tokens yields none.
 */
export function shingleHashes(text: string, size: number): Uint32Array {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`shingle size must be a positive integer, got ${size}`);
  const tokens = tokenize(text);
  if (tokens.length === 0) return new Uint32Array(0);
  const th = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) th[i] = hashString32(tokens[i]);
  const n = Math.max(1, tokens.length - size + 1);
  const width = Math.min(size, tokens.length);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    // Order-sensitive combination of the token hashes (boost::hash_combine style).
    let h = 0x9e3779b9;
    for (let j = 0; j < width; j++) h = (h ^ (th[i + j] + 0x9e3779b9 + (h << 6) + (h >>> 2))) >>> 0;
    out[i] = fmix32(h);
  }
  out.sort();
  return uniqueSorted(out);
}

function uniqueSorted(a: Uint32Array): Uint32Array {
  if (a.length < 2) return a;
  let w = 1;
  for (let r = 1; r < a.length; r++) if (a[r] !== a[w - 1]) a[w++] = a[r];
  return a.subarray(0, w);
}
