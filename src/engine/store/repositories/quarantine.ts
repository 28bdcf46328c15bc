/**
 * Quarantine batches and their moves (schema v6): the batch row is written before the first
 * move; each move is logged 'pending' before the file is touched and marked 'done' or 'failed'
 * after, with the SHA-256 of the moved bytes for undo to check.
 */
import type { QuarantineBatch } from '../../../shared/api';
import os from 'node:os';
import { iso, isoOrNull, type RepoContext } from './common';

export type MoveState = 'pending' | 'done' | 'failed';

export interface QuarantineMove {
  id: number;
  scanId: number | null;
  batchId: string;
  sourcePath: string;
  destPath: string;
  /** The scan's text hash of the file (the key of the document). */
  contentHash: string;
  /** SHA-256 of the file's bytes when it was moved (null for moves logged before schema v6). */
  sha256: string | null;
  size: number;
  mtimeMs: number;
  state: MoveState;
  at: string;
  /** When it was restored (before v6, also when a failed move was written off). */
  undoneAt: string | null;
}

/** One batch as a person reads it: the API's type, defined once in src/shared. */
export type QuarantineBatchSummary = QuarantineBatch;

interface MoveRow {
  id: number;
  scan_id: number | null;
  batch_id: string;
  source_path: string;
  dest_path: string;
  content_hash: string;
  sha256: string | null;
  size: number;
  mtime_ms: number;
  state: MoveState;
  at: number;
  undone_at: number | null;
}

// Moves logged before schema v6 have no quarantine_moves row: no hash, and 'done'.
const MOVES = 'file_actions f LEFT JOIN quarantine_moves q ON q.action_id = f.id';
const MOVE_COLUMNS =
  "f.id, f.scan_id, f.batch_id, f.source_path, f.dest_path, f.content_hash, q.sha256, f.size, f.mtime_ms, COALESCE(q.state, 'done') AS state, f.at, f.undone_at";

const toMove = (r: MoveRow): QuarantineMove => ({
  id: r.id,
  scanId: r.scan_id,
  batchId: r.batch_id,
  sourcePath: r.source_path,
  destPath: r.dest_path,
  contentHash: r.content_hash,
  sha256: r.sha256,
  size: r.size,
  mtimeMs: r.mtime_ms,
  state: r.state,
  at: iso(r.at),
  undoneAt: isoOrNull(r.undone_at),
});

