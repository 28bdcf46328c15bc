/**
 * What a person decided while reviewing duplicates (schema v7): reference folders, whose files
 * are always kept and never moved, and dismissals ("not a duplicate"), each a set of file pairs
 * named by path and content hash. The rules that use them live in src/engine/dedup
 * (referenceFolders.ts, ignoreList.ts).
 */
import { iso, placeholders, chunks, type RepoContext } from './common';

export interface ReferenceFolderRow {
  path: string;
  addedAt: string;
}

/** One file of a dismissed pair: where it was and what it held. */
export interface PairSide {
  path: string;
  hash: string;
}

export interface DismissalRow {
  id: number;
  scanId: number | null;
  /** What the person saw: the group's first file, relative to its folder. */
  label: string;
  files: number;
  createdAt: string;
}

export function dedupReviewRepository({ db, now }: RepoContext) {
  return {
    async listReferenceFolders(): Promise<ReferenceFolderRow[]> {
      const rows = await db.all<{ path: string; created_at: number }>('SELECT path, created_at FROM dedup_reference_folders ORDER BY path');
      return rows.map((r) => ({ path: r.path, addedAt: iso(r.created_at) }));
    },

    /** Adds a folder (again: nothing changes). */
    async addReferenceFolder(folder: string): Promise<void> {
      await db.run('INSERT OR IGNORE INTO dedup_reference_folders (path, created_at) VALUES (?, ?)', [folder, now()]);
    },

    async removeReferenceFolder(folder: string): Promise<boolean> {
      return (await db.run('DELETE FROM dedup_reference_folders WHERE path = ?', [folder])).changes > 0;
    },

    /** Writes one dismissal and its pairs in one transaction; returns its id. */
    async addDismissal(d: { scanId: number | null; label: string; files: number; pairs: readonly [PairSide, PairSide][] }): Promise<number> {
      return db.transaction(async () => {
        const r = await db.run('INSERT INTO dedup_dismissals (scan_id, label, files, created_at) VALUES (?, ?, ?, ?)', [d.scanId, d.label, d.files, now()]);
        const id = r.lastID;
        await db.withStatement(
          'INSERT OR IGNORE INTO dedup_ignored_pairs (dismissal_id, path_a, hash_a, path_b, hash_b) VALUES (?, ?, ?, ?, ?)',
          async (insert) => {
            for (const [x, y] of d.pairs) {
              if (x.path === y.path) continue;
              const [a, b] = x.path < y.path ? [x, y] : [y, x];
              await insert.run([id, a.path, a.hash, b.path, b.hash]);
            }
          },
        );
        return id;
      });
    },

    async listDismissals(): Promise<DismissalRow[]> {
      const rows = await db.all<{ id: number; scan_id: number | null; label: string; files: number; created_at: number }>(
        'SELECT id, scan_id, label, files, created_at FROM dedup_dismissals ORDER BY created_at DESC, id DESC',
      );
      return rows.map((r) => ({ id: r.id, scanId: r.scan_id, label: r.label, files: r.files, createdAt: iso(r.created_at) }));
    },

    /** Removes the given dismissals, or all of them without ids; returns how many went. */
    async removeDismissals(ids?: readonly number[]): Promise<number> {
      if (ids === undefined) return (await db.run('DELETE FROM dedup_dismissals')).changes;
      let n = 0;
      for (const part of chunks([...ids])) n += (await db.run(`DELETE FROM dedup_dismissals WHERE id IN (${placeholders(part.length)})`, part)).changes;
      return n;
    },

    /** Every ignored pair among files at these paths (both sides in the list). */
    async pairsAmong(paths: readonly string[]): Promise<[PairSide, PairSide][]> {
      const wanted = new Set(paths);
      const out: [PairSide, PairSide][] = [];
      // The list is small next to a scan's files: read the pairs touching the paths once.
      for (const part of chunks([...wanted])) {
        const rows = await db.all<{ path_a: string; hash_a: string; path_b: string; hash_b: string }>(
          `SELECT DISTINCT path_a, hash_a, path_b, hash_b FROM dedup_ignored_pairs WHERE path_a IN (${placeholders(part.length)})`,
          part,
        );
        for (const r of rows)
          if (wanted.has(r.path_b))
            out.push([
              { path: r.path_a, hash: r.hash_a },
              { path: r.path_b, hash: r.hash_b },
            ]);
      }
      return out;
    },
  };
}
