/** Scan faults (issue 11): a scan whose process was killed is resumable; concurrent first scans of a data folder. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failStaleScans, INTERRUPTED_MESSAGE } from '../../../src/engine/dedup/staleScans';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import { createStore, openDatabase } from '../../../src/engine/store';
import { makeVocabulary, mulberry32, onCleanup, randomText, tempDir, writeFiles } from './helpers';

const vocab = makeVocabulary(2000, 9);

async function folderOf(n: number): Promise<string> {
  const root = await tempDir();
  const rand = mulberry32(5);
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`f${String(i).padStart(3, '0')}.txt`] = randomText(vocab, 80, rand);
  files['copy.txt'] = files['f000.txt'];
  await writeFiles(root, files);
  return root;
}

async function openStore(file: string) {
  const db = await openDatabase(file);
  onCleanup(() => db.close());
  return createStore(db);
}

describe('scan faults', () => {
  it('a scan whose process was killed (SIGKILL) mid-way is found as interrupted and resumes to the same result', async () => {
    const root = await folderOf(60);
    const dbFile = path.join(await tempDir('tenc-dedup-db-'), 'data.sqlite');
    // A child process scans with a slow reader and is killed once it has stored some documents.
    const script = `
      import { runDedupScan } from ${JSON.stringify(path.resolve('src/engine/dedup/scan.ts'))};
      import { readDocument } from ${JSON.stringify(path.resolve('src/engine/text/readDocument.ts'))};
      import { createStore, openDatabase } from ${JSON.stringify(path.resolve('src/engine/store/index.ts'))};
      const store = createStore(await openDatabase(${JSON.stringify(dbFile)}));
      let n = 0;
      await runDedupScan({ roots: [${JSON.stringify(root)}], store, readDocument: async (p, o) => {
        if (++n === 30) console.log('HALFWAY');
        await new Promise((r) => setTimeout(r, 50));
        return readDocument(p, o);
      } });
      console.log('FINISHED');
    `;
    const scriptFile = path.join(await tempDir(), 'scan.mts');
    await fs.writeFile(scriptFile, script);
    const child = spawn(process.execPath, ['--import', 'tsx', scriptFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('HALFWAY')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => (out.includes('HALFWAY') ? resolve() : reject(new Error(`child ended early: ${out} ${err}`))));
    });
    await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.on('exit', () => r())));
    expect(out).not.toContain('FINISHED');

    const store = await openStore(dbFile);
    const [scan] = await store.scans.list();
    expect(scan.status).toBe('running'); // what the killed process left behind
    expect(await failStaleScans(store)).toEqual([scan.id]);
    expect(await store.scans.get(scan.id)).toMatchObject({ status: 'failed', error: INTERRUPTED_MESSAGE });
    const done = (await store.documents.listByCorpus((await store.corpora.list())[0].id)).length;
    expect(done).toBeGreaterThan(0);

    let reads = 0;
    const { scanId, stats } = await runDedupScan({
      store,
      resumeScanId: scan.id,
      readDocument: async (p, o) => {
        reads++;
        return (await import('../../../src/engine/text/readDocument')).readDocument(p, o);
      },
    });
    expect(scanId).toBe(scan.id);
    expect((await store.scans.get(scanId))!.status).toBe('done');
    expect(reads).toBe(61 - done); // only what the killed run had not stored
    expect(stats).toMatchObject({ documents: 61, fileClusters: 1, duplicateFiles: 1 });
  }, 60_000);

  it('a running scan of a live process is left alone', async () => {
    const dbFile = path.join(await tempDir('tenc-dedup-db-'), 'data.sqlite');
    const store = await openStore(dbFile);
    const scan = await store.scans.create({ roots: ['/x'], settings: {} });
    await store.scans.updateStatus(scan.id, 'running');
    expect(await failStaleScans(store)).toEqual([]);
    expect((await store.scans.get(scan.id))!.status).toBe('running');
  });

  it('two scans started at once on a new data folder both finish, on one corpus', async () => {
    const root = await folderOf(20);
    const dbFile = path.join(await tempDir('tenc-dedup-db-'), 'data.sqlite');
    const [s1, s2] = [await openStore(dbFile), await openStore(dbFile)];
    const results = await Promise.all([runDedupScan({ roots: [root], store: s1 }), runDedupScan({ roots: [root], store: s2 })]);
    expect(results.map((r) => r.stats.fileClusters)).toEqual([1, 1]);
    expect((await s1.corpora.list()).filter((c) => c.rootPath === root)).toHaveLength(1);
  });
});
