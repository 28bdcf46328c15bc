/**
 * Versioned schema migrations. The version of a file is kept in `PRAGMA user_version`;
 * each migration runs in its own transaction together with the version bump, so a crash
 * leaves the file at the previous version, never half-migrated.
 *
 * Rules for whoever adds a migration:
 * - Never edit a migration that has shipped; append a new one with the next version.
 * - Keep the enum arrays in types.ts in step with the CHECK constraints.
 * - Timestamps are unix milliseconds (INTEGER); JSON columns are TEXT checked with json_valid.
 * - Migrations run with foreign keys OFF (so a table can be rebuilt, see rebuildTable) and
 *   must leave `PRAGMA foreign_key_check` clean; the runner checks before committing.
 */
import type { Db } from './db';
import { DatabaseTooNewError } from './errors';

export interface Migration {
  version: number;
  name: string;
  /** A SQL script, or a function for steps that need to look at the database first. */
  up: string | ((db: Db) => Promise<void>);
}

const V1_INITIAL = `
CREATE TABLE corpora (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  root_path   TEXT    NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('folder', 'pairs')),
  created_at  INTEGER NOT NULL
);

CREATE TABLE documents (
  id           INTEGER PRIMARY KEY,
  corpus_id    INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  rel_path     TEXT    NOT NULL,
  size         INTEGER NOT NULL CHECK (size >= 0),
  mtime_ms     INTEGER NOT NULL,
  content_hash TEXT,
  encoding     TEXT,
  format       TEXT,
  status       TEXT    NOT NULL CHECK (status IN ('ok', 'skipped')),
  skip_reason  TEXT,
  updated_at   INTEGER NOT NULL,
  UNIQUE (corpus_id, rel_path),
  CHECK (status <> 'ok' OR content_hash IS NOT NULL),
  CHECK (status <> 'skipped' OR skip_reason IS NOT NULL)
);
CREATE INDEX idx_documents_content_hash ON documents(content_hash);

CREATE TABLE passages (
  id           INTEGER PRIMARY KEY,
  document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL CHECK (idx >= 0),
  text         TEXT    NOT NULL,
  char_start   INTEGER NOT NULL CHECK (char_start >= 0),
  char_end     INTEGER NOT NULL,
  content_hash TEXT    NOT NULL,
  UNIQUE (document_id, idx),
  CHECK (char_end >= char_start)
);

CREATE TABLE sentence_pairs (
  id          INTEGER PRIMARY KEY,
  corpus_id   INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  text_a      TEXT    NOT NULL,
  text_b      TEXT    NOT NULL,
  source      TEXT    NOT NULL CHECK (source IN ('knn', 'random', 'lexical', 'given')),
  gold_score  REAL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX idx_sentence_pairs_corpus ON sentence_pairs(corpus_id, source);

-- Run history outlives its corpus: deleting a corpus keeps its runs (corpus_id becomes NULL).
CREATE TABLE training_runs (
  id              INTEGER PRIMARY KEY,
  corpus_id       INTEGER REFERENCES corpora(id) ON DELETE SET NULL,
  preset          TEXT    NOT NULL,
  settings_json   TEXT    NOT NULL CHECK (json_valid(settings_json)),
  status          TEXT    NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  error           TEXT,
  checkpoint_json TEXT    CHECK (checkpoint_json IS NULL OR json_valid(checkpoint_json)),
  created_at      INTEGER NOT NULL,
  started_at      INTEGER,
  finished_at     INTEGER
);
CREATE INDEX idx_training_runs_corpus ON training_runs(corpus_id);

CREATE TABLE models (
  id           INTEGER PRIMARY KEY,
  name         TEXT    NOT NULL,
  kind         TEXT    NOT NULL CHECK (kind IN ('base', 'bi', 'cross')),
  architecture TEXT    NOT NULL,
  rel_dir      TEXT    NOT NULL UNIQUE,
  parent_id    INTEGER REFERENCES models(id) ON DELETE SET NULL,
  run_id       INTEGER REFERENCES training_runs(id) ON DELETE SET NULL,
  cycle        INTEGER CHECK (cycle IS NULL OR cycle >= 0),
  config_json  TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(config_json)),
  created_at   INTEGER NOT NULL,
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX idx_models_parent ON models(parent_id);

CREATE TABLE run_metrics (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
  stage   TEXT    NOT NULL,
  cycle   INTEGER NOT NULL DEFAULT 0 CHECK (cycle >= 0),
  step    INTEGER NOT NULL CHECK (step >= 0),
  name    TEXT    NOT NULL,
  value   REAL,
  at      INTEGER NOT NULL
);
CREATE INDEX idx_run_metrics_run ON run_metrics(run_id, name, cycle, step);

CREATE TABLE evaluations (
  id        INTEGER PRIMARY KEY,
  model_id  INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  run_id    INTEGER REFERENCES training_runs(id) ON DELETE SET NULL,
  dataset   TEXT    NOT NULL,
  metric    TEXT    NOT NULL,
  value     REAL,
  n         INTEGER NOT NULL CHECK (n >= 0),
  at        INTEGER NOT NULL
);
CREATE INDEX idx_evaluations_model ON evaluations(model_id, dataset, metric);

CREATE TABLE dedup_scans (
  id            INTEGER PRIMARY KEY,
  roots_json    TEXT    NOT NULL CHECK (json_valid(roots_json)),
  settings_json TEXT    NOT NULL CHECK (json_valid(settings_json)),
  status        TEXT    NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  stats_json    TEXT    CHECK (stats_json IS NULL OR json_valid(stats_json)),
  error         TEXT,
  created_at    INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER
);

CREATE TABLE clusters (
  id                INTEGER PRIMARY KEY,
  scan_id           INTEGER NOT NULL REFERENCES dedup_scans(id) ON DELETE CASCADE,
  layer             TEXT    NOT NULL CHECK (layer IN ('exact', 'near', 'semantic', 'cross')),
  score             REAL,
  keep_document_id  INTEGER REFERENCES documents(id) ON DELETE SET NULL
);
CREATE INDEX idx_clusters_scan ON clusters(scan_id, layer);

CREATE TABLE cluster_members (
  id           INTEGER PRIMARY KEY,
  cluster_id   INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
  document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  passage_id   INTEGER REFERENCES passages(id) ON DELETE CASCADE,
  score        REAL
);
CREATE INDEX idx_cluster_members_cluster ON cluster_members(cluster_id);

-- The undo trail of file moves: it must survive the deletion of its scan.
CREATE TABLE file_actions (
  id            INTEGER PRIMARY KEY,
  scan_id       INTEGER REFERENCES dedup_scans(id) ON DELETE SET NULL,
  batch_id      TEXT    NOT NULL,
  action        TEXT    NOT NULL CHECK (action IN ('move', 'restore')),
  source_path   TEXT    NOT NULL,
  dest_path     TEXT    NOT NULL,
  content_hash  TEXT    NOT NULL,
  size          INTEGER NOT NULL CHECK (size >= 0),
  mtime_ms      INTEGER NOT NULL,
  at            INTEGER NOT NULL,
  undone_at     INTEGER
);
CREATE INDEX idx_file_actions_batch ON file_actions(batch_id);

CREATE TABLE jobs (
  id            TEXT    PRIMARY KEY,
  kind          TEXT    NOT NULL,
  status        TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  params_json   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(params_json)),
  progress_json TEXT    CHECK (progress_json IS NULL OR json_valid(progress_json)),
  result_json   TEXT    CHECK (result_json IS NULL OR json_valid(result_json)),
  error         TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX idx_jobs_status ON jobs(status, updated_at);
`;

