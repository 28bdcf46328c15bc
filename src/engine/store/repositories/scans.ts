/** Deduplication scans, the duplicate clusters they find, and the log of file moves (for undo). */
import {
  TERMINAL_STATUSES,
  type Cluster,
  type ClusterInput,
  type ClusterLayer,
  type ClusterMember,
  type DedupScan,
  type FileAction,
  type FileActionBatch,
  type FileActionInput,
  type FileActionKind,
  type ScanStatus,
} from '../types';
import { chunks, fromJson, iso, isoOrNull, page, placeholders, toJson, type RepoContext } from './common';

interface ScanRow {
  id: number;
  roots_json: string;
  settings_json: string;
  status: ScanStatus;
  stats_json: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  runner_pid: number | null;
  heartbeat_at: number | null;
}

const SCAN_COLUMNS = 'id, roots_json, settings_json, status, stats_json, error, created_at, started_at, finished_at, runner_pid, heartbeat_at';

function toScan(r: ScanRow): DedupScan {
  return {
    id: r.id,
    roots: fromJson(r.roots_json) as string[],
    settings: fromJson(r.settings_json),
    status: r.status,
    stats: fromJson(r.stats_json),
    error: r.error,
    createdAt: iso(r.created_at),
    startedAt: isoOrNull(r.started_at),
    finishedAt: isoOrNull(r.finished_at),
    runnerPid: r.runner_pid,
    heartbeatAt: isoOrNull(r.heartbeat_at),
  };
}

interface ClusterRow {
  id: number;
  scan_id: number;
  layer: ClusterLayer;
  score: number | null;
  keep_document_id: number | null;
  preselect: number;
  evidence_json: string | null;
}

interface MemberRow {
  id: number;
  cluster_id: number;
  document_id: number;
  passage_id: number | null;
  score: number | null;
  layer: ClusterLayer | null;
  evidence_json: string | null;
}

