import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QuarantineUnavailableError, moveFile, quarantineFiles, rootFolderNames, undoBatch } from '../../../src/engine/dedup/actions';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import type { Store } from '../../../src/engine/store';
import { makeVocabulary, mulberry32, onCleanup, randomText, tempDir, tempStore, writeFiles } from './helpers';

const vocab = makeVocabulary(2000, 17);

/** A scanned folder with one cluster of three identical files (keep: orig.txt, the oldest). */
async function scannedFolder(base?: string) {
  const rand = mulberry32(3);
  const root = await tempDir('tenc-dedup-act-', base);
  const text = `${randomText(vocab, 80, rand)}\n\n${randomText(vocab, 80, rand)}`;
  await writeFiles(root, {
    'orig.txt': text,
    'copies/copy1.txt': text,
    'copies/deep/copy2.txt': text,
    'other.txt': randomText(vocab, 100, rand),
  });
  await fs.utimes(path.join(root, 'orig.txt'), new Date('2019-05-01'), new Date('2019-05-01'));
  const store = await tempStore();
  const { scanId } = await runDedupScan({ roots: [root], store });
  const [cluster] = await store.scans.listClusters(scanId);
  const byPath = new Map<string, number>();
  for (const m of cluster.members) byPath.set((await store.documents.get(m.documentId))!.relPath, m.documentId);
  return { root, store, scanId, cluster, byPath, text };
}

