import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DedupScanCancelledError, runDedupScan, type DedupProgress, type ReadDocumentFn } from '../../../src/engine/dedup/scan';
import type { Store } from '../../../src/engine/store';
import { readDocument } from '../../../src/engine/text/readDocument';
import { changeWords, makeVocabulary, mulberry32, randomText, shuffleWords, tempDir, tempStore, toyEmbed, writeFiles } from './helpers';

const vocab = makeVocabulary(4000, 11);

function paragraphs(rand: () => number, n: number, words = 60): string {
  return Array.from({ length: n }, () => randomText(vocab, words, rand)).join('\n\n');
}

/** A folder with known duplicates; returns its root and the names of each expected group. */
async function makeFolder() {
  const rand = mulberry32(21);
  const root = await tempDir('tenc-dedup-scan-');
  const a = paragraphs(rand, 3);
  const b = randomText(vocab, 250, rand);
  const c = randomText(vocab, 120, rand);
  const shared = randomText(vocab, 50, rand);
  const files: Record<string, string> = {
    'a.txt': a,
    'backup/a copy.txt': a,
    'old/A-CAPS.txt': `  ${a.toUpperCase().replace(/\./g, ' !')}  `,
    'b.txt': b,
    'b-edited.txt': changeWords(b, 3, rand),
    'c.txt': c,
    'notes/c-reworded.txt': shuffleWords(c, rand),
    'e1.txt': `${paragraphs(rand, 2)}\n\n${shared}\n\n${paragraphs(rand, 1)}`,
    'e2.txt': `${paragraphs(rand, 1)}\n\n${shared}`,
    'empty.txt': '',
    'image.png': '\x89PNG\r\n\x1a\n\0\0\0binary',
  };
  for (let i = 0; i < 6; i++) files[`unique/u${i}.txt`] = paragraphs(rand, 2);
  await writeFiles(root, files);
  // a.txt is the oldest: the suggested file to keep among its identical copies.
  await fs.utimes(path.join(root, 'a.txt'), new Date('2020-01-01'), new Date('2020-01-01'));
  return { root, fileCount: Object.keys(files).length };
}

/** Clusters of a scan as sorted lists of relative paths, with layer and kept path. */
async function clustersOf(store: Store, scanId: number) {
  const clusters = await store.scans.listClusters(scanId);
  const out = [];
  for (const c of clusters) {
    const paths: string[] = [];
    for (const m of c.members) paths.push((await store.documents.get(m.documentId))!.relPath);
    const keep = c.keepDocumentId == null ? null : (await store.documents.get(c.keepDocumentId))!.relPath;
    out.push({ level: c.members.some((m) => m.passageId != null) ? 'passage' : 'file', layer: c.layer, paths: paths.sort(), keep, cluster: c });
  }
  return out;
}

function countingReader(): { read: ReadDocumentFn; paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    read: (p, o) => {
      paths.push(p);
      return readDocument(p, o);
    },
  };
}

function countingEmbedder() {
  const calls: string[][] = [];
  return {
    calls,
    embed: (texts: string[]) => {
      calls.push(texts);
      return toyEmbed(texts);
    },
    get texts() {
      return calls.reduce((s, c) => s + c.length, 0);
    },
  };
}

async function modelId(store: Store): Promise<number> {
  return (await store.models.create({ name: 'toy', kind: 'bi', architecture: 'toy-trigram', relDir: `models/toy-${Math.random()}` })).id;
}

