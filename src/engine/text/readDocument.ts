import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { controlCharRatio, hasNulBytes, magicKind } from './binarySniff';
import { decodeText, supportedCharset } from './encoding';
import { docxToText } from './extract/docx';
import { declaredHtmlCharset, htmlToText } from './extract/html';
import { jsonToText, jsonlToText } from './extract/json';
import { markdownToText } from './extract/markdown';
import { pdfToText } from './extract/pdf';
import { delimitedToText } from './extract/table';
import { formatFromPath, isContainerFormat, type DocumentFormat } from './formats';
import { describeFsError } from './walkFolder';
import { toFsPath } from '../fs/pathBytes';

export type { DocumentFormat } from './formats';

export const DEFAULT_MAX_TEXT_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_DOCUMENT_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_CHARS = 20_000_000;

export interface ReadDocumentOptions {
  /** Size limit for text formats (txt, md, html, csv, tsv, json, jsonl, unknown). Default 50 MiB. */
  maxTextBytes?: number;
  /** Size limit for pdf and docx files. Default 200 MiB. */
  maxDocumentBytes?: number;
  /** The returned text is cut after this many characters (`truncated: true`). Default 20 million. */
  maxChars?: number;
  /** Decode text formats with this encoding (an iconv-lite name) instead of detecting it. */
  encoding?: string;
  /** Aborting rejects the promise with the signal's reason (unlike file problems, which resolve with ok: false). */
  signal?: AbortSignal;
  /** Called after the bytes were read and before the file is checked for changes (lets tests modify it). */
  afterRead?: () => void | Promise<void>;
}

export interface DocumentText {
  ok: true;
  text: string;
  format: DocumentFormat;
  /** Detected (or forced) encoding of text formats; null for pdf and docx. */
  encoding: string | null;
  /** File size in bytes. */
  bytes: number;
  /** mtime of the file that was read (for caches keyed on size + mtime). */
  mtimeMs: number;
  truncated: boolean;
  /** Non-fatal problems: lossy decoding, skipped JSONL lines, broken CSV quoting. */
  warnings: string[];
}

export interface DocumentSkipped {
  ok: false;
  /** Human-readable reason, e.g. "binary file (PNG image)", "too large (2048 MB > 50 MB limit)". */
  reason: string;
  format?: DocumentFormat;
  bytes?: number;
}

export type ReadDocumentResult = DocumentText | DocumentSkipped;

const HEAD_BYTES = 64 * 1024;
/** Decoded text with more control characters than this share is binary data, not text. */
const MAX_CONTROL_RATIO = 0.05;

/**
 * Reads one file into plain text. Never throws for problems with the file itself (missing,
 * unreadable, binary, too large, corrupt, changed during the read): those resolve with
 * `{ ok: false, reason }`. Only an aborted `signal` rejects.
 */
export async function readDocument(absPath: string, opts: ReadDocumentOptions = {}): Promise<ReadDocumentResult> {
  const maxTextBytes = opts.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  const maxDocumentBytes = opts.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  opts.signal?.throwIfAborted();

  const byName = formatFromPath(absPath);
  if (byName === 'binary') return skip(`binary file (${extensionOf(absPath)})`);

  let before;
  try {
    before = await fs.stat(toFsPath(absPath));
  } catch (err) {
    return skip(fsReason(err));
  }
  if (before.isDirectory()) return skip('is a folder');
  if (!before.isFile()) return skip('not a regular file (pipe, socket or device)');
  const bytes = before.size;
  if (bytes === 0) return skip('empty file', byName ?? undefined, 0);
  let format: DocumentFormat | null = byName;
  const limit = format && isContainerFormat(format) ? maxDocumentBytes : maxTextBytes;
  if (bytes > limit) return skip(`too large (${megabytes(bytes)} MB > ${megabytes(limit)} MB limit)`, format ?? undefined, bytes);

  // --- read -----------------------------------------------------------------------------
  let data: Buffer;
  let handle: fs.FileHandle | undefined;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening must not hang.
    handle = await fs.open(toFsPath(absPath), fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) return skip('not a regular file (pipe, socket or device)');
    if (st.size !== bytes || st.mtimeMs !== before.mtimeMs || st.ino !== before.ino) {
      return skip('file changed while it was being read', format ?? undefined, bytes);
    }
    const headLen = Math.min(bytes, HEAD_BYTES);
    data = Buffer.allocUnsafe(bytes);
    const got = await readFully(handle, data, 0, headLen);
    if (got < headLen) return skip('file changed while it was being read', format ?? undefined, bytes);
    const head = data.subarray(0, headLen);

    const kind = magicKind(head);
    if (format === null && kind === 'PDF document') {
      format = 'pdf';
    } else if (format === 'pdf') {
      if (!hasPdfHeader(head)) return skip('not a valid PDF (no %PDF header)', format, bytes);
    } else if (format === 'docx') {
      if (kind !== 'ZIP archive') return skip('not a valid .docx file (not a ZIP package)', format, bytes);
    } else if (kind) {
      return skip(`binary file (${kind})`, format ?? undefined, bytes);
    }

    const rest = await readFully(handle, data, headLen, bytes - headLen);
    if (headLen + rest < bytes) return skip('file changed while it was being read', format ?? undefined, bytes);
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    return skip(fsReason(err), format ?? undefined, bytes);
  } finally {
    await handle?.close().catch(() => undefined);
  }

  if (opts.afterRead) await opts.afterRead();
  const changed = await changedSince(absPath, before);
  if (changed) return skip(changed, format ?? undefined, bytes);
  opts.signal?.throwIfAborted();

  // --- extract --------------------------------------------------------------------------
  const fmt: DocumentFormat = format ?? 'text';
  const warnings: string[] = [];
  let text: string;
  let encoding: string | null = null;
  let truncated = false;
  try {
    if (fmt === 'pdf') {
      const pdf = await pdfToText(data, { maxChars, signal: opts.signal });
      text = pdf.text;
      truncated = pdf.truncated;
    } else if (fmt === 'docx') {
      text = await docxToText(data);
    } else {
      const decoded = decodeForFormat(data, fmt, opts.encoding);
      if ('reason' in decoded) return skip(decoded.reason, fmt, bytes);
      encoding = decoded.encoding;
      if (decoded.lossy) warnings.push('some bytes are not valid UTF-8 and were replaced by U+FFFD');
      text = extractFromText(decoded.text, fmt, warnings);
    }
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    return skip((err as Error)?.message ?? String(err), fmt, bytes);
  }

  if (text.length > maxChars) {
    text = cutAt(text, maxChars);
    truncated = true;
  }
  if (!text.trim()) {
    return skip(fmt === 'pdf' ? 'no text content (a scanned PDF without a text layer?)' : 'no text content', fmt, bytes);
  }
  return { ok: true, text, format: fmt, encoding, bytes, mtimeMs: before.mtimeMs, truncated, warnings };
}

