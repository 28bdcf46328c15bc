/**
 * Moves and undo you can trust (issue 11): hashes checked on undo, batches written before the
 * first move and surviving a crash, names that are not UTF-8, owner/mode/mtime across file
 * systems, special file systems, acting by layer, hard links, and refusals that lose nothing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIDENT_LAYERS, QuarantineUnavailableError, quarantineFiles, undoBatch } from '../../../src/engine/dedup/actions';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import { createStore, openDatabase, type Store } from '../../../src/engine/store';
import { makeVocabulary, mulberry32, onCleanup, randomText, shuffleWords, tempDir, toyEmbed, writeFiles } from './helpers';

const vocab = makeVocabulary(2000, 29);

async function fileStore(): Promise<{ store: Store; dbFile: string }> {
  const dir = await tempDir('tenc-trust-db-');
  const dbFile = path.join(dir, 'studio.sqlite');
  const db = await openDatabase(dbFile);
  onCleanup(() => db.close());
  return { store: createStore(db), dbFile };
}

/** One exact group: orig.txt (kept) and copies a.txt, b.txt, c.txt. */
async function scanned() {
  const rand = mulberry32(7);
  const root = await tempDir('tenc-trust-');
  const text = `${randomText(vocab, 80, rand)}\n\n${randomText(vocab, 80, rand)}`;
  await writeFiles(root, { 'orig.txt': text, 'a.txt': text, 'b.txt': text, 'c.txt': text });
  await fs.utimes(path.join(root, 'orig.txt'), new Date('2019-05-01'), new Date('2019-05-01'));
  const { store, dbFile } = await fileStore();
  const { scanId } = await runDedupScan({ roots: [root], store });
  const idOf = new Map<string, number>();
  for (const c of await store.scans.listClusters(scanId)) {
    for (const m of c.members) idOf.set((await store.documents.get(m.documentId))!.relPath, m.documentId);
  }
  return { root, store, dbFile, scanId, idOf, text };
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
const exists = (p: string | Buffer) =>
  fs.lstat(p).then(
    () => true,
    () => false,
  );

describe('undo checks the hash of each quarantined file', () => {
  it('records the SHA-256 of every moved file and refuses to restore one edited in quarantine unless forced', async () => {
    const { root, store, scanId, idOf, text } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('a.txt')!, idOf.get('b.txt')!], quarantineDir: quarantine });
    expect(r.moved).toHaveLength(2);
    const moves = await store.quarantine.moves(r.batchId);
    for (const m of moves) {
      expect(m.state).toBe('done');
      expect(m.sha256).toBe(await sha256(m.destPath));
    }
    // Someone edits a.txt inside the quarantine, keeping its size.
    const edited = r.moved.find((m) => m.sourcePath.endsWith('a.txt'))!;
    const changedText = text.replace(/^./, (ch) => (ch === 'Q' ? 'R' : 'Q'));
    await fs.writeFile(edited.destPath!, changedText);

    const u = await undoBatch(store, r.batchId);
    expect(u.restored.map((x) => path.basename(x.sourcePath))).toEqual(['b.txt']);
    expect(u.refused).toHaveLength(1);
    expect(u.refused[0]).toMatchObject({ code: 'changed-in-quarantine', sourcePath: path.join(root, 'a.txt') });
    expect(u.refused[0]!.message).toMatch(/changed in quarantine since it was moved \(its content differs.*left there.*--force/);
    // Nothing lost: the edited file is still in quarantine, nothing written at the original place.
    expect(await fs.readFile(edited.destPath!, 'utf8')).toBe(changedText);
    expect(await exists(path.join(root, 'a.txt'))).toBe(false);
    expect((await store.quarantine.listBatches())[0]).toMatchObject({ batchId: r.batchId, inQuarantine: 1, restored: 1, state: 'partly restored' });

    // Asked to, undo restores it as it is now and says what it overrode.
    const forced = await undoBatch(store, r.batchId, { force: true });
    expect(forced.refused).toEqual([]);
    expect(forced.restored[0]).toMatchObject({ code: 'changed-in-quarantine' });
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe(changedText);
    expect((await store.quarantine.listBatches())[0]!.state).toBe('restored');
  });

  it('also catches a quarantined file whose size changed', async () => {
    const { store, scanId, idOf } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('c.txt')!], quarantineDir: quarantine });
    await fs.appendFile(r.moved[0]!.destPath!, 'appended in quarantine');
    const u = await undoBatch(store, r.batchId);
    expect(u.restored).toEqual([]);
    expect(u.refused[0]!.message).toMatch(/changed in quarantine .*size/);
  });
});