async function actionsOf(store: Store, batchId: string) {
  return store.fileActions.listBatch(batchId);
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

describe('quarantineFiles and undoBatch', () => {
  it('moves duplicates into <quarantine>/<scan>/<root name>/<relative path>, logs them, and undo puts them back', async () => {
    const { root, store, scanId, cluster, byPath, text } = await scannedFolder();
    expect((await store.documents.get(cluster.keepDocumentId!))!.relPath).toBe('orig.txt');
    const quarantine = await tempDir('tenc-dedup-q-');
    const mtimeBefore = (await fs.stat(path.join(root, 'copies/deep/copy2.txt'))).mtimeMs;
    const ids = [byPath.get('copies/copy1.txt')!, byPath.get('copies/deep/copy2.txt')!];
    const r = await quarantineFiles({ store, scanId, documentIds: ids, quarantineDir: quarantine });
    expect(r.refused).toEqual([]);
    const rootName = path.basename(root);
    const dest1 = path.join(quarantine, String(scanId), rootName, 'copies/copy1.txt');
    const dest2 = path.join(quarantine, String(scanId), rootName, 'copies/deep/copy2.txt');
    expect(r.moved.map((m) => m.destPath).sort()).toEqual([dest1, dest2]);
    expect(await fs.readFile(dest2, 'utf8')).toBe(text);
    expect(await exists(path.join(root, 'copies/copy1.txt'))).toBe(false);
    expect(await exists(path.join(root, 'orig.txt'))).toBe(true);

    const logged = await actionsOf(store, r.batchId);
    expect(logged).toHaveLength(2);
    for (const a of logged) {
      expect(a).toMatchObject({ scanId, action: 'move', undoneAt: null });
      expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    }

    const u = await undoBatch(store, r.batchId);
    expect(u.refused).toEqual([]);
    expect(u.restored).toHaveLength(2);
    expect(await fs.readFile(path.join(root, 'copies/deep/copy2.txt'), 'utf8')).toBe(text);
    expect((await fs.stat(path.join(root, 'copies/deep/copy2.txt'))).mtimeMs).toBe(mtimeBefore);
    expect(await exists(dest1)).toBe(false);
    for (const a of await actionsOf(store, r.batchId)) expect(a.undoneAt).not.toBeNull();
    // Nothing left to undo the second time.
    expect((await undoBatch(store, r.batchId)).restored).toEqual([]);
  });

  it('refuses a file that changed since the scan (size, or content with size and mtime kept)', async () => {
    const { root, store, scanId, byPath } = await scannedFolder();
    const quarantine = await tempDir('tenc-dedup-q-');
    const grown = path.join(root, 'copies/copy1.txt');
    await fs.appendFile(grown, ' and more');
    const sneaky = path.join(root, 'copies/deep/copy2.txt');
    const st = await fs.stat(sneaky);
    const content = await fs.readFile(sneaky, 'utf8');
    await fs.writeFile(
      sneaky,
      content.replace(/^./, (ch) => (ch === 'X' ? 'Y' : 'X')),
    );
    await fs.utimes(sneaky, st.atime, st.mtime);

    const r = await quarantineFiles({
      store,
      scanId,
      documentIds: [byPath.get('copies/copy1.txt')!, byPath.get('copies/deep/copy2.txt')!],
      quarantineDir: quarantine,
    });
    expect(r.moved).toEqual([]);
    const messages = new Map(r.refused.map((x) => [x.sourcePath, x.message!]));
    expect(messages.get(grown)).toMatch(/changed since the scan \(size/);
    expect(messages.get(sneaky)).toMatch(/changed since the scan \(its content differs\)/);
    expect(await exists(grown)).toBe(true);
    expect(await exists(sneaky)).toBe(true);
    expect(await actionsOf(store, r.batchId)).toEqual([]);
  });

  it('refuses a file that is gone, and never moves the last file of a cluster', async () => {
    const { root, store, scanId, byPath } = await scannedFolder();
    const quarantine = await tempDir('tenc-dedup-q-');
    const all = [...byPath.values()];
    const r = await quarantineFiles({ store, scanId, documentIds: all, quarantineDir: quarantine });
    expect(r.moved).toEqual([]);
    expect(r.refused).toHaveLength(3);
    for (const x of r.refused) expect(x.message).toMatch(/without any file in place/);

    // Two moved in one batch; the third alone later is refused too (the cluster would be empty).
    const first = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!, byPath.get('orig.txt')!], quarantineDir: quarantine });
    expect(first.moved).toHaveLength(2);
    const second = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/deep/copy2.txt')!], quarantineDir: quarantine });
    expect(second.refused[0].message).toMatch(/without any file in place/);

    await undoBatch(store, first.batchId);
    await fs.rm(path.join(root, 'copies/copy1.txt'));
    const third = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!], quarantineDir: quarantine });
    expect(third.refused[0].message).toMatch(/no longer there/);
  });

  it('undo refuses to overwrite a file now at the original path', async () => {
    const { root, store, scanId, byPath } = await scannedFolder();
    const quarantine = await tempDir('tenc-dedup-q-');
    const r = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!], quarantineDir: quarantine });
    const original = path.join(root, 'copies/copy1.txt');
    await fs.writeFile(original, 'a new file with the same name');
    const u = await undoBatch(store, r.batchId);
    expect(u.restored).toEqual([]);
    expect(u.refused[0].message).toMatch(/occupied by another file/);
    expect(await fs.readFile(original, 'utf8')).toBe('a new file with the same name');
    expect(await exists(r.moved[0].destPath!)).toBe(true);
    expect((await actionsOf(store, r.batchId))[0].undoneAt).toBeNull();

    // Once the newcomer is out of the way, undo succeeds.
    await fs.rm(original);
    expect((await undoBatch(store, r.batchId)).restored).toHaveLength(1);
    await expect(undoBatch(store, 'no-such-batch')).rejects.toThrow(/no batch/);
  });

  it('moves nothing when the quarantine folder is below a file (ENOTDIR)', async () => {
    const { root, store, scanId, byPath } = await scannedFolder();
    const blocker = path.join(await tempDir('tenc-dedup-q-'), 'a-file');
    await fs.writeFile(blocker, 'not a folder');
    const err = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!], quarantineDir: path.join(blocker, 'quarantine') }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(QuarantineUnavailableError);
    expect(err.message).toMatch(/cannot be written .*Nothing was moved/);
    expect(await exists(path.join(root, 'copies/copy1.txt'))).toBe(true);
    expect((await store.fileActions.listBatches()).length).toBe(0);
  });

  it('refuses a quarantine folder inside a scanned folder', async () => {
    const { root, store, scanId, byPath } = await scannedFolder();
    const err = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!], quarantineDir: path.join(root, 'quarantine') }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(QuarantineUnavailableError);
    expect(err.message).toMatch(/inside the scanned folder/);
    expect(await exists(path.join(root, 'quarantine'))).toBe(false);
  });

  it('moves nothing when the quarantine folder is on a read-only file system', async (ctx) => {
    const { root, store, scanId, byPath } = await scannedFolder();
    const mountPoint = await tempDir('tenc-dedup-ro-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (e) {
      ctx.skip(`cannot mount a read-only tmpfs here (${(e as Error).message.split('\n')[0]}); the ENOTDIR and /proc cases cover the refusal`);
    }
    onCleanup(() => execFileSync('umount', [mountPoint], { stdio: 'pipe' }));
    const err = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!], quarantineDir: path.join(mountPoint, 'q') }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(QuarantineUnavailableError);
    expect(err.message).toMatch(/read-only file system/);
    expect(await exists(path.join(root, 'copies/copy1.txt'))).toBe(true);
  });

  it('moves nothing when the quarantine folder is under /proc (unwritable even for root)', async (ctx) => {
    if (process.platform !== 'linux') ctx.skip('needs Linux /proc');
    const { root, store, scanId, byPath } = await scannedFolder();
    const err = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!], quarantineDir: '/proc/tenc-quarantine-test' }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(QuarantineUnavailableError);
    expect(await exists(path.join(root, 'copies/copy1.txt'))).toBe(true);
  });

  it('falls back to copy + verify + unlink when rename crosses file systems (EXDEV)', async () => {
    const { root, store, scanId, byPath, text } = await scannedFolder();
    const quarantine = await tempDir('tenc-dedup-q-');
    const renames: string[] = [];
    const fileOps = {
      rename: async (from: string) => {
        renames.push(from);
        throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      },
    };
    const source = path.join(root, 'copies/copy1.txt');
    const mtime = (await fs.stat(source)).mtimeMs;
    const r = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/copy1.txt')!], quarantineDir: quarantine, fileOps });
    expect(renames).toEqual([source]);
    expect(r.moved).toHaveLength(1);
    expect(await exists(source)).toBe(false);
    expect(await fs.readFile(r.moved[0].destPath!, 'utf8')).toBe(text);
    expect(Math.abs((await fs.stat(r.moved[0].destPath!)).mtimeMs - mtime)).toBeLessThan(1);
    const u = await undoBatch(store, r.batchId, { fileOps });
    expect(u.restored).toHaveLength(1);
    expect(await fs.readFile(source, 'utf8')).toBe(text);
  });

  it('moves across real file systems (/dev/shm) when the machine has two', async (ctx) => {
    const shm = '/dev/shm';
    const { root, store, scanId, byPath, text } = await scannedFolder();
    if (!(await exists(shm)) || statSync(shm).dev === statSync(root).dev) ctx.skip('no second file system to move across');
    const quarantine = await tempDir('tenc-dedup-q-', shm);
    const r = await quarantineFiles({ store, scanId, documentIds: [byPath.get('copies/deep/copy2.txt')!], quarantineDir: quarantine });
    expect(r.moved).toHaveLength(1);
    expect(await fs.readFile(r.moved[0].destPath!, 'utf8')).toBe(text);
    expect((await undoBatch(store, r.batchId)).restored).toHaveLength(1);
    expect(await fs.readFile(path.join(root, 'copies/deep/copy2.txt'), 'utf8')).toBe(text);
  });

  it('never overwrites in quarantine: a second file for the same place gets a numbered name', async () => {
    const { root, store, scanId, byPath, text } = await scannedFolder();
    const quarantine = await tempDir('tenc-dedup-q-');
    const source = path.join(root, 'copies/copy1.txt');
    const st = await fs.stat(source);
    const id = byPath.get('copies/copy1.txt')!;
    const first = await quarantineFiles({ store, scanId, documentIds: [id], quarantineDir: quarantine });
    // The same file appears again (restored from a backup, say) and is quarantined again.
    await fs.writeFile(source, text);
    await fs.utimes(source, st.atime, st.mtime);
    const second = await quarantineFiles({ store, scanId, documentIds: [id], quarantineDir: quarantine });
    expect(second.moved[0].destPath).toBe(first.moved[0].destPath!.replace(/copy1\.txt$/, 'copy1 (2).txt'));
    expect(await fs.readFile(first.moved[0].destPath!, 'utf8')).toBe(text);

    const dir = await tempDir('tenc-dedup-mv-');
    await writeFiles(dir, { 'a.txt': 'one', 'b.txt': 'two' });
    await moveFile(path.join(dir, 'a.txt'), path.join(dir, 'q/x.txt'));
    await expect(moveFile(path.join(dir, 'b.txt'), path.join(dir, 'q/x.txt'))).rejects.toThrow(/already exists/);
    expect(await fs.readFile(path.join(dir, 'q/x.txt'), 'utf8')).toBe('one');
  });

  it('names root folders by their base name, numbered when two roots share one', () => {
    expect([...rootFolderNames(['/a/docs', '/b/docs', '/c/notes']).values()]).toEqual(['docs-1', 'docs-2', 'notes']);
  });
});
