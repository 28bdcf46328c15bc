/**
 * Recognises binary files from their first bytes. Magic numbers give a readable reason
 * ("binary file (PNG image)"); anything else with NUL bytes or many control characters is a
 * plain "binary file". UTF-16 text also has NUL bytes, so callers rule that out first.
 */

interface Magic {
  offset: number;
  bytes: number[];
  kind: string;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

// Only signatures long or unusual enough not to start a real text file.
const MAGICS: Magic[] = [
  { offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], kind: 'PNG image' },
  { offset: 0, bytes: [0xff, 0xd8, 0xff], kind: 'JPEG image' },
  { offset: 0, bytes: ascii('GIF87a'), kind: 'GIF image' },
  { offset: 0, bytes: ascii('GIF89a'), kind: 'GIF image' },
  { offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00], kind: 'TIFF image' },
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a], kind: 'TIFF image' },
  { offset: 0, bytes: [0x00, 0x00, 0x01, 0x00], kind: 'icon' },
  { offset: 8, bytes: ascii('WEBP'), kind: 'WebP image' },
  { offset: 8, bytes: ascii('WAVE'), kind: 'WAV audio' },
  { offset: 8, bytes: ascii('AVI '), kind: 'AVI video' },
  { offset: 4, bytes: ascii('ftyp'), kind: 'MP4/QuickTime media' },
  { offset: 0, bytes: ascii('OggS'), kind: 'Ogg media' },
  { offset: 0, bytes: ascii('fLaC'), kind: 'FLAC audio' },
  { offset: 0, bytes: [0x49, 0x44, 0x33, 0x03], kind: 'MP3 audio' },
  { offset: 0, bytes: [0x49, 0x44, 0x33, 0x04], kind: 'MP3 audio' },
  { offset: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3], kind: 'Matroska/WebM media' },
  { offset: 0, bytes: [0x50, 0x4b, 0x03, 0x04], kind: 'ZIP archive' },
  { offset: 0, bytes: [0x50, 0x4b, 0x05, 0x06], kind: 'ZIP archive' },
  { offset: 0, bytes: [0x1f, 0x8b], kind: 'gzip archive' },
  { offset: 0, bytes: [0x42, 0x5a, 0x68], kind: 'bzip2 archive' }, // checked with level digit below
  { offset: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], kind: 'xz archive' },
  { offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], kind: '7z archive' },
  { offset: 0, bytes: ascii('Rar!\x1a\x07'), kind: 'RAR archive' },
  { offset: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd], kind: 'zstd archive' },
  { offset: 257, bytes: ascii('ustar'), kind: 'tar archive' },
  { offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46], kind: 'ELF executable' },
  { offset: 0, bytes: [0xcf, 0xfa, 0xed, 0xfe], kind: 'Mach-O executable' },
  { offset: 0, bytes: [0xce, 0xfa, 0xed, 0xfe], kind: 'Mach-O executable' },
  { offset: 0, bytes: [0xca, 0xfe, 0xba, 0xbe], kind: 'Mach-O or Java class file' },
  { offset: 0, bytes: [0x00, 0x61, 0x73, 0x6d], kind: 'WebAssembly module' },
  { offset: 0, bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], kind: 'legacy Office document (.doc/.xls/.ppt)' },
  { offset: 0, bytes: ascii('SQLite format 3\x00'), kind: 'SQLite database' },
  { offset: 0, bytes: ascii('%PDF-'), kind: 'PDF document' },
  { offset: 0, bytes: ascii('wOFF'), kind: 'font' },
  { offset: 0, bytes: ascii('wOF2'), kind: 'font' },
];

/** The kind of binary file the magic number says, or null. 'MZ' executables are found via NULs. */
export function magicKind(head: Uint8Array): string | null {
  for (const m of MAGICS) {
    if (head.length < m.offset + m.bytes.length) continue;
    let match = true;
    for (let i = 0; i < m.bytes.length; i++) {
      if (head[m.offset + i] !== m.bytes[i]) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    if (m.kind === 'bzip2 archive' && !(head[3] >= 0x31 && head[3] <= 0x39 && head[4] === 0x31 && head[5] === 0x41)) continue;
    return m.kind;
  }
  return null;
}

/** True when the head has NUL bytes (for text that is not UTF-16/32). */
export function hasNulBytes(head: Uint8Array): boolean {
  return head.indexOf(0) !== -1;
}

/**
 * Share of decoded characters that are control characters (other than tab, newline, CR,
 * form feed, escape) or replacement characters. Text files are near 0; binary data decoded
 * as some 8-bit encoding is far above.
 */
export function controlCharRatio(text: string, limit = 64 * 1024): number {
  const n = Math.min(text.length, limit);
  if (n === 0) return 0;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) {
      bad++;
    }
  }
  return bad / n;
}
