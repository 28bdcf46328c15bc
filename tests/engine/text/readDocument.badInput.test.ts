import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDocument, walkFolder } from '../../../src/engine/text';
import { useTempFolder, SAMPLES } from './fixtures';

const tmp = useTempFolder();
const { write } = tmp;

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('readDocument skips bad input with a reason', () => {
  it('skips binary files recognised by their magic number, whatever the extension', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]);
    expect(await readDocument(await write('image.txt', png))).toEqual({
      ok: false,
      reason: 'binary file (PNG image)',
      format: 'text',
      bytes: png.length,
    });
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(200)]);
    const r = await readDocument(await write('program', elf));
    expect(r).toMatchObject({ ok: false, reason: 'binary file (ELF executable)' });
  });

  it('skips files with NUL bytes that are not UTF-16 text', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 17) % 251; // includes NULs, no magic
    const r = await readDocument(await write('blob.dat', bytes));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^binary file/) });
  });

  it('skips known binary extensions without opening them', async () => {
    // The file does not even exist: the name alone decides.
    const r = await readDocument(path.join(tmp.dir, 'missing-photo.JPG'));
    expect(r).toEqual({ ok: false, reason: 'binary file (.jpg)' });
  });

  it('skips empty files', async () => {
    expect(await readDocument(await write('empty.txt', ''))).toMatchObject({ ok: false, reason: 'empty file', bytes: 0 });
    expect(await readDocument(await write('empty.pdf', ''))).toMatchObject({ ok: false, reason: 'empty file' });
  });

  it('skips files with no text content', async () => {
    expect(await readDocument(await write('blank.txt', '  \n\t\n  '))).toMatchObject({ ok: false, reason: 'no text content' });
    expect(await readDocument(await write('nothing.html', '<html><script>x()</script></html>'))).toMatchObject({
      ok: false,
      reason: 'no text content',
    });
  });

  it('reports files that cannot be read', async () => {
    // A directory named like a file, and a FIFO (opening one for reading would block forever).
    const folder = path.join(tmp.dir, 'folder.txt');
    await fs.mkdir(folder);
    expect(await readDocument(folder)).toEqual({ ok: false, reason: 'is a folder' });

    const fifo = path.join(tmp.dir, 'pipe.txt');
    execFileSync('mkfifo', [fifo]);
    expect(await readDocument(fifo)).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a regular file/) });
  });

  it.skipIf(isRoot)('reports permission denied (needs a non-root user: root can read mode-000 files)', async () => {
    const p = await write('secret.txt', 'top secret');
    await fs.chmod(p, 0o000);
    try {
      expect(await readDocument(p)).toMatchObject({ ok: false, reason: 'permission denied' });
    } finally {
      await fs.chmod(p, 0o644);
    }
  });

  it('skips a 2 GB sparse file by its size, without reading it', async () => {
    const p = path.join(tmp.dir, 'huge.txt');
    const fh = await fs.open(p, 'w');
    await fh.truncate(2 * 1024 * 1024 * 1024);
    await fh.close();
    const t0 = performance.now();
    const r = await readDocument(p);
    const ms = performance.now() - t0;
    expect(r).toEqual({ ok: false, reason: 'too large (2048 MB > 50 MB limit)', format: 'text', bytes: 2 ** 31 });
    expect(ms).toBeLessThan(500);
    await fs.rm(p);
  });

  it('applies the configurable limits, the larger one to pdf and docx', async () => {
    const text = await write('medium.txt', 'x'.repeat(3000));
    expect(await readDocument(text, { maxTextBytes: 2048 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^too large \(0 MB > 0 MB limit\)$/),
    });
    expect((await readDocument(text, { maxTextBytes: 4096 })).ok).toBe(true);
    const pdf = await write('medium.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x20)]));
    // Over the text limit but under the document limit: it is opened (and found broken), not skipped for size.
    const r = await readDocument(pdf, { maxTextBytes: 2048, maxDocumentBytes: 1 << 20 });
    expect(r.ok === false && r.reason.startsWith('too large')).toBe(false);
    expect(await readDocument(pdf, { maxDocumentBytes: 1024 })).toMatchObject({ reason: expect.stringMatching(/^too large/) });
  });

  it('reports a file deleted between listing and reading', async () => {
    const sub = path.join(tmp.dir, 'listing');
    await fs.mkdir(sub);
    await fs.writeFile(path.join(sub, 'a.txt'), SAMPLES.english);
    await fs.writeFile(path.join(sub, 'b.txt'), SAMPLES.french);
    const listed: string[] = [];
    for await (const entry of walkFolder(sub)) if ('file' in entry) listed.push(entry.file.absPath);
    expect(listed).toHaveLength(2);
    await fs.rm(listed[0]);
    const results = await Promise.all(listed.map((p) => readDocument(p)));
    expect(results[0]).toEqual({ ok: false, reason: 'file no longer exists (deleted or moved after it was listed)' });
    expect(results[1].ok).toBe(true);
  });

  it('reports a file deleted while it was being read', async () => {
    const p = await write('vanishing.txt', SAMPLES.english);
    const r = await readDocument(p, { afterRead: () => fs.rm(p) });
    expect(r).toMatchObject({ ok: false, reason: 'file was deleted while it was being read' });
  });

  it('reports a file that changed while it was being read', async () => {
    const p = await write('growing.txt', SAMPLES.english);
    const r = await readDocument(p, { afterRead: () => fs.appendFile(p, ' more text') });
    expect(r).toMatchObject({ ok: false, reason: 'file changed while it was being read' });

    const q = await write('replaced.txt', SAMPLES.english);
    const r2 = await readDocument(q, {
      afterRead: async () => {
        // Same size, new inode (an editor's save-by-rename).
        await fs.writeFile(q + '.tmp', SAMPLES.english.toUpperCase());
        await fs.rename(q + '.tmp', q);
      },
    });
    expect(r2).toMatchObject({ ok: false, reason: 'file changed while it was being read' });
  });

  it('rejects with the abort reason when the signal is aborted', async () => {
    const p = await write('abort.txt', SAMPLES.english);
    const ac = new AbortController();
    ac.abort(new Error('stop now'));
    await expect(readDocument(p, { signal: ac.signal })).rejects.toThrow('stop now');
  });

  it('never throws on a folder of mixed bad files', async () => {
    const sub = path.join(tmp.dir, 'mixed');
    await fs.mkdir(sub);
    await fs.writeFile(path.join(sub, 'ok.md'), '# fine\n\ntext');
    await fs.writeFile(path.join(sub, 'x.json'), '{');
    await fs.writeFile(path.join(sub, 'y.jsonl'), '{\n[');
    await fs.writeFile(path.join(sub, 'z.pdf'), '%PDF-1.7\ngarbage');
    await fs.writeFile(path.join(sub, 'w.docx'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    await fs.writeFile(path.join(sub, 'v.csv'), Buffer.from([0x01, 0x02, 0x03, 0x00, 0x04, 0x05, 0x06]));
    const outcomes: Record<string, boolean> = {};
    for await (const entry of walkFolder(sub)) {
      if (!('file' in entry)) continue;
      const r = await readDocument(entry.file.absPath);
      outcomes[entry.file.relPath] = r.ok;
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
    }
    expect(outcomes).toEqual({ 'ok.md': true, 'v.csv': false, 'w.docx': false, 'x.json': false, 'y.jsonl': false, 'z.pdf': false });
  });
});
