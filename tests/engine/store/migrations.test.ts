import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createStore,
  DatabaseTooNewError,
  LATEST_SCHEMA_VERSION,
  MIGRATIONS,
  migrate,
  openDatabase,
  openReadOnly,
  readUserVersion,
  type Db,
  type Migration,
} from '../../../src/engine/store';
import { onCleanup, tempDir } from './helpers';

async function open(file: string, opts: Parameters<typeof openDatabase>[1] = {}): Promise<Db> {
  const db = await openDatabase(file, opts);
  onCleanup(() => db.close());
  return db;
}

/** sqlite_master with whitespace collapsed, in a stable order. */
async function schemaOf(db: Db) {
  const rows = await db.all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name',
  );
  return rows.map((r) => ({ ...r, sql: r.sql?.replace(/\s+/g, ' ').trim() ?? null }));
}

async function tableNames(db: Db): Promise<string[]> {
  const rows = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  return rows.map((r) => r.name);
}

const T0 = Date.UTC(2024, 0, 1);

/**
 * Rows valid at each schema version, written with plain SQL as the app of that version
 * would have. Keyed by the version that introduced the tables.
 */
const SEEDS: Record<number, string> = {
  1: `
    INSERT INTO corpora (id, name, root_path, kind, created_at) VALUES (1, 'news', '/data/news', 'folder', ${T0});
    INSERT INTO corpora (id, name, root_path, kind, created_at) VALUES (2, 'pairs', '/data/pairs.tsv', 'pairs', ${T0});
    INSERT INTO documents (id, corpus_id, rel_path, size, mtime_ms, content_hash, encoding, format, status, skip_reason, updated_at)
      VALUES (1, 1, 'a.txt', 120, ${T0}, 'hash-a', 'utf-8', 'txt', 'ok', NULL, ${T0}),
             (2, 1, 'b.bin', 9000, ${T0}, NULL, NULL, NULL, 'skipped', 'binary file', ${T0});
    INSERT INTO passages (id, document_id, idx, text, char_start, char_end, content_hash)
      VALUES (1, 1, 0, 'First passage.', 0, 14, 'p-hash-0'), (2, 1, 1, 'Second passage.', 15, 30, 'p-hash-1');
    INSERT INTO sentence_pairs (id, corpus_id, text_a, text_b, source, gold_score, created_at)
      VALUES (1, 2, 'A cat sits.', 'A cat is sitting.', 'given', 4.6, ${T0}), (2, 1, 'x', 'y', 'knn', NULL, ${T0});
    INSERT INTO training_runs (id, corpus_id, preset, settings_json, status, error, checkpoint_json, created_at, started_at, finished_at)
      VALUES (1, 1, 'quick', '{"cycles":3}', 'done', NULL, '{"cycle":3,"step":120}', ${T0}, ${T0 + 1000}, ${T0 + 60000}),
             (2, 1, 'quick', '{"cycles":3}', 'failed', 'out of memory', NULL, ${T0}, ${T0 + 1000}, ${T0 + 2000});
    INSERT INTO models (id, name, kind, architecture, rel_dir, parent_id, run_id, cycle, config_json, created_at)
      VALUES (1, 'base', 'base', 'bert-mini', 'models/base', NULL, NULL, NULL, '{}', ${T0}),
             (2, 'bi c1', 'bi', 'bert-mini', 'models/run-1-bi-c1', 1, 1, 1, '{"pooling":"mean"}', ${T0});
    INSERT INTO run_metrics (id, run_id, stage, cycle, step, name, value, at)
      VALUES (1, 1, 'bi', 1, 10, 'loss', 0.9, ${T0}), (2, 1, 'bi', 1, 20, 'loss', 0.7, ${T0}), (3, 2, 'cross', 0, 5, 'loss', NULL, ${T0});
    INSERT INTO evaluations (id, model_id, run_id, dataset, metric, value, n, at)
      VALUES (1, 2, 1, 'sts-b test', 'spearman', 0.71, 1379, ${T0});
    INSERT INTO dedup_scans (id, roots_json, settings_json, status, stats_json, error, created_at, started_at, finished_at)
      VALUES (1, '["/data/news"]', '{"layers":["exact"]}', 'done', '{"files":2}', NULL, ${T0}, ${T0}, ${T0 + 5000});
    INSERT INTO clusters (id, scan_id, layer, score, keep_document_id) VALUES (1, 1, 'exact', 1.0, 1);
    INSERT INTO cluster_members (id, cluster_id, document_id, passage_id, score) VALUES (1, 1, 1, 2, 1.0), (2, 1, 2, NULL, 0.98);
    INSERT INTO file_actions (id, scan_id, batch_id, action, source_path, dest_path, content_hash, size, mtime_ms, at, undone_at)
      VALUES (1, 1, 'batch-1', 'move', '/data/news/b.bin', '/q/b.bin', 'hash-b', 9000, ${T0}, ${T0}, NULL);
    INSERT INTO jobs (id, kind, status, params_json, progress_json, result_json, error, created_at, updated_at)
      VALUES ('job-1', 'corpus.index', 'done', '{}', '{"done":2}', '{"corpusId":1}', NULL, ${T0}, ${T0});
  `,
  2: `
    INSERT INTO embedding_cache (content_hash, model_id, dim, vector, created_at) VALUES ('hash-a', 2, 2, X'0000803F00000040', ${T0});
    INSERT INTO minhash_cache (content_hash, num_perm, settings_key, signature, created_at) VALUES ('hash-a', 2, 'k5', X'0100000002000000', ${T0});
  `,
  3: `
    INSERT INTO labelled_pairs (id, text_a, text_b, label, scale, corpus_id, created_at) VALUES (1, 'a', 'b', 1, 'binary', 1, ${T0});
  `,
  4: `
    INSERT INTO semantic_pairs_cache (model_id, level, params, items_digest, item_count, method, pair_items, similarities, created_at)
      VALUES (2, 'file', 't0.9', 'digest', 2, 'exact', X'0000000001000000', X'6666663F', ${T0});
  `,
  5: '',
  6: `
    INSERT INTO quarantine_batches (id, scan_id, quarantine_dir, planned, state, pid, host, created_at, finished_at)
      VALUES ('batch-1', 1, '/q', 1, 'done', 1, 'host', ${T0}, ${T0});
    INSERT INTO quarantine_moves (action_id, sha256, state) VALUES (1, '${'a'.repeat(64)}', 'done');
  `,
  7: `
    INSERT INTO dedup_reference_folders (path, created_at) VALUES ('/data/news/originals', ${T0});
    INSERT INTO dedup_dismissals (id, scan_id, label, files, created_at) VALUES (1, 1, 'a.txt', 2, ${T0});
    INSERT INTO dedup_ignored_pairs (dismissal_id, path_a, hash_a, path_b, hash_b) VALUES (1, '/data/news/a.txt', 'hash-a', '/data/news/b.txt', 'hash-b');
  `,
};

