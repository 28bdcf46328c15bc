/**
 * How the store recognises its own database file: SQLite's header, our application id and our
 * schema. A file that is empty, not SQLite, another program's or damaged is refused with a clear
 * message and left exactly as it was, so that what it held (the undo record of moved files) can
 * still be recovered. New files are created complete under a temporary name and linked into place,
 * so a process opening a new data folder never sees another one's half-created, 0-byte file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

/** `PRAGMA application_id` of our databases: "TENC" in ASCII. */
export const APPLICATION_ID = 0x54454e43;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** Tables every version of our schema has: how a database from before the application id is recognised. */
const OWN_TABLES = ['corpora', 'documents', 'dedup_scans', 'file_actions'];

export type UnrecognisedReason = 'empty' | 'not-sqlite' | 'foreign' | 'damaged';

const KEPT = 'It has been kept exactly as it is (nothing was written to it).';

export class DatabaseNotRecognisedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: UnrecognisedReason,
    detail = '',
  ) {
    const what = {
      empty: `The database file ${file} is empty (0 bytes): its contents were lost outside the app. ${KEPT} Restore it from a backup, or move it away to start a new, empty database (the record of moved duplicates would then be gone).`,
      'not-sqlite': `The file ${file} is not an SQLite database; another program may have overwritten it. ${KEPT} Restore it from a backup, or move it away to start a new, empty database.`,
      foreign: `The file ${file} is an SQLite database of another program, not of TransEncoder Studio. ${KEPT} Choose another data folder, or move the file away.`,
      damaged: `The database file ${file} is damaged${detail ? ` (${detail})` : ''}. ${KEPT} Try the sqlite3 tool's ".recover" command on a copy, or restore it from a backup; moving it away starts a new, empty database.`,
    }[reason];
    super(what);
    this.name = 'DatabaseNotRecognisedError';
  }
}

/** Reads the first bytes of `file` before SQLite opens it: 'missing', or throws for an empty or non-SQLite file. */
export function checkFileHeader(file: string): 'missing' | 'sqlite' {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size === 0) throw new DatabaseNotRecognisedError(file, 'empty');
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const read = fs.readSync(fd, head, 0, head.length, 0);
    if (size < 100 || read < head.length || !head.equals(SQLITE_HEADER)) throw new DatabaseNotRecognisedError(file, 'not-sqlite');
    return 'sqlite';
  } finally {
    fs.closeSync(fd);
  }
}

/** The minimum a check needs from a connection (db.ts's Connection, before it is handed out). */
interface Queryable {
  get<T>(sql: string): Promise<T | undefined>;
  all<T>(sql: string): Promise<T[]>;
}

/**
 * Checks an opened file's application id and schema. 'ours': stamped by us. 'adopt': written by a
 * version from before the application id (our tables and a schema version), or an empty database;
 * the caller stamps it. Throws DatabaseNotRecognisedError otherwise.
 */
export async function checkIdentity(db: Queryable, file: string): Promise<'ours' | 'adopt'> {
  let applicationId: number;
  let version: number;
  let tables: Set<string>;
  try {
    applicationId = (await db.get<{ application_id: number }>('PRAGMA application_id'))?.application_id ?? 0;
    version = (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
    tables = new Set((await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => r.name));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') throw new DatabaseNotRecognisedError(file, 'damaged', (err as Error).message);
    throw err;
  }
  if (applicationId === APPLICATION_ID) return 'ours';
  if (applicationId !== 0) throw new DatabaseNotRecognisedError(file, 'foreign');
  if (tables.size === 0 && version === 0) return 'adopt';
  if (version >= 1 && OWN_TABLES.every((t) => tables.has(t))) return 'adopt';
  throw new DatabaseNotRecognisedError(file, 'foreign');
}

/**
 * Creates `file` as a complete, stamped SQLite file, atomically: written under a temporary name,
 * then hard-linked into place (which fails if another process got there first; then theirs is used).
 * `stamp` writes the application id into the temporary file with SQLite.
 */
export async function createDatabaseFile(file: string, stamp: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await stamp(tmp);
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      // File systems without hard links: an exclusive copy is just as safe against a race.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') {
        try {
          fs.copyFileSync(tmp, file, fs.constants.COPYFILE_EXCL);
        } catch (copyErr) {
          if ((copyErr as NodeJS.ErrnoException).code !== 'EEXIST') throw copyErr;
        }
        return;
      }
      throw err;
    }
  } finally {
    for (const side of ['', '-journal', '-wal', '-shm']) fs.rmSync(tmp + side, { force: true });
  }
}
