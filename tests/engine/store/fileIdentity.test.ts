/**
 * The store knows its own file: it stamps an application id on new databases, adopts databases of
 * earlier versions, refuses empty, foreign and damaged files (keeping them untouched for recovery),
 * and a new data folder opened by several processes at once ends with one schema and no error.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { APPLICATION_ID, DatabaseNotRecognisedError, createStore, LATEST_SCHEMA_VERSION, openDatabase, openReadOnly } from '../../../src/engine/store';
import { onCleanup, tempDir } from './helpers';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const OPENER = path.join(import.meta.dirname, 'fixtures/openDataDir.ts');

/** Runs raw SQL on a file with sqlite3 directly, the way another program would. */
function rawExec(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => {
      if (err) return reject(err);
      db.exec(sql, (e) => db.close(() => (e ? reject(e) : resolve())));
    });
  });
}

async function expectRefused(file: string, reason: string, message: RegExp) {
  const before = fs.readFileSync(file);
  const err = await openDatabase(file).then(
    async (db) => {
      await db.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatabaseNotRecognisedError);
  expect((err as DatabaseNotRecognisedError).reason).toBe(reason);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).toContain(file);
  // Kept for recovery: not a byte changed, not replaced.
  expect(fs.readFileSync(file).equals(before)).toBe(true);
}

describe('database file identity', () => {
  it('stamps the application id on a new database', async () => {
    const file = path.join(await tempDir(), 'studio.sqlite');
    const db = await openDatabase(file);
    onCleanup(() => db.close());
    expect((await db.get<{ application_id: number }>('PRAGMA application_id'))!.application_id).toBe(APPLICATION_ID);
  });

  it('refuses an emptied file and keeps it, instead of starting a new database over the undo record', async () => {
    const dir = await tempDir();
    const dataDir = path.join(dir, 'data');
    const engine = await Engine.open({ dataDir, transport: 'direct' });
    await engine.store.corpora.create({ name: 'kept', rootPath: '/kept', kind: 'folder' });
    await engine.close();
    const file = engine.layout.databaseFile;
    fs.truncateSync(file, 0);
    for (const side of ['-wal', '-shm']) fs.rmSync(file + side, { force: true });
    await expectRefused(file, 'empty', /empty \(0 bytes\)/);
    await expect(Engine.open({ dataDir, transport: 'direct' })).rejects.toThrow(/empty \(0 bytes\).*kept/s);
    expect(fs.statSync(file).size).toBe(0);
  });

  it('refuses a file that is not SQLite', async () => {
    const file = path.join(await tempDir(), 'studio.sqlite');
    fs.writeFileSync(file, 'These are my notes, not a database.\n'.repeat(20));
    await expectRefused(file, 'not-sqlite', /not an SQLite database/);
    await expect(openReadOnly(file)).rejects.toBeInstanceOf(DatabaseNotRecognisedError);
  });

  it("refuses another program's SQLite database", async () => {
    const dir = await tempDir();
    const stamped = path.join(dir, 'other-app.sqlite');
    await rawExec(stamped, 'PRAGMA application_id = 1234; CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);');
    await expectRefused(stamped, 'foreign', /another program/);
    const plain = path.join(dir, 'plain.sqlite');
    await rawExec(plain, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); PRAGMA user_version = 3;');
    await expectRefused(plain, 'foreign', /another program/);
  });

  it('refuses a damaged file', async () => {
    const file = path.join(await tempDir(), 'studio.sqlite');
    const db = await openDatabase(file);
    await db.exec('PRAGMA journal_mode = DELETE');
    await db.close();
    // Garbage over the schema page (page 1, after the 100-byte header).
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(2000, 0xa5), 0, 2000, 100);
    fs.closeSync(fd);
    await expectRefused(file, 'damaged', /damaged/);
  });

  it('adopts a database of an earlier version (application id 0, our tables and a schema version)', async () => {
    const file = path.join(await tempDir(), 'studio.sqlite');
    const db = await openDatabase(file);
    await createStore(db).corpora.create({ name: 'old', rootPath: '/old', kind: 'folder' });
    await db.exec('PRAGMA application_id = 0');
    await db.close();
    const reopened = await openDatabase(file);
    onCleanup(() => reopened.close());
    expect((await reopened.get<{ application_id: number }>('PRAGMA application_id'))!.application_id).toBe(APPLICATION_ID);
    expect((await createStore(reopened).corpora.getByName('old'))?.rootPath).toBe('/old');
  });

  it('creates a new data folder opened by several processes at once without error, with one schema', async () => {
    const dataDir = path.join(await tempDir(), 'fresh');
    const startAt = Date.now() + 2500;
    const outputs = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = spawn(process.execPath, ['--import', 'tsx', OPENER, dataDir, String(startAt)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
            let stdout = '';
            let stderr = '';
            child.stdout.on('data', (d) => (stdout += d));
            child.stderr.on('data', (d) => (stderr += d));
            child.on('exit', (code) => resolve({ code, stdout, stderr }));
          }),
      ),
    );
    for (const o of outputs) {
      expect(o.stderr).toBe('');
      expect(o.code).toBe(0);
      expect(JSON.parse(o.stdout)).toMatchObject({ applicationId: APPLICATION_ID, version: LATEST_SCHEMA_VERSION });
    }
    expect(new Set(outputs.map((o) => JSON.parse(o.stdout).tables)).size).toBe(1);
    // No temporary file of a creation that lost the race is left behind.
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('.new-'))).toEqual([]);
  }, 60_000);
});
