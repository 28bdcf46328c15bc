/**
 * Bulk reads and writes of the deduplication scan over documents, passages and clusters that
 * the per-row repositories do not offer: passage metadata and texts by content hash, the
 * start and length of documents' texts, documents with their root folder, and clearing a
 * scan's clusters before it is stored again. Functions of a Db, read-only except
 * `deleteScanClusters`.
 */
import type { Db } from '../db';

const IN_CHUNK = 500;

function marks(n: number): string {
  return new Array(n).fill('?').join(', ');
}

export interface PassageMeta {
  id: number;
  documentId: number;
  contentHash: string;
  /** Characters of the passage text. */
  length: number;
}

/** Passages (without their text) of these documents, by document then passage order. */
export async function passageMetaForDocuments(db: Db, documentIds: readonly number[]): Promise<PassageMeta[]> {
  const out: PassageMeta[] = [];
  for (let i = 0; i < documentIds.length; i += IN_CHUNK) {
    const part = documentIds.slice(i, i + IN_CHUNK);
    const rows = await db.all<{ id: number; document_id: number; content_hash: string; len: number }>(
      `SELECT id, document_id, content_hash, length(text) AS len FROM passages
        WHERE document_id IN (${marks(part.length)}) ORDER BY document_id, idx`,
      part,
    );
    for (const r of rows) out.push({ id: r.id, documentId: r.document_id, contentHash: r.content_hash, length: r.len });
  }
  return out;
}

/** One stored text per content hash (any passage with that hash). */
export async function passageTextsByHash(db: Db, hashes: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(hashes)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const part = unique.slice(i, i + IN_CHUNK);
    const rows = await db.all<{ content_hash: string; text: string }>(
      // Copies that differ only in case or spacing share a hash; the one embedded for all of them is
      // the greatest in binary order, which prefers lower case ("The cat" over "THE CAT"): the
      // built-in model is case-sensitive and puts unrelated all-caps texts close together
      // (bench/dedup-scale.ts: with MIN, 17 planted groups with an upper-cased copy merged into one).
      `SELECT content_hash, MAX(text) AS text FROM passages WHERE content_hash IN (${marks(part.length)}) GROUP BY content_hash`,
      part,
    );
    for (const r of rows) out.set(r.content_hash, r.text);
  }
  return out;
}

/** The start of a document's text, from its stored passages (for the cross-encoder). */
export async function documentTextStart(db: Db, documentId: number, maxChars: number): Promise<string> {
  const rows = await db.all<{ text: string }>('SELECT text FROM passages WHERE document_id = ? ORDER BY idx', [documentId]);
  let out = '';
  for (const r of rows) {
    if (out.length >= maxChars) break;
    out += (out ? '\n\n' : '') + r.text;
  }
  return out.slice(0, maxChars);
}

/** Removes the clusters (and, by cascade, members) a scan stored before. */
export async function deleteScanClusters(db: Db, scanId: number): Promise<number> {
  return (await db.run('DELETE FROM clusters WHERE scan_id = ?', [scanId])).changes;
}

export interface DocumentLocation {
  id: number;
  root: string;
  relPath: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
  /** Characters of extracted text, from the passages' end offsets (0 when it has none). */
  textLength: number;
}

/** Documents with their corpus root folder, by id. */
export async function documentLocations(db: Db, ids: readonly number[]): Promise<Map<number, DocumentLocation>> {
  const out = new Map<number, DocumentLocation>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const part = unique.slice(i, i + IN_CHUNK);
    const rows = await db.all<{
      id: number;
      root_path: string;
      rel_path: string;
      size: number;
      mtime_ms: number;
      content_hash: string | null;
      text_len: number | null;
    }>(
      `SELECT d.id, c.root_path, d.rel_path, d.size, d.mtime_ms, d.content_hash,
              (SELECT MAX(p.char_end) FROM passages p WHERE p.document_id = d.id) AS text_len
         FROM documents d JOIN corpora c ON c.id = d.corpus_id
        WHERE d.id IN (${marks(part.length)})`,
      part,
    );
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        root: r.root_path,
        relPath: r.rel_path,
        size: r.size,
        mtimeMs: r.mtime_ms,
        contentHash: r.content_hash,
        textLength: r.text_len ?? 0,
      });
    }
  }
  return out;
}

/** Passage texts by id. */
export async function passageTextsById(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const part = unique.slice(i, i + IN_CHUNK);
    const rows = await db.all<{ id: number; text: string }>(`SELECT id, text FROM passages WHERE id IN (${marks(part.length)})`, part);
    for (const r of rows) out.set(r.id, r.text);
  }
  return out;
}

/** Characters of extracted text per document (the end of its last passage); absent when it has none. */
export async function documentTextEnds(db: Db, documentIds: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let i = 0; i < documentIds.length; i += IN_CHUNK) {
    const part = documentIds.slice(i, i + IN_CHUNK);
    const rows = await db.all<{ document_id: number; end: number }>(
      `SELECT document_id, MAX(char_end) AS end FROM passages WHERE document_id IN (${marks(part.length)}) GROUP BY document_id`,
      part,
    );
    for (const r of rows) out.set(r.document_id, r.end);
  }
  return out;
}

/** The texts of a document's passages, in order. */
export async function documentPassageTexts(db: Db, documentId: number): Promise<string[]> {
  return (await db.all<{ text: string }>('SELECT text FROM passages WHERE document_id = ? ORDER BY idx', [documentId])).map((r) => r.text);
}

/** Passage content hashes by passage id. */
export async function passageHashesById(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const part = unique.slice(i, i + IN_CHUNK);
    const rows = await db.all<{ id: number; content_hash: string }>(`SELECT id, content_hash FROM passages WHERE id IN (${marks(part.length)})`, part);
    for (const r of rows) out.set(r.id, r.content_hash);
  }
  return out;
}