/** Tables and their row counts once the seeds up to `version` are in. */
function expectedCounts(version: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let v = 1; v <= version; v++) {
    for (const m of SEEDS[v].matchAll(/INSERT INTO (\w+) \([^)]*\)\s*VALUES\s*([\s\S]*?);/g)) {
      counts[m[1]] = (counts[m[1]] ?? 0) + (m[2].match(/\),\s*\(/g)?.length ?? 0) + 1;
    }
  }
  return counts;
}

/**
 * v5 changes on purpose: content hashes now mean "the same text" (stricter), so documents are
 * read again at the next scan (mtime -1) and the caches keyed by the old hashes are emptied;
 * clusters, members and scans get new columns with their defaults.
 */
const V5_NEW_COLUMNS: Record<string, Record<string, unknown>> = {
  clusters: { preselect: 0, evidence_json: null },
  cluster_members: { layer: null, evidence_json: null },
  dedup_scans: { runner_pid: null, heartbeat_at: null },
};
function expectedAfterV5(table: string, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  if (['embedding_cache', 'minhash_cache', 'semantic_pairs_cache'].includes(table)) return [];
  return rows.map((r) => ({
    ...r,
    ...(V5_NEW_COLUMNS[table] ?? {}),
    ...(table === 'documents' && r.status === 'ok' ? { mtime_ms: -1 } : {}),
  }));
}

