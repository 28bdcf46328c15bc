import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createStore, openDatabase, type Db } from '../../../src/engine/store';
import { sleep, tempDir } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const WRITER = path.join(here, 'fixtures/writer.ts');
const PASSAGES = 40;
const KILLS = 4;

function startWriter(file: string): { child: ChildProcess; ready: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, String(PASSAGES)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const ready = new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code, signal) => reject(new Error(`writer exited early (${code ?? signal}): ${stderr}`)));
  });
  return { child, ready };
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Checks the invariants a committed batch guarantees and returns the number of batches. */
async function checkConsistent(db: Db): Promise<number> {
  expect((await db.get<{ integrity_check: string }>('PRAGMA integrity_check'))!.integrity_check).toBe('ok');
  expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
  const docs = await db.all<{ rel_path: string; n: number }>(
    `SELECT d.rel_path, (SELECT COUNT(*) FROM passages p WHERE p.document_id = d.id) AS n
       FROM documents d JOIN corpora c ON c.id = d.corpus_id WHERE c.name = 'crash' ORDER BY d.rel_path`,
  );
  // No partial batch: every committed document has all its passages ...
  for (const d of docs) expect(d.n, d.rel_path).toBe(PASSAGES);
  // ... the documents are exactly doc-0 .. doc-(k-1) ...
  expect(docs.map((d) => d.rel_path)).toEqual(docs.map((_, i) => `doc-${String(i).padStart(6, '0')}.txt`));
  // ... and the counter written in the same transactions agrees.
  const counter = await db.get<{ batches: number | null }>("SELECT json_extract(progress_json, '$.batches') AS batches FROM jobs WHERE id = 'crash-counter'");
  expect(counter?.batches ?? 0).toBe(docs.length);
  return docs.length;
}

describe('crash safety', () => {
  it('keeps the database consistent when the writing process is killed mid-transaction', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'studio.sqlite');
    let previous = 0;
    for (let i = 0; i < KILLS; i++) {
      const { child, ready } = startWriter(file);
      try {
        const startedAt = await ready;
        expect(startedAt).toBe(previous);
        await sleep(100 + Math.floor(Math.random() * 700));
      } finally {
        await killed(child);
      }
      const db = await openDatabase(file);
      try {
        const batches = await checkConsistent(db);
        expect(batches).toBeGreaterThanOrEqual(previous);
        previous = batches;
      } finally {
        await db.close();
      }
    }
    expect(previous).toBeGreaterThan(0);

    // Writing continues normally after the crashes.
    const db = await openDatabase(file);
    try {
      const store = createStore(db);
      const corpus = (await store.corpora.getByName('crash'))!;
      await db.transaction(async () => {
        const [doc] = await store.documents.upsertMany(corpus.id, [
          { relPath: `doc-${String(previous).padStart(6, '0')}.txt`, size: 1, mtimeMs: 0, contentHash: 'after', status: 'ok' },
        ]);
        await store.passages.replaceForDocument(
          doc.id,
          Array.from({ length: PASSAGES }, (_, i) => ({ index: i, text: `p${i}`, charStart: i, charEnd: i + 1, contentHash: `a${i}` })),
        );
        await store.jobs.update('crash-counter', { progress: { batches: previous + 1 } });
      });
      expect(await checkConsistent(db)).toBe(previous + 1);
    } finally {
      await db.close();
    }
  });
});