describe('runDedupScan', () => {
  it('finds exact, near and semantic duplicate files and passages repeated across files', async () => {
    const { root } = await makeFolder();
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store, embed: toyEmbed });
    const clusters = await clustersOf(store, scanId);
    const files = clusters.filter((c) => c.level === 'file');
    expect(files.map((c) => ({ layer: c.layer, paths: c.paths })).sort((x, y) => x.paths[0].localeCompare(y.paths[0]))).toEqual([
      // The upper-cased copy with other punctuation is not the same text: near, not exact.
      { layer: 'near', paths: ['a.txt', 'backup/a copy.txt', 'old/A-CAPS.txt'] },
      { layer: 'near', paths: ['b-edited.txt', 'b.txt'] },
      { layer: 'semantic', paths: ['c.txt', 'notes/c-reworded.txt'] },
    ]);
    const aGroup = files.find((c) => c.paths.includes('a.txt'))!;
    expect(aGroup.keep).toBe('a.txt');
    const memberLayer = async (g: typeof aGroup, rel: string) => {
      for (const m of g.cluster.members) if ((await store.documents.get(m.documentId))!.relPath === rel) return m.layer;
      return undefined;
    };
    expect(await memberLayer(aGroup, 'backup/a copy.txt')).toBe('exact');
    expect(await memberLayer(aGroup, 'old/A-CAPS.txt')).toBe('near');
    // Exact and near groups may be pre-selected; a semantic-only group never is.
    expect(aGroup.cluster.preselect).toBe(true);
    expect(files.find((c) => c.layer === 'semantic')!.cluster.preselect).toBe(false);
    const passages = clusters.filter((c) => c.level === 'passage');
    expect(passages).toHaveLength(1);
    expect(passages[0]).toMatchObject({ layer: 'exact', paths: ['e1.txt', 'e2.txt'] });

    const scan = await store.scans.get(scanId);
    expect(scan!.status).toBe('done');
    expect(stats).toMatchObject({
      files: 17,
      read: 17,
      documents: 15,
      skipped: 2,
      fileClusters: 3,
      duplicateFiles: 4,
      preselectedFiles: 3,
      passageClusters: 1,
      semanticMethod: 'exact',
    });
    expect(scan!.stats).toMatchObject({ fileClusters: 3 });
  });

  it('says so when there are too many passages to compare beyond identical ones, and still finds identical passages', async () => {
    const { root } = await makeFolder();
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store, embed: toyEmbed, settings: { maxPassagesForFuzzy: 3 } });
    expect(stats.passageFuzzySkipped).toMatch(/^\d+ distinct passages exceed the limit of 3; only identical passages were matched$/);
    const passages = (await clustersOf(store, scanId)).filter((c) => c.level === 'passage');
    expect(passages).toHaveLength(1);
    expect(passages[0]).toMatchObject({ layer: 'exact', paths: ['e1.txt', 'e2.txt'] });
    // File level is untouched by the limit.
    expect(stats.fileClusters).toBe(3);
    expect((await store.scans.get(scanId))!.stats).toMatchObject({ passageFuzzySkipped: stats.passageFuzzySkipped });
  });

  it('runs without a bi-encoder: no semantic layer, the other layers unchanged', async () => {
    const { root } = await makeFolder();
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    const files = (await clustersOf(store, scanId)).filter((c) => c.level === 'file');
    expect(files.map((c) => c.layer).sort()).toEqual(['near', 'near']);
    expect(stats.semanticMethod).toBeNull();
    expect(stats.embedded).toBe(0);
  });

  it('rescans an unchanged folder without reading or embedding anything, and reads only what changed', async () => {
    const { root, fileCount } = await makeFolder();
    const store = await tempStore();
    const id = await modelId(store);
    const reader = countingReader();
    const embedder = countingEmbedder();
    const opts = { roots: [root], store, embed: embedder.embed, settings: { embedModelId: id }, readDocument: reader.read };
    const first = await runDedupScan(opts);
    expect(reader.paths).toHaveLength(fileCount);
    expect(embedder.texts).toBe(first.stats.distinctPassages);

    reader.paths.length = 0;
    embedder.calls.length = 0;
    const second = await runDedupScan(opts);
    expect(reader.paths).toEqual([]);
    expect(embedder.calls).toEqual([]);
    expect(second.stats).toMatchObject({ read: 0, unchanged: fileCount, signaturesComputed: 0, embedded: 0 });
    // Files and passages: the semantic candidates are the first scan's.
    expect(first.stats.semanticFromCache).toBe(0);
    expect(second.stats.semanticFromCache).toBe(2);
    const summary = async (scanId: number) => (await clustersOf(store, scanId)).map((c) => `${c.level}:${c.layer}:${c.paths.join('|')}`).sort();
    expect(await summary(second.scanId)).toEqual(await summary(first.scanId));

    // One file changes: only it is read, and only its new passage is embedded.
    await fs.appendFile(path.join(root, 'unique/u0.txt'), '\n\nA brand new closing paragraph about nothing in particular.');
    const third = await runDedupScan(opts);
    expect(reader.paths).toEqual([path.join(root, 'unique/u0.txt')]);
    expect(embedder.texts).toBe(1);
    expect(third.stats.read).toBe(1);
    expect(third.stats.semanticFromCache).toBe(0);
  });

  it('stops on cancellation, keeps the documents done, and resumes without redoing them', async () => {
    const rand = mulberry32(5);
    const root = await tempDir('tenc-dedup-cancel-');
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`f${String(i).padStart(2, '0')}.txt`] = paragraphs(rand, 2, 40);
    files['f59.txt'] = files['f00.txt'];
    await writeFiles(root, files);
    const store = await tempStore();
    const reader = countingReader();
    const ac = new AbortController();
    const stages: string[] = [];
    const progress = (p: DedupProgress) => {
      stages.push(p.stage);
      if (p.stage === 'reading' && p.done >= 20) ac.abort();
    };
    const err = await runDedupScan({ roots: [root], store, readDocument: reader.read, signal: ac.signal, progress }).catch((e) => e);
    expect(err).toBeInstanceOf(DedupScanCancelledError);
    const scanId = (err as DedupScanCancelledError).scanId;
    expect((await store.scans.get(scanId))!.status).toBe('cancelled');
    const firstReads = [...reader.paths];
    expect(firstReads.length).toBeGreaterThanOrEqual(20);
    expect(firstReads.length).toBeLessThan(60);
    expect(await store.scans.listClusters(scanId)).toEqual([]);

    reader.paths.length = 0;
    const resumed = await runDedupScan({ resumeScanId: scanId, store, readDocument: reader.read });
    expect(resumed.scanId).toBe(scanId);
    // Every file read exactly once over both runs.
    expect(new Set([...firstReads, ...reader.paths]).size).toBe(60);
    expect(firstReads.length + reader.paths.length).toBe(60);
    expect(resumed.stats.unchanged).toBe(firstReads.length);
    const clusters = await clustersOf(store, scanId);
    expect(clusters.map((c) => c.paths)).toEqual([['f00.txt', 'f59.txt']]);
    expect((await store.scans.get(scanId))!.status).toBe('done');
    await expect(runDedupScan({ resumeScanId: scanId, store })).rejects.toThrow(/already done/);
  });

  it('resumes a scan cancelled while embedding without embedding cached passages again', async () => {
    const { root } = await makeFolder();
    const store = await tempStore();
    const id = await modelId(store);
    const embedder = countingEmbedder();
    const ac = new AbortController();
    const embed = async (texts: string[]) => {
      const out = await embedder.embed(texts);
      if (embedder.calls.length === 2) ac.abort(); // after the second batch
      return out;
    };
    const settings = { embedModelId: id };
    const err = await runDedupScan({ roots: [root], store, embed, settings, signal: ac.signal, embedBatchSize: 4 }).catch((e) => e);
    expect(err).toBeInstanceOf(DedupScanCancelledError);
    expect(embedder.texts).toBe(8);
    const resumed = await runDedupScan({ resumeScanId: err.scanId, store, embed: embedder.embed, embedBatchSize: 4 });
    expect(resumed.stats.embeddingsCached).toBe(8);
    expect(embedder.texts).toBe(resumed.stats.distinctPassages);
    expect(resumed.stats.fileClusters).toBe(3);
  });

  it('asks the cross-encoder about borderline pairs only, and accepts what it accepts', async () => {
    const { root } = await makeFolder();
    const store = await tempStore();
    const asked: Array<[string, string]> = [];
    // A semantic threshold of 0.99 with a 0.05 band puts the reworded pair (cosine 1.0) in the band.
    const thresholds = { semantic: 0.99, crossBand: 0.05, cross: 0.6 };
    const score = async (pairs: Array<[string, string]>) => {
      asked.push(...pairs);
      return pairs.map(() => 0.75);
    };
    const { scanId, stats } = await runDedupScan({ roots: [root], store, embed: toyEmbed, score, thresholds, settings: { passageLevel: false } });
    expect(stats.crossScored).toBeGreaterThan(0);
    expect(asked.length).toBe(stats.crossScored);
    for (const [x, y] of asked) expect(x.length * y.length).toBeGreaterThan(0);
    const files = (await clustersOf(store, scanId)).filter((c) => c.level === 'file');
    expect(files.find((c) => c.paths.includes('c.txt'))!.layer).toBe('cross');

    const rejecting = await runDedupScan({
      roots: [root],
      store,
      embed: toyEmbed,
      score: async (p) => p.map(() => 0.1),
      thresholds,
      settings: { passageLevel: false },
    });
    const after = (await clustersOf(store, rejecting.scanId)).filter((c) => c.level === 'file');
    expect(after.find((c) => c.paths.includes('c.txt'))).toBeUndefined();
    expect(rejecting.stats.crossAccepted).toBe(0);
  });

  it('reports progress by stage with done never above total', async () => {
    const { root } = await makeFolder();
    const store = await tempStore();
    const events: DedupProgress[] = [];
    await runDedupScan({ roots: [root], store, embed: toyEmbed, progress: (p) => events.push(p) });
    const stages = [...new Set(events.map((e) => e.stage))];
    expect(stages.slice(0, 2)).toEqual(['listing', 'reading']);
    for (const s of ['signatures', 'embedding', 'near', 'semantic', 'clustering', 'saving']) expect(stages).toContain(s);
    expect(stages.at(-1)).toBe('saving');
    for (const e of events) if (e.total != null) expect(e.done).toBeLessThanOrEqual(e.total);
    const reading = events.filter((e) => e.stage === 'reading');
    expect(reading.at(-1)).toMatchObject({ done: 17, total: 17 });
  });

  it('refuses missing, non-folder and overlapping roots, and an unknown embedding model', async () => {
    const { root } = await makeFolder();
    const store = await tempStore();
    await expect(runDedupScan({ roots: [path.join(root, 'nope')], store })).rejects.toThrow(/not found/);
    await expect(runDedupScan({ roots: [path.join(root, 'a.txt')], store })).rejects.toThrow(/not a folder/);
    await expect(runDedupScan({ roots: [root, path.join(root, 'backup')], store })).rejects.toThrow(/overlap/);
    await expect(runDedupScan({ roots: [], store })).rejects.toThrow(/at least one folder/);
    await expect(runDedupScan({ roots: [root], store, embed: toyEmbed, settings: { embedModelId: 999 } })).rejects.toThrow(/model 999/);
  });

  it('scans several roots at once and finds duplicates across them', async () => {
    const rand = mulberry32(8);
    const one = await tempDir('tenc-dedup-one-');
    const two = await tempDir('tenc-dedup-two-');
    const text = paragraphs(rand, 2);
    await writeFiles(one, { 'x.txt': text, 'y.txt': paragraphs(rand, 2) });
    await writeFiles(two, { 'deep/x-again.txt': text });
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [one, two], store });
    const clusters = await clustersOf(store, scanId);
    expect(clusters).toHaveLength(1);
    const docs = await Promise.all(clusters[0].cluster.members.map((m) => store.documents.get(m.documentId)));
    expect(new Set(docs.map((d) => d!.corpusId)).size).toBe(2);
  });
});
