/**
 * The dedup scan and the quarantine against what real folders hold: binary files, a 2 GiB file,
 * broken encodings, pipes, sockets and bad links, files that vanish or change during or after
 * the scan, unusable quarantine folders, empty folders. Each case checks the message the user
 * sees (the skip reason stored with the document, or the refusal), that nothing is lost and that
 * nothing moves that should not. How readDocument itself treats single bad files is tested in
 * tests/engine/text/readDocument.badInput.test.ts; this file is about the scan and the actions.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QuarantineUnavailableError, quarantineFiles, undoBatch } from '../../../src/engine/dedup/actions';
import { runDedupScan, type ReadDocumentFn } from '../../../src/engine/dedup/scan';
import type { Store } from '../../../src/engine/store';
import type { StoredDocument } from '../../../src/engine/store/types';
import { readDocument } from '../../../src/engine/text/readDocument';
import { makePdf } from '../text/fixtures';
import { makeVocabulary, mulberry32, onCleanup, randomText, tempDir, tempStore, writeFiles } from './helpers';

const vocab = makeVocabulary(3000, 55);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const GiB2 = 2 * 1024 * 1024 * 1024;

function text(seed: number, words = 90): string {
  const rand = mulberry32(seed);
  return `${randomText(vocab, words, rand)}\n\n${randomText(vocab, words, rand)}`;
}

/** The scanned root's documents by relative path: what the documents view lists, with skip reasons. */
async function documentsOf(store: Store, root: string): Promise<Map<string, StoredDocument>> {
  const corpus = (await store.corpora.list()).find((c) => c.kind === 'folder' && c.rootPath === root);
  expect(corpus, `no corpus for ${root}`).toBeDefined();
  return new Map((await store.documents.listByCorpus(corpus!.id)).map((d) => [d.relPath, d]));
}

function skipReasons(docs: Map<string, StoredDocument>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [p, d] of docs) if (d.status === 'skipped') out[p] = d.skipReason!;
  return out;
}

/** File-level clusters of a scan as sorted relative paths, sorted. */
async function fileClusters(store: Store, scanId: number): Promise<string[][]> {
  const out: string[][] = [];
  for (const c of await store.scans.listClusters(scanId)) {
    if (c.members.some((m) => m.passageId != null)) continue;
    const paths = await Promise.all(c.members.map(async (m) => (await store.documents.get(m.documentId))!.relPath));
    out.push(paths.sort());
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

async function idsByPath(store: Store, root: string): Promise<Map<string, number>> {
  return new Map([...(await documentsOf(store, root))].map(([p, d]) => [p, d.id]));
}

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex');
}

/** sha256 and mtime of every regular file under `root`, by relative path (links and pipes are not opened). */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    const p = path.join(e.parentPath, e.name);
    if (e.isFile()) out[path.relative(root, p)] = `${await sha256(p)} ${(await fs.stat(p)).mtimeMs}`;
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

async function sparseFile(p: string, head = ''): Promise<void> {
  const fh = await fs.open(p, 'w');
  try {
    if (head) await fh.write(head);
    await fh.truncate(GiB2);
  } finally {
    await fh.close();
  }
}

interface PermScan {
  read: number;
  secret: { status: string; skipReason: string | null };
  clusters: number;
}

/**
 * A function that scans `root` in a child process running as user nobody (uid 65534) with its
 * own store, and reports what became of secret.txt. Used as root, which can read mode-000 files.
 */
async function nobodyScanner(root: string): Promise<() => Promise<PermScan>> {
  const nobody = 65534;
  const work = await tempDir('tenc-bad-perm-child-');
  await fs.chmod(root, 0o755);
  await fs.chmod(work, 0o755);
  await fs.chown(work, nobody, nobody);
  const script = path.join(work, 'scan-as-nobody.mts');
  const engine = (rel: string) => pathToFileURL(fileURLToPath(new URL(`../../../src/engine/${rel}`, import.meta.url))).href;
  await fs.writeFile(
    script,
    `import { runDedupScan } from '${engine('dedup/scan.ts')}';
     import { createStore, openDatabase } from '${engine('store/index.ts')}';
     const [root, dbPath] = process.argv.slice(2);
     const db = await openDatabase(dbPath);
     const store = createStore(db);
     const { scanId, stats } = await runDedupScan({ roots: [root], store });
     const corpus = (await store.corpora.list()).find((c) => c.rootPath === root);
     const secret = await store.documents.getByPath(corpus.id, 'secret.txt');
     const clusters = (await store.scans.listClusters(scanId)).length;
     await db.close();
     process.stdout.write(JSON.stringify({ read: stats.read, secret, clusters }));`,
  );
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;
  return () =>
    new Promise<PermScan>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', tsx, script, root, path.join(work, 'db.sqlite')], {
        uid: nobody,
        gid: nobody,
        cwd: work,
        env: { ...process.env, HOME: work, TMPDIR: work, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', (e) => reject(new Error(`spawn failed: ${e.message}`)));
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`the scan as nobody exited with ${code}: ${err.slice(-2000)}`))));
    });
}

