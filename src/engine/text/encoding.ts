import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';

/** What `detectEncoding` found. `encoding` is a name iconv-lite accepts. */
export interface DetectedEncoding {
  /** Canonical name: 'UTF-8', 'UTF-16LE', 'UTF-16BE', 'UTF-32LE', 'UTF-32BE', 'GB18030', 'Big5', 'Shift_JIS', 'windows-1252', 'ISO-8859-1', ... */
  encoding: string;
  /** Length in bytes of the byte order mark at the start (0 when none). */
  bomLength: number;
  /** True when the bytes are mostly UTF-8 but some sequences are invalid (they decode to U+FFFD). */
  lossy: boolean;
  /** How the encoding was decided: BOM, strict UTF-8 check, UTF-16 heuristic, or statistical detector. */
  method: 'bom' | 'utf8' | 'utf16-heuristic' | 'utf8-lossy' | 'detector';
}

export interface DecodedText {
  text: string;
  encoding: string;
  bom: boolean;
  lossy: boolean;
}

/** Detection looks at this many bytes at most; decoding always covers the whole buffer. */
const SAMPLE_BYTES = 64 * 1024;
/** chardet costs ~1.4 ms per KB; 16 KB is plenty to tell the legacy encodings apart. */
const CHARDET_SAMPLE_BYTES = 16 * 1024;

/**
 * Guesses the text encoding of `buf`. Order: byte order mark, strict UTF-8 validation (the
 * fast path: all ASCII and almost all modern files end here), BOM-less UTF-16 (recognised by
 * its NUL-byte pattern), UTF-8 with a few broken sequences, then chardet's statistical guess.
 */
export function detectEncoding(buf: Uint8Array): DetectedEncoding {
  const bom = detectBom(buf);
  if (bom) return { ...bom, lossy: false, method: 'bom' };
  const sample = buf.subarray(0, SAMPLE_BYTES);
  // UTF-16 of ASCII text is valid UTF-8 (NUL is a valid character), so it is tested first.
  const utf16 = guessBomlessUtf16(sample);
  if (utf16) return { encoding: utf16, bomLength: 0, lossy: false, method: 'utf16-heuristic' };
  if (isUtf8(buf)) return { encoding: 'UTF-8', bomLength: 0, lossy: false, method: 'utf8' };

  const guesses = chardet.analyse(sample.subarray(0, CHARDET_SAMPLE_BYTES));
  const top = guesses.find((g) => iconv.encodingExists(g.name));
  if (!top || top.name === 'UTF-8' || looksLikeMostlyUtf8(sample)) {
    return { encoding: 'UTF-8', bomLength: 0, lossy: true, method: 'utf8-lossy' };
  }
  let name = top.name;
  // Bytes 0x80-0x9F are C1 control codes in ISO-8859-1 but curly quotes, dashes, € etc. in
  // windows-1252; files labelled Latin-1 that use them are really windows-1252.
  if (name === 'ISO-8859-1' && hasC1Bytes(sample)) name = 'windows-1252';
  return { encoding: name, bomLength: 0, lossy: false, method: 'detector' };
}

/** Detects the encoding of `buf` and decodes it (the byte order mark is not part of the text). */
export function decodeText(buf: Uint8Array, forcedEncoding?: string): DecodedText {
  if (forcedEncoding && iconv.encodingExists(forcedEncoding)) {
    const bom = detectBom(buf);
    const skip = bom && sameEncoding(bom.encoding, forcedEncoding) ? bom.bomLength : 0;
    return {
      text: decodeWith(buf.subarray(skip), forcedEncoding),
      encoding: canonicalName(forcedEncoding),
      bom: skip > 0,
      lossy: false,
    };
  }
  const d = detectEncoding(buf);
  return {
    text: decodeWith(buf.subarray(d.bomLength), d.encoding),
    encoding: d.encoding,
    bom: d.bomLength > 0,
    lossy: d.lossy,
  };
}

function decodeWith(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'UTF-8') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  // stripBOM is off: the BOM (if any) was already cut off by the caller.
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding, { stripBOM: false });
}

