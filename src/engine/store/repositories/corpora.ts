/** Corpora: a folder of text files or a file of sentence pairs the user added. */
import type { Corpus, CorpusKind, CorpusWithCounts } from '../types';
import { iso, type RepoContext } from './common';

interface CorpusRow {
  id: number;
  name: string;
  root_path: string;
  kind: CorpusKind;
  created_at: number;
}

const COLUMNS = 'id, name, root_path, kind, created_at';

function toCorpus(r: CorpusRow): Corpus {
  return { id: r.id, name: r.name, rootPath: r.root_path, kind: r.kind, createdAt: iso(r.created_at) };
}

export function corporaRepository({ db, now }: RepoContext) {
  return {
    /** Adds a corpus; the name must be unique (SQLITE_CONSTRAINT otherwise). */
    async create(input: { name: string; rootPath: string; kind: CorpusKind }): Promise<Corpus> {
      const row = await db.get<CorpusRow>(`INSERT INTO corpora (name, root_path, kind, created_at) VALUES (?, ?, ?, ?) RETURNING ${COLUMNS}`, [
        input.name,
        input.rootPath,
        input.kind,
        now(),
      ]);
      return toCorpus(row!);
    },

    /** The corpus with this id, or undefined. */
    async get(id: number): Promise<Corpus | undefined> {
      const row = await db.get<CorpusRow>(`SELECT ${COLUMNS} FROM corpora WHERE id = ?`, [id]);
      return row && toCorpus(row);
    },

    /** The corpus with this name, or undefined. */
    async getByName(name: string): Promise<Corpus | undefined> {
      const row = await db.get<CorpusRow>(`SELECT ${COLUMNS} FROM corpora WHERE name = ?`, [name]);
      return row && toCorpus(row);
    },

    /** All corpora, oldest first, with their counts of ok and skipped documents. */
    async list(): Promise<CorpusWithCounts[]> {
      const rows = await db.all<CorpusRow & { ok: number; skipped: number }>(
        `SELECT c.id, c.name, c.root_path, c.kind, c.created_at,
                COUNT(d.id) FILTER (WHERE d.status = 'ok') AS ok,
                COUNT(d.id) FILTER (WHERE d.status = 'skipped') AS skipped
           FROM corpora c LEFT JOIN documents d ON d.corpus_id = c.id
          GROUP BY c.id ORDER BY c.id`,
      );
      return rows.map((r) => ({ ...toCorpus(r), documents: r.ok, skipped: r.skipped }));
    },

    /** Renames a corpus (the name must be unique: SQLITE_CONSTRAINT otherwise); false if there is none. */
    async rename(id: number, name: string): Promise<boolean> {
      return (await db.run('UPDATE corpora SET name = ? WHERE id = ?', [name, id])).changes > 0;
    },

    /** Deletes a corpus with its documents, passages and pairs (runs keep existing, unlinked). */
    async remove(id: number): Promise<boolean> {
      return (await db.run('DELETE FROM corpora WHERE id = ?', [id])).changes > 0;
    },
  };
}

export type CorporaRepository = ReturnType<typeof corporaRepository>;