describe('batches', () => {
  it('writes the batch before the first move and lists it with its state', async () => {
    const { store, scanId, idOf } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    let seenAtStart: unknown = null;
    const r = await quarantineFiles({
      store,
      scanId,
      documentIds: [idOf.get('a.txt')!, idOf.get('b.txt')!],
      quarantineDir: quarantine,
      onBatchStart: async (batchId) => {
        seenAtStart = batchId;
      },
      fileOps: {
        rename: async (from, to) => {
          // When the first file moves, the batch is already listed.
          const listed = await store.quarantine.listBatches();
          expect(listed.map((b) => b.batchId)).toContain(seenAtStart);
          expect(listed[0]).toMatchObject({ state: 'moving', planned: 2, quarantineDir: path.resolve(quarantine) });
          await fs.rename(from, to);
        },
      },
    });
    expect(seenAtStart).toBe(r.batchId);
    const [b] = await store.quarantine.listBatches();
    expect(b).toMatchObject({ batchId: r.batchId, scanId, planned: 2, moved: 2, inQuarantine: 2, restored: 0, pending: 0, state: 'in quarantine' });
    expect(b!.finishedAt).not.toBeNull();
  });

  it('a process killed between two moves leaves a batch listed as interrupted that undo puts right', async () => {
    const { root, store, dbFile, scanId, idOf, text } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const ids = [idOf.get('a.txt')!, idOf.get('b.txt')!, idOf.get('c.txt')!];
    const out = await runCrashChild(dbFile, scanId, quarantine, ids, 'rename:2');
    const batchId = /batch (\S+)/.exec(out)![1]!;
    expect(out).not.toMatch(/finished/);
    expect(await exists(path.join(root, 'a.txt'))).toBe(false);
    expect(await exists(path.join(root, 'b.txt'))).toBe(true);

    const [b] = await store.quarantine.listBatches();
    expect(b).toMatchObject({ batchId, planned: 3, moved: 1, pending: 1, state: 'interrupted' });
    const u = await undoBatch(store, batchId);
    expect(u.refused).toEqual([]);
    expect(u.restored.map((x) => path.basename(x.sourcePath))).toEqual(['a.txt']);
    expect(u.notMoved.map((x) => path.basename(x.sourcePath))).toEqual(['b.txt']);
    for (const f of ['a.txt', 'b.txt', 'c.txt']) expect(await fs.readFile(path.join(root, f), 'utf8')).toBe(text);
    expect((await store.quarantine.listBatches())[0]).toMatchObject({ pending: 0, inQuarantine: 0, state: 'restored' });
  });

  it('a process killed after copying across file systems, before removing the original, leaves nothing twice', async () => {
    const { root, store, dbFile, scanId, idOf, text } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const out = await runCrashChild(dbFile, scanId, quarantine, [idOf.get('a.txt')!], 'unlink:1');
    const batchId = /batch (\S+)/.exec(out)![1]!;
    const [move] = await store.quarantine.moves(batchId);
    expect(move!.state).toBe('pending');
    expect(await fs.readFile(move!.destPath, 'utf8')).toBe(text); // the finished copy...
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe(text); // ...and the original
    const u = await undoBatch(store, batchId);
    expect(u.notMoved).toHaveLength(1);
    expect(await exists(move!.destPath)).toBe(false);
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe(text);
  });
});