describe('the dedup scan survives bad input', () => {
  it('lists binary files as skipped with the reason and still finds the duplicates among the text files', async () => {
    const root = await tempDir('tenc-bad-bin-');
    const a = text(1);
    const b = text(2);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(a)]);
    const random = Buffer.alloc(8192);
    const rand = mulberry32(9);
    for (let i = 0; i < random.length; i++) random[i] = Math.floor(rand() * 256);
    await writeFiles(root, { 'a.txt': a, 'backup/a copy.txt': a, 'b.md': b, 'old/b.txt': b, 'c.txt': text(3) });
    const binaries: Record<string, Buffer> = {
      // Binary content under text names: the magic number decides, not the extension.
      'photo.txt': png,
      'photo-copy.txt': png, // an identical binary is not a duplicate "document"
      'bundle.md': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]), Buffer.from(b)]),
      tool: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(500)]),
      'scan.pdf': makePdf([]),
      'broken.pdf': Buffer.from(a),
      'random.dat': random,
      'zeros.txt': Buffer.alloc(4096),
      'zeros-odd.txt': Buffer.alloc(4097),
      'holiday.jpg': Buffer.from(a), // skipped by its name, never opened
    };
    for (const [name, data] of Object.entries(binaries)) await fs.writeFile(path.join(root, name), data);
    const before = await snapshot(root);

    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    const docs = await documentsOf(store, root);
    const reasons = skipReasons(docs);
    expect(reasons).toEqual({
      'photo.txt': 'binary file (PNG image)',
      'photo-copy.txt': 'binary file (PNG image)',
      'bundle.md': 'binary file (ZIP archive)',
      tool: 'binary file (ELF executable)',
      'scan.pdf': 'no text content (a scanned PDF without a text layer?)',
      'broken.pdf': 'not a valid PDF (no %PDF header)',
      'random.dat': expect.stringMatching(/^binary file/),
      'zeros.txt': expect.stringMatching(/^binary file/),
      'zeros-odd.txt': expect.stringMatching(/^binary file/),
      'holiday.jpg': 'binary file (.jpg)',
    });
    expect(await fileClusters(store, scanId)).toEqual([
      ['a.txt', 'backup/a copy.txt'],
      ['b.md', 'old/b.txt'],
    ]);
    expect(stats).toMatchObject({ files: 15, read: 15, documents: 5, skipped: 10, fileClusters: 2, duplicateFiles: 2 });
    expect((await store.scans.get(scanId))!.status).toBe('done');
    expect(await snapshot(root)).toEqual(before);
  });

  it('skips a 2 GiB file as too large without reading it into memory, and scans the rest', async (ctx) => {
    const root = await tempDir('tenc-bad-huge-');
    const a = text(4);
    await writeFiles(root, { 'a.txt': a, 'z/a-again.txt': a, 'other.txt': text(5) });
    // Sparse: 2 GiB long, next to no disk blocks, created instantly.
    await sparseFile(path.join(root, 'huge-zeros.txt'));
    await sparseFile(path.join(root, 'huge-text.md'), `# A heading\n\n${a}\n`);
    await sparseFile(path.join(root, 'huge.pdf'), '%PDF-1.4\n');
    const st = await fs.stat(path.join(root, 'huge-text.md'));
    if (st.blocks * 512 > 64 * 1024 * 1024) ctx.skip('this file system does not make sparse files');

    const store = await tempStore();
    const readMs = new Map<string, number>();
    const timedRead: ReadDocumentFn = async (p, o) => {
      const t0 = performance.now();
      const r = await readDocument(p, o);
      readMs.set(path.basename(p), performance.now() - t0);
      return r;
    };
    const mem0 = process.memoryUsage();
    let peakRss = mem0.rss;
    let peakBuffers = mem0.arrayBuffers;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    }, 2);
    const t0 = performance.now();
    let result;
    try {
      result = await runDedupScan({ roots: [root], store, readDocument: timedRead });
    } finally {
      clearInterval(sampler);
    }
    const elapsed = performance.now() - t0;
    const m1 = process.memoryUsage();
    peakRss = Math.max(peakRss, m1.rss);
    peakBuffers = Math.max(peakBuffers, m1.arrayBuffers);

    const docs = await documentsOf(store, root);
    expect(skipReasons(docs)).toEqual({
      'huge-zeros.txt': 'too large (2048 MB > 50 MB limit)',
      'huge-text.md': 'too large (2048 MB > 50 MB limit)',
      'huge.pdf': 'too large (2048 MB > 200 MB limit)',
    });
    for (const name of ['huge-zeros.txt', 'huge-text.md', 'huge.pdf']) {
      expect(docs.get(name)!.size).toBe(GiB2);
      expect(readMs.get(name)).toBeLessThan(1000);
    }
    expect(await fileClusters(store, result.scanId)).toEqual([['a.txt', 'z/a-again.txt']]);
    expect(result.stats).toMatchObject({ files: 6, documents: 3, skipped: 3 });
    // Reading 2 GiB would take seconds and show up as ~2 GiB of buffers and resident memory.
    expect(elapsed).toBeLessThan(10_000);
    expect(peakBuffers - mem0.arrayBuffers).toBeLessThan(256 * 1024 * 1024);
    expect(peakRss - mem0.rss).toBeLessThan(1024 * 1024 * 1024);
  });

  it('reads files with broken or mixed encodings with the encoding it found, or skips them with a reason', async () => {
    const root = await tempDir('tenc-bad-enc-');
    const french = 'Le garçon a mangé une crème brûlée à côté de la fenêtre. Très bien, déjà vu, à bientôt !';
    const french2 = "Où est la bibliothèque ? Elle se trouve près de l'église, derrière le château fort.";
    const french3 = 'Noël approche : les enfants décorent le sapin et préparent des bûches glacées.';
    const [english, english2, english3] = [text(6, 40), text(26, 40), text(27, 40)];
    const high = Buffer.alloc(3000);
    const rand = mulberry32(13);
    for (let i = 0; i < high.length; i++) high[i] = 0x80 + Math.floor(rand() * 128);
    const files: Record<string, Buffer> = {
      // Mostly UTF-8 with a few bytes that are not.
      'invalid-utf8.txt': Buffer.concat([
        Buffer.from(english.slice(0, 200)),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from(english.slice(200)),
      ]),
      // UTF-16 with a BOM whose last code unit lost a byte, and one ending in half a surrogate pair.
      'truncated-utf16.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(french2, 'utf16le'), Buffer.from([0x41])]),
      'half-surrogate-utf16.txt': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${english2} 😀`, 'utf16le').subarray(0, -2)]),
      // A UTF-8 paragraph followed by a Latin-1 one.
      'mixed.txt': Buffer.concat([Buffer.from(`${english3}\n\n${french3}\n\n`, 'utf8'), Buffer.from(french3, 'latin1')]),
      // Valid only as a single-byte encoding, and the same text in UTF-8.
      'latin1.txt': Buffer.from(`${french}\n\n${french.toUpperCase()}`, 'latin1'),
      'latin1-as-utf8.txt': Buffer.from(`${french}\n\n${french.toUpperCase()}`, 'utf8'),
      // Nothing but bytes above 0x7f: no valid UTF-8 at all.
      'high-bytes.txt': high,
    };
    for (const [name, data] of Object.entries(files)) await fs.writeFile(path.join(root, name), data);

    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    const docs = await documentsOf(store, root);
    expect([...docs.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [name, d] of docs) {
      // Each file either has text with the encoding it was read in, or a reason why not.
      if (d.status === 'ok') expect(d.encoding, name).toMatch(/^[\w-]{4,}$/);
      else expect(d.skipReason, name).toMatch(/\w{4}/);
    }
    for (const name of ['invalid-utf8.txt', 'truncated-utf16.txt', 'half-surrogate-utf16.txt', 'mixed.txt', 'latin1.txt', 'latin1-as-utf8.txt']) {
      expect(docs.get(name)!.status, name).toBe('ok');
    }
    expect(docs.get('truncated-utf16.txt')!.encoding).toBe('UTF-16LE');
    expect(docs.get('latin1.txt')!.encoding).toMatch(/^(ISO-8859-1|windows-1252)$/);
    expect(docs.get('latin1-as-utf8.txt')!.encoding).toBe('UTF-8');
    // Decoded right, the Latin-1 file is the same text as its UTF-8 twin.
    const passages = await store.passages.listForDocument(docs.get('latin1.txt')!.id);
    expect(passages[0].text).toBe(french);
    expect(await fileClusters(store, scanId)).toEqual([['latin1-as-utf8.txt', 'latin1.txt']]);
    expect(stats.documents + stats.skipped).toBe(Object.keys(files).length);

    // The quarantine's content check decodes the Latin-1 file the same way: it can be moved and restored.
    const ids = await idsByPath(store, root);
    const before = await sha256(path.join(root, 'latin1.txt'));
    const quarantine = await tempDir('tenc-bad-q-');
    const q = await quarantineFiles({ store, scanId, documentIds: [ids.get('latin1.txt')!], quarantineDir: quarantine });
    expect(q.refused).toEqual([]);
    expect(q.moved).toHaveLength(1);
    expect((await undoBatch(store, q.batchId)).restored).toHaveLength(1);
    expect(await sha256(path.join(root, 'latin1.txt'))).toBe(before);
  });

  it('skips pipes, sockets, broken links and link loops without hanging; a folder named x.txt is scanned as a folder', async () => {
    const root = await tempDir('tenc-bad-special-');
    const a = text(7);
    await writeFiles(root, { 'a.txt': a, 'x.txt/inner.txt': a, 'b.txt': text(8) });
    execFileSync('mkfifo', [path.join(root, 'pipe.txt')]);
    await fs.symlink(path.join(root, 'does-not-exist.txt'), path.join(root, 'broken.txt'));
    await fs.symlink(path.join(root, 'loop-b.txt'), path.join(root, 'loop-a.txt'));
    await fs.symlink(path.join(root, 'loop-a.txt'), path.join(root, 'loop-b.txt'));
    await fs.symlink(path.join(root, 'a.txt'), path.join(root, 'link-to-a.txt'));
    await fs.symlink(path.join(root, 'x.txt'), path.join(root, 'link-to-folder'));
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path.join(root, 'socket.txt'), resolve));
    onCleanup(() => new Promise((resolve) => server.close(resolve)));

    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    const reasons = skipReasons(await documentsOf(store, root));
    expect(reasons).toEqual({
      'pipe.txt': 'not a regular file (named pipe)',
      'socket.txt': 'not a regular file (socket)',
      'broken.txt': 'symbolic link (not followed)',
      'loop-a.txt': 'symbolic link (not followed)',
      'loop-b.txt': 'symbolic link (not followed)',
      'link-to-a.txt': 'symbolic link (not followed)',
      'link-to-folder': 'symbolic link (not followed)',
    });
    // The link to a.txt is not a second copy of it: only the real file in x.txt/ is.
    expect(await fileClusters(store, scanId)).toEqual([['a.txt', 'x.txt/inner.txt']]);
    expect(stats).toMatchObject({ files: 3, documents: 3, skipped: 7 });
    expect((await fs.lstat(path.join(root, 'pipe.txt'))).isFIFO()).toBe(true);
    expect(await fs.readlink(path.join(root, 'link-to-a.txt'))).toBe(path.join(root, 'a.txt'));
  }, 20_000);

  it('skips a mode-000 file with "permission denied" and reads it once its permissions are fixed', async (ctx) => {
    const root = await tempDir('tenc-bad-perm-');
    const secret = text(10);
    await writeFiles(root, { 'secret.txt': secret, 'open.txt': secret, 'other.txt': text(11) });
    await fs.chmod(path.join(root, 'secret.txt'), 0o000);
    onCleanup(() => fs.chmod(path.join(root, 'secret.txt'), 0o644));

    // Root reads mode-000 files, so as root the scan runs in a child process as user nobody.
    let scan: () => Promise<PermScan>;
    let pending: PermScan | null = null;
    if (isRoot) {
      const child = await nobodyScanner(root);
      try {
        pending = await child();
      } catch (e) {
        const why = (e as Error).message;
        // Only a machine that cannot run the child is a reason to skip; a failing scan fails the test.
        if (!/spawn|EPERM|EACCES|ERR_MODULE_NOT_FOUND/.test(why)) throw e;
        return ctx.skip(`running as root and cannot scan as user nobody here (${why.split('\n')[0]})`);
      }
      scan = async () => {
        const r = pending ?? (await child());
        pending = null;
        return r;
      };
    } else {
      const store = await tempStore();
      scan = async () => {
        const { scanId, stats } = await runDedupScan({ roots: [root], store });
        return { read: stats.read, secret: (await documentsOf(store, root)).get('secret.txt')!, clusters: (await fileClusters(store, scanId)).length };
      };
    }

    const first = await scan();
    expect(first.secret).toMatchObject({ status: 'skipped', skipReason: 'permission denied' });
    expect(first.clusters).toBe(0);
    // chmod leaves the modification time alone: the next scan must not take the old skip as "unchanged".
    await fs.chmod(path.join(root, 'secret.txt'), 0o644);
    const second = await scan();
    expect(second.read).toBe(1);
    expect(second.secret).toMatchObject({ status: 'ok', skipReason: null });
    expect(second.clusters).toBe(1);
  }, 30_000);

  it('finishes when files vanish or are replaced between listing and reading, and reads them again once back', async () => {
    const root = await tempDir('tenc-bad-race-');
    const aside = await tempDir('tenc-bad-aside-');
    const t = text(12);
    await writeFiles(root, {
      'a.txt': t,
      'a-copy.txt': t,
      'gone.txt': text(13),
      'away-and-back.txt': text(14),
      'now-a-pipe.txt': text(15),
      'now-a-folder.txt': text(16),
      'rewritten.txt': text(17),
    });
    const replacement = text(18);
    const events: string[] = [];
    const read: ReadDocumentFn = async (p, o) => {
      const name = path.basename(p);
      switch (name) {
        case 'gone.txt':
          await fs.rm(p);
          break;
        case 'now-a-pipe.txt':
          await fs.rm(p);
          execFileSync('mkfifo', [p]);
          break;
        case 'now-a-folder.txt':
          await fs.rm(p);
          await fs.mkdir(p);
          break;
        case 'rewritten.txt':
          await fs.writeFile(p, replacement);
          break;
        case 'away-and-back.txt': {
          // Moved away while it is read, back afterwards with its modification time.
          await fs.rename(p, path.join(aside, name));
          try {
            return await readDocument(p, o);
          } finally {
            await fs.rename(path.join(aside, name), p);
          }
        }
      }
      events.push(name);
      return readDocument(p, o);
    };
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store, readDocument: read });
    expect((await store.scans.get(scanId))!.status).toBe('done');
    const docs = await documentsOf(store, root);
    expect(skipReasons(docs)).toEqual({
      'gone.txt': 'file no longer exists (deleted or moved after it was listed)',
      'away-and-back.txt': 'file no longer exists (deleted or moved after it was listed)',
      'now-a-pipe.txt': 'not a regular file (pipe, socket or device)',
      'now-a-folder.txt': 'is a folder',
    });
    // The rewritten file is read as it is now.
    expect(docs.get('rewritten.txt')).toMatchObject({ status: 'ok' });
    expect((await store.passages.listForDocument(docs.get('rewritten.txt')!.id))[0].text).toBe(replacement.split('\n\n')[0]);
    expect(await fileClusters(store, scanId)).toEqual([['a-copy.txt', 'a.txt']]);
    expect(stats).toMatchObject({ files: 7, read: 7, documents: 3, skipped: 4 });

    // Next scan: the file that came back unchanged is read (not taken as "unchanged and skipped").
    const again = await runDedupScan({ roots: [root], store });
    const docs2 = await documentsOf(store, root);
    expect(docs2.get('away-and-back.txt')).toMatchObject({ status: 'ok', skipReason: null });
    expect(skipReasons(docs2)).toMatchObject({ 'now-a-pipe.txt': expect.stringMatching(/^not a regular file/) });
    expect(again.stats.documents).toBe(4);
  });

  it('refuses to quarantine files that changed or vanished after the scan, moves the rest, and undo restores them byte for byte', async () => {
    const root = await tempDir('tenc-bad-after-');
    const t = text(20);
    const u = text(21);
    await writeFiles(root, {
      'keep.txt': t,
      'd1.txt': t,
      'd2.txt': t,
      'd3.txt': t,
      'd4.txt': t,
      'sub/d5.txt': t,
      'u-keep.txt': u,
      'u1.txt': u,
    });
    await fs.utimes(path.join(root, 'keep.txt'), new Date('2018-01-01'), new Date('2018-01-01'));
    await fs.utimes(path.join(root, 'u-keep.txt'), new Date('2018-01-01'), new Date('2018-01-01'));
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store });
    expect(await fileClusters(store, scanId)).toEqual([
      ['d1.txt', 'd2.txt', 'd3.txt', 'd4.txt', 'keep.txt', 'sub/d5.txt'],
      ['u-keep.txt', 'u1.txt'],
    ]);
    const ids = await idsByPath(store, root);
    const before = await snapshot(root);

    // After the scan: d2 grows, d3 is deleted, d4 becomes a named pipe, sub/ becomes a file.
    await fs.appendFile(path.join(root, 'd2.txt'), ' one more sentence.');
    await fs.rm(path.join(root, 'd3.txt'));
    await fs.rm(path.join(root, 'd4.txt'));
    execFileSync('mkfifo', [path.join(root, 'd4.txt')]);
    await fs.rm(path.join(root, 'sub'), { recursive: true });
    await fs.writeFile(path.join(root, 'sub'), 'a file where the folder was');
    const quarantine = await tempDir('tenc-bad-q-');
    const chosen = ['d1.txt', 'd2.txt', 'd3.txt', 'd4.txt', 'sub/d5.txt', 'u1.txt'];
    const r = await quarantineFiles({ store, scanId, documentIds: chosen.map((p) => ids.get(p)!), quarantineDir: quarantine });
    const refused = Object.fromEntries(r.refused.map((x) => [path.relative(root, x.sourcePath), x.message]));
    expect(refused).toEqual({
      'd2.txt': expect.stringMatching(/^.*d2\.txt changed since the scan \(size \d+ → \d+ bytes\); scan again before moving it$/),
      'd3.txt': expect.stringMatching(/d3\.txt is no longer there \(the path does not exist\)$/),
      'd4.txt': expect.stringMatching(/d4\.txt is no longer a regular file$/),
      'sub/d5.txt': expect.stringMatching(/d5\.txt is no longer there \(a part of the path is a file, not a folder\)$/),
    });
    expect(r.moved.map((m) => path.relative(root, m.sourcePath)).sort()).toEqual(['d1.txt', 'u1.txt']);
    for (const m of r.moved) expect(await exists(m.sourcePath)).toBe(false);
    // Only the moves are logged; the refused files are where they were, as they were.
    expect((await store.fileActions.listBatch(r.batchId)).map((a) => path.relative(root, a.sourcePath)).sort()).toEqual(['d1.txt', 'u1.txt']);
    expect((await fs.lstat(path.join(root, 'd4.txt'))).isFIFO()).toBe(true);
    expect(await fs.readFile(path.join(root, 'sub'), 'utf8')).toBe('a file where the folder was');

    const undo = await undoBatch(store, r.batchId);
    expect(undo.refused).toEqual([]);
    expect(undo.restored).toHaveLength(2);
    const after = await snapshot(root);
    for (const p of ['keep.txt', 'd1.txt', 'u-keep.txt', 'u1.txt']) expect(after[p], p).toBe(before[p]);
  });

  it('never quarantines the last copies when the kept file vanished or changed after the scan', async () => {
    const root = await tempDir('tenc-bad-lastcopy-');
    const t = text(22);
    const u = text(23);
    await writeFiles(root, { 'k.txt': t, 'e1.txt': t, 'e2.txt': t, 'uk.txt': u, 'f1.txt': u, 'f2.txt': u });
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store });
    expect(await fileClusters(store, scanId)).toHaveLength(2);
    const ids = await idsByPath(store, root);
    await fs.rm(path.join(root, 'k.txt'));
    await fs.appendFile(path.join(root, 'uk.txt'), ' This file is different now.');
    const before = await snapshot(root);
    const quarantine = await tempDir('tenc-bad-q-');

    const all = await quarantineFiles({
      store,
      scanId,
      documentIds: ['e1.txt', 'e2.txt', 'f1.txt', 'f2.txt'].map((p) => ids.get(p)!),
      quarantineDir: quarantine,
    });
    expect(all.moved).toEqual([]);
    expect(all.refused).toHaveLength(4);
    for (const x of all.refused) {
      expect(x.message).toMatch(
        /^it would leave cluster \d+ without any file in place \(its other files are gone or changed since the scan\); keep at least one of its files$/,
      );
    }
    expect(await snapshot(root)).toEqual(before);

    // One of the two remaining copies may go.
    const one = await quarantineFiles({ store, scanId, documentIds: [ids.get('e1.txt')!], quarantineDir: quarantine });
    expect(one.moved).toHaveLength(1);
    expect((await undoBatch(store, one.batchId)).restored).toHaveLength(1);
    expect(await snapshot(root)).toEqual(before);
  });

  it('moves nothing when the quarantine folder is below a file, is a file, or is in /proc', async () => {
    const root = await tempDir('tenc-bad-qdir-');
    const t = text(24);
    await writeFiles(root, { 'a.txt': t, 'b.txt': t, 'c/d.txt': t });
    await fs.utimes(path.join(root, 'a.txt'), new Date('2018-01-01'), new Date('2018-01-01'));
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store });
    const ids = await idsByPath(store, root);
    const chosen = [ids.get('b.txt')!, ids.get('c/d.txt')!];
    const before = await snapshot(root);
    const blocker = path.join(await tempDir('tenc-bad-q-'), 'not-a-folder');
    await fs.writeFile(blocker, 'a file');

    const cases: [string, RegExp][] = [
      [path.join(blocker, 'quarantine'), /\(a part of the path is a file, not a folder\)/],
      [blocker, /\(a part of the path is a file, not a folder\)/],
    ];
    if (process.platform === 'linux')
      cases.push([
        '/proc/tenc-quarantine-test',
        /\((folders cannot be created in \/proc|read-only file system|permission denied|it is on a special file system \(proc\).*)\)/,
      ]);
    for (const [dir, reason] of cases) {
      const err = await quarantineFiles({ store, scanId, documentIds: chosen, quarantineDir: dir }).catch((e) => e);
      expect(err, dir).toBeInstanceOf(QuarantineUnavailableError);
      expect(err.message).toMatch(/^The quarantine folder .+ cannot be written \(.+\)\. Nothing was moved\.$/);
      expect(err.message, dir).toMatch(reason);
    }
    expect(await store.fileActions.listBatches()).toEqual([]);
    expect(await snapshot(root)).toEqual(before);
    expect(await fs.readFile(blocker, 'utf8')).toBe('a file');
  });

  it('scans an empty folder to an empty result', async () => {
    const root = await tempDir('tenc-bad-empty-');
    await fs.mkdir(path.join(root, 'sub/deeper'), { recursive: true });
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    expect(stats).toMatchObject({ files: 0, read: 0, skipped: 0, documents: 0, fileClusters: 0, passageClusters: 0 });
    expect((await store.scans.get(scanId))!.status).toBe('done');
    expect(await store.scans.listClusters(scanId)).toEqual([]);
    const q = await quarantineFiles({ store, scanId, documentIds: [], quarantineDir: await tempDir('tenc-bad-q-') });
    expect(q).toMatchObject({ moved: [], refused: [] });
  });

  it('skips files that are empty, blank or hold no words, and does not call them duplicates of each other', async () => {
    const root = await tempDir('tenc-bad-blank-');
    const files: Record<string, string | Buffer> = {
      'empty.txt': '',
      'empty-too.txt': '',
      'spaces.txt': '   \n\t\n  ',
      'crlf.txt': '\r\n\r\n\r\n',
      'unicode-spaces.txt': '\u00a0\u2003\u3000\n',
      'bom-only.txt': '\ufeff',
      'utf16-blank.txt': Buffer.from([0xff, 0xfe, 0x20, 0x00, 0x0a, 0x00]),
      'zero-width.txt': '\u200b\u200b\u2060',
      'dots.txt': '...',
      'dashes.txt': '-----\n\n-----',
      'heading-only.md': '#\n\n',
      'empty.json': '{}',
      'empty.csv': ',,\n,,\n',
    };
    await writeFiles(root, Object.fromEntries(Object.entries(files).filter(([, c]) => typeof c === 'string')) as Record<string, string>);
    for (const [name, c] of Object.entries(files)) if (typeof c !== 'string') await fs.writeFile(path.join(root, name), c);
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    expect(stats).toMatchObject({ files: 13, documents: 0, skipped: 13, fileClusters: 0, passageClusters: 0 });
    expect(await store.scans.listClusters(scanId)).toEqual([]);
    const noWords = 'no words in the file (only punctuation or invisible characters)';
    expect(skipReasons(await documentsOf(store, root))).toEqual({
      'empty.txt': 'empty file',
      'empty-too.txt': 'empty file',
      'spaces.txt': 'no text content',
      'crlf.txt': 'no text content',
      'unicode-spaces.txt': 'no text content',
      'bom-only.txt': 'no text content',
      'utf16-blank.txt': 'no text content',
      'zero-width.txt': noWords,
      'dots.txt': noWords,
      'dashes.txt': noWords,
      'heading-only.md': 'no text content',
      'empty.json': 'no text content',
      'empty.csv': 'no text content',
    });
  });

  it('does not match separator lines of punctuation as duplicate passages across unrelated files', async () => {
    const root = await tempDir('tenc-bad-rulers-');
    const ruler = '-'.repeat(80);
    await writeFiles(root, {
      'one.txt': `${text(30, 40)}\n\n${ruler}\n\n${text(31, 40)}`,
      'two.txt': `${text(32, 40)}\n\n${ruler}\n\n${text(33, 40)}`,
    });
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    expect(stats.passageClusters).toBe(0);
    expect(await store.scans.listClusters(scanId)).toEqual([]);
  });
});
