/** tenc dedup --move-to / tenc undo driven as a user types them (in-process, output captured). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import { makeVocabulary, mulberry32, randomText, tempDir, writeFiles } from './helpers';

const vocab = makeVocabulary(2000, 41);

async function tenc(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    const rc = await main(argv);
    return { rc, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('tenc dedup --move-to and tenc undo', () => {
  it('prints the batch id before moving, lists batches, and undo refuses a file changed in quarantine unless --force', async () => {
    const rand = mulberry32(2);
    const text = randomText(vocab, 120, rand);
    const root = await tempDir('tenc-cli-docs-');
    await writeFiles(root, { 'report.txt': text, 'report-copy.txt': text, 'other.txt': randomText(vocab, 120, rand) });
    await fs.utimes(path.join(root, 'report.txt'), new Date('2019-05-01'), new Date('2019-05-01'));
    const dataDir = await tempDir('tenc-cli-data-');
    const quarantine = path.join(await tempDir('tenc-cli-q-'), 'moved');

    const moved = await tenc('dedup', root, '--no-semantic', '--move-to', quarantine, '--data-dir', dataDir);
    expect(moved.rc).toBe(0);
    const batchId = /as batch (\S+) \(undo with: tenc undo \1/.exec(moved.out)?.[1];
    expect(batchId).toBeDefined();
    // The id comes before the result of the move (a crash in between would not lose it).
    expect(moved.out.indexOf(`as batch ${batchId}`)).toBeLessThan(moved.out.indexOf('moved 1 file(s)'));
    expect(await fs.readFile(path.join(root, 'report.txt'), 'utf8')).toBe(text);
    await expect(fs.stat(path.join(root, 'report-copy.txt'))).rejects.toThrow();

    const list = await tenc('undo', '--list', '--data-dir', dataDir);
    expect(list.rc).toBe(0);
    const line = list.out.split('\n').find((l) => l.startsWith(batchId!))!;
    expect(line).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+1\s+1\s+in quarantine\s+-> /);

    const [quarantined] = (await fs.readdir(quarantine, { recursive: true })).filter((f) => f.endsWith('report-copy.txt'));
    const inQuarantine = path.join(quarantine, quarantined!);
    await fs.writeFile(inQuarantine, `${text} with a line added in quarantine`);
    const refused = await tenc('undo', batchId!, '--data-dir', dataDir);
    expect(refused.rc).toBe(1);
    expect(refused.out).toMatch(/restored 0 file\(s\); refused 1\n.*report-copy\.txt: .*changed in quarantine since it was moved.*--force/);
    expect(await fs.readFile(inQuarantine, 'utf8')).toMatch(/added in quarantine/);

    const forced = await tenc('undo', batchId!, '--force', '--data-dir', dataDir);
    expect(forced.rc).toBe(0);
    expect(forced.out).toMatch(/restored 1 file\(s\); refused 0/);
    expect(await fs.readFile(path.join(root, 'report-copy.txt'), 'utf8')).toMatch(/added in quarantine/);
    expect((await tenc('undo', '--list', '--data-dir', dataDir)).out).toMatch(new RegExp(`${batchId}.*restored`));
  });

  it('refuses a quarantine folder under /proc with the reason, moving nothing', async (ctx) => {
    if (process.platform !== 'linux') ctx.skip('needs Linux /proc');
    const rand = mulberry32(3);
    const text = randomText(vocab, 100, rand);
    const root = await tempDir('tenc-cli-docs-');
    await writeFiles(root, { 'a.txt': text, 'b.txt': text });
    const dataDir = await tempDir('tenc-cli-data-');
    const r = await tenc('dedup', root, '--no-semantic', '--move-to', '/proc/tenc-quarantine', '--data-dir', dataDir);
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/quarantine folder \(--move-to\) \/proc\/tenc-quarantine is on a special file system \(proc\)/);
    // Said before scanning: no scan was made.
    expect(r.err).not.toMatch(/\[reading\]/);
    expect((await fs.readdir(root)).sort()).toEqual(['a.txt', 'b.txt']);
    expect((await tenc('undo', '--list', '--data-dir', dataDir)).out).toBe('no quarantine batches\n');
  });
});