describe('names that are not UTF-8', () => {
  it('scans, moves and restores a file named with the bytes \\xff\\xfe.txt', async (ctx) => {
    if (process.platform !== 'linux') ctx.skip('file names are bytes on Linux');
    const rand = mulberry32(11);
    const text = randomText(vocab, 120, rand);
    const root = await tempDir('tenc-trust-bytes-');
    const oddName = Buffer.concat([Buffer.from(root + '/'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]);
    await fs.writeFile(oddName, text);
    await fs.writeFile(path.join(root, 'plain.txt'), text);
    await fs.utimes(path.join(root, 'plain.txt'), new Date('2019-05-01'), new Date('2019-05-01'));
    const { store } = await fileStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    expect(stats).toMatchObject({ documents: 2, skipped: 0 });
    const [cluster] = await store.scans.listClusters(scanId);
    expect(cluster!.members).toHaveLength(2);
    const odd = cluster!.members.find((m) => m.documentId !== cluster!.keepDocumentId)!;

    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [odd.documentId], quarantineDir: quarantine });
    expect(r.refused).toEqual([]);
    expect(await exists(oddName)).toBe(false);
    // The quarantined file has the same bytes for a name (the folder part of the path is plain UTF-8).
    const inQuarantine = await fs.readdir(path.dirname(r.moved[0]!.destPath!), { encoding: 'buffer' });
    expect(inQuarantine.map((n) => [...n])).toEqual([[0xff, 0xfe, ...Buffer.from('.txt')]]);
    expect((await undoBatch(store, r.batchId)).restored).toHaveLength(1);
    expect(await fs.readFile(oddName, 'utf8')).toBe(text);
  });
});

describe('moves across file systems', () => {
  it('keep owner, group, permission bits and modification time (EXDEV injected)', async (ctx) => {
    const { root, store, scanId, idOf } = await scanned();
    const source = path.join(root, 'a.txt');
    if (process.getuid?.() !== 0) ctx.skip('giving a file to another owner needs root');
    await fs.chown(source, 4242, 4343);
    await fs.chmod(source, 0o640);
    const before = await fs.stat(source);
    const quarantine = await tempDir('tenc-trust-q-');
    const exdev = async () => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    };
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('a.txt')!], quarantineDir: quarantine, fileOps: { rename: exdev } });
    expect(r.refused).toEqual([]);
    const moved = await fs.stat(r.moved[0]!.destPath!);
    expect({ uid: moved.uid, gid: moved.gid, mode: moved.mode & 0o7777 }).toEqual({ uid: 4242, gid: 4343, mode: 0o640 });
    expect(Math.abs(moved.mtimeMs - before.mtimeMs)).toBeLessThan(1);
    expect((await undoBatch(store, r.batchId, { fileOps: { rename: exdev } })).restored).toHaveLength(1);
    const back = await fs.stat(source);
    expect({ uid: back.uid, gid: back.gid, mode: back.mode & 0o7777 }).toEqual({ uid: 4242, gid: 4343, mode: 0o640 });
    expect(Math.abs(back.mtimeMs - before.mtimeMs)).toBeLessThan(1);
  });

  it('a refused chown (another owner, injected EPERM) leaves the original and no copy', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip('giving a file to another owner needs root');
    const { root, store, scanId, idOf, text } = await scanned();
    const source = path.join(root, 'b.txt');
    await fs.chown(source, 4242, 4343);
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({
      store,
      scanId,
      documentIds: [idOf.get('b.txt')!],
      quarantineDir: quarantine,
      fileOps: {
        rename: async () => {
          throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
        },
        chown: async () => {
          throw Object.assign(new Error('EPERM: operation not permitted, chown'), { code: 'EPERM' });
        },
      },
    });
    expect(r.moved).toEqual([]);
    expect(r.refused[0]).toMatchObject({ code: 'move-failed' });
    expect(r.refused[0]!.message).toMatch(/owner \(user 4242, group 4343\) cannot be kept \(permission denied\); it was left in place/);
    expect(await fs.readFile(source, 'utf8')).toBe(text);
    expect((await fs.stat(source)).uid).toBe(4242);
    const left = await fs.readdir(quarantine, { recursive: true });
    expect(left.filter((f) => f.endsWith('.txt'))).toEqual([]);
    expect((await store.quarantine.moves(r.batchId))[0]!.state).toBe('failed');
    expect((await store.quarantine.listBatches())[0]).toMatchObject({ moved: 0, state: 'nothing moved' });
  });

  it('keep owner, mode and mtime across real file systems (/tmp to /dev/shm) when the machine has both', async (ctx) => {
    const shm = '/dev/shm';
    const { root, store, scanId, idOf } = await scanned();
    if (!(await exists(shm)) || statSync(shm).dev === statSync(root).dev) ctx.skip('no second file system to move across');
    const source = path.join(root, 'c.txt');
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await fs.chown(source, 4242, 4343);
    await fs.chmod(source, 0o604);
    const before = await fs.stat(source);
    const quarantine = await tempDir('tenc-trust-q-', shm);
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('c.txt')!], quarantineDir: quarantine });
    expect(r.refused).toEqual([]);
    const moved = await fs.stat(r.moved[0]!.destPath!);
    expect({ uid: moved.uid, gid: moved.gid, mode: moved.mode & 0o7777 }).toEqual({ uid: before.uid, gid: before.gid, mode: 0o604 });
    expect(Math.abs(moved.mtimeMs - before.mtimeMs)).toBeLessThan(1);
    expect((await undoBatch(store, r.batchId)).restored).toHaveLength(1);
    expect((await fs.stat(source)).uid).toBe(before.uid);
  });
});

