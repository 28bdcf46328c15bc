/** Documents of a corpus and the passages they are split into. */
import type { DocumentInput, DocumentStatus, Passage, PassageInput, StoredDocument, UpsertedDocument } from '../types';
import { chunks, iso, page, placeholders, type RepoContext } from './common';

interface DocumentRow {
  id: number;
  corpus_id: number;
  rel_path: string;
  size: number;
  mtime_ms: number;
  content_hash: string | null;
  encoding: string | null;
  format: string | null;
  status: DocumentStatus;
  skip_reason: string | null;
  updated_at: number;
}

const DOC_COLUMNS = 'id, corpus_id, rel_path, size, mtime_ms, content_hash, encoding, format, status, skip_reason, updated_at';

function toDocument(r: DocumentRow): StoredDocument {
  return {
    id: r.id,
    corpusId: r.corpus_id,
    relPath: r.rel_path,
    size: r.size,
    mtimeMs: r.mtime_ms,
    contentHash: r.content_hash,
    encoding: r.encoding,
    format: r.format,
    status: r.status,
    skipReason: r.skip_reason,
    updatedAt: iso(r.updated_at),
  };
}

interface PassageRow {
  id: number;
  document_id: number;
  idx: number;
  text: string;
  char_start: number;
  char_end: number;
  content_hash: string;
}

const PASSAGE_COLUMNS = 'id, document_id, idx, text, char_start, char_end, content_hash';

function toPassage(r: PassageRow): Passage {
  return {
    id: r.id,
    documentId: r.document_id,
    index: r.idx,
    text: r.text,
    charStart: r.char_start,
    charEnd: r.char_end,
    contentHash: r.content_hash,
  };
}

/** Rows per multi-row INSERT (10 parameters a document, 6 a passage: far under SQLite's limit). */
const ROWS_PER_STATEMENT = 90;

