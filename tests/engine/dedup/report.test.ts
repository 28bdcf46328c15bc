import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField, escapeHtml, loadScanReport, renderScanReport, reportToCsv, reportToHtml, reportToJson } from '../../../src/engine/dedup/report';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import { makeVocabulary, mulberry32, randomText, tempDir, tempStore, writeFiles } from './helpers';

const vocab = makeVocabulary(2000, 23);

/** Minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF) to check the writer's output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

async function scanWithHostileNames() {
  const rand = mulberry32(9);
  const root = await tempDir('tenc-dedup-rep-');
  const text = randomText(vocab, 80, rand);
  const shared = `<script>alert("x")</script> ${randomText(vocab, 40, rand)}, "quoted", =cmd|' /C calc'!A0`;
  await writeFiles(root, {
    'plain.txt': text,
    '<script>alert(1)<\\script>, "odd".txt': text,
    'p1.txt': `${randomText(vocab, 60, rand)}\n\n${shared}`,
    'p2.txt': `${shared}\n\n${randomText(vocab, 60, rand)}`,
  });
  const store = await tempStore();
  const { scanId } = await runDedupScan({ roots: [root], store });
  return { root, store, scanId, report: await loadScanReport(store, scanId) };
}

describe('reports', () => {
  it('gathers clusters with paths, layers, scores and the suggested file to keep', async () => {
    const { root, report } = await scanWithHostileNames();
    expect(report.scan.status).toBe('done');
    const file = report.clusters.find((c) => c.level === 'file')!;
    expect(file.layer).toBe('exact');
    expect(file.members.map((m) => m.path).sort()).toEqual([path.join(root, '<script>alert(1)<\\script>, "odd".txt'), path.join(root, 'plain.txt')].sort());
    expect(file.members.filter((m) => m.keep)).toHaveLength(1);
    expect(file.keepPath).toBe(file.members.find((m) => m.keep)!.path);
    expect(file.confidence).toBe('high');
    for (const m of file.members) expect(m).toMatchObject({ layer: 'exact', passageText: null, preselect: !m.keep });
    expect(file.members.find((m) => !m.keep)!.score).toBe(1);
    const passage = report.clusters.find((c) => c.level === 'passage')!;
    expect(passage.members.map((m) => path.basename(m.path)).sort()).toEqual(['p1.txt', 'p2.txt']);
    expect(passage.members[0].passageText).toContain('<script>');
  });

  it('writes JSON that parses back to the same report', async () => {
    const { report } = await scanWithHostileNames();
    expect(JSON.parse(reportToJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('writes CSV with one row per member, quoting commas, quotes and new lines, and defusing formulas', async () => {
    const { report } = await scanWithHostileNames();
    const rows = parseCsv(reportToCsv(report));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const members = report.clusters.reduce((s, c) => s + c.members.length, 0);
    expect(rows).toHaveLength(1 + members);
    for (const r of rows) expect(r).toHaveLength(CSV_COLUMNS.length);
    const pathCol = CSV_COLUMNS.indexOf('path');
    expect(rows.some((r) => r[pathCol].endsWith('<script>alert(1)<\\script>, "odd".txt'))).toBe(true);
    const textCol = CSV_COLUMNS.indexOf('passage_text');
    expect(rows.filter((r) => r[textCol].includes('"quoted"'))).toHaveLength(2);
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-12.5')).toBe('-12.5');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });

  it('writes a self-contained HTML page with every text escaped and no script', async () => {
    const { report } = await scanWithHostileNames();
    const html = reportToHtml(report);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;\\script&gt;, &quot;odd&quot;.txt');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toMatch(/<style>[\s\S]*<\/style>/);
    // Every tag the page opens it closes (a cheap well-formedness check on the structure).
    for (const tag of ['html', 'head', 'body', 'table', 'tbody', 'thead', 'div', 'style']) {
      const open = html.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;
      const close = html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
      expect(close, tag).toBe(open);
    }
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('renders each format by name and refuses an unknown scan', async () => {
    const { store, scanId, report } = await scanWithHostileNames();
    expect(await renderScanReport(store, scanId, 'csv')).toBe(reportToCsv(report));
    expect(JSON.parse(await renderScanReport(store, scanId, 'json')).clusters).toHaveLength(report.clusters.length);
    expect(await renderScanReport(store, scanId, 'html')).toContain(`scan ${scanId}`);
    await expect(loadScanReport(store, 42)).rejects.toThrow(/no scan 42/);
  });
});