describe('migrations', () => {
  it('numbers migrations 1..N and exports the latest', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(LATEST_SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
  });

  it('migrates an empty file to the latest version with WAL, foreign keys and all tables', async () => {
    const dir = await tempDir();
    const db = await open(path.join(dir, 'studio.sqlite'));
    expect(await readUserVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.journalMode).toBe('wal');
    expect((await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))!.foreign_keys).toBe(1);
    expect((await db.get<{ synchronous: number }>('PRAGMA synchronous'))!.synchronous).toBe(1); // NORMAL
    expect((await db.get<{ timeout: number }>('PRAGMA busy_timeout'))!.timeout).toBe(5000);
    expect(await tableNames(db)).toEqual(
      [
        'clusters',
        'cluster_members',
        'corpora',
        'dedup_dismissals',
        'dedup_ignored_pairs',
        'dedup_reference_folders',
        'dedup_scans',
        'documents',
        'embedding_cache',
        'evaluations',
        'file_actions',
        'jobs',
        'labelled_pairs',
        'minhash_cache',
        'models',
        'passages',
        'run_metrics',
        'quarantine_batches',
        'quarantine_moves',
        'semantic_pairs_cache',
        'sentence_pairs',
        'training_runs',
      ].sort(),
    );
    expect((await db.all('PRAGMA foreign_key_check')).length).toBe(0);
    // The v3 rebuild of training_runs kept its index.
    const runIndexes = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'training_runs'");
    expect(runIndexes.map((r) => r.name)).toContain('idx_training_runs_corpus');
    // A second run has nothing to do.
    expect(await migrate(db)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION, applied: [] });
  });

  it('builds a database at any earlier version with targetVersion', async () => {
    const dir = await tempDir();
    for (let k = 0; k <= LATEST_SCHEMA_VERSION; k++) {
      const db = await openDatabase(path.join(dir, `v${k}.sqlite`), { targetVersion: k });
      expect(await readUserVersion(db)).toBe(k);
      const tables = await tableNames(db);
      expect(tables.includes('corpora')).toBe(k >= 1);
      expect(tables.includes('embedding_cache')).toBe(k >= 2);
      expect(tables.includes('labelled_pairs')).toBe(k >= 3);
      await db.close();
    }
  });

  const earlier = Array.from({ length: LATEST_SCHEMA_VERSION - 1 }, (_, i) => i + 1);
  it.each(earlier)('migrates a populated version %i database to the latest, keeping its data', async (k) => {
    const dir = await tempDir();
    const fresh = await open(path.join(dir, 'fresh.sqlite'));
    const db = await open(path.join(dir, `from-v${k}.sqlite`), { targetVersion: k });
    for (let v = 1; v <= k; v++) await db.exec(SEEDS[v]);
    const before: Record<string, unknown[]> = {};
    for (const table of Object.keys(expectedCounts(k))) before[table] = await db.all(`SELECT * FROM ${table} ORDER BY 1, 2`);

    const result = await migrate(db);
    expect(result.from).toBe(k);
    expect(result.applied).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION - k }, (_, i) => k + i + 1));
    expect(await readUserVersion(db)).toBe(LATEST_SCHEMA_VERSION);

    // Every row survived with the same values, apart from what a migration changes on purpose
    // (new columns would show up as extra keys).
    for (const [table, rows] of Object.entries(before)) {
      expect(rows.length, table).toBe(expectedCounts(k)[table]);
      const after = await db.all(`SELECT * FROM ${table} ORDER BY 1, 2`);
      expect(after, table).toEqual(k < 5 ? expectedAfterV5(table, rows as Record<string, unknown>[]) : rows);
    }
    // Same schema as a database created at the latest version.
    expect(await schemaOf(db)).toEqual(await schemaOf(fresh));
    expect((await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))!.integrity_check).toBe('ok');
    expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
    expect((await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))!.foreign_keys).toBe(1);

    // The migrated data works with the current code: new enum value, new table, cascades
    // through the rebuilt training_runs table.
    const store = createStore(db);
    expect(await store.runs.updateStatus(1, 'paused')).toBe(true);
    expect((await store.runs.get(1))!.checkpoint).toEqual({ cycle: 3, step: 120 });
    expect((await store.models.lineage(2)).map((m) => m.id)).toEqual([2, 1]);
    await store.labelledPairs.add({ textA: 'p', textB: 'q', label: 3.5, scale: '0-5', corpusId: 1 });
    expect(await store.runs.remove(1)).toBe(true);
    expect(await store.metrics.listForRun(1)).toEqual([]);
    expect((await store.models.get(2))!.runId).toBeNull();
    expect((await store.evaluations.listForModel(2))[0].runId).toBeNull();
    await expect(db.run("INSERT INTO run_metrics (run_id, stage, step, name, value, at) VALUES (999, 'bi', 0, 'loss', 1, 0)")).rejects.toThrow(
      /FOREIGN KEY constraint failed/,
    );
  });

  it('refuses a database newer than the app and leaves the file untouched', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'future.sqlite');
    const db = await openDatabase(file);
    await createStore(db).corpora.create({ name: 'kept', rootPath: '/x', kind: 'folder' });
    await db.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    await db.close();
    const hash = async () =>
      createHash('sha256')
        .update(await fs.readFile(file))
        .digest('hex');
    const before = await hash();

    const message = `database version ${LATEST_SCHEMA_VERSION + 1} is newer than this app supports (${LATEST_SCHEMA_VERSION})`;
    await expect(openDatabase(file)).rejects.toThrow(message);
    await expect(openDatabase(file)).rejects.toBeInstanceOf(DatabaseTooNewError);
    await expect(openReadOnly(file)).rejects.toThrow(message);
    expect(await hash()).toBe(before);

    // migrate() itself refuses too, given a shorter migration list than the file's version.
    const current = await open(path.join(dir, 'current.sqlite'));
    await expect(migrate(current, { migrations: MIGRATIONS.slice(0, 2) })).rejects.toThrow(
      `database version ${LATEST_SCHEMA_VERSION} is newer than this app supports (2)`,
    );
    expect(await readUserVersion(current)).toBe(LATEST_SCHEMA_VERSION);
  });

  it('rolls back a failing migration and keeps the previous version', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'fail.sqlite');
    const list: Migration[] = [
      { version: 1, name: 'one', up: 'CREATE TABLE a (id INTEGER PRIMARY KEY);' },
      {
        version: 2,
        name: 'two fails halfway',
        up: async (db) => {
          await db.exec('CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO a (id) VALUES (1);');
          throw new Error('boom');
        },
      },
    ];
    await expect(openDatabase(file, { migrations: list })).rejects.toThrow('boom');
    const db = await open(file, { migrations: list, migrate: false });
    expect(await readUserVersion(db)).toBe(1);
    expect(await tableNames(db)).toEqual(['a']);
    expect(await db.all('SELECT * FROM a')).toEqual([]);
  });

  it('rejects a migration that leaves foreign key violations', async () => {
    const dir = await tempDir();
    const list: Migration[] = [
      {
        version: 1,
        name: 'tables',
        up: 'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id));',
      },
      { version: 2, name: 'orphan', up: 'INSERT INTO c (id, p_id) VALUES (1, 42);' },
    ];
    const file = path.join(dir, 'fk.sqlite');
    await expect(openDatabase(file, { migrations: list })).rejects.toThrow(/foreign key violation/);
    const db = await open(file, { migrations: list, migrate: false });
    expect(await readUserVersion(db)).toBe(1);
    expect(await db.all('SELECT * FROM c')).toEqual([]);
  });

  it('does not migrate backwards', async () => {
    const dir = await tempDir();
    const db = await open(path.join(dir, 'x.sqlite'));
    await expect(migrate(db, { targetVersion: 1 })).rejects.toThrow(/only go forward/);
    await expect(migrate(db, { targetVersion: LATEST_SCHEMA_VERSION + 1 })).rejects.toThrow(RangeError);
  });
});