/** Caches that make rescans incremental: both are keyed by content hash, not by path. */
const V2_CACHES = `
CREATE TABLE embedding_cache (
  content_hash TEXT    NOT NULL,
  model_id     INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  dim          INTEGER NOT NULL CHECK (dim > 0),
  vector       BLOB    NOT NULL CHECK (length(vector) = dim * 4),
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (content_hash, model_id)
) WITHOUT ROWID;
CREATE INDEX idx_embedding_cache_model ON embedding_cache(model_id);

-- settings_key names whatever else shapes a signature (shingle size, seed, normalisation).
CREATE TABLE minhash_cache (
  content_hash TEXT    NOT NULL,
  num_perm     INTEGER NOT NULL CHECK (num_perm > 0),
  settings_key TEXT    NOT NULL DEFAULT '',
  signature    BLOB    NOT NULL,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (content_hash, num_perm, settings_key)
) WITHOUT ROWID;
`;

/** v3 adds `paused` to training_runs.status: a CHECK change needs the table rebuilt. */
const V3_TRAINING_RUNS = `
CREATE TABLE training_runs (
  id              INTEGER PRIMARY KEY,
  corpus_id       INTEGER REFERENCES corpora(id) ON DELETE SET NULL,
  preset          TEXT    NOT NULL,
  settings_json   TEXT    NOT NULL CHECK (json_valid(settings_json)),
  status          TEXT    NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
  error           TEXT,
  checkpoint_json TEXT    CHECK (checkpoint_json IS NULL OR json_valid(checkpoint_json)),
  created_at      INTEGER NOT NULL,
  started_at      INTEGER,
  finished_at     INTEGER
)`;