/**
 * True for skip reasons about the file's state or access rather than its content (deleted or
 * changed while read, permission denied, an I/O error): reading it again later may succeed even
 * though its size and modification time are the same (chmod does not change the mtime, and a
 * file moved away and back keeps it). Matches the reasons readDocument and walkFolder give.
 */
export function isRetryableSkipReason(reason: string | null | undefined): boolean {
  return !!reason && RETRYABLE_REASON.test(reason);
}

const RETRYABLE_REASON = /^(file no longer exists|file was deleted|file changed while|file disappeared|permission denied|cannot be read)/;

function skip(reason: string, format?: DocumentFormat, bytes?: number): DocumentSkipped {
  const r: DocumentSkipped = { ok: false, reason };
  if (format) r.format = format;
  if (bytes !== undefined) r.bytes = bytes;
  return r;
}

function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'file no longer exists (deleted or moved after it was listed)';
  if (code === 'EAGAIN') return 'not a regular file (pipe, socket or device)';
  return describeFsError(err, 'cannot be read');
}

async function readFully(handle: fs.FileHandle, buf: Buffer, offset: number, length: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, offset + done, length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** The file at `absPath` is compared with what was stat'ed before reading. */
async function changedSince(absPath: string, before: { size: number; mtimeMs: number; ino: number }): Promise<string | null> {
  try {
    const after = await fs.stat(toFsPath(absPath));
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || after.ino !== before.ino) {
      return 'file changed while it was being read';
    }
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return 'file was deleted while it was being read';
    return fsReason(err);
  }
}

function decodeForFormat(
  data: Buffer,
  format: DocumentFormat,
  forced: string | undefined,
): { text: string; encoding: string; lossy: boolean } | { reason: string } {
  if (forced && !iconv.encodingExists(forced)) return { reason: `unknown encoding "${forced}"` };
  let forcedEncoding = forced;
  if (!forcedEncoding && format === 'html' && !isUtf8(data)) {
    const declared = declaredHtmlCharset(data.subarray(0, 4096));
    const usable = declared ? supportedCharset(declared) : null;
    if (usable && usable !== 'UTF-8') forcedEncoding = usable;
  }
  const decoded = decodeText(data, forcedEncoding);
  const wide = /^UTF-(16|32)/.test(decoded.encoding);
  if (!wide && hasNulBytes(data.subarray(0, HEAD_BYTES))) return { reason: 'binary file' };
  if (controlCharRatio(decoded.text) > MAX_CONTROL_RATIO) return { reason: 'binary file (not text in any known encoding)' };
  return decoded;
}

function extractFromText(text: string, format: DocumentFormat, warnings: string[]): string {
  switch (format) {
    case 'markdown':
      return markdownToText(text);
    case 'html':
      return htmlToText(text);
    case 'csv':
    case 'tsv': {
      const t = delimitedToText(text, format === 'csv' ? ',' : '\t');
      warnings.push(...t.warnings);
      return t.text;
    }
    case 'json':
      try {
        return jsonToText(text).text;
      } catch (err) {
        throw new Error(`invalid JSON (${(err as Error).message})`);
      }
    case 'jsonl': {
      let t;
      try {
        t = jsonlToText(text);
      } catch (err) {
        throw new Error(`invalid JSON Lines (${(err as Error).message})`);
      }
      warnings.push(...t.warnings);
      return t.text;
    }
    default:
      return text.replace(/\r\n?/g, '\n');
  }
}

function hasPdfHeader(head: Uint8Array): boolean {
  // The header may follow some junk bytes; readers accept it within the first 1 KB.
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 1024)).includes('%PDF-');
}

/** Cuts at `max` characters without splitting a surrogate pair. */
function cutAt(text: string, max: number): string {
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return text.slice(0, end);
}

function megabytes(n: number): string {
  const mb = n / (1024 * 1024);
  return mb >= 10 ? String(Math.round(mb)) : String(Math.round(mb * 10) / 10);
}

function extensionOf(p: string): string {
  const m = /\.[^./\\]+$/.exec(p);
  return m ? m[0].toLowerCase() : 'unknown';
}
