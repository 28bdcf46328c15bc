import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore, openDatabase, openReadOnly, sqliteErrorCode, type Db } from '../../../src/engine/store';
import { onCleanup, sleep, tempDir } from './helpers';

const PASSAGES = 30;
const BATCHES = 25;

async function setup() {
  const dir = await tempDir();
  const file = path.join(dir, 'studio.sqlite');
  const writer = await openDatabase(file);
  onCleanup(() => writer.close());
  const store = createStore(writer);
  const corpus = await store.corpora.create({ name: 'c', rootPath: '/c', kind: 'folder' });
  await store.jobs.create({ id: 'counter', kind: 'test', params: {} });
  return { file, writer, store, corpusId: corpus.id };
}

/** One consistent view: documents, their passages and the counter, read by one statement. */
async function snapshot(db: Db, corpusId: number) {
  return (await db.get<{ docs: number; passages: number; counter: number | null }>(
    `SELECT (SELECT COUNT(*) FROM documents WHERE corpus_id = ?) AS docs,
            (SELECT COUNT(*) FROM passages p JOIN documents d ON d.id = p.document_id WHERE d.corpus_id = ?) AS passages,
            (SELECT json_extract(progress_json, '$.batches') FROM jobs WHERE id = 'counter') AS counter`,
    [corpusId, corpusId],
  ))!;
}

describe('concurrent access', () => {
  it('lets reader connections read during long write transactions without partial batches or SQLITE_BUSY', async () => {
    const { file, writer, store, corpusId } = await setup();
    // busy timeout 0: any lock wait would surface at once as SQLITE_BUSY.
    const readers = await Promise.all([0, 1].map(() => openReadOnly(file, { busyTimeoutMs: 0 })));
    for (const r of readers) onCleanup(() => r.close());
    expect(readers[0].journalMode).toBe('wal');

    let writing = true;
    let inTransaction = false;
    const errors: unknown[] = [];
    let readsDuringTransaction = 0;
    let snapshotReadsDuringTransaction = 0;

    const writerLoop = (async () => {
      try {
        for (let n = 0; n < BATCHES; n++) {
          await writer.transaction(async () => {
            inTransaction = true;
            const [doc] = await store.documents.upsertMany(corpusId, [{ relPath: `d${n}`, size: 1, mtimeMs: 0, contentHash: `h${n}`, status: 'ok' }]);
            for (let i = 0; i < PASSAGES; i++) {
              await writer.run('INSERT INTO passages (document_id, idx, text, char_start, char_end, content_hash) VALUES (?, ?, ?, 0, 1, ?)', [
                doc.id,
                i,
                `passage ${i}`,
                `p${n}-${i}`,
              ]);
              if (i % 10 === 9) await sleep(2); // hold the write transaction open
            }
            await store.jobs.update('counter', { progress: { batches: n + 1 } });
          });
          inTransaction = false;
        }
      } finally {
        inTransaction = false;
        writing = false;
      }
    })();

    const readerLoop = async (reader: Db, useSnapshot: boolean) => {
      let last = 0;
      while (writing) {
        try {
          const during = inTransaction;
          let view: { docs: number; passages: number; counter: number | null };
          if (useSnapshot) {
            // Separate statements inside one read transaction see one snapshot.
            view = await reader.transaction(async (tx) => {
              const docs = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM documents WHERE corpus_id = ?', [corpusId]))!.n;
              await sleep(1);
              const passages = (await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM passages'))!.n;
              const counter = (await tx.get<{ c: number | null }>("SELECT json_extract(progress_json, '$.batches') AS c FROM jobs WHERE id = 'counter'"))!.c;
              return { docs, passages, counter };
            }, 'deferred');
            if (during) snapshotReadsDuringTransaction++;
          } else {
            view = await snapshot(reader, corpusId);
            if (during) readsDuringTransaction++;
          }
          expect(view.passages).toBe(view.docs * PASSAGES);
          expect(view.counter ?? 0).toBe(view.docs);
          expect(view.docs).toBeGreaterThanOrEqual(last);
          last = view.docs;
        } catch (err) {
          errors.push(err);
          if (sqliteErrorCode(err) === undefined) throw err;
        }
        await sleep(0);
      }
    };

    await Promise.all([writerLoop, readerLoop(readers[0], false), readerLoop(readers[1], true)]);
    expect(errors).toEqual([]);
    expect(readsDuringTransaction).toBeGreaterThan(0);
    expect(snapshotReadsDuringTransaction).toBeGreaterThan(0);
    const final = await snapshot(readers[0], corpusId);
    expect(final).toEqual({ docs: BATCHES, passages: BATCHES * PASSAGES, counter: BATCHES });
  });

  it('reader connections cannot write', async () => {
    const { file } = await setup();
    const reader = await openReadOnly(file);
    onCleanup(() => reader.close());
    const err = await reader.run("INSERT INTO corpora (name, root_path, kind, created_at) VALUES ('x', '/x', 'folder', 0)").catch((e) => e);
    expect(sqliteErrorCode(err)).toBe('SQLITE_READONLY');
  });

  it('makes a second writer connection wait for the write lock instead of failing', async () => {
    const { file, writer, store, corpusId } = await setup();
    const other = await openDatabase(file);
    onCleanup(() => other.close());
    const otherStore = createStore(other);
    const writeMany = (s: typeof store, prefix: string) =>
      (async () => {
        for (let i = 0; i < 15; i++) {
          await s.db.transaction(async () => {
            await s.documents.upsertMany(corpusId, [{ relPath: `${prefix}${i}`, size: 1, mtimeMs: 0, contentHash: `${prefix}${i}`, status: 'ok' }]);
            await sleep(3);
          });
        }
      })();
    await Promise.all([writeMany(store, 'a'), writeMany(otherStore, 'b')]);
    expect(await store.documents.count(corpusId)).toBe(30);
    expect(writer.inTransaction).toBe(false);
  });
});