function detectBom(buf: Uint8Array): { encoding: string; bomLength: number } | null {
  const [a, b, c, d] = [buf[0], buf[1], buf[2], buf[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'UTF-8', bomLength: 3 };
  if (a === 0xff && b === 0xfe && c === 0 && d === 0 && buf.length >= 4) return { encoding: 'UTF-32LE', bomLength: 4 };
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return { encoding: 'UTF-32BE', bomLength: 4 };
  if (a === 0xff && b === 0xfe) return { encoding: 'UTF-16LE', bomLength: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'UTF-16BE', bomLength: 2 };
  return null;
}

/**
 * UTF-16 without a BOM. Text with any ASCII in it (spaces, newlines, digits) has NUL bytes, which
 * is when this is tried. The byte order is the one whose high bytes vary least: text in any one
 * script keeps its code units in a few 256-character blocks (0x00 for ASCII, 0x30 for kana,
 * 0x4E-0x9F for CJK ideographs), while the low bytes are spread out. The reading in that order
 * must then consist almost only of ordinary text characters, which rejects binary data. UTF-8
 * text with a few stray NULs is not UTF-16; UTF-16 files without a single ASCII character are not
 * recognised (chardet then guesses).
 */
export function guessBomlessUtf16(sample: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | null {
  const n = sample.length - (sample.length % 2);
  if (n < 8) return null;
  let nuls = 0;
  const evenCounts = new Uint32Array(256);
  const oddCounts = new Uint32Array(256);
  for (let i = 0; i < n; i += 2) {
    evenCounts[sample[i]]++;
    oddCounts[sample[i + 1]]++;
  }
  nuls = evenCounts[0] + oddCounts[0];
  if (nuls === 0) return null;
  if (nuls < 0.1 * n && isUtf8(sample)) return null;
  const evenEntropy = entropy(evenCounts, n / 2);
  const oddEntropy = entropy(oddCounts, n / 2);
  if (Math.abs(evenEntropy - oddEntropy) < 0.5) return null;
  // Little-endian puts the high byte at odd offsets.
  const littleEndian = oddEntropy < evenEntropy;
  if (plausibleUtf16Ratio(sample.subarray(0, n), littleEndian) < 0.95) return null;
  return littleEndian ? 'UTF-16LE' : 'UTF-16BE';
}

function entropy(counts: Uint32Array, total: number): number {
  let h = 0;
  for (const c of counts) {
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** Share of UTF-16 code units in `bytes` that are ordinary text characters. */
function plausibleUtf16Ratio(bytes: Uint8Array, littleEndian: boolean): number {
  const units = bytes.length >> 1;
  let good = 0;
  for (let i = 0; i < units; i++) {
    const u = littleEndian ? bytes[2 * i] | (bytes[2 * i + 1] << 8) : (bytes[2 * i] << 8) | bytes[2 * i + 1];
    if (u >= 0xd800 && u <= 0xdbff && i + 1 < units) {
      const v = littleEndian ? bytes[2 * i + 2] | (bytes[2 * i + 3] << 8) : (bytes[2 * i + 2] << 8) | bytes[2 * i + 3];
      if (v >= 0xdc00 && v <= 0xdfff) {
        good += 2;
        i++;
      }
      continue;
    }
    if (isPlausibleTextCodeUnit(u)) good++;
  }
  return units === 0 ? 0 : good / units;
}

function isPlausibleTextCodeUnit(u: number): boolean {
  if (u === 0x09 || u === 0x0a || u === 0x0d || u === 0x0c) return true;
  if (u >= 0x20 && u < 0x7f) return true;
  if (u >= 0xa0 && u <= 0x24f) return true; // Latin-1 supplement, Latin extended A/B
  if (u >= 0x370 && u <= 0x6ff) return true; // Greek, Cyrillic, Armenian, Hebrew, Arabic
  if (u >= 0x900 && u <= 0xe7f) return true; // Indic scripts, Thai
  if (u >= 0x1e00 && u <= 0x206f) return true; // Latin extended additional, Greek ext., punctuation
  if (u >= 0x20a0 && u <= 0x2bff) return true; // currency, letterlike, arrows, math, boxes
  if (u >= 0x3000 && u <= 0x30ff) return true; // CJK punctuation, Hiragana, Katakana
  if (u >= 0x3400 && u <= 0x4dbf) return true; // CJK extension A
  if (u >= 0x4e00 && u <= 0x9fff) return true; // CJK unified ideographs
  if (u >= 0xac00 && u <= 0xd7a3) return true; // Hangul syllables
  if (u >= 0xff00 && u <= 0xffef) return true; // half/full width forms
  return false;
}

/**
 * UTF-8 with a few broken sequences (a truncated copy, one stray Latin-1 byte): decodes as
 * UTF-8 with replacement characters when valid multi-byte characters clearly outnumber the
 * invalid bytes. Text in a legacy single- or double-byte encoding rarely forms many valid
 * UTF-8 sequences by accident.
 */
function looksLikeMostlyUtf8(sample: Uint8Array): boolean {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  const n = sample.length;
  while (i < n) {
    const b = sample[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0) {
      invalid++;
      i++;
      continue;
    }
    if (i + len > n) break; // the sample may cut the last character
    let ok = true;
    for (let k = 1; k < len; k++) {
      if ((sample[i + k] & 0xc0) !== 0x80) ok = false;
    }
    if (ok && len === 3 && b === 0xe0 && sample[i + 1] < 0xa0) ok = false; // overlong
    if (ok && len === 3 && b === 0xed && sample[i + 1] >= 0xa0) ok = false; // surrogates
    if (ok) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  // Legacy CJK encodings score about 1 valid per 4 invalid; real UTF-8 with damage far above 2:1.
  return valid >= 2 && valid >= 2 * invalid;
}

function hasC1Bytes(sample: Uint8Array): boolean {
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] >= 0x80 && sample[i] <= 0x9f) return true;
  }
  return false;
}

function canonicalName(encoding: string): string {
  const key = encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
  const names: Record<string, string> = {
    utf8: 'UTF-8',
    utf16le: 'UTF-16LE',
    utf16be: 'UTF-16BE',
    utf32le: 'UTF-32LE',
    utf32be: 'UTF-32BE',
    gb18030: 'GB18030',
    gbk: 'GBK',
    gb2312: 'GB2312',
    big5: 'Big5',
    shiftjis: 'Shift_JIS',
    sjis: 'Shift_JIS',
    eucjp: 'EUC-JP',
    euckr: 'EUC-KR',
    latin1: 'ISO-8859-1',
    iso88591: 'ISO-8859-1',
    windows1252: 'windows-1252',
    cp1252: 'windows-1252',
  };
  return names[key] ?? encoding;
}

function sameEncoding(a: string, b: string): boolean {
  return canonicalName(a) === canonicalName(b);
}

/** Normalises a charset label found in a document (HTML meta) to a decodable name, or null. */
export function supportedCharset(label: string): string | null {
  const l = label.trim().toLowerCase();
  // Per the HTML standard, these labels mean windows-1252.
  if (l === 'iso-8859-1' || l === 'latin1' || l === 'us-ascii' || l === 'ascii') return 'windows-1252';
  if (l === 'gb2312' || l === 'gbk' || l === 'x-gbk') return 'GB18030';
  return iconv.encodingExists(l) ? canonicalName(l) : null;
}
