import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile } from '../../../src/engine/corpus/ingestFile';
import { readDocument, walkFolder } from '../../../src/engine/text';
import { skipReasonCode } from '../../../src/engine/text/skipReason';
import { useTempFolder } from './fixtures';

const tmp = useTempFolder();
const { write } = tmp;

async function reasonOf(p: string, opts: Parameters<typeof readDocument>[1] = {}): Promise<string> {
  const r = await readDocument(p, opts);
  if (r.ok) throw new Error(`${p} was read`);
  return r.reason;
}

describe('skip reasons as codes (the app words them in its language)', () => {
  it('gives each reason the reader produces for a real bad file its code and values', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]);
    const cases: [string, ReturnType<typeof skipReasonCode>][] = [
      [await reasonOf(await write('empty.txt', '')), { code: 'empty' }],
      [await reasonOf(await write('photo.bin', 'abc')), { code: 'binary', params: { ext: '.bin' } }],
      [await reasonOf(await write('image.txt', png)), { code: 'binary', params: { kind: 'PNG image' } }],
      [
        await reasonOf(await write('big.txt', 'x'.repeat(3 * 1024 * 1024)), { maxTextBytes: 1024 * 1024 }),
        { code: 'tooLarge', params: { mb: '3', limitMb: '1' } },
      ],
      [await reasonOf(path.join(tmp.dir, 'missing.txt')), { code: 'gone' }],
      [await reasonOf(await write('bad.pdf', 'hello, not a pdf')), { code: 'pdf' }],
      [await reasonOf(await write('bad.docx', 'hello, not a zip')), { code: 'docx' }],
      [await reasonOf(await write('blank.txt', '   \n\n  ')), { code: 'noText' }],
      [await reasonOf(await write('enc.txt', 'hello'), { encoding: 'no-such-charset' }), { code: 'encoding', params: { name: 'no-such-charset' } }],
    ];
    await fs.mkdir(path.join(tmp.dir, 'a-folder.txt'));
    cases.push([await reasonOf(path.join(tmp.dir, 'a-folder.txt')), { code: 'folder' }]);
    for (const [reason, code] of cases) expect([reason, skipReasonCode(reason)]).toEqual([reason, code]);
  });

  it('codes the walk and the ingest reasons (links, files without words), and keeps unknown text as other', async () => {
    const sub = path.join(tmp.dir, 'walk');
    await write('walk/target.txt', 'words here');
    await fs.symlink(path.join(sub, 'target.txt'), path.join(sub, 'link.txt'));
    const skipped: string[] = [];
    for await (const e of walkFolder(sub)) if ('skipped' in e) skipped.push(e.skipped.reason);
    expect(skipped.map(skipReasonCode)).toEqual([{ code: 'link' }]);

    const p = await write('walk2/dashes.txt', '---- ... ----\n');
    const st = await fs.stat(p);
    const ingested = await ingestFile({ absPath: p, relPath: 'dashes.txt', size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino });
    expect(ingested.status).toBe('skipped');
    expect(skipReasonCode(ingested.status === 'skipped' ? ingested.doc.skipReason : null)).toEqual({ code: 'noWords' });

    expect(skipReasonCode('permission denied')).toEqual({ code: 'permission' });
    expect(skipReasonCode('cannot be read (EIO)')).toEqual({ code: 'unreadable', params: { errno: 'EIO' } });
    expect(skipReasonCode('not a regular file (named pipe)')).toEqual({ code: 'special', params: { kind: 'named pipe' } });
    expect(skipReasonCode('something new the reader says')).toEqual({ code: 'other' });
    expect(skipReasonCode(null)).toEqual({ code: 'other' });
  });
});