export function documentsRepository({ db, now }: RepoContext) {
  async function hashesByPath(corpusId: number, paths: readonly string[]): Promise<Map<string, { id: number; contentHash: string | null }>> {
    const out = new Map<string, { id: number; contentHash: string | null }>();
    for (const part of chunks(paths)) {
      const rows = await db.all<{ id: number; rel_path: string; content_hash: string | null }>(
        `SELECT id, rel_path, content_hash FROM documents WHERE corpus_id = ? AND rel_path IN (${placeholders(part.length)})`,
        [corpusId, ...part],
      );
      for (const r of rows) out.set(r.rel_path, { id: r.id, contentHash: r.content_hash });
    }
    return out;
  }

  async function removeMany(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return db.transaction(async () => {
      let n = 0;
      for (const part of chunks(ids)) {
        n += (await db.run(`DELETE FROM documents WHERE id IN (${placeholders(part.length)})`, part)).changes;
      }
      return n;
    });
  }

  return {
    /**
     * Inserts or updates documents by (corpus, relPath) in one transaction. A document whose
     * content hash changed loses its passages (they described the old content).
     */
    async upsertMany(corpusId: number, docs: readonly DocumentInput[]): Promise<UpsertedDocument[]> {
      if (docs.length === 0) return [];
      return db.transaction(async () => {
        const at = now();
        // A few statements per ROWS_PER_STATEMENT documents, not two per document: the reading
        // phase of a scan writes every file through here.
        const paths = [...new Set(docs.map((d) => d.relPath))];
        const before = await hashesByPath(corpusId, paths);
        // Later entries of one path see the earlier ones, as if written one by one.
        const current = new Map(before);
        const changedOld: number[] = [];
        const changed = docs.map((d) => {
          const old = current.get(d.relPath);
          const contentHash = d.contentHash ?? null;
          const isChanged = !old || old.contentHash !== contentHash;
          if (old && isChanged && old.id > 0) changedOld.push(old.id);
          current.set(d.relPath, { id: old?.id ?? 0, contentHash });
          return isChanged;
        });
        for (const part of chunks(docs, ROWS_PER_STATEMENT)) {
          await db.run(
            `INSERT INTO documents (corpus_id, rel_path, size, mtime_ms, content_hash, encoding, format, status, skip_reason, updated_at)
             VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
             ON CONFLICT (corpus_id, rel_path) DO UPDATE SET
               size = excluded.size, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash,
               encoding = excluded.encoding, format = excluded.format, status = excluded.status,
               skip_reason = excluded.skip_reason, updated_at = excluded.updated_at`,
            part.flatMap((d) => [
              corpusId,
              d.relPath,
              d.size,
              d.mtimeMs,
              d.contentHash ?? null,
              d.encoding ?? null,
              d.format ?? null,
              d.status,
              d.skipReason ?? null,
              at,
            ]),
          );
        }
        for (const part of chunks([...new Set(changedOld)])) await db.run(`DELETE FROM passages WHERE document_id IN (${placeholders(part.length)})`, part);
        const after = await hashesByPath(corpusId, paths);
        return docs.map((d, i) => ({ id: after.get(d.relPath)!.id, relPath: d.relPath, changed: changed[i] }));
      });
    },

    /** The document with this id, or undefined. */
    async get(id: number): Promise<StoredDocument | undefined> {
      const row = await db.get<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE id = ?`, [id]);
      return row && toDocument(row);
    },

    /** The document at `relPath` in a corpus, or undefined. */
    async getByPath(corpusId: number, relPath: string): Promise<StoredDocument | undefined> {
      const row = await db.get<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE corpus_id = ? AND rel_path = ?`, [corpusId, relPath]);
      return row && toDocument(row);
    },

    /** Documents of a corpus in path order, optionally of one status, paged. */
    async listByCorpus(corpusId: number, opts: { status?: DocumentStatus; limit?: number; offset?: number } = {}): Promise<StoredDocument[]> {
      const params: unknown[] = [corpusId];
      let where = 'corpus_id = ?';
      if (opts.status) {
        where += ' AND status = ?';
        params.push(opts.status);
      }
      const rows = await db.all<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE ${where} ORDER BY rel_path${page(opts, params)}`, params);
      return rows.map(toDocument);
    },

    /** Number of documents in a corpus, optionally of one status. */
    async count(corpusId: number, status?: DocumentStatus): Promise<number> {
      const row = await db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM documents WHERE corpus_id = ?${status ? ' AND status = ?' : ''}`,
        status ? [corpusId, status] : [corpusId],
      );
      return row!.n;
    },

    /** All documents (any corpus) with this content hash: exact duplicates. */
    async findByHash(contentHash: string): Promise<StoredDocument[]> {
      const rows = await db.all<DocumentRow>(`SELECT ${DOC_COLUMNS} FROM documents WHERE content_hash = ? ORDER BY id`, [contentHash]);
      return rows.map(toDocument);
    },

    /** Skipped documents of a corpus grouped by reason, most frequent first, with a few paths each. */
    async skipReasons(corpusId: number, examples = 3): Promise<{ reason: string; count: number; examples: string[] }[]> {
      const rows = await db.all<{ reason: string; n: number }>(
        `SELECT COALESCE(skip_reason, '') AS reason, COUNT(*) AS n FROM documents WHERE corpus_id = ? AND status = 'skipped' GROUP BY reason ORDER BY n DESC, reason`,
        [corpusId],
      );
      const out: { reason: string; count: number; examples: string[] }[] = [];
      for (const r of rows) {
        const paths = await db.all<{ rel_path: string }>(
          `SELECT rel_path FROM documents WHERE corpus_id = ? AND status = 'skipped' AND COALESCE(skip_reason, '') = ? ORDER BY rel_path LIMIT ?`,
          [corpusId, r.reason, examples],
        );
        out.push({ reason: r.reason, count: r.n, examples: paths.map((p) => p.rel_path) });
      }
      return out;
    },

    /** Deletes documents (and their passages) by id; returns how many went. */
    removeMany,

    /** After a rescan: deletes the corpus's documents whose path is not in `present`. */
    async removeMissing(corpusId: number, present: Iterable<string>): Promise<number> {
      const keep = new Set(present);
      return db.transaction(async () => {
        const rows = await db.all<{ id: number; rel_path: string }>('SELECT id, rel_path FROM documents WHERE corpus_id = ?', [corpusId]);
        return removeMany(rows.filter((r) => !keep.has(r.rel_path)).map((r) => r.id));
      });
    },
    /** Documents of the given size under any of these folder corpora's roots: id and location. */
    async withSizeUnderRoots(size: number, roots: readonly string[]): Promise<{ id: number; rootPath: string; relPath: string }[]> {
      if (roots.length === 0) return [];
      const rows = await db.all<{ id: number; root_path: string; rel_path: string }>(
        `SELECT d.id, c.root_path, d.rel_path FROM documents d JOIN corpora c ON c.id = d.corpus_id
          WHERE d.size = ? AND c.root_path IN (${roots.map(() => '?').join(', ')})`,
        [size, ...roots],
      );
      return rows.map((r) => ({ id: r.id, rootPath: r.root_path, relPath: r.rel_path }));
    },
  };
}

