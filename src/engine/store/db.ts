/**
 * A small promise API over the callback-based `sqlite3` package.
 *
 * One `Db` wraps one SQLite connection. Because every statement on a connection shares its
 * transaction state, the wrapper serialises work: a transaction holds the connection until
 * it commits or rolls back, and statements issued outside it wait their turn instead of
 * silently joining it. Code running inside `transaction(fn)` (followed through async calls
 * with AsyncLocalStorage) goes straight through, and a nested `transaction` becomes a
 * SAVEPOINT, so repository functions that open their own transaction compose.
 * Consequences: anything called from inside `fn` that touches this connection (a progress
 * save, say) joins the transaction and shares its fate; and awaiting, inside `fn`, a
 * statement that was issued outside it would wait forever, so don't.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';
import { DatabaseTooNewError, DatabaseTooOldError } from './errors';
import { APPLICATION_ID, checkFileHeader, checkIdentity, createDatabaseFile } from './fileIdentity';
import { LATEST_SCHEMA_VERSION, migrate, readUserVersion, type Migration } from './migrations';

export { DatabaseTooNewError, DatabaseTooOldError, readUserVersion };

export type SqlParams = readonly unknown[] | Record<string, unknown>;
export type Row = Record<string, unknown>;

export interface RunResult {
  /** Row id of the last inserted row (only meaningful after an INSERT). */
  lastID: number;
  /** Rows changed by the statement. */
  changes: number;
}

/** A prepared statement, valid only inside the `withStatement` callback that created it. */
export interface Statement {
  run(params?: SqlParams): Promise<RunResult>;
  get<T = Row>(params?: SqlParams): Promise<T | undefined>;
  all<T = Row>(params?: SqlParams): Promise<T[]>;
}

export type TransactionMode = 'immediate' | 'deferred';

export interface Db {
  /** The database file this connection opened. */
  readonly file: string;
  readonly readOnly: boolean;
  /** The journal mode SQLite reported after opening (`wal` unless the file system refused). */
  readonly journalMode: string;
  /** True while the current async context runs inside a transaction of this connection. */
  readonly inTransaction: boolean;
  /** The underlying handle, for the rare thing this API lacks; bypasses the serialisation. */
  readonly raw: sqlite3.Database;

