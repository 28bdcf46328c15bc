import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatabaseTooOldError,
  dataDirLayout,
  openDatabase,
  openReadOnly,
  resolveDataDir,
  sqliteErrorCode,
  type Db,
  type Migration,
} from '../../../src/engine/store';
import { onCleanup, sleep, tempDir } from './helpers';

const TABLE: Migration[] = [{ version: 1, name: 'log', up: 'CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT NOT NULL, step INTEGER NOT NULL);' }];

async function openLogDb(): Promise<Db> {
  const dir = await tempDir();
  const db = await openDatabase(path.join(dir, 'test.sqlite'), { migrations: TABLE });
  onCleanup(() => db.close());
  return db;
}

const rows = (db: Db) => db.all<{ who: string; step: number }>('SELECT who, step FROM log ORDER BY id');

describe('Db wrapper', () => {
  it('commits a transaction and returns its value', async () => {
    const db = await openLogDb();
    const value = await db.transaction(async (tx) => {
      await tx.run("INSERT INTO log (who, step) VALUES ('a', 1)");
      expect(db.inTransaction).toBe(true);
      return 42;
    });
    expect(value).toBe(42);
    expect(db.inTransaction).toBe(false);
    expect(await rows(db)).toEqual([{ who: 'a', step: 1 }]);
  });

  it('rolls back when the function throws and rethrows the error', async () => {
    const db = await openLogDb();
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO log (who, step) VALUES ('a', 1)");
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(await rows(db)).toEqual([]);
    // The connection is usable afterwards.
    await db.transaction((tx) => tx.run("INSERT INTO log (who, step) VALUES ('b', 1)"));
    expect(await rows(db)).toHaveLength(1);
  });

  it('serialises concurrent transactions on one connection', async () => {
    const db = await openLogDb();
    const work = (who: string) =>
      db.transaction(async (tx) => {
        for (let step = 0; step < 4; step++) {
          await tx.run('INSERT INTO log (who, step) VALUES (?, ?)', [who, step]);
          await sleep(2);
        }
      });
    // One of them fails at the end: its rows must vanish without touching the others.
    const failing = db.transaction(async (tx) => {
      await tx.run("INSERT INTO log (who, step) VALUES ('f', 0)");
      await sleep(5);
      throw new Error('fail');
    });
    const results = await Promise.allSettled([work('a'), failing, work('b'), work('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const log = await rows(db);
    expect(log.map((r) => r.who).join('')).toBe('aaaabbbbcccc');
  });

  it('makes statements issued outside a running transaction wait instead of joining it', async () => {
    const db = await openLogDb();
    let outsideDone = false;
    const tx = db.transaction(async (t) => {
      await t.run("INSERT INTO log (who, step) VALUES ('tx', 0)");
      await sleep(20);
      expect(outsideDone).toBe(false);
      throw new Error('roll back');
    });
    await sleep(1);
    const outside = db.run("INSERT INTO log (who, step) VALUES ('outside', 0)").then(() => (outsideDone = true));
    await expect(tx).rejects.toThrow('roll back');
    await outside;
    expect(await rows(db)).toEqual([{ who: 'outside', step: 0 }]);
  });

  it('turns nested transactions into savepoints', async () => {
    const db = await openLogDb();
    await db.transaction(async () => {
      await db.run("INSERT INTO log (who, step) VALUES ('outer', 0)");
      await db.transaction(async () => {
        await db.run("INSERT INTO log (who, step) VALUES ('inner-ok', 0)");
      });
      await expect(
        db.transaction(async () => {
          await db.run("INSERT INTO log (who, step) VALUES ('inner-bad', 0)");
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await db.run("INSERT INTO log (who, step) VALUES ('outer', 1)");
    });
    expect((await rows(db)).map((r) => r.who)).toEqual(['outer', 'inner-ok', 'outer']);
  });

  it('reuses prepared statements and reports SQLite errors with their code and statement', async () => {
    const db = await openLogDb();
    const ids = await db.withStatement('INSERT INTO log (who, step) VALUES (?, ?)', async (stmt) => {
      const out: number[] = [];
      for (let i = 0; i < 3; i++) out.push((await stmt.run(['s', i])).lastID);
      return out;
    });
    expect(ids).toEqual([1, 2, 3]);
    expect(await db.withStatement('SELECT step FROM log WHERE who = ? ORDER BY step', (stmt) => stmt.all(['s']))).toEqual([
      { step: 0 },
      { step: 1 },
      { step: 2 },
    ]);
    const err = await db.run('INSERT INTO log (who, step) VALUES (NULL, 1)').catch((e) => e);
    expect(sqliteErrorCode(err)).toBe('SQLITE_CONSTRAINT');
    expect(err.message).toMatch(/NOT NULL constraint failed: log.who/);
    expect(err.sql).toContain('INSERT INTO log');
    expect((await db.run('UPDATE log SET step = step + 10')).changes).toBe(3);
  });

  it('opens read-only connections only on a migrated database unless told otherwise', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'old.sqlite');
    const db = await openDatabase(file, { targetVersion: 1 });
    onCleanup(() => db.close());
    await expect(openReadOnly(file)).rejects.toBeInstanceOf(DatabaseTooOldError);
    const reader = await openReadOnly(file, { requireLatest: false });
    onCleanup(() => reader.close());
    expect(reader.readOnly).toBe(true);
    expect(await reader.get<{ user_version: number }>('PRAGMA user_version')).toEqual({ user_version: 1 });
    await expect(openReadOnly(path.join(dir, 'missing.sqlite'))).rejects.toMatchObject({ code: 'SQLITE_CANTOPEN' });
  });
});

describe('data folder', () => {
  it('creates the folder layout and points at studio.sqlite', async () => {
    const dir = path.join(await tempDir(), 'nested', 'data');
    const layout = resolveDataDir(dir);
    expect(layout).toEqual(dataDirLayout(dir));
    expect(layout.root).toBe(path.resolve(dir));
    expect(layout.databaseFile).toBe(path.join(layout.root, 'studio.sqlite'));
    for (const folder of [layout.root, layout.models, layout.quarantine, layout.logs]) {
      expect(fs.statSync(folder).isDirectory()).toBe(true);
      expect(path.dirname(folder) === layout.root || folder === layout.root).toBe(true);
    }
    expect(resolveDataDir(dir)).toEqual(layout); // idempotent
    const db = await openDatabase(layout.databaseFile);
    await db.close();
    expect(fs.existsSync(layout.databaseFile)).toBe(true);
  });
});