export function scansRepository({ db, now }: RepoContext) {
  return {
    /** Creates a queued scan over these root folders. */
    async create(input: { roots: readonly string[]; settings: unknown }): Promise<DedupScan> {
      const row = await db.get<ScanRow>(
        `INSERT INTO dedup_scans (roots_json, settings_json, status, created_at) VALUES (?, ?, 'queued', ?) RETURNING ${SCAN_COLUMNS}`,
        [JSON.stringify(input.roots), JSON.stringify(input.settings ?? {}), now()],
      );
      return toScan(row!);
    },

    /** The scan with this id, or undefined. */
    async get(id: number): Promise<DedupScan | undefined> {
      const row = await db.get<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM dedup_scans WHERE id = ?`, [id]);
      return row && toScan(row);
    },

    /** Scans, newest first. */
    async list(opts: { status?: ScanStatus; limit?: number } = {}): Promise<DedupScan[]> {
      const args: unknown[] = [];
      const where = opts.status ? ' WHERE status = ?' : '';
      if (opts.status) args.push(opts.status);
      const rows = await db.all<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM dedup_scans${where} ORDER BY id DESC${page(opts, args)}`, args);
      return rows.map(toScan);
    },

    /**
     * Sets status (error cleared when not given; stats kept when not given); stamps started/finished
     * times. `running` also records this process as the runner and its first heartbeat.
     */
    async updateStatus(id: number, status: ScanStatus, opts: { stats?: unknown; error?: string | null } = {}): Promise<boolean> {
      const at = now();
      const running = status === 'running';
      const result = await db.run(
        `UPDATE dedup_scans SET status = ?, error = ?, stats_json = COALESCE(?, stats_json),
                started_at = COALESCE(started_at, ?), finished_at = ?,
                runner_pid = CASE WHEN ? THEN ? ELSE runner_pid END, heartbeat_at = CASE WHEN ? THEN ? ELSE heartbeat_at END
          WHERE id = ?`,
        [
          status,
          opts.error ?? null,
          toJson(opts.stats),
          running ? at : null,
          TERMINAL_STATUSES.includes(status) ? at : null,
          running ? 1 : 0,
          process.pid,
          running ? 1 : 0,
          at,
          id,
        ],
      );
      return result.changes > 0;
    },

    /** A running scan's sign of life (its process is still working on it). */
    async heartbeat(id: number): Promise<void> {
      await db.run(`UPDATE dedup_scans SET heartbeat_at = ? WHERE id = ? AND status = 'running'`, [now(), id]);
    },

    /**
     * Marks as failed (so they can be resumed) the scans stored as running whose process is gone:
     * `isStale` decides from the runner's pid and last heartbeat. Returns the ids marked.
     */
    async failStale(isStale: (scan: DedupScan) => boolean, error: string): Promise<number[]> {
      const rows = await db.all<ScanRow>(`SELECT ${SCAN_COLUMNS} FROM dedup_scans WHERE status = 'running'`);
      const stale = rows.map(toScan).filter(isStale);
      const at = now();
      for (const s of stale) {
        // Only if nobody took it up meanwhile (status and heartbeat as read).
        await db.run(
          `UPDATE dedup_scans SET status = 'failed', error = ?, finished_at = ?
            WHERE id = ? AND status = 'running' AND heartbeat_at IS ?`,
          [error, at, s.id, s.heartbeatAt === null ? null : Date.parse(s.heartbeatAt)],
        );
      }
      return stale.map((s) => s.id);
    },

    /** Stores clusters with their members in one transaction; returns the cluster ids. */
    async addClusters(scanId: number, clusters: readonly ClusterInput[]): Promise<number[]> {
      if (clusters.length === 0) return [];
      return db.transaction(() =>
        db.withStatement(
          'INSERT INTO clusters (scan_id, layer, score, keep_document_id, preselect, evidence_json) VALUES (?, ?, ?, ?, ?, ?)',
          (insertCluster) =>
            db.withStatement(
              'INSERT INTO cluster_members (cluster_id, document_id, passage_id, score, layer, evidence_json) VALUES (?, ?, ?, ?, ?, ?)',
              async (insertMember) => {
                const ids: number[] = [];
                for (const c of clusters) {
                  const params = [scanId, c.layer, c.score ?? null, c.keepDocumentId ?? null, c.preselect ? 1 : 0, toJson(c.evidence)];
                  const id = (await insertCluster.run(params)).lastID;
                  for (const m of c.members) {
                    await insertMember.run([id, m.documentId, m.passageId ?? null, m.score ?? null, m.layer ?? null, toJson(m.evidence)]);
                  }
                  ids.push(id);
                }
                return ids;
              },
            ),
        ),
      );
    },

    /** Clusters of a scan with their members, in insertion order, optionally of one layer, paged. */
    async listClusters(scanId: number, opts: { layer?: ClusterLayer; limit?: number; offset?: number } = {}): Promise<Cluster[]> {
      return db.transaction(async () => {
        const args: unknown[] = [scanId];
        let where = 'scan_id = ?';
        if (opts.layer) {
          where += ' AND layer = ?';
          args.push(opts.layer);
        }
        const rows = await db.all<ClusterRow>(
          `SELECT id, scan_id, layer, score, keep_document_id, preselect, evidence_json FROM clusters WHERE ${where} ORDER BY id${page(opts, args)}`,
          args,
        );
        const members = new Map<number, ClusterMember[]>(rows.map((r) => [r.id, []]));
        for (const part of chunks(rows.map((r) => r.id))) {
          const found = await db.all<MemberRow>(
            `SELECT id, cluster_id, document_id, passage_id, score, layer, evidence_json FROM cluster_members
              WHERE cluster_id IN (${placeholders(part.length)}) ORDER BY id`,
            part,
          );
          for (const m of found) {
            members.get(m.cluster_id)!.push({
              id: m.id,
              clusterId: m.cluster_id,
              documentId: m.document_id,
              passageId: m.passage_id,
              score: m.score,
              layer: m.layer,
              evidence: fromJson(m.evidence_json),
            });
          }
        }
        return rows.map((r) => ({
          id: r.id,
          scanId: r.scan_id,
          layer: r.layer,
          score: r.score,
          keepDocumentId: r.keep_document_id,
          preselect: r.preselect === 1,
          evidence: fromJson(r.evidence_json),
          members: members.get(r.id)!,
        }));
      }, 'deferred');
    },

    /** Changes which document of a cluster is kept (null: none chosen). */
    async setKeep(clusterId: number, documentId: number | null): Promise<boolean> {
      return (await db.run('UPDATE clusters SET keep_document_id = ? WHERE id = ?', [documentId, clusterId])).changes > 0;
    },

    /** Deletes a scan and its clusters (its file action log stays, unlinked). */
    async remove(id: number): Promise<boolean> {
      return (await db.run('DELETE FROM dedup_scans WHERE id = ?', [id])).changes > 0;
    },
  };
}