const V3_LABELS_AND_INDEXES = `
CREATE TABLE labelled_pairs (
  id          INTEGER PRIMARY KEY,
  text_a      TEXT    NOT NULL,
  text_b      TEXT    NOT NULL,
  label       REAL    NOT NULL,
  scale       TEXT    NOT NULL CHECK (scale IN ('binary', '0-5')),
  corpus_id   INTEGER REFERENCES corpora(id) ON DELETE SET NULL,
  created_at  INTEGER NOT NULL,
  CHECK ((scale = 'binary' AND label IN (0, 1)) OR (scale = '0-5' AND label BETWEEN 0 AND 5))
);
CREATE INDEX idx_labelled_pairs_corpus ON labelled_pairs(corpus_id);

-- Child keys of ON DELETE actions that v1 left unindexed (each delete scanned the table).
CREATE INDEX idx_models_run ON models(run_id);
CREATE INDEX idx_evaluations_run ON evaluations(run_id);
CREATE INDEX idx_cluster_members_document ON cluster_members(document_id);
CREATE INDEX idx_cluster_members_passage ON cluster_members(passage_id);
CREATE INDEX idx_clusters_keep_document ON clusters(keep_document_id);
CREATE INDEX idx_file_actions_scan ON file_actions(scan_id);
-- Lookups by content: "was this file moved before?" and passage-level duplicates.
CREATE INDEX idx_file_actions_content_hash ON file_actions(content_hash);
CREATE INDEX idx_passages_content_hash ON passages(content_hash);
`;

// The semantic layer's candidate pairs of the last scan, per model and level (files or
// passages), so a rescan of an unchanged set neither rebuilds the nearest-neighbour index nor
// gets different pairs from it (the approximate index is built in parallel, not reproducibly).
// items_digest: sha256 of the sorted content hashes searched; params: threshold, k, method.
// Pairs are positions in that sorted list.
const V4_SEMANTIC_PAIRS_CACHE = `
CREATE TABLE semantic_pairs_cache (
  model_id     INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  level        TEXT    NOT NULL CHECK (level IN ('file', 'passage')),
  params       TEXT    NOT NULL,
  items_digest TEXT    NOT NULL,
  item_count   INTEGER NOT NULL CHECK (item_count >= 0),
  method       TEXT    NOT NULL CHECK (method IN ('exact', 'ann')),
  pair_items   BLOB    NOT NULL,
  similarities BLOB    NOT NULL CHECK (length(pair_items) = 2 * length(similarities)),
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (model_id, level)
) WITHOUT ROWID;
`;

// v5: duplicate groups that say what holds them together.
//  - clusters: layer 'same-file' (hard links: one file under several names, never moved),
//    the evidence of the group (JSON) and whether its members may be pre-selected for moving;
//  - cluster_members: each member's own evidence against the group's keeper (layer, JSON);
//  - dedup_scans: the process running a scan and its last sign of life, so a scan whose
//    process died (killed, crashed) is found and can be resumed instead of "running" forever;
//  - content hashes now mean "the same text" (only Unicode composition, line ends and
//    whitespace normalised; case and punctuation count, see text/normalize.ts). Hashes stored
//    before were of a looser form, so every document is read again at its next scan (its
//    mtime no longer matches) and the caches keyed by those hashes are emptied.
const V5_CLUSTERS = `
CREATE TABLE clusters (
  id                INTEGER PRIMARY KEY,
  scan_id           INTEGER NOT NULL REFERENCES dedup_scans(id) ON DELETE CASCADE,
  layer             TEXT    NOT NULL CHECK (layer IN ('exact', 'near', 'semantic', 'cross', 'same-file')),
  score             REAL,
  keep_document_id  INTEGER REFERENCES documents(id) ON DELETE SET NULL,
  preselect         INTEGER NOT NULL DEFAULT 0 CHECK (preselect IN (0, 1)),
  evidence_json     TEXT    CHECK (evidence_json IS NULL OR json_valid(evidence_json))
);
`;
const V5_REST = `
ALTER TABLE cluster_members ADD COLUMN layer TEXT CHECK (layer IS NULL OR layer IN ('exact', 'near', 'semantic', 'cross', 'same-file'));
ALTER TABLE cluster_members ADD COLUMN evidence_json TEXT CHECK (evidence_json IS NULL OR json_valid(evidence_json));
ALTER TABLE dedup_scans ADD COLUMN runner_pid INTEGER;
ALTER TABLE dedup_scans ADD COLUMN heartbeat_at INTEGER;
UPDATE documents SET mtime_ms = -1 WHERE status = 'ok';
DELETE FROM embedding_cache;
DELETE FROM minhash_cache;
DELETE FROM semantic_pairs_cache;
`;

