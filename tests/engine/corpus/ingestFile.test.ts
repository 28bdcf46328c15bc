/**
 * Folder ingest has one set of rules: the engine's corpus indexing skips and keeps exactly what
 * ingestFile says, with the same reasons (the rules dedup scanning applies).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { runDedupScan } from '../../../src/engine/dedup';
import { createStore, openDatabase, type Store } from '../../../src/engine/store';
import { ingestFile, SKIP_NO_TEXT, SKIP_NO_WORDS, skippedEntryDocument, walkFolder } from '../../../src/engine/corpus/ingestFile';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function folder(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-ingest-')));
  dirs.push(root);
  const docs = path.join(root, 'docs');
  fs.mkdirSync(path.join(docs, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(docs, 'a.txt'), 'The first paragraph says one thing.\n\nThe second paragraph says another thing entirely.\n');
  fs.writeFileSync(path.join(docs, 'sub', 'b.md'), '# Title\n\nSome *markdown* text that has words in it.\n');
  fs.writeFileSync(path.join(docs, 'punctuation.txt'), '!!! ... ??? --- *** ,,,\n');
  fs.writeFileSync(path.join(docs, 'empty.txt'), '');
  fs.writeFileSync(
    path.join(docs, 'image.png'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3, 0, 0, 0, 0]),
  );
  fs.symlinkSync(path.join(docs, 'a.txt'), path.join(docs, 'link.txt'));
  return docs;
}

async function fileStoreAt(dir: string): Promise<Store> {
  fs.mkdirSync(dir, { recursive: true });
  return createStore(await openDatabase(path.join(dir, 'tenc.db')));
}

describe('ingestFile', () => {
  it('keeps text files with their passages and skips the rest with a reason', async () => {
    const docs = folder();
    const outcome = new Map<string, string>();
    for await (const entry of walkFolder(docs)) {
      if ('skipped' in entry) outcome.set(entry.skipped.relPath, `skipped: ${skippedEntryDocument(entry.skipped).skipReason}`);
      else {
        const r = await ingestFile(entry.file);
        outcome.set(entry.file.relPath, r.status === 'ok' ? `ok: ${r.passages.length} passages` : `skipped: ${r.doc.skipReason}`);
        if (r.status === 'ok') {
          expect(r.doc).toMatchObject({ size: entry.file.size, mtimeMs: entry.file.mtimeMs, contentHash: expect.any(String) });
          for (const p of r.passages) expect(r.text.slice(p.charStart, p.charEnd)).toContain(p.text.slice(0, 10));
        }
      }
    }
    expect(outcome.get('a.txt')).toBe('ok: 2 passages');
    expect(outcome.get(path.join('sub', 'b.md'))).toMatch(/^ok: /);
    expect(outcome.get('punctuation.txt')).toBe(`skipped: ${SKIP_NO_WORDS}`);
    expect(outcome.get('empty.txt')).toMatch(/^skipped: /);
    expect(outcome.get('image.png')).toMatch(/^skipped: /);
    expect(outcome.get('link.txt')).toMatch(/^skipped: symbolic link/);
    expect(SKIP_NO_TEXT).not.toBe(SKIP_NO_WORDS);
  });

  it('is what corpus indexing stores, document for document', async () => {
    const docs = folder();
    const expected = new Map<string, { status: string; skipReason: string | null }>();
    for await (const entry of walkFolder(docs)) {
      if ('skipped' in entry) expected.set(entry.skipped.relPath, { status: 'skipped', skipReason: entry.skipped.reason });
      else {
        const r = await ingestFile(entry.file);
        expected.set(entry.file.relPath, { status: r.status, skipReason: r.status === 'skipped' ? r.doc.skipReason : null });
      }
    }
    const engine = await Engine.open({ dataDir: path.join(path.dirname(docs), 'data'), transport: 'direct', allowedRoots: [docs] });
    try {
      const { jobId } = await engine.invoke('corpora.create', { name: 'mixed', path: docs });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status).toBe('done');
      const corpusId = job?.kind === 'corpus.index' ? job.result!.corpusId : -1;
      const stored = await engine.invoke('corpora.documents', { corpusId });
      expect(new Map(stored.map((d) => [d.relPath, { status: d.status, skipReason: d.skipReason }]))).toEqual(expected);

      // A dedup scan of the same folder, in a data folder of its own, stores the same documents.
      const scanStore = await fileStoreAt(path.join(path.dirname(docs), 'data-scan'));
      try {
        await runDedupScan({ roots: [docs], store: scanStore });
        const [scanCorpus] = await scanStore.corpora.list();
        const scanned = await scanStore.documents.listByCorpus(scanCorpus!.id, { limit: 100, offset: 0 });
        expect(new Map(scanned.map((d) => [d.relPath, { status: d.status, skipReason: d.skipReason }]))).toEqual(expected);
      } finally {
        await scanStore.db.close();
      }
    } finally {
      await engine.close();
    }
  });
});