export function passagesRepository({ db }: RepoContext) {
  async function replaceForDocuments(items: readonly { documentId: number; passages: readonly PassageInput[] }[]): Promise<number> {
    if (items.length === 0) return 0;
    return db.transaction(async () => {
      for (const part of chunks([...new Set(items.map((i) => i.documentId))])) {
        await db.run(`DELETE FROM passages WHERE document_id IN (${placeholders(part.length)})`, part);
      }
      const rows = items.flatMap((i) => i.passages.map((p) => [i.documentId, p.index, p.text, p.charStart, p.charEnd, p.contentHash]));
      for (const part of chunks(rows, ROWS_PER_STATEMENT)) {
        await db.run(
          `INSERT INTO passages (document_id, idx, text, char_start, char_end, content_hash) VALUES ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
          part.flat(),
        );
      }
      return rows.length;
    });
  }

  return {
    /** Replaces all passages of a document in one transaction; returns how many were written. */
    async replaceForDocument(documentId: number, passages: readonly PassageInput[]): Promise<number> {
      return replaceForDocuments([{ documentId, passages }]);
    },

    /** Replaces all passages of several documents in one transaction; returns how many were written. */
    replaceForDocuments,

    /** Passages of a document in order. */
    async listForDocument(documentId: number): Promise<Passage[]> {
      const rows = await db.all<PassageRow>(`SELECT ${PASSAGE_COLUMNS} FROM passages WHERE document_id = ? ORDER BY idx`, [documentId]);
      return rows.map(toPassage);
    },

    /** Passages of every ok document of a corpus, in path then passage order, paged. */
    async listByCorpus(corpusId: number, opts: { limit?: number; offset?: number } = {}): Promise<Passage[]> {
      const params: unknown[] = [corpusId];
      const rows = await db.all<PassageRow>(
        `SELECT p.id, p.document_id, p.idx, p.text, p.char_start, p.char_end, p.content_hash
           FROM passages p JOIN documents d ON d.id = p.document_id
          WHERE d.corpus_id = ? AND d.status = 'ok'
          ORDER BY d.rel_path, p.idx${page(opts, params)}`,
        params,
      );
      return rows.map(toPassage);
    },

    /** The passage with this id, or undefined. */
    async get(id: number): Promise<Passage | undefined> {
      const row = await db.get<PassageRow>(`SELECT ${PASSAGE_COLUMNS} FROM passages WHERE id = ?`, [id]);
      return row && toPassage(row);
    },

    /** Number of passages of the ok documents of a corpus. */
    async countForCorpus(corpusId: number): Promise<number> {
      return (await db.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.corpus_id = ? AND d.status = 'ok'`,
        [corpusId],
      ))!.n;
    },

    /** Number of passages of a document. */
    async countForDocument(documentId: number): Promise<number> {
      return (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM passages WHERE document_id = ?', [documentId]))!.n;
    },
  };
}

export type DocumentsRepository = ReturnType<typeof documentsRepository>;
export type PassagesRepository = ReturnType<typeof passagesRepository>;
