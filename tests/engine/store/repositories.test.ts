import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createStore, openDatabase, sqliteErrorCode, type Store } from '../../../src/engine/store';
import type { DocumentInput } from '../../../src/engine/store';
import { onCleanup, tempDir } from './helpers';

const T0 = Date.UTC(2025, 4, 1, 12, 0, 0);
let store: Store;
let clock: number;

beforeEach(async () => {
  const dir = await tempDir();
  const db = await openDatabase(path.join(dir, 'studio.sqlite'));
  onCleanup(() => db.close());
  clock = T0;
  store = createStore(db, { now: () => clock });
});

/** Resolves with the SQLite error a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<{ code: string | undefined; message: string }> {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );
  return { code: sqliteErrorCode(err), message: err.message };
}

const CHECK = { code: 'SQLITE_CONSTRAINT', message: expect.stringMatching(/CHECK constraint failed/) };
const FOREIGN_KEY = { code: 'SQLITE_CONSTRAINT', message: expect.stringMatching(/FOREIGN KEY constraint failed/) };
const UNIQUE = { code: 'SQLITE_CONSTRAINT', message: expect.stringMatching(/UNIQUE constraint failed/) };

const doc = (relPath: string, hash: string, extra: Partial<DocumentInput> = {}): DocumentInput => ({
  relPath,
  size: 10,
  mtimeMs: 1000,
  contentHash: hash,
  encoding: 'utf-8',
  format: 'txt',
  status: 'ok',
  ...extra,
});

const passages = (n: number, prefix = 'p') =>
  Array.from({ length: n }, (_, i) => ({ index: i, text: `${prefix} ${i}`, charStart: i * 10, charEnd: i * 10 + 5, contentHash: `${prefix}${i}` }));

async function newCorpus(name = 'news') {
  return store.corpora.create({ name, rootPath: `/data/${name}`, kind: 'folder' });
}

async function newModel(relDir: string, extra: Partial<Parameters<Store['models']['create']>[0]> = {}) {
  return store.models.create({ name: relDir, kind: 'bi', architecture: 'bert-mini', relDir, ...extra });
}

describe('corpora', () => {
  it('creates, finds, counts documents and removes', async () => {
    const c = await newCorpus();
    expect(c).toEqual({ id: c.id, name: 'news', rootPath: '/data/news', kind: 'folder', createdAt: new Date(T0).toISOString() });
    expect(await store.corpora.get(c.id)).toEqual(c);
    expect(await store.corpora.getByName('news')).toEqual(c);
    expect(await store.corpora.get(999)).toBeUndefined();
    await store.documents.upsertMany(c.id, [
      doc('a', 'h1'),
      doc('b', 'h2'),
      doc('c', null as never, { status: 'skipped', skipReason: 'binary', contentHash: null }),
    ]);
    expect(await store.corpora.list()).toEqual([{ ...c, documents: 2, skipped: 1 }]);
    expect(await failure(newCorpus())).toMatchObject(UNIQUE);
    expect(await failure(store.corpora.create({ name: 'z', rootPath: '/z', kind: 'zip' as never }))).toMatchObject(CHECK);
    expect(await store.corpora.remove(c.id)).toBe(true);
    expect(await store.corpora.list()).toEqual([]);
    expect(await store.documents.count(c.id)).toBe(0);
  });
});

describe('documents and passages', () => {
  it('writes many documents, passages and signatures at once (more rows than one statement holds), as one by one', async () => {
    const c = await newCorpus();
    const docs = Array.from({ length: 250 }, (_, i) => doc(`f${String(i).padStart(3, '0')}.txt`, `h${i}`));
    const written = await store.documents.upsertMany(c.id, docs);
    expect(written.map((w) => w.relPath)).toEqual(docs.map((d) => d.relPath));
    expect(written.every((w) => w.changed)).toBe(true);
    for (const w of written) expect((await store.documents.get(w.id))?.relPath).toBe(w.relPath);
    expect(await store.passages.replaceForDocuments(written.map((w, i) => ({ documentId: w.id, passages: passages(3, `d${i}`) })))).toBe(750);
    expect((await store.passages.listForDocument(written[249].id)).map((p) => p.text)).toEqual(['d249 0', 'd249 1', 'd249 2']);
    // Replacing keeps no old passage; a document given none keeps none.
    await store.passages.replaceForDocuments([
      { documentId: written[0].id, passages: passages(1, 'new') },
      { documentId: written[1].id, passages: [] },
    ]);
    expect((await store.passages.listForDocument(written[0].id)).map((p) => p.text)).toEqual(['new 0']);
    expect(await store.passages.countForDocument(written[1].id)).toBe(0);
    // One path twice in a call: the later entry wins and sees the earlier one.
    const again = await store.documents.upsertMany(c.id, [doc('f000.txt', 'h0'), doc('g.txt', 'x'), doc('g.txt', 'y'), doc('f001.txt', 'changed')]);
    expect(again.map((w) => w.changed)).toEqual([false, true, true, true]);
    expect(again[1].id).toBe(again[2].id);
    expect((await store.documents.getByPath(c.id, 'g.txt'))?.contentHash).toBe('y');
    expect(again[0].id).toBe(written[0].id);
    expect(await store.passages.countForDocument(written[0].id)).toBe(1);
    const sig = (k: number) => new Uint32Array([k, k + 1, k + 2, k + 3]);
    await store.minhashCache.putMany(
      4,
      'k',
      Array.from({ length: 230 }, (_, i) => ({ contentHash: `s${i}`, signature: sig(i) })),
    );
    const got = await store.minhashCache.getMany(4, 'k', ['s0', 's229', 'nope']);
    expect([...got.keys()].sort()).toEqual(['s0', 's229']);
    expect([...got.get('s229')!]).toEqual([229, 230, 231, 232]);
  });

  it('upserts by path, reports changes and clears passages of changed content', async () => {
    const c = await newCorpus();
    const first = await store.documents.upsertMany(c.id, [doc('b.txt', 'hb'), doc('a.txt', 'ha')]);
    expect(first.map((d) => [d.relPath, d.changed])).toEqual([
      ['b.txt', true],
      ['a.txt', true],
    ]);
    await store.passages.replaceForDocument(first[0].id, passages(3, 'b'));
    await store.passages.replaceForDocument(first[1].id, passages(2, 'a'));

    clock += 5000;
    const second = await store.documents.upsertMany(c.id, [doc('b.txt', 'hb', { mtimeMs: 2000 }), doc('a.txt', 'ha2'), doc('c.txt', 'hc')]);
    expect(second.map((d) => d.changed)).toEqual([false, true, true]);
    expect(second[0].id).toBe(first[0].id);
    expect(second[1].id).toBe(first[1].id);
    expect(await store.passages.countForDocument(first[0].id)).toBe(3);
    expect(await store.passages.countForDocument(first[1].id)).toBe(0);

    const b = await store.documents.getByPath(c.id, 'b.txt');
    expect(b).toMatchObject({ relPath: 'b.txt', mtimeMs: 2000, contentHash: 'hb', encoding: 'utf-8', format: 'txt', status: 'ok', skipReason: null });
    expect(b!.updatedAt).toBe(new Date(T0 + 5000).toISOString());
    expect(await store.documents.get(b!.id)).toEqual(b);
    expect((await store.documents.listByCorpus(c.id)).map((d) => d.relPath)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect((await store.documents.listByCorpus(c.id, { limit: 1, offset: 1 })).map((d) => d.relPath)).toEqual(['b.txt']);
    expect((await store.documents.findByHash('hc')).map((d) => d.relPath)).toEqual(['c.txt']);

    const listed = await store.passages.listForDocument(first[0].id);
    expect(listed.map((p) => [p.index, p.text, p.charStart, p.charEnd])).toEqual([
      [0, 'b 0', 0, 5],
      [1, 'b 1', 10, 15],
      [2, 'b 2', 20, 25],
    ]);
    expect(await store.passages.get(listed[1].id)).toEqual(listed[1]);
    expect((await store.passages.listByCorpus(c.id)).map((p) => p.text)).toEqual(['b 0', 'b 1', 'b 2']);

    expect(await store.documents.removeMissing(c.id, ['a.txt', 'c.txt'])).toBe(1);
    expect(await store.passages.get(listed[0].id)).toBeUndefined(); // cascaded
    expect(await store.documents.count(c.id)).toBe(2);
  });

  it('rejects bad documents and passages, rolling back the whole batch', async () => {
    const c = await newCorpus();
    expect(await failure(store.documents.upsertMany(999, [doc('a', 'h')]))).toMatchObject(FOREIGN_KEY);
    expect(await failure(store.documents.upsertMany(c.id, [doc('a', 'h'), doc('b', 'h', { status: 'unknown' as never })]))).toMatchObject(CHECK);
    // ok without hash, skipped without reason
    expect(await failure(store.documents.upsertMany(c.id, [doc('a', null as never, { contentHash: null })]))).toMatchObject(CHECK);
    expect(await failure(store.documents.upsertMany(c.id, [doc('a', 'h', { status: 'skipped' })]))).toMatchObject(CHECK);
    expect(await store.documents.count(c.id)).toBe(0);

    expect(await failure(store.passages.replaceForDocument(999, passages(1)))).toMatchObject(FOREIGN_KEY);
    const [d] = await store.documents.upsertMany(c.id, [doc('a', 'h')]);
    await store.passages.replaceForDocument(d.id, passages(2));
    const bad = [...passages(2, 'new'), { index: 2, text: 'x', charStart: 5, charEnd: 1, contentHash: 'x' }];
    expect(await failure(store.passages.replaceForDocument(d.id, bad))).toMatchObject(CHECK);
    // The old passages are still there: the replacement was one transaction.
    expect((await store.passages.listForDocument(d.id)).map((p) => p.text)).toEqual(['p 0', 'p 1']);
  });
});

describe('sentence pairs and labelled pairs', () => {
  it('round-trips pairs and enforces sources and label scales', async () => {
    const c = await newCorpus();
    const ids = await store.sentencePairs.addMany(c.id, [
      { textA: 'a', textB: 'b', source: 'knn' },
      { textA: 'c', textB: 'd', source: 'given', goldScore: 3.8 },
    ]);
    expect(ids).toHaveLength(2);
    const given = await store.sentencePairs.listByCorpus(c.id, { source: 'given' });
    expect(given).toEqual([{ id: ids[1], corpusId: c.id, textA: 'c', textB: 'd', source: 'given', goldScore: 3.8, createdAt: new Date(T0).toISOString() }]);
    expect(await store.sentencePairs.count(c.id)).toBe(2);
    expect(await failure(store.sentencePairs.addMany(c.id, [{ textA: 'a', textB: 'b', source: 'bogus' as never }]))).toMatchObject(CHECK);
    expect(await failure(store.sentencePairs.addMany(999, [{ textA: 'a', textB: 'b', source: 'knn' }]))).toMatchObject(FOREIGN_KEY);
    expect(await store.sentencePairs.removeByCorpus(c.id, 'knn')).toBe(1);
    expect(await store.sentencePairs.count(c.id)).toBe(1);

    const l = await store.labelledPairs.add({ textA: 'x', textB: 'y', label: 1, scale: 'binary', corpusId: c.id });
    expect(l).toMatchObject({ textA: 'x', textB: 'y', label: 1, scale: 'binary', corpusId: c.id });
    await store.labelledPairs.addMany([{ textA: 'p', textB: 'q', label: 4.5, scale: '0-5' }]);
    expect((await store.labelledPairs.list({ scale: '0-5' })).map((p) => p.label)).toEqual([4.5]);
    expect((await store.labelledPairs.list({ corpusId: c.id })).map((p) => p.id)).toEqual([l.id]);
    expect(await failure(store.labelledPairs.add({ textA: 'x', textB: 'y', label: 3, scale: 'binary' }))).toMatchObject(CHECK);
    expect(await failure(store.labelledPairs.add({ textA: 'x', textB: 'y', label: 6, scale: '0-5' }))).toMatchObject(CHECK);
    expect(await failure(store.labelledPairs.add({ textA: 'x', textB: 'y', label: 1, scale: '0-10' as never }))).toMatchObject(CHECK);
    // Deleting the corpus keeps the user's labels, unlinked.
    await store.corpora.remove(c.id);
    expect((await store.labelledPairs.list()).map((p) => p.corpusId)).toEqual([null, null]);
    expect(await store.labelledPairs.remove(l.id)).toBe(true);
  });
});

describe('models', () => {
  it('creates models and follows their lineage', async () => {
    const base = await store.models.create({ name: 'MiniLM', kind: 'base', architecture: 'bert', relDir: 'models/base', config: { hidden: 384 } });
    expect(base).toMatchObject({ kind: 'base', parentId: null, runId: null, cycle: null, config: { hidden: 384 } });
    const run = await store.runs.create({ preset: 'quick', settings: {} });
    const bi1 = await newModel('models/bi1', { parentId: base.id, runId: run.id, cycle: 1 });
    const cross1 = await newModel('models/cross1', { kind: 'cross', parentId: bi1.id, runId: run.id, cycle: 1 });
    const bi2 = await newModel('models/bi2', { parentId: cross1.id, runId: run.id, cycle: 2 });
    expect((await store.models.lineage(bi2.id)).map((m) => m.relDir)).toEqual(['models/bi2', 'models/cross1', 'models/bi1', 'models/base']);
    expect(await store.models.lineage(999)).toEqual([]);
    expect(await store.models.get(bi2.id)).toEqual(bi2);
    expect(await store.models.getByDir('models/cross1')).toEqual(cross1);
    expect((await store.models.list({ kind: 'bi' })).map((m) => m.id)).toEqual([bi1.id, bi2.id]);
    expect((await store.models.list({ runId: run.id })).length).toBe(3);
    expect((await store.models.children(bi1.id)).map((m) => m.id)).toEqual([cross1.id]);

    expect(await failure(newModel('models/bi1'))).toMatchObject(UNIQUE);
    expect(await failure(newModel('models/x', { kind: 'tri' as never }))).toMatchObject(CHECK);
    expect(await failure(newModel('models/y', { parentId: 999 }))).toMatchObject(FOREIGN_KEY);
    expect(await failure(newModel('models/z', { runId: 999 }))).toMatchObject(FOREIGN_KEY);

    // Removing a parent unlinks its children; removing the run keeps the models.
    expect(await store.models.remove(cross1.id)).toBe(true);
    expect((await store.models.get(bi2.id))!.parentId).toBeNull();
    await store.runs.remove(run.id);
    expect((await store.models.get(bi1.id))!.runId).toBeNull();
  });
});

describe('training runs, metrics and evaluations', () => {
  it('tracks status, checkpoints and metric series', async () => {
    const c = await newCorpus();
    const run = await store.runs.create({ corpusId: c.id, preset: 'balanced', settings: { cycles: 3, lr: 2e-5 } });
    expect(run).toMatchObject({ status: 'queued', settings: { cycles: 3, lr: 2e-5 }, checkpoint: null, startedAt: null, finishedAt: null });

    clock = T0 + 1000;
    expect(await store.runs.updateStatus(run.id, 'running')).toBe(true);
    clock = T0 + 2000;
    expect(await store.runs.saveCheckpoint(run.id, { cycle: 1, step: 50, modelId: 3 })).toBe(true);
    expect(await store.runs.updateStatus(run.id, 'paused')).toBe(true);
    clock = T0 + 3000;
    await store.runs.updateStatus(run.id, 'running');
    // Compare-and-set: only a running run may be marked done.
    expect(await store.runs.updateStatus(run.id, 'done', { from: ['queued'] })).toBe(false);
    clock = T0 + 9000;
    expect(await store.runs.updateStatus(run.id, 'failed', { error: 'NaN loss', from: ['running'] })).toBe(true);
    const got = await store.runs.get(run.id);
    expect(got).toMatchObject({
      status: 'failed',
      error: 'NaN loss',
      checkpoint: { cycle: 1, step: 50, modelId: 3 },
      startedAt: new Date(T0 + 1000).toISOString(),
      finishedAt: new Date(T0 + 9000).toISOString(),
    });
    expect(await failure(store.runs.updateStatus(run.id, 'exploded' as never))).toMatchObject(CHECK);
    expect(await failure(store.runs.create({ corpusId: 999, preset: 'x', settings: {} }))).toMatchObject(FOREIGN_KEY);
    const other = await store.runs.create({ preset: 'quick', settings: {} });
    expect((await store.runs.list()).map((r) => r.id)).toEqual([other.id, run.id]);
    expect((await store.runs.list({ status: 'failed' })).map((r) => r.id)).toEqual([run.id]);
    expect((await store.runs.list({ corpusId: c.id })).map((r) => r.id)).toEqual([run.id]);

    await store.metrics.append(run.id, [
      { stage: 'bi', cycle: 1, step: 20, name: 'loss', value: 0.5 },
      { stage: 'bi', cycle: 1, step: 10, name: 'loss', value: 0.8 },
      { stage: 'bi', cycle: 1, step: 10, name: 'lr', value: 2e-5 },
      { stage: 'cross', cycle: 1, step: 30, name: 'loss', value: Number.NaN, atMs: T0 + 123 },
    ]);
    const loss = await store.metrics.listForRun(run.id, { name: 'loss' });
    expect(loss.map((m) => [m.stage, m.step, m.value])).toEqual([
      ['bi', 10, 0.8],
      ['bi', 20, 0.5],
      ['cross', 30, null],
    ]);
    expect(loss[2].at).toBe(new Date(T0 + 123).toISOString());
    expect((await store.metrics.listForRun(run.id, { stage: 'bi', cycle: 1 })).length).toBe(3);
    expect(await failure(store.metrics.append(999, [{ stage: 'bi', step: 0, name: 'loss', value: 1 }]))).toMatchObject(FOREIGN_KEY);

    const model = await newModel('models/m', { runId: run.id });
    const ev = await store.evaluations.add({ modelId: model.id, runId: run.id, dataset: 'sts-b test', metric: 'spearman', value: 0.78, n: 1379 });
    expect(ev).toMatchObject({ modelId: model.id, runId: run.id, dataset: 'sts-b test', metric: 'spearman', value: 0.78, n: 1379 });
    expect(await store.evaluations.listForModel(model.id)).toEqual([ev]);
    expect(await store.evaluations.listForRun(run.id)).toEqual([ev]);
    expect(await failure(store.evaluations.add({ modelId: 999, dataset: 'x', metric: 'm', value: 1, n: 1 }))).toMatchObject(FOREIGN_KEY);
    expect(await failure(store.evaluations.add({ modelId: model.id, dataset: 'x', metric: 'm', value: 1, n: -1 }))).toMatchObject(CHECK);

    // Deleting the run deletes its metrics, keeps the evaluation unlinked.
    await store.runs.remove(run.id);
    expect(await store.metrics.listForRun(run.id)).toEqual([]);
    expect((await store.evaluations.listForModel(model.id))[0].runId).toBeNull();
  });
});

describe('dedup scans and file actions', () => {
  it('stores clusters with members and an undo log that outlives the scan', async () => {
    const c = await newCorpus();
    const [a, b, d] = await store.documents.upsertMany(c.id, [doc('a', 'h'), doc('b', 'h'), doc('d', 'hd')]);
    await store.passages.replaceForDocument(d.id, passages(1));
    const [pd] = await store.passages.listForDocument(d.id);
    const scan = await store.scans.create({ roots: ['/data/news'], settings: { layers: ['exact', 'near'] } });
    expect(scan).toMatchObject({ roots: ['/data/news'], settings: { layers: ['exact', 'near'] }, status: 'queued', stats: null });

    const [exact, near] = await store.scans.addClusters(scan.id, [
      { layer: 'exact', score: 1, keepDocumentId: a.id, members: [{ documentId: a.id }, { documentId: b.id }] },
      {
        layer: 'near',
        score: 0.91,
        members: [
          { documentId: a.id, score: 0.9 },
          { documentId: d.id, passageId: pd.id, score: 0.92 },
        ],
      },
    ]);
    const clusters = await store.scans.listClusters(scan.id);
    expect(clusters.map((cl) => [cl.id, cl.layer, cl.score, cl.keepDocumentId, cl.members.map((m) => [m.documentId, m.passageId, m.score])])).toEqual([
      [
        exact,
        'exact',
        1,
        a.id,
        [
          [a.id, null, null],
          [b.id, null, null],
        ],
      ],
      [
        near,
        'near',
        0.91,
        null,
        [
          [a.id, null, 0.9],
          [d.id, pd.id, 0.92],
        ],
      ],
    ]);
    expect((await store.scans.listClusters(scan.id, { layer: 'near' })).map((cl) => cl.id)).toEqual([near]);
    expect(await store.scans.setKeep(near, d.id)).toBe(true);
    expect((await store.scans.listClusters(scan.id, { limit: 1, offset: 1 }))[0].keepDocumentId).toBe(d.id);

    // A bad layer or a missing document rejects the whole batch.
    expect(
      await failure(
        store.scans.addClusters(scan.id, [
          { layer: 'exact', members: [] },
          { layer: 'fuzzy' as never, members: [] },
        ]),
      ),
    ).toMatchObject(CHECK);
    expect(await failure(store.scans.addClusters(scan.id, [{ layer: 'exact', members: [{ documentId: 999 }] }]))).toMatchObject(FOREIGN_KEY);
    expect(await store.scans.listClusters(scan.id)).toHaveLength(2);

    clock = T0 + 1000;
    await store.scans.updateStatus(scan.id, 'running');
    clock = T0 + 4000;
    await store.scans.updateStatus(scan.id, 'done', { stats: { files: 3, clusters: 2 } });
    expect(await store.scans.get(scan.id)).toMatchObject({
      status: 'done',
      stats: { files: 3, clusters: 2 },
      startedAt: new Date(T0 + 1000).toISOString(),
      finishedAt: new Date(T0 + 4000).toISOString(),
    });
    expect(await failure(store.scans.updateStatus(scan.id, 'paused' as never))).toMatchObject(CHECK);
    expect((await store.scans.list()).map((s) => s.id)).toEqual([scan.id]);

    const entry = { scanId: scan.id, batchId: 'batch-1', action: 'move' as const, contentHash: 'h', size: 10, mtimeMs: 1000 };
    const ids = await store.fileActions.log([
      { ...entry, sourcePath: '/data/news/b', destPath: '/q/b' },
      { ...entry, sourcePath: '/data/news/c', destPath: '/q/c' },
    ]);
    await store.fileActions.log([{ ...entry, batchId: 'batch-2', sourcePath: '/data/news/e', destPath: '/q/e' }]);
    expect((await store.fileActions.listBatch('batch-1')).map((f) => [f.id, f.sourcePath, f.destPath, f.undoneAt])).toEqual([
      [ids[0], '/data/news/b', '/q/b', null],
      [ids[1], '/data/news/c', '/q/c', null],
    ]);
    clock = T0 + 7000;
    expect(await store.fileActions.markUndone([ids[0]])).toBe(1);
    expect(await store.fileActions.markUndone(ids)).toBe(1); // the first one keeps its time
    expect((await store.fileActions.listBatch('batch-1')).map((f) => f.undoneAt)).toEqual([
      new Date(T0 + 7000).toISOString(),
      new Date(T0 + 7000).toISOString(),
    ]);
    expect((await store.fileActions.listBatches()).map((bt) => [bt.batchId, bt.actions, bt.undone])).toEqual([
      ['batch-2', 1, 0],
      ['batch-1', 2, 2],
    ]);
    expect(await failure(store.fileActions.log([{ ...entry, action: 'delete' as never, sourcePath: 's', destPath: 'd' }]))).toMatchObject(CHECK);
    expect(await failure(store.fileActions.log([{ ...entry, scanId: 999, sourcePath: 's', destPath: 'd' }]))).toMatchObject(FOREIGN_KEY);

    // Deleting the scan drops its clusters but keeps the undo log.
    expect(await store.scans.remove(scan.id)).toBe(true);
    expect(await store.scans.listClusters(scan.id)).toEqual([]);
    expect((await store.fileActions.listBatch('batch-1')).map((f) => f.scanId)).toEqual([null, null]);
  });
});

describe('jobs', () => {
  it('creates, updates, lists and saves runner snapshots', async () => {
    const job = await store.jobs.create({ kind: 'corpus.index', params: { root: '/data' } });
    expect(job).toMatchObject({ kind: 'corpus.index', status: 'queued', params: { root: '/data' }, progress: null, result: null, error: null });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    clock = T0 + 500;
    const updated = await store.jobs.update(job.id, { status: 'running', progress: { done: 3, total: 10 } });
    expect(updated).toMatchObject({ status: 'running', progress: { done: 3, total: 10 }, updatedAt: new Date(T0 + 500).toISOString() });
    expect(await store.jobs.update('missing', { status: 'done' })).toBeUndefined();
    expect(await failure(store.jobs.update(job.id, { status: 'exploded' as never }))).toMatchObject(CHECK);
    expect(await failure(store.jobs.create({ id: job.id, kind: 'x' }))).toMatchObject({ code: 'SQLITE_CONSTRAINT' });

    const snapshot = {
      id: 'snap-1',
      kind: 'train',
      status: 'running' as const,
      stage: 'bi cycle 1',
      done: 5,
      total: 20,
      etaSeconds: 30,
      message: null,
      error: null,
      result: null,
      startedAt: T0,
      updatedAt: T0 + 100,
    };
    await store.jobs.save(snapshot);
    await store.jobs.save({ ...snapshot, status: 'done', done: 20, etaSeconds: 0, result: { runId: 7 }, updatedAt: T0 + 9000 });
    expect(await store.jobs.getSnapshot('snap-1')).toEqual({
      ...snapshot,
      status: 'done',
      done: 20,
      etaSeconds: 0,
      result: { runId: 7 },
      updatedAt: T0 + 9000,
    });
    expect(await store.jobs.get('snap-1')).toMatchObject({ kind: 'train', status: 'done', result: { runId: 7 } });
    expect((await store.jobs.list()).map((j) => j.id)).toEqual(['snap-1', job.id]);
    expect((await store.jobs.list({ status: 'running' })).map((j) => j.id)).toEqual([job.id]);

    expect(await store.jobs.failInterrupted()).toBe(1);
    expect(await store.jobs.get(job.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/Interrupted/) });
  });
});

describe('caches', () => {
  it('round-trips embeddings per model and MinHash signatures per settings', async () => {
    const m1 = await newModel('models/m1');
    const m2 = await newModel('models/m2');
    const v = new Float32Array([0.25, -1.5, 3]);
    const shifted = new Float32Array([9, 0.5, 0.125, 7]).subarray(1); // a view with a byte offset
    expect(
      await store.embeddingCache.putMany(m1.id, [
        { contentHash: 'a', vector: v },
        { contentHash: 'b', vector: shifted },
      ]),
    ).toBe(2);
    await store.embeddingCache.putMany(m2.id, [{ contentHash: 'a', vector: new Float32Array([1, 1]) }]);
    const got = await store.embeddingCache.getMany(m1.id, ['a', 'b', 'missing', 'a']);
    expect([...got.keys()].sort()).toEqual(['a', 'b']);
    expect(Array.from(got.get('a')!)).toEqual([0.25, -1.5, 3]);
    expect(Array.from(got.get('b')!)).toEqual([0.5, 0.125, 7]);
    expect(Array.from((await store.embeddingCache.getMany(m2.id, ['a'])).get('a')!)).toEqual([1, 1]);
    // Replacing keeps one row per (hash, model).
    await store.embeddingCache.putMany(m1.id, [{ contentHash: 'a', vector: new Float32Array([2, 2, 2]) }]);
    expect(await store.embeddingCache.count(m1.id)).toBe(2);
    expect(Array.from((await store.embeddingCache.getMany(m1.id, ['a'])).get('a')!)).toEqual([2, 2, 2]);
    // More hashes than one IN (...) chunk.
    const many = Array.from({ length: 1200 }, (_, i) => ({ contentHash: `h${i}`, vector: new Float32Array([i]) }));
    await store.embeddingCache.putMany(m2.id, many);
    const back = await store.embeddingCache.getMany(
      m2.id,
      many.map((e) => e.contentHash),
    );
    expect(back.size).toBe(1200);
    expect(back.get('h1199')![0]).toBe(1199);
    expect(await failure(store.embeddingCache.putMany(999, [{ contentHash: 'a', vector: v }]))).toMatchObject(FOREIGN_KEY);
    // Deleting a model drops its vectors.
    await store.models.remove(m2.id);
    expect(await store.embeddingCache.count()).toBe(2);
    expect(await store.embeddingCache.clearModel(m1.id)).toBe(2);

    const sig = new Uint32Array([1, 2, 0xffffffff, 4]);
    await store.minhashCache.putMany(4, 'k5', [{ contentHash: 'a', signature: sig }]);
    await store.minhashCache.putMany(4, 'k3', [{ contentHash: 'a', signature: new Uint32Array([5, 6, 7, 8]) }]);
    expect(Array.from((await store.minhashCache.getMany(4, 'k5', ['a', 'b'])).get('a')!)).toEqual([1, 2, 0xffffffff, 4]);
    expect(Array.from((await store.minhashCache.getMany(4, 'k3', ['a'])).get('a')!)).toEqual([5, 6, 7, 8]);
    expect((await store.minhashCache.getMany(8, 'k5', ['a'])).size).toBe(0);
    expect(await failure(store.minhashCache.putMany(0, 'k5', [{ contentHash: 'z', signature: sig }]))).toMatchObject(CHECK);
  });
});

describe('transactions across repositories', () => {
  it('rolls back several repository calls together', async () => {
    const c = await newCorpus();
    await expect(
      store.db.transaction(async () => {
        const [d] = await store.documents.upsertMany(c.id, [doc('a', 'h')]);
        await store.passages.replaceForDocument(d.id, passages(3));
        await store.runs.create({ corpusId: c.id, preset: 'p', settings: {} });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.documents.count(c.id)).toBe(0);
    expect(await store.runs.list()).toEqual([]);
  });
});