describe.runIf(process.platform === 'linux')('special file systems (Linux)', () => {
  it.each(['/proc/tenc-quarantine', '/sys/tenc-quarantine', '/dev/tenc-quarantine'])(
    'refuses a quarantine folder at %s, naming the file system',
    async (dir) => {
      const { root, store, scanId, idOf } = await scanned();
      const err = await quarantineFiles({ store, scanId, documentIds: [idOf.get('a.txt')!], quarantineDir: dir }).catch((e) => e);
      expect(err).toBeInstanceOf(QuarantineUnavailableError);
      expect(err.message).toMatch(/special file system \((proc|sysfs|devtmpfs|dev)\).*Nothing was moved/);
      expect(await exists(path.join(root, 'a.txt'))).toBe(true);
      expect(await store.quarantine.listBatches()).toEqual([]);
    },
  );
});

describe('acting by layer', () => {
  it('with the confident layers, moves exact and near copies and refuses semantic-only ones with the reason', async () => {
    const rand = mulberry32(5);
    const text = randomText(vocab, 150, rand);
    const other = randomText(vocab, 150, rand);
    const root = await tempDir('tenc-trust-layers-');
    await writeFiles(root, { 'a.txt': text, 'a-copy.txt': text, 'b.txt': other, 'b-reworded.txt': shuffleWords(other, rand) });
    for (const f of ['a.txt', 'b.txt']) await fs.utimes(path.join(root, f), new Date('2019-05-01'), new Date('2019-05-01'));
    const { store } = await fileStore();
    const { scanId } = await runDedupScan({ roots: [root], store, embed: toyEmbed, settings: { passageLevel: false } });
    const clusters = await store.scans.listClusters(scanId);
    const layerOf = async (name: string) => {
      for (const c of clusters) for (const m of c.members) if ((await store.documents.get(m.documentId))!.relPath === name) return { c, id: m.documentId };
      throw new Error(`${name} is in no group`);
    };
    const copy = await layerOf('a-copy.txt');
    const reworded = await layerOf('b-reworded.txt');
    expect(copy.c.layer).toBe('exact');
    expect(reworded.c.layer).toBe('semantic');
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [copy.id, reworded.id], quarantineDir: quarantine, layers: CONFIDENT_LAYERS });
    expect(r.moved.map((m) => path.basename(m.sourcePath))).toEqual(['a-copy.txt']);
    expect(r.refused[0]).toMatchObject({ code: 'layer' });
    expect(r.refused[0]!.message).toMatch(/only in semantic groups .*review it/);
    expect(await exists(path.join(root, 'b-reworded.txt'))).toBe(true);
    // Asked for explicitly, the semantic copy moves too.
    const more = await quarantineFiles({
      store,
      scanId,
      documentIds: [reworded.id],
      quarantineDir: quarantine,
      layers: ['exact', 'near', 'semantic', 'cross'],
    });
    expect(more.moved).toHaveLength(1);
  });
});