// Quarantine moves you can trust (issue 11). A batch is written before its first move, so a
// crash midway leaves a batch that can be listed and undone; pid/host tell a batch still moving
// from one whose process died. Each move (a file_actions row) gets a quarantine_moves row,
// 'pending' before the file is touched, then 'done' or 'failed'; sha256 is the moved file's
// bytes, which undo checks before restoring. New tables only: file_actions keeps its shape.
const V6_QUARANTINE_BATCHES = `
CREATE TABLE quarantine_batches (
  id             TEXT    PRIMARY KEY,
  scan_id        INTEGER REFERENCES dedup_scans(id) ON DELETE SET NULL,
  quarantine_dir TEXT    NOT NULL,
  planned        INTEGER NOT NULL CHECK (planned >= 0),
  state          TEXT    NOT NULL DEFAULT 'moving' CHECK (state IN ('moving', 'done')),
  pid            INTEGER,
  host           TEXT,
  created_at     INTEGER NOT NULL,
  finished_at    INTEGER
);
CREATE INDEX idx_quarantine_batches_scan ON quarantine_batches(scan_id);

CREATE TABLE quarantine_moves (
  action_id INTEGER PRIMARY KEY REFERENCES file_actions(id) ON DELETE CASCADE,
  sha256    TEXT    NOT NULL CHECK (length(sha256) = 64),
  state     TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'failed'))
);
`;

