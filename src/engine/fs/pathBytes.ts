/**
 * File names are bytes on Linux, and not every byte string is valid UTF-8 (a name written by
 * an old Latin-1 program, say `\xff\xfe.txt`). Node decodes such names lossily (U+FFFD), and a
 * lossy name opens nothing. This module gives every byte string one string form that survives
 * a round trip through the database (it is valid Unicode) and back to the exact bytes:
 *
 * - valid UTF-8 is kept as it is;
 * - every byte that is not part of valid UTF-8 becomes U+F700 + byte (U+F780..U+F7FF, in the
 *   Private Use Area; like Python's "surrogateescape", but storable as UTF-8 text);
 * - a name that really contains one of U+F780..U+F7FF has that character's UTF-8 bytes escaped
 *   too, so the reserved range always means "a raw byte" and decoding stays unambiguous.
 *
 * Paths without escapes are plain strings and open as they are; `toFsPath` gives the Buffer
 * form only where a path holds escaped bytes.
 */

const ESCAPE_BASE = 0xf700;
const ESCAPE_FIRST = 0xf780;
const ESCAPE_LAST = 0xf7ff;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The string form of a name or path given as bytes (see the module comment). */
export function bytesToPathString(bytes: Uint8Array): string {
  // Fast path: valid UTF-8 without characters of the reserved range.
  try {
    const s = utf8.decode(bytes);
    if (!hasReserved(s)) return s;
  } catch {
    // not valid UTF-8: decode sequence by sequence below
  }
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const len = utf8SequenceLength(bytes, i);
    if (len > 0) {
      const cp = decodeSequence(bytes, i, len);
      if (cp < ESCAPE_FIRST || cp > ESCAPE_LAST) {
        out += String.fromCodePoint(cp);
        i += len;
        continue;
      }
      for (let k = 0; k < len; k++) out += String.fromCharCode(ESCAPE_BASE + bytes[i + k]!);
      i += len;
      continue;
    }
    out += String.fromCharCode(ESCAPE_BASE + bytes[i]!);
    i += 1;
  }
  return out;
}

/** The bytes a path string (from bytesToPathString or plain text) stands for. */
export function pathStringToBytes(s: string): Buffer {
  if (!hasReserved(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= ESCAPE_FIRST && cp <= ESCAPE_LAST) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([cp - ESCAPE_BASE]));
    } else {
      run += ch;
    }
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** What to hand to node:fs for a path string: the string itself, or its bytes where it holds escaped bytes. */
export function toFsPath(p: string): string | Buffer {
  return hasReserved(p) ? pathStringToBytes(p) : p;
}

/** A path for messages: escaped bytes shown as `\xFF`. */
export function displayPath(p: string): string {
  if (!hasReserved(p)) return p;
  return p.replace(/[\uf780-\uf7ff]/g, (ch) => `\\x${(ch.charCodeAt(0) - ESCAPE_BASE).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The path holds escaped (non-UTF-8) bytes. */
export function hasRawBytes(p: string): boolean {
  return hasReserved(p);
}

function hasReserved(s: string): boolean {
  return /[\uf780-\uf7ff]/.test(s);
}

/** Length of the valid UTF-8 sequence starting at i, or 0 when the byte there starts none. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no UTF-16 surrogates
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

function decodeSequence(b: Uint8Array, i: number, len: number): number {
  if (len === 1) return b[i]!;
  if (len === 2) return ((b[i]! & 0x1f) << 6) | (b[i + 1]! & 0x3f);
  if (len === 3) return ((b[i]! & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
  return ((b[i]! & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
}
