import fs from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeText, detectEncoding, readDocument } from '../../../src/engine/text';
import { makeTempDir, removeDir, SAMPLES } from './fixtures';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeDir(dir);
});

const multilingual = [SAMPLES.english, SAMPLES.french, SAMPLES.german, SAMPLES.chinese, SAMPLES.japanese, 'Emoji: 😀🚀'].join('\n\n') + '\n';

// [iconv encoding used to write, text, encoding readDocument must report, BOM bytes to prepend]
const cases: [string, string, string, number[]][] = [
  ['utf8', multilingual, 'UTF-8', []],
  ['utf8', multilingual, 'UTF-8', [0xef, 0xbb, 0xbf]],
  ['utf16le', multilingual, 'UTF-16LE', [0xff, 0xfe]],
  ['utf16be', multilingual, 'UTF-16BE', [0xfe, 0xff]],
  ['gb18030', `${SAMPLES.chinese}\n\n${SAMPLES.chinese.split('').reverse().join('')}\n`, 'GB18030', []],
  ['big5', `${SAMPLES.chineseTraditional}\n`, 'Big5', []],
  ['shift_jis', `${SAMPLES.japanese}\n`, 'Shift_JIS', []],
  ['latin1', `${SAMPLES.french}\n`, 'ISO-8859-1', []],
  ['latin1', `${SAMPLES.german}\n`, 'ISO-8859-1', []],
  ['windows-1252', `${SAMPLES.french} “Guillemets” – 12 € …\n`, 'windows-1252', []],
];

describe('encoding detection through readDocument', () => {
  for (const [enc, text, expected, bom] of cases) {
    const label = `${enc}${bom.length ? ' with BOM' : ''}: ${text.slice(0, 12)}…`;
    it(`decodes ${label}`, async () => {
      const bytes = Buffer.concat([Buffer.from(bom), iconv.encode(text, enc, { addBOM: false })]);
      const file = path.join(dir, `${enc}-${bom.length}-${expected}.txt`);
      await fs.writeFile(file, bytes);
      const r = await readDocument(file);
      if (!r.ok) throw new Error(r.reason);
      expect(r.encoding).toBe(expected);
      expect(r.text).toBe(text);
      expect(r.warnings).toEqual([]);
    });
  }

  for (const enc of ['utf16le', 'utf16be']) {
    for (const [name, text] of Object.entries(SAMPLES)) {
      it(`recognises BOM-less ${enc} (${name})`, () => {
        const body = `${text}\n${text}\n`;
        const d = detectEncoding(iconv.encode(body, enc));
        expect(d.encoding).toBe(enc === 'utf16le' ? 'UTF-16LE' : 'UTF-16BE');
        expect(d.method).toBe('utf16-heuristic');
        expect(decodeText(iconv.encode(body, enc)).text).toBe(body);
      });
    }
  }

  it('uses the fast strict UTF-8 path for valid UTF-8 and ASCII', () => {
    expect(detectEncoding(Buffer.from(multilingual, 'utf8'))).toMatchObject({ encoding: 'UTF-8', method: 'utf8', lossy: false });
    expect(detectEncoding(Buffer.from('plain ascii\n'))).toMatchObject({ encoding: 'UTF-8', method: 'utf8' });
  });

  it('decodes UTF-8 with a few invalid sequences as lossy UTF-8, not as a legacy encoding', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Café naïve résumé, déjà vu. '),
      Buffer.from([0xc3, 0x28, 0xff, 0xe2, 0x82]), // truncated / invalid sequences
      Buffer.from(' 中文 encore une fois, voilà.\n'),
    ]);
    const file = path.join(dir, 'broken-utf8.txt');
    await fs.writeFile(file, bytes);
    const r = await readDocument(file);
    if (!r.ok) throw new Error(r.reason);
    expect(r.encoding).toBe('UTF-8');
    expect(r.text.startsWith('Café naïve résumé, déjà vu. ')).toBe(true);
    expect(r.text.endsWith(' 中文 encore une fois, voilà.\n')).toBe(true);
    expect(r.text).toContain('\uFFFD');
    expect(r.warnings.join(' ')).toMatch(/not valid UTF-8/);
  });

  it('honours a forced encoding', async () => {
    const file = path.join(dir, 'forced.txt');
    await fs.writeFile(file, iconv.encode(SAMPLES.french, 'latin1'));
    const r = await readDocument(file, { encoding: 'windows-1252' });
    if (!r.ok) throw new Error(r.reason);
    expect(r.encoding).toBe('windows-1252');
    expect(r.text).toBe(SAMPLES.french);
    expect(await readDocument(file, { encoding: 'no-such-charset' })).toMatchObject({ ok: false, reason: 'unknown encoding "no-such-charset"' });
  });

  it('does not take ASCII text with a stray NUL for UTF-16', () => {
    const d = detectEncoding(Buffer.from('Hello world, this is plain ASCII text.\n\0\nMore text here.\n'));
    expect(d.encoding).toBe('UTF-8');
  });
});