// Duplicates review (issue 13): reference folders, whose files are always kept and never moved,
// and the "not a duplicate" list. A dismissal is one group (or one file of it) the person said
// is not a duplicate; its pairs name each file by path and content hash, so a file that changes
// is judged again. Clearing the list deletes the dismissals (their pairs cascade).
const V7_DEDUP_REVIEW = `
CREATE TABLE dedup_reference_folders (
  path       TEXT    PRIMARY KEY,
  created_at INTEGER NOT NULL
);

CREATE TABLE dedup_dismissals (
  id         INTEGER PRIMARY KEY,
  scan_id    INTEGER REFERENCES dedup_scans(id) ON DELETE SET NULL,
  label      TEXT    NOT NULL,
  files      INTEGER NOT NULL CHECK (files >= 2),
  created_at INTEGER NOT NULL
);

CREATE TABLE dedup_ignored_pairs (
  dismissal_id INTEGER NOT NULL REFERENCES dedup_dismissals(id) ON DELETE CASCADE,
  path_a       TEXT    NOT NULL,
  hash_a       TEXT    NOT NULL,
  path_b       TEXT    NOT NULL,
  hash_b       TEXT    NOT NULL,
  CHECK (path_a < path_b),
  PRIMARY KEY (dismissal_id, path_a, path_b)
);
CREATE INDEX idx_dedup_ignored_pairs_key ON dedup_ignored_pairs(path_a, path_b);
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: V1_INITIAL },
  { version: 2, name: 'embedding and minhash caches', up: V2_CACHES },
  {
    version: 3,
    name: 'labelled pairs, paused runs, missing indexes',
    up: async (db) => {
      await rebuildTable(db, 'training_runs', V3_TRAINING_RUNS);
      await db.exec(V3_LABELS_AND_INDEXES);
    },
  },
  { version: 4, name: 'semantic pairs cache', up: V4_SEMANTIC_PAIRS_CACHE },
  {
    version: 5,
    name: 'duplicate groups with evidence, stale scan detection, strict content hashes',
    up: async (db) => {
      await rebuildTable(db, 'clusters', V5_CLUSTERS);
      await db.exec(V5_REST);
    },
  },
  { version: 6, name: "quarantine batches, moved files' hashes and states", up: V6_QUARANTINE_BATCHES },
  { version: 7, name: 'duplicates review: reference folders and the not-a-duplicate list', up: V7_DEDUP_REVIEW },
];

export const LATEST_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Replaces `table` by the definition `createSql` (a CREATE TABLE statement naming `table`),
 * keeping the rows of the columns both share and the table's indexes and triggers:
 * the "make a new table, copy, drop, rename" procedure SQLite documents for changes that
 * ALTER TABLE cannot make. Needs foreign keys OFF, which the migration runner ensures.
 * Views that name the table must be dropped before and recreated after by the caller.
 */
export async function rebuildTable(db: Db, table: string, createSql: string): Promise<void> {
  const temp = `${table}__rebuild`;
  const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const pattern = new RegExp(`^(\\s*CREATE\\s+TABLE\\s+)(?:"${table}"|${table})(\\s*\\()`, 'i');
  if (!pattern.test(createSql)) throw new Error(`rebuildTable: the statement must start with CREATE TABLE ${table} (`);
  const dependents = await db.all<{ sql: string }>(
    "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
    [table],
  );
  const oldColumns = new Set((await db.all<{ name: string }>(`PRAGMA table_info(${quoted(table)})`)).map((c) => c.name));
  await db.exec(createSql.replace(pattern, `$1${quoted(temp)}$2`));
  const columns = (await db.all<{ name: string }>(`PRAGMA table_info(${quoted(temp)})`))
    .map((c) => c.name)
    .filter((name) => oldColumns.has(name))
    .map(quoted)
    .join(', ');
  await db.exec(`
    INSERT INTO ${quoted(temp)} (${columns}) SELECT ${columns} FROM ${quoted(table)};
    DROP TABLE ${quoted(table)};
    ALTER TABLE ${quoted(temp)} RENAME TO ${quoted(table)};
  `);
  for (const { sql } of dependents) await db.exec(sql);
}

export interface MigrateOptions {
  /** Stop at this version instead of the latest (tests build older databases with it). */
  targetVersion?: number;
  /** Replaces the app's migration list (tests only). */
  migrations?: readonly Migration[];
}

export interface MigrateResult {
  from: number;
  to: number;
  /** Versions applied by this call, in order. */
  applied: number[];
}

/** The schema version stored in the file (`PRAGMA user_version`). */
export async function readUserVersion(db: Db): Promise<number> {
  return (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
}

/**
 * Brings the database up to `targetVersion` (default: the latest), one transaction per
 * migration. Refuses a database newer than the migration list without writing to it.
 */
export async function migrate(db: Db, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = opts.migrations ?? MIGRATIONS;
  checkList(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const target = opts.targetVersion ?? latest;
  if (!Number.isInteger(target) || target < 0 || target > latest) {
    throw new RangeError(`targetVersion must be an integer from 0 to ${latest}, got ${target}`);
  }
  const from = await readUserVersion(db);
  if (from > latest) throw new DatabaseTooNewError(from, latest);
  if (from > target) throw new Error(`database version ${from} is past the requested version ${target}; migrations only go forward`);
  if (from === target) return { from, to: from, applied: [] };
  if (db.inTransaction) throw new Error('migrate cannot run inside a transaction');

  const applied: number[] = [];
  // PRAGMA foreign_keys cannot change inside a transaction, so it is switched around them.
  const fk = (await db.get<{ foreign_keys: number }>('PRAGMA foreign_keys'))?.foreign_keys === 1;
  await db.exec('PRAGMA foreign_keys = OFF');
  try {
    for (const m of migrations) {
      if (m.version <= from || m.version > target) continue;
      const done = await db.transaction(async (tx) => {
        // Another process may have migrated in the meantime: look again under the write lock.
        const current = await readUserVersion(tx);
        if (current >= m.version) return false;
        if (typeof m.up === 'string') await tx.exec(m.up);
        else await m.up(tx);
        const violations = await tx.all('PRAGMA foreign_key_check');
        if (violations.length > 0) {
          throw new Error(`migration ${m.version} (${m.name}) leaves ${violations.length} foreign key violation(s), first: ${JSON.stringify(violations[0])}`);
        }
        await tx.exec(`PRAGMA user_version = ${m.version}`);
        return true;
      });
      if (done) applied.push(m.version);
    }
  } finally {
    await db.exec(`PRAGMA foreign_keys = ${fk ? 'ON' : 'OFF'}`);
  }
  return { from, to: await readUserVersion(db), applied };
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is broken: entry ${i} has version ${m.version}, expected ${i + 1}`);
  });
}