interface ActionRow {
  id: number;
  scan_id: number | null;
  batch_id: string;
  action: FileActionKind;
  source_path: string;
  dest_path: string;
  content_hash: string;
  size: number;
  mtime_ms: number;
  at: number;
  undone_at: number | null;
}

function toAction(r: ActionRow): FileAction {
  return {
    id: r.id,
    scanId: r.scan_id,
    batchId: r.batch_id,
    action: r.action,
    sourcePath: r.source_path,
    destPath: r.dest_path,
    contentHash: r.content_hash,
    size: r.size,
    mtimeMs: r.mtime_ms,
    at: iso(r.at),
    undoneAt: isoOrNull(r.undone_at),
  };
}

export function fileActionsRepository({ db, now }: RepoContext) {
  return {
    /** Logs file moves/restores in one transaction (log before moving, so a crash leaves a trail); returns ids. */
    async log(entries: readonly FileActionInput[]): Promise<number[]> {
      if (entries.length === 0) return [];
      return db.transaction(() =>
        db.withStatement(
          `INSERT INTO file_actions (scan_id, batch_id, action, source_path, dest_path, content_hash, size, mtime_ms, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          async (insert) => {
            const at = now();
            const ids: number[] = [];
            for (const e of entries) {
              const params = [e.scanId ?? null, e.batchId, e.action, e.sourcePath, e.destPath, e.contentHash, e.size, e.mtimeMs, at];
              ids.push((await insert.run(params)).lastID);
            }
            return ids;
          },
        ),
      );
    },

    /** The newest actions (of one scan, or all), newest first, at most `limit`. */
    async listRecent(opts: { scanId?: number; limit?: number } = {}): Promise<FileAction[]> {
      const where = opts.scanId !== undefined ? ' WHERE scan_id = ?' : '';
      const args: unknown[] = opts.scanId !== undefined ? [opts.scanId] : [];
      const rows = await db.all<ActionRow>(`SELECT * FROM file_actions${where} ORDER BY id DESC LIMIT ?`, [...args, opts.limit ?? 10_000]);
      return rows.map(toAction);
    },

    /** Source paths of this scan's moves still in effect (not undone, not failed). */
    async activeMoveSources(scanId: number): Promise<string[]> {
      const rows = await db.all<{ source_path: string }>(
        "SELECT f.source_path FROM file_actions f LEFT JOIN quarantine_moves q ON q.action_id = f.id WHERE f.scan_id = ? AND f.action = 'move' AND f.undone_at IS NULL AND COALESCE(q.state, 'done') <> 'failed'",
        [scanId],
      );
      return rows.map((r) => r.source_path);
    },

    /** The actions of one batch in the order they were logged. */
    async listBatch(batchId: string): Promise<FileAction[]> {
      const rows = await db.all<ActionRow>('SELECT * FROM file_actions WHERE batch_id = ? ORDER BY id', [batchId]);
      return rows.map(toAction);
    },

    /** One line per batch, newest first: how many actions and how many are undone. */
    async listBatches(opts: { limit?: number; offset?: number } = {}): Promise<FileActionBatch[]> {
      const args: unknown[] = [];
      const rows = await db.all<{ batch_id: string; scan_id: number | null; actions: number; undone: number; first_at: number; last_at: number }>(
        `SELECT batch_id, MIN(scan_id) AS scan_id, COUNT(*) AS actions, COUNT(undone_at) AS undone,
                MIN(at) AS first_at, MAX(at) AS last_at
           FROM file_actions GROUP BY batch_id ORDER BY MAX(id) DESC${page(opts, args)}`,
        args,
      );
      return rows.map((r) => ({
        batchId: r.batch_id,
        scanId: r.scan_id,
        actions: r.actions,
        undone: r.undone,
        firstAt: iso(r.first_at),
        lastAt: iso(r.last_at),
      }));
    },

    /** Marks actions as undone (those already undone keep their time); returns how many changed. */
    async markUndone(ids: readonly number[]): Promise<number> {
      if (ids.length === 0) return 0;
      return db.transaction(async () => {
        const at = now();
        let n = 0;
        for (const part of chunks(ids)) {
          const result = await db.run(`UPDATE file_actions SET undone_at = ? WHERE undone_at IS NULL AND id IN (${placeholders(part.length)})`, [at, ...part]);
          n += result.changes;
        }
        return n;
      });
    },
  };
}

export type ScansRepository = ReturnType<typeof scansRepository>;
export type FileActionsRepository = ReturnType<typeof fileActionsRepository>;
