import { describe, expect, it } from 'vitest';
import { readDocument, splitPassages, type ReadDocumentResult } from '../../../src/engine/text';
import { makeCjkPdf, makeDocx, makePdf, useTempFolder, SAMPLES } from './fixtures';

const tmp = useTempFolder();
const { write } = tmp;

function expectOk(r: ReadDocumentResult): asserts r is Extract<ReadDocumentResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got skipped: ${r.reason}`);
}

describe('readDocument formats', () => {
  it('reads .txt as is, with CRLF line ends made LF', async () => {
    const body = `${SAMPLES.english}\r\n\r\nSecond paragraph.\r\n`;
    const r = await readDocument(await write('plain.txt', body));
    expectOk(r);
    expect(r.format).toBe('text');
    expect(r.encoding).toBe('UTF-8');
    expect(r.text).toBe(body.replace(/\r\n/g, '\n'));
    expect(r.bytes).toBe(Buffer.byteLength(body));
    expect(r.truncated).toBe(false);
  });

  it('reads .md keeping the text and dropping markup', async () => {
    const md = [
      '---',
      'title: front matter is dropped',
      '---',
      '# The Heading',
      '',
      'A paragraph with *emphasis*, **strong** text, a [link label](https://example.com/page) and `inline code`.',
      'Tom &amp; Jerry.',
      '',
      '- first item',
      '- second item',
      '',
      '> quoted words',
      '',
      '![alt text of image](img.png)',
      '',
      '```',
      'const x = 1;',
      '```',
    ].join('\n');
    const r = await readDocument(await write('doc.md', md));
    expectOk(r);
    expect(r.format).toBe('markdown');
    expect(r.text).toContain('The Heading');
    expect(r.text).toContain('A paragraph with emphasis, strong text, a link label and inline code.');
    expect(r.text).toContain('Tom & Jerry.');
    expect(r.text).toContain('first item');
    expect(r.text).toContain('quoted words');
    expect(r.text).toContain('alt text of image');
    expect(r.text).toContain('const x = 1;');
    for (const markup of ['#', '*', '](', 'https://example.com', '`', '>', 'front matter']) {
      expect(r.text).not.toContain(markup);
    }
    // Blocks become separate paragraphs.
    const paragraphs = splitPassages(r.text).map((p) => p.text);
    expect(paragraphs[0]).toBe('The Heading');
    expect(paragraphs).toContain('second item');
  });

  it('reads .html text content without scripts, styles or tags', async () => {
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Page title</title>
      <style>p { color: red; }</style><script>var hidden = "script text";</script></head>
      <body><h1>Main   heading</h1><p>First paragraph with <b>bold</b> and <a href="/x">a link</a>.</p>
      <p>Caf&eacute; &amp; cr&egrave;me &#x4E2D;&#25991;</p><noscript>enable js</noscript>
      <ul><li>one</li><li>two</li></ul></body></html>`;
    const r = await readDocument(await write('page.html', html));
    expectOk(r);
    expect(r.format).toBe('html');
    const paragraphs = splitPassages(r.text).map((p) => p.text);
    expect(paragraphs).toEqual(['Page title', 'Main heading', 'First paragraph with bold and a link.', 'Café & crème 中文', 'one', 'two']);
    expect(r.text).not.toMatch(/script text|color: red|enable js|</);
  });

  it('reads .htm declared in a legacy charset via <meta charset>', async () => {
    const iconv = (await import('iconv-lite')).default;
    const html = `<html><head><meta charset="windows-1252"><title>t</title></head><body><p>${SAMPLES.french}</p></body></html>`;
    const r = await readDocument(await write('legacy.htm', iconv.encode(html, 'windows-1252')));
    expectOk(r);
    expect(r.encoding).toBe('windows-1252');
    expect(r.text).toContain(SAMPLES.french);
  });

  it('reads .csv cells (quoted, with commas and newlines) one row per paragraph', async () => {
    const csv = 'id,text,lang\n1,"Hello, world",en\n2,"Multi-line\ncell ""quoted""",en\n3,Bonjour le monde,fr\n';
    const r = await readDocument(await write('table.csv', csv));
    expectOk(r);
    expect(r.format).toBe('csv');
    const rows = splitPassages(r.text).map((p) => p.text.split('\n'));
    expect(rows).toEqual([
      ['id', 'text', 'lang'],
      ['1', 'Hello, world', 'en'],
      ['2', 'Multi-line', 'cell "quoted"', 'en'],
      ['3', 'Bonjour le monde', 'fr'],
    ]);
  });

  it('reads a .csv with a broken quote instead of failing', async () => {
    const csv = 'a,b\n"unclosed,value\nnext,row\n';
    const r = await readDocument(await write('broken.csv', csv));
    expectOk(r);
    expect(r.text).toContain('next');
    expect(r.text).toContain('unclosed');
  });

  it('reads .tsv without quote handling', async () => {
    const tsv = 'He said "hi\tShe left\nplain\t"quoted" cell\n';
    const r = await readDocument(await write('pairs.tsv', tsv));
    expectOk(r);
    expect(r.format).toBe('tsv');
    const rows = splitPassages(r.text).map((p) => p.text.split('\n'));
    expect(rows).toEqual([
      ['He said "hi', 'She left'],
      ['plain', '"quoted" cell'],
    ]);
  });

  it('reads .json string values (not keys, numbers or booleans)', async () => {
    const json = {
      title: 'A heading',
      count: 42,
      ok: true,
      nested: { body: 'Body text here.', tags: ['alpha', 'beta'], empty: '  ' },
      keyOnly: null,
    };
    const r = await readDocument(await write('data.json', JSON.stringify(json)));
    expectOk(r);
    expect(r.format).toBe('json');
    expect(splitPassages(r.text).map((p) => p.text)).toEqual(['A heading', 'Body text here.', 'alpha', 'beta']);
    expect(r.text).not.toMatch(/title|count|42|true|nested/);
  });

  it('reads a top-level .json array as one passage per record', async () => {
    const json = [
      { q: 'Question one?', a: 'Answer one.' },
      { q: 'Question two?', a: 'Answer\n\ntwo.' },
    ];
    const r = await readDocument(await write('records.json', JSON.stringify(json)));
    expectOk(r);
    expect(splitPassages(r.text).map((p) => p.text)).toEqual(['Question one?\nAnswer one.', 'Question two?\nAnswer\ntwo.']);
  });

  it('reads .jsonl one passage per record and reports bad lines', async () => {
    const lines = [
      JSON.stringify({ id: 1, text: 'First record text.', meta: { source: 'web' } }),
      '',
      JSON.stringify({ id: 2, text: 'Second record.\n\nWith a blank line inside.' }),
      '{not json',
      JSON.stringify('a bare string record'),
    ];
    const r = await readDocument(await write('data.jsonl', lines.join('\n')));
    expectOk(r);
    expect(r.format).toBe('jsonl');
    expect(splitPassages(r.text).map((p) => p.text)).toEqual(['First record text.\nweb', 'Second record.\nWith a blank line inside.', 'a bare string record']);
    expect(r.warnings.join(' ')).toMatch(/line 4/);
  });

  it('rejects invalid .json with a reason', async () => {
    const r = await readDocument(await write('bad.json', '{"a": "unterminated'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^invalid JSON/);
  });

  it('reads .docx paragraphs', async () => {
    const paras = [SAMPLES.english, 'Second paragraph: Tom & Jerry <3.', SAMPLES.chinese];
    const r = await readDocument(await write('doc.docx', await makeDocx(paras)));
    expectOk(r);
    expect(r.format).toBe('docx');
    expect(r.encoding).toBeNull();
    expect(splitPassages(r.text, { maxChars: 10_000 }).map((p) => p.text)).toEqual(paras);
  });

  it('reports a .docx that is not a zip package', async () => {
    const r = await readDocument(await write('fake.docx', 'just some text pretending to be a docx'));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/not a valid \.docx/) });
  });

  it('reports a zip without a Word document in it', async () => {
    const JSZip = (await import('jszip')).default;
    const zip = new JSZip();
    zip.file('hello.txt', 'hi');
    const r = await readDocument(await write('notword.docx', await zip.generateAsync({ type: 'nodebuffer' })));
    expect(r.ok).toBe(false);
  });

  it('reads .pdf text with lines and paragraph gaps', async () => {
    const lines = ['Hello PDF world, this is line one', 'and this is line two (with parens).', 'A new paragraph starts here.'];
    const r = await readDocument(await write('doc.pdf', makePdf(lines, [1])));
    expectOk(r);
    expect(r.format).toBe('pdf');
    expect(splitPassages(r.text).map((p) => p.text)).toEqual([`${lines[0]}\n${lines[1]}`, lines[2]]);
  });

  it('reads Latin-1 characters from a .pdf', async () => {
    const line = 'Café crème, naïve façade, Größe';
    const r = await readDocument(await write('latin.pdf', makePdf([line])));
    expectOk(r);
    expect(r.text).toBe(line);
  });

  it('reads Chinese from a .pdf that needs a predefined CMap', async () => {
    const text = '机器学习是人工智能的一个分支';
    const r = await readDocument(await write('cjk.pdf', makeCjkPdf(text)));
    expectOk(r);
    expect(r.text).toBe(text);
  });

  it('reports a corrupt .pdf', async () => {
    const good = makePdf(['some text']);
    const r = await readDocument(await write('corrupt.pdf', good.subarray(0, 40)));
    expect(r.ok).toBe(false);
    const r2 = await readDocument(await write('notpdf.pdf', 'plain text, no header'));
    expect(r2).toMatchObject({ ok: false, reason: 'not a valid PDF (no %PDF header)' });
  });

  it('stops a .pdf at maxChars and marks it truncated', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `Line number ${i} of a long page.`);
    const r = await readDocument(await write('long.pdf', makePdf(lines)), { maxChars: 100 });
    expectOk(r);
    expect(r.truncated).toBe(true);
    expect(r.text.length).toBeLessThanOrEqual(100);
    expect(r.text.startsWith('Line number 0 of a long page.')).toBe(true);
  });

  it('sniffs unknown extensions: text is read, a PDF is read as PDF', async () => {
    const r = await readDocument(await write('README', `${SAMPLES.german}\n`));
    expectOk(r);
    expect(r.format).toBe('text');
    expect(r.text).toBe(`${SAMPLES.german}\n`);
    const r2 = await readDocument(await write('notes.weird', SAMPLES.japanese));
    expectOk(r2);
    expect(r2.text).toBe(SAMPLES.japanese);
    const r3 = await readDocument(await write('report.bin2', makePdf(['Sniffed PDF text'])));
    expectOk(r3);
    expect(r3.format).toBe('pdf');
    expect(r3.text).toBe('Sniffed PDF text');
  });

  it('truncates text formats at maxChars without splitting a surrogate pair', async () => {
    const body = 'ab😀cd'.repeat(10);
    const r = await readDocument(await write('emoji.txt', body), { maxChars: 3 });
    expectOk(r);
    expect(r.truncated).toBe(true);
    expect(r.text).toBe('ab');
  });
});