/** Whether a process of this machine is alive (signal 0 only checks). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function quarantineRepository({ db, now }: RepoContext) {
  return {
    /** Writes the batch before anything moves. */
    async startBatch(b: { id: string; scanId: number | null; quarantineDir: string; planned: number }): Promise<void> {
      await db.run(
        `INSERT INTO quarantine_batches (id, scan_id, quarantine_dir, planned, state, pid, host, created_at)
         VALUES (?, ?, ?, ?, 'moving', ?, ?, ?)`,
        [b.id, b.scanId, b.quarantineDir, b.planned, process.pid, os.hostname(), now()],
      );
    },

    async finishBatch(id: string): Promise<void> {
      await db.run("UPDATE quarantine_batches SET state = 'done', finished_at = ? WHERE id = ? AND state = 'moving'", [now(), id]);
    },

    /** Whether the batch's process is still moving files (alive on this machine); false for finished and pre-v6 batches. */
    async isMoving(id: string): Promise<boolean> {
      const b = await db.get<{ state: string; pid: number | null; host: string | null }>('SELECT state, pid, host FROM quarantine_batches WHERE id = ?', [id]);
      return b?.state === 'moving' && b.host === os.hostname() && b.pid !== null && processAlive(b.pid);
    },

    /** Logs a move as pending, before the file is touched; returns its id. */
    async logPendingMove(m: {
      batchId: string;
      scanId: number | null;
      sourcePath: string;
      destPath: string;
      contentHash: string;
      sha256: string;
      size: number;
      mtimeMs: number;
    }): Promise<number> {
      return db.transaction(async () => {
        const r = await db.run(
          `INSERT INTO file_actions (scan_id, batch_id, action, source_path, dest_path, content_hash, size, mtime_ms, at)
           VALUES (?, ?, 'move', ?, ?, ?, ?, ?, ?)`,
          [m.scanId, m.batchId, m.sourcePath, m.destPath, m.contentHash, m.size, Math.round(m.mtimeMs), now()],
        );
        await db.run("INSERT INTO quarantine_moves (action_id, sha256, state) VALUES (?, ?, 'pending')", [r.lastID, m.sha256]);
        return r.lastID;
      });
    },

    async setMoveState(id: number, state: 'done' | 'failed'): Promise<void> {
      await db.transaction(async () => {
        await db.run('UPDATE quarantine_moves SET state = ? WHERE action_id = ?', [state, id]);
        // As before v6, a move that never happened is also marked undone, so readers of
        // file_actions alone (dedup.actions, the view's log) never count it as in quarantine.
        if (state === 'failed') await db.run('UPDATE file_actions SET undone_at = ? WHERE id = ? AND undone_at IS NULL', [now(), id]);
      });
    },

    /** Marks a move as restored (undone). */
    async markRestored(id: number): Promise<void> {
      await db.transaction(async () => {
        await db.run("UPDATE quarantine_moves SET state = 'done' WHERE action_id = ?", [id]);
        await db.run('UPDATE file_actions SET undone_at = ? WHERE id = ? AND undone_at IS NULL', [now(), id]);
      });
    },

    /** The moves of a batch in the order they were logged. */
    async moves(batchId: string): Promise<QuarantineMove[]> {
      const rows = await db.all<MoveRow>(`SELECT ${MOVE_COLUMNS} FROM ${MOVES} WHERE f.batch_id = ? AND f.action = 'move' ORDER BY f.id`, [batchId]);
      return rows.map(toMove);
    },

    /** Whether a batch of this id was ever written (batch row or, before v6, a logged action). */
    async batchExists(batchId: string): Promise<boolean> {
      const r = await db.get<{ n: number }>(
        'SELECT (SELECT COUNT(*) FROM quarantine_batches WHERE id = ?) + (SELECT COUNT(*) FROM file_actions WHERE batch_id = ?) AS n',
        [batchId, batchId],
      );
      return (r?.n ?? 0) > 0;
    },

    /** Batches newest first, those from before v6 (actions without a batch row) included. */
    async listBatches(opts: { scanId?: number; limit?: number } = {}): Promise<QuarantineBatchSummary[]> {
      const scanFilter = opts.scanId !== undefined ? ' WHERE scan_id = ?' : '';
      const args = opts.scanId !== undefined ? [opts.scanId] : [];
      const counts = await db.all<{ batch_id: string; scan_id: number | null; moved: number; restored: number; pending: number; first_at: number }>(
        `SELECT batch_id, MIN(scan_id) AS scan_id,
                SUM(state = 'done') AS moved,
                SUM(state = 'done' AND undone_at IS NOT NULL) AS restored,
                SUM(state = 'pending' AND undone_at IS NULL) AS pending,
                MIN(at) AS first_at
           FROM (SELECT ${MOVE_COLUMNS} FROM ${MOVES} WHERE f.action = 'move')${scanFilter} GROUP BY batch_id`,
        args,
      );
      const batches = await db.all<{
        id: string;
        scan_id: number | null;
        quarantine_dir: string;
        planned: number;
        state: 'moving' | 'done';
        pid: number | null;
        host: string | null;
        created_at: number;
        finished_at: number | null;
      }>(`SELECT * FROM quarantine_batches${scanFilter}`, args);
      const byBatch = new Map(counts.map((c) => [c.batch_id, c]));
      const host = os.hostname();
      const out: QuarantineBatchSummary[] = [];
      const summarise = (
        batchId: string,
        c: { moved: number; restored: number; pending: number } | undefined,
        rest: Omit<QuarantineBatchSummary, 'batchId' | 'moved' | 'inQuarantine' | 'restored' | 'pending' | 'state'>,
        running: boolean | null,
      ) => {
        const moved = Number(c?.moved ?? 0);
        const restored = Number(c?.restored ?? 0);
        const pending = Number(c?.pending ?? 0);
        const inQuarantine = moved - restored;
        let state: QuarantineBatchSummary['state'];
        if (running === true) state = 'moving';
        else if (running === false || pending > 0) state = 'interrupted';
        else if (moved === 0) state = 'nothing moved';
        else if (inQuarantine === 0) state = 'restored';
        else if (restored > 0) state = 'partly restored';
        else state = 'in quarantine';
        out.push({ batchId, ...rest, moved, inQuarantine, restored, pending, state });
      };
      for (const b of batches) {
        // A batch still 'moving' is interrupted unless its process is alive on this machine.
        const running = b.state === 'moving' ? b.host === host && b.pid !== null && processAlive(b.pid) : null;
        summarise(
          b.id,
          byBatch.get(b.id),
          {
            scanId: b.scan_id,
            quarantineDir: b.quarantine_dir,
            createdAt: iso(b.created_at),
            finishedAt: isoOrNull(b.finished_at),
            planned: b.planned,
          },
          running,
        );
        byBatch.delete(b.id);
      }
      for (const c of byBatch.values()) {
        summarise(c.batch_id, c, { scanId: c.scan_id, quarantineDir: null, createdAt: iso(c.first_at), finishedAt: null, planned: null }, null);
      }
      out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      return opts.limit !== undefined ? out.slice(0, opts.limit) : out;
    },
  };
}

export type QuarantineRepository = ReturnType<typeof quarantineRepository>;
