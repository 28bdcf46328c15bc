/**
 * Folder ingest, one set of rules for every caller that turns the files of a folder into stored
 * documents and passages (corpus indexing, and dedup scanning): which entries are skipped and
 * why, how a file's text is hashed and split into passages, and which size and modification
 * time are kept.
 *
 * Dedup's scan (src/engine/dedup/scan.ts) still has its own copy of these rules in `readOne`;
 * it should call `ingestFile(file, { signal, readDocument })` and `skippedEntryDocument(entry)`
 * and compute its MinHash signature from the returned `text`.
 */
import type { DocumentInput, PassageInput } from '../store/types';
import { contentHash, hasWords } from '../text/normalize';
import { readDocument as defaultReadDocument, type ReadDocumentResult } from '../text/readDocument';
import { splitPassages } from '../text/segment';
import type { SkippedEntry, WalkedFile } from '../text/walkFolder';

export { walkFolder, type SkippedEntry, type WalkedFile } from '../text/walkFolder';

export type ReadDocumentFn = (absPath: string, opts: { signal?: AbortSignal }) => Promise<ReadDocumentResult>;

export type IngestedFile =
  | { status: 'ok'; doc: DocumentInput & { status: 'ok'; contentHash: string }; text: string; passages: PassageInput[] }
  | { status: 'skipped'; doc: DocumentInput & { status: 'skipped'; skipReason: string } };

export const SKIP_NO_WORDS = 'no words in the file (only punctuation or invisible characters)';
export const SKIP_NO_TEXT = 'no text in the file';

/**
 * Reads one walked file into a document and its passages, or a skipped document with the
 * reason. Size and modification time are the walk's, so that the next walk of the folder can
 * tell an unchanged file by comparing them.
 */
export async function ingestFile(file: WalkedFile, opts: { signal?: AbortSignal; readDocument?: ReadDocumentFn } = {}): Promise<IngestedFile> {
  const read = opts.readDocument ?? ((p, o) => defaultReadDocument(p, o));
  const r = await read(file.absPath, { signal: opts.signal });
  const base = { relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs };
  if (!r.ok) return { status: 'skipped', doc: { ...base, status: 'skipped', skipReason: r.reason, format: r.format ?? null } };
  const hash = contentHash(r.text);
  // Only punctuation, spaces or invisible characters: nothing a reader or a model could use.
  const noWords = !hasWords(r.text);
  // Passages without words (separator lines of dashes) would all be "identical": not kept.
  const spans = noWords ? [] : splitPassages(r.text).filter((p) => hasWords(p.text));
  if (spans.length === 0) {
    return { status: 'skipped', doc: { ...base, status: 'skipped', skipReason: noWords ? SKIP_NO_WORDS : SKIP_NO_TEXT, format: r.format } };
  }
  const passages = spans.map((p, index) => ({ index, text: p.text, charStart: p.start, charEnd: p.end, contentHash: contentHash(p.text) }));
  return { status: 'ok', doc: { ...base, status: 'ok', contentHash: hash, encoding: r.encoding, format: r.format }, text: r.text, passages };
}

/** A walk entry that is not a readable file (link, pipe, unreadable folder) as a skipped document. */
export function skippedEntryDocument(entry: SkippedEntry): DocumentInput & { status: 'skipped'; skipReason: string } {
  return { relPath: entry.relPath, size: 0, mtimeMs: 0, status: 'skipped', skipReason: entry.reason };
}