/** Every scanned document's id by its relative path (hard links are in no exact group, so not from the clusters). */
async function documentIdsByName(store: Store): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const c of await store.corpora.list()) for (const d of await store.documents.listByCorpus(c.id, { limit: 10_000, offset: 0 })) out.set(d.relPath, d.id);
  return out;
}

describe('refusals that lose nothing', () => {
  it('refuses a file whose twin left in place is a hard link to it (moving it frees nothing)', async () => {
    const rand = mulberry32(9);
    const text = randomText(vocab, 100, rand);
    const root = await tempDir('tenc-trust-links-');
    await writeFiles(root, { 'orig.txt': text, 'copy.txt': text });
    await fs.link(path.join(root, 'orig.txt'), path.join(root, 'linked.txt'));
    const { store } = await fileStore();
    const { scanId } = await runDedupScan({ roots: [root], store });
    const idOf = await documentIdsByName(store);
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('linked.txt')!, idOf.get('copy.txt')!], quarantineDir: quarantine });
    expect(r.moved.map((m) => path.basename(m.sourcePath))).toEqual(['copy.txt']);
    expect(r.refused[0]).toMatchObject({ code: 'hard-link', sourcePath: path.join(root, 'linked.txt') });
    expect(r.refused[0]!.message).toMatch(/is a hard link of .*orig\.txt: the same file under two names, so moving it frees no space/);
    expect(await fs.readFile(path.join(root, 'linked.txt'), 'utf8')).toBe(text);
  });

  it('also refuses a hard link whose twin the grouping left out of the group (hard links reported apart)', async () => {
    const rand = mulberry32(10);
    const text = randomText(vocab, 100, rand);
    const root = await tempDir('tenc-trust-links-');
    await writeFiles(root, { 'orig.txt': text, 'copy.txt': text });
    await fs.utimes(path.join(root, 'orig.txt'), new Date('2019-05-01'), new Date('2019-05-01'));
    await fs.link(path.join(root, 'copy.txt'), path.join(root, 'copy-link.txt'));
    const { store } = await fileStore();
    const { scanId } = await runDedupScan({ roots: [root], store });
    const idOf = await documentIdsByName(store);
    // The scan reports the two names of one file as "the same file", apart from the exact group.
    const groups = await store.scans.listClusters(scanId);
    const exact = groups.filter((c) => c.layer === 'exact');
    expect(exact).toHaveLength(1);
    expect(exact[0]!.members.filter((m) => [idOf.get('copy.txt'), idOf.get('copy-link.txt')].includes(m.documentId))).toHaveLength(1);
    expect(groups.some((c) => c.layer === 'same-file')).toBe(true);
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('copy.txt')!], quarantineDir: quarantine });
    expect(r.moved).toEqual([]);
    expect(r.refused[0]).toMatchObject({ code: 'hard-link' });
    expect(r.refused[0]!.message).toMatch(/copy\.txt is a hard link of .*copy-link\.txt/);
  });

  it('refuses a move whose rename is denied (permission denied) and logs it as failed, the file in place', async () => {
    const { root, store, scanId, idOf, text } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({
      store,
      scanId,
      documentIds: [idOf.get('a.txt')!],
      quarantineDir: quarantine,
      fileOps: {
        rename: async () => {
          throw Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES' });
        },
      },
    });
    expect(r.moved).toEqual([]);
    expect(r.refused[0]!.message).toMatch(/could not be moved: permission denied/);
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe(text);
    expect((await store.quarantine.moves(r.batchId))[0]!.state).toBe('failed');
    // Undo has nothing to put back and does not complain about it.
    expect(await undoBatch(store, r.batchId)).toMatchObject({ restored: [], refused: [] });
  });

  it('refuses a move out of a folder even root may not change (chattr +i), the file in place', async (ctx) => {
    const { root, store, scanId, idOf, text } = await scanned();
    try {
      execFileSync('chattr', ['+i', root], { stdio: 'pipe' });
    } catch (e) {
      ctx.skip(`chattr +i is not available here (${(e as Error).message.split('\n')[0]})`);
    }
    onCleanup(() => execFileSync('chattr', ['-i', root], { stdio: 'pipe' }));
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('a.txt')!], quarantineDir: quarantine });
    expect(r.moved).toEqual([]);
    expect(r.refused[0]!.message).toMatch(/could not be moved: permission denied/);
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe(text);
  });

  it('refuses a cross-file-system move whose original cannot be removed, taking the copy back', async () => {
    const { root, store, scanId, idOf, text } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({
      store,
      scanId,
      documentIds: [idOf.get('a.txt')!],
      quarantineDir: quarantine,
      fileOps: {
        rename: async () => {
          throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
        },
        unlink: async () => {
          throw Object.assign(new Error('EACCES: permission denied, unlink'), { code: 'EACCES' });
        },
      },
    });
    expect(r.moved).toEqual([]);
    expect(r.refused[0]!.message).toMatch(/cannot be removed from where it is \(permission denied\); it was left in place/);
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe(text);
    expect((await fs.readdir(quarantine, { recursive: true })).filter((f) => f.endsWith('.txt'))).toEqual([]);
  });

  it('an undo that stopped after copying a file back across file systems is finished by the next undo', async () => {
    const { root, store, scanId, idOf, text } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('a.txt')!], quarantineDir: quarantine });
    // As a killed undo leaves it: the copy back is complete, the quarantined file not yet removed.
    await fs.copyFile(r.moved[0]!.destPath!, path.join(root, 'a.txt'));
    const u = await undoBatch(store, r.batchId);
    expect(u.refused).toEqual([]);
    expect(u.restored[0]!.message).toMatch(/already back in place/);
    expect(await exists(r.moved[0]!.destPath!)).toBe(false);
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe(text);
    expect((await store.quarantine.listBatches())[0]!.state).toBe('restored');
  });

  it('undo never overwrites: an occupied original path is refused and both files are kept', async () => {
    const { root, store, scanId, idOf, text } = await scanned();
    const quarantine = await tempDir('tenc-trust-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [idOf.get('a.txt')!], quarantineDir: quarantine });
    await fs.writeFile(path.join(root, 'a.txt'), 'newcomer');
    const u = await undoBatch(store, r.batchId);
    expect(u.refused[0]).toMatchObject({ code: 'occupied' });
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('newcomer');
    expect(await fs.readFile(r.moved[0]!.destPath!, 'utf8')).toBe(text);
  });
});

async function runCrashChild(dbFile: string, scanId: number, quarantine: string, ids: number[], where: string): Promise<string> {
  const script = path.resolve('tests/engine/dedup/fixtures/quarantineCrash.ts');
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, dbFile, String(scanId), quarantine, ids.join(','), where]);
    return stdout;
  } catch (err) {
    const e = err as { signal?: string; stdout?: string };
    expect(e.signal).toBe('SIGKILL');
    return e.stdout ?? '';
  }
}