  /** Runs one statement; resolves with the inserted row id and the number of changed rows. */
  run(sql: string, params?: SqlParams): Promise<RunResult>;
  /** First row of a query, or undefined. */
  get<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined>;
  /** All rows of a query. */
  all<T = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs a script of several statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Prepares `sql` once, hands it to `fn` for repeated use and finalises it afterwards. */
  withStatement<T>(sql: string, fn: (stmt: Statement) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a transaction: BEGIN IMMEDIATE (default; `deferred` for read snapshots) ...
   * COMMIT, or ROLLBACK if `fn` throws. Callers on one connection never interleave; nested
   * calls use a SAVEPOINT. Do not run parallel branches (Promise.all) of writes inside `fn`.
   */
  transaction<T>(fn: (db: Db) => Promise<T>, mode?: TransactionMode): Promise<T>;
  /** Waits for queued work, then closes the connection. */
  close(): Promise<void>;
}

/** The SQLite error code (`SQLITE_CONSTRAINT`, `SQLITE_BUSY`, ...) of an error from this module, if any. */
export function sqliteErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export interface OpenOptions {
  /** How long a statement waits for another connection's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Run migrations after opening (default true). */
  migrate?: boolean;
  /** Migrate only up to this version (tests build older databases with it). */
  targetVersion?: number;
  /** Replaces the app's migration list (tests only). */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) the read-write database: WAL journal, foreign keys on, a busy
 * timeout, synchronous=NORMAL (durable across process crashes; a power cut may lose the
 * last commits but never corrupts), then migrates it. A database newer than the code is
 * refused with DatabaseTooNewError, and a file that is not ours (empty, not SQLite, another
 * program's, damaged) with DatabaseNotRecognisedError, before anything is written to it.
 */
export async function openDatabase(file: string, opts: OpenOptions = {}): Promise<Db> {
  const migrations = opts.migrations;
  const latest = migrations ? (migrations.at(-1)?.version ?? 0) : LATEST_SCHEMA_VERSION;
  // Never let SQLite create the file in place: a 0-byte file would then be ambiguous.
  if (checkFileHeader(file) === 'missing') await createDatabaseFile(file, stampNewFile);
  const raw = await openRaw(file, sqlite3.OPEN_READWRITE);
  try {
    const db = new Connection(raw, file, false);
    await db.exec(`PRAGMA busy_timeout = ${busyTimeout(opts.busyTimeoutMs)}`);
    // Check identity and version before any pragma that writes (journal_mode=WAL changes the header).
    const identity = await checkIdentity(db, file);
    const version = await readUserVersion(db);
    if (version > latest) throw new DatabaseTooNewError(version, latest);
    if (identity === 'adopt') await db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    const mode = await db.get<{ journal_mode: string }>('PRAGMA journal_mode = WAL');
    db.journalMode = mode?.journal_mode ?? 'unknown';
    await db.exec('PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
    if (opts.migrate !== false) await migrate(db, { targetVersion: opts.targetVersion, migrations });
    return db;
  } catch (err) {
    await closeRaw(raw).catch(() => undefined);
    throw err;
  }
}

export interface ReadOnlyOptions {
  busyTimeoutMs?: number;
  /** Refuse a database older than this app's schema (default true); newer is always refused. */
  requireLatest?: boolean;
}

/** Opens a read-only connection for readers (another handle on the same file; WAL lets it read while a writer writes). */
export async function openReadOnly(file: string, opts: ReadOnlyOptions = {}): Promise<Db> {
  checkFileHeader(file);
  const raw = await openRaw(file, sqlite3.OPEN_READONLY);
  try {
    const db = new Connection(raw, file, true);
    await db.exec(`PRAGMA busy_timeout = ${busyTimeout(opts.busyTimeoutMs)}`);
    await checkIdentity(db, file);
    const version = await readUserVersion(db);
    if (version > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(version, LATEST_SCHEMA_VERSION);
    if (opts.requireLatest !== false && version < LATEST_SCHEMA_VERSION) {
      throw new DatabaseTooOldError(version, LATEST_SCHEMA_VERSION);
    }
    db.journalMode = (await db.get<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode ?? 'unknown';
    return db;
  } catch (err) {
    await closeRaw(raw).catch(() => undefined);
    throw err;
  }
}

/** Writes a new database file holding only our application id (the schema comes with the migrations). */
async function stampNewFile(tmp: string): Promise<void> {
  const raw = await openRaw(tmp, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE);
  try {
    await new Promise<void>((resolve, reject) => raw.exec(`PRAGMA application_id = ${APPLICATION_ID}`, (err) => (err ? reject(err) : resolve())));
  } finally {
    await closeRaw(raw);
  }
}

function busyTimeout(ms: number | undefined): number {
  const value = ms ?? 5000;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${ms}`);
  return value;
}

function openRaw(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const raw = new sqlite3.Database(file, mode, (err) => (err ? reject(annotate(err, `open ${file}`)) : resolve(raw)));
  });
}

function closeRaw(raw: sqlite3.Database): Promise<void> {
  return new Promise((resolve, reject) => raw.close((err) => (err ? reject(err) : resolve())));
}

/** Adds the statement to the native error (its stack says nothing useful). */
function annotate(err: Error, sql: string): Error {
  const e = err as Error & { sql?: string };
  e.sql = sql;
  return e;
}

/** A FIFO lock. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

interface TxContext {
  open: boolean;
  /** Serialises savepoints opened from this context. */
  nested: Mutex;
}

class Connection implements Db {
  journalMode = 'unknown';
  private readonly lock = new Mutex();
  private readonly context = new AsyncLocalStorage<TxContext>();
  private savepoints = 0;

  constructor(
    readonly raw: sqlite3.Database,
    readonly file: string,
    readonly readOnly: boolean,
  ) {}

  get inTransaction(): boolean {
    return this.context.getStore()?.open === true;
  }

  run(sql: string, params?: SqlParams): Promise<RunResult> {
    return this.schedule(() => this.rawRun(sql, params));
  }

  get<T = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.schedule(
      () =>
        new Promise<T | undefined>((resolve, reject) => {
          this.raw.get(sql, toParams(params), (err: Error | null, row: T | undefined) => (err ? reject(annotate(err, sql)) : resolve(row)));
        }),
    );
  }

  all<T = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.schedule(
      () =>
        new Promise<T[]>((resolve, reject) => {
          this.raw.all(sql, toParams(params), (err: Error | null, rows: T[]) => (err ? reject(annotate(err, sql)) : resolve(rows)));
        }),
    );
  }

  exec(sql: string): Promise<void> {
    return this.schedule(() => this.rawExec(sql));
  }

  async withStatement<T>(sql: string, fn: (stmt: Statement) => Promise<T>): Promise<T> {
    const raw = await this.schedule(
      () =>
        new Promise<sqlite3.Statement>((resolve, reject) => {
          const stmt = this.raw.prepare(sql, (err: Error | null) => (err ? reject(annotate(err, sql)) : resolve(stmt)));
        }),
    );
    const stmt: Statement = {
      run: (params) =>
        this.schedule(
          () =>
            new Promise<RunResult>((resolve, reject) => {
              raw.run(toParams(params), function (this: sqlite3.RunResult, err: Error | null) {
                if (err) reject(annotate(err, sql));
                else resolve({ lastID: this.lastID, changes: this.changes });
              });
            }),
        ),
      get: <R = Row>(params?: SqlParams) =>
        this.schedule(
          () =>
            new Promise<R | undefined>((resolve, reject) => {
              raw.get(toParams(params), (err: Error | null, row?: R) => (err ? reject(annotate(err, sql)) : resolve(row)));
            }),
        ),
      all: <R = Row>(params?: SqlParams) =>
        this.schedule(
          () =>
            new Promise<R[]>((resolve, reject) => {
              raw.all(toParams(params), (err: Error | null, rows: R[]) => (err ? reject(annotate(err, sql)) : resolve(rows)));
            }),
        ),
    };
    try {
      return await fn(stmt);
    } finally {
      // Finalise before the surrounding transaction commits.
      await this.schedule(() => new Promise<void>((resolve) => raw.finalize(() => resolve())));
    }
  }

  transaction<T>(fn: (db: Db) => Promise<T>, mode: TransactionMode = this.readOnly ? 'deferred' : 'immediate'): Promise<T> {
    const outer = this.context.getStore();
    if (outer?.open) return outer.nested.run(() => this.savepoint(fn));
    return this.lock.run(async () => {
      await this.rawExec(mode === 'immediate' ? 'BEGIN IMMEDIATE' : 'BEGIN DEFERRED');
      const ctx: TxContext = { open: true, nested: new Mutex() };
      try {
        const result = await this.context.run(ctx, () => fn(this));
        await this.rawExec('COMMIT');
        return result;
      } catch (err) {
        // ROLLBACK fails harmlessly when SQLite already rolled back (e.g. after SQLITE_FULL).
        await this.rawExec('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        ctx.open = false;
      }
    });
  }

  async close(): Promise<void> {
    await this.lock.run(() => closeRaw(this.raw));
  }

  private async savepoint<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const name = `sp_${++this.savepoints}`;
    await this.rawExec(`SAVEPOINT ${name}`);
    const ctx: TxContext = { open: true, nested: new Mutex() };
    try {
      const result = await this.context.run(ctx, () => fn(this));
      await this.rawExec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      await this.rawExec(`ROLLBACK TO ${name}; RELEASE ${name}`).catch(() => undefined);
      throw err;
    } finally {
      ctx.open = false;
    }
  }

  /** Inside an open transaction of this connection run now; otherwise wait for the connection. */
  private schedule<T>(op: () => Promise<T>): Promise<T> {
    if (this.context.getStore()?.open) return op();
    return this.lock.run(op);
  }

  private rawRun(sql: string, params?: SqlParams): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      this.raw.run(sql, toParams(params), function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(annotate(err, sql));
        else resolve({ lastID: this.lastID, changes: this.changes });
      });
    });
  }

  private rawExec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.raw.exec(sql, (err: Error | null) => (err ? reject(annotate(err, sql)) : resolve()));
    });
  }
}

function toParams(params: SqlParams | undefined): unknown {
  return params ?? [];
}
