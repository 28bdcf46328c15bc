/**
 * Groups that mean what they say (issue 11): exact means the same text, groups never chain,
 * long documents of one genre are compared passage by passage, only exact and near members are
 * pre-selected, the keeper is an original, hard links are one file.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupAroundKeepers } from '../../../src/engine/dedup/keeperGroups';
import { numbersAgree, passageCoverage } from '../../../src/engine/dedup/passageEvidence';
import { loadScanReport } from '../../../src/engine/dedup/report';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import type { Store } from '../../../src/engine/store';
import { contentHash } from '../../../src/engine/text/normalize';
import { defaultSelection } from '../../../src/renderer/src/lib/dedup';
import { changeWords, makeVocabulary, mulberry32, randomText, tempDir, tempStore, toyEmbed, toyVector, writeFiles } from './helpers';

const vocab = makeVocabulary(4000, 5);

async function groupsOf(store: Store, scanId: number) {
  const out = [];
  for (const c of await store.scans.listClusters(scanId)) {
    if (c.members.some((m) => m.passageId != null)) continue;
    const rel = async (id: number | null) => (id == null ? null : (await store.documents.get(id))!.relPath);
    const members = [];
    for (const m of c.members) members.push({ path: (await rel(m.documentId))!, layer: m.layer });
    out.push({ layer: c.layer, preselect: c.preselect, keep: await rel(c.keepDocumentId), members, paths: members.map((m) => m.path).sort() });
  }
  return out;
}

/** An embedder that gives each listed text a fixed unit vector (2-d, by angle in degrees). */
function angleEmbed(angles: Record<string, number>) {
  return async (texts: string[]) =>
    texts.map((t) => {
      const deg = angles[t.trim()];
      if (deg === undefined) throw new Error(`no angle for ${t}`);
      const r = (deg * Math.PI) / 180;
      return Float32Array.from([Math.cos(r), Math.sin(r)]);
    });
}

describe('exact means exact', () => {
  it('counts digits, signs, punctuation and case; normalises only Unicode composition, line ends and whitespace', () => {
    expect(contentHash('balance: -500 EUR due on 1.5.2024.')).not.toBe(contentHash('balance 500 EUR due on 1 5 2024!'));
    expect(contentHash('Total due')).not.toBe(contentHash('TOTAL DUE'));
    expect(contentHash('caf\u00e9 au lait\r\nsecond line')).toBe(contentHash('  cafe\u0301  au lait\nsecond   line\n'));
  });

  it('does not group the issue example as exact copies in a scan', async () => {
    const root = await tempDir();
    const body = randomText(vocab, 80, mulberry32(3));
    await writeFiles(root, {
      'a.txt': `Account statement. ${body} The balance: -500 EUR is due on 1.5.2024.`,
      'b.txt': `Account statement. ${body} The balance 500 EUR is due on 1 5 2024!`,
      'c.txt': `Account statement. ${body} The balance: -500 EUR is due on 1.5.2024.\r\n`,
    });
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store });
    const groups = await groupsOf(store, scanId);
    expect(groups).toHaveLength(1);
    const byPath = Object.fromEntries(groups[0].members.map((m) => [m.path, m.layer]));
    // a and c are the same text (line end only); b differs in signs and punctuation: near.
    expect(groups[0].keep === 'a.txt' ? byPath['c.txt'] : byPath['a.txt']).toBe('exact');
    expect(byPath['b.txt']).toBe('near');
  });
});

describe('no chaining', () => {
  it('groups around a keeper: a chain A~B~C~D is not one group, and every member matches its keeper directly', () => {
    // 0~1, 1~2, 2~3 only.
    const groups = groupAroundKeepers(4, [
      { a: 0, b: 1, layer: 'semantic', score: 0.95 },
      { a: 1, b: 2, layer: 'semantic', score: 0.95 },
      { a: 2, b: 3, layer: 'semantic', score: 0.95 },
    ]);
    const linked = new Set(['0-1', '1-2', '2-3', '1-0', '2-1', '3-2']);
    for (const g of groups) for (const m of g.members) expect(linked.has(`${m.item}-${g.keeper}`)).toBe(true);
    expect(groups.every((g) => g.members.length + 1 < 4)).toBe(true);
  });

  it('labels a group by its weakest member evidence', () => {
    const [g] = groupAroundKeepers(3, [
      { a: 0, b: 1, layer: 'near', score: 0.9 },
      { a: 0, b: 2, layer: 'semantic', score: 0.93 },
    ]);
    expect(g).toMatchObject({ keeper: 0, layer: 'semantic', score: 0.93 });
    expect(g.members.map((m) => [m.item, m.layer])).toEqual([
      [1, 'near'],
      [2, 'semantic'],
    ]);
  });

  it('a scan does not chain semantic links: D, linked only to C, is not in a group with A', async () => {
    const root = await tempDir();
    const files = { 'a.txt': 'alpha text', 'b.txt': 'bravo text', 'c.txt': 'charlie text', 'd.txt': 'delta text' };
    await writeFiles(root, files);
    // Neighbours 18 degrees apart: cosine 0.951; two apart: 0.809 (below 0.9).
    const embed = angleEmbed({ 'alpha text': 0, 'bravo text': 18, 'charlie text': 36, 'delta text': 54 });
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store, embed, settings: { passageLevel: false, minPassageChars: 1 } });
    const groups = await groupsOf(store, scanId);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) {
      expect(g.paths.includes('a.txt') && g.paths.includes('d.txt')).toBe(false);
      expect(g.paths.includes('a.txt') && g.paths.includes('c.txt')).toBe(false);
      expect(g.paths.length).toBeLessThan(4);
    }
  });
});

describe('long documents compare content, not genre', () => {
  /**
   * A "genre" embedder: every text gets its own random direction plus one shared component, as
   * the built-in model's vectors of licences do. Averaged over a long document the shared part
   * dominates (different documents of the genre: cosine ≈ 0.92), while single passages of
   * different texts stay apart (cosine ≈ 0.6).
   */
  const DIM = 64;
  const GENRE_WEIGHT = 1.2;
  const genreVector = (text: string) => {
    let seed = 7;
    for (const ch of text.trim()) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
    const rand = mulberry32(seed);
    const v = new Float32Array(DIM + 1);
    let n = 0;
    for (let i = 0; i < DIM; i++) {
      v[i] = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
      n += v[i] * v[i];
    }
    for (let i = 0; i < DIM; i++) v[i] /= Math.sqrt(n);
    v[DIM] = GENRE_WEIGHT;
    return v;
  };
  const genreEmbed = async (texts: string[]) => texts.map(genreVector);
  const cos = (a: Float32Array, b: Float32Array) => {
    let d = 0,
      na = 0,
      nb = 0;
    for (let i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  };
  const docVector = (text: string) => {
    const out = new Float32Array(DIM + 1);
    for (const p of text.split('\n\n')) {
      const v = genreVector(p);
      const n = Math.hypot(...v);
      for (let i = 0; i < out.length; i++) out[i] += v[i] / n;
    }
    return out;
  };

  it('two copies of one licence with different headers are near; different licences are not grouped', async () => {
    const rand = mulberry32(8);
    const licence = () => Array.from({ length: 8 }, () => randomText(vocab, 60, rand)).join('\n\n');
    const texts = Array.from({ length: 6 }, licence);
    const files: Record<string, string> = {};
    texts.forEach((t, i) => (files[`licence-${i}.txt`] = t));
    files['pkg/copyright'] = `Files: *\nCopyright: someone else\n\n${texts[0]}`;
    const root = await tempDir();
    await writeFiles(root, files);
    // The premise: whole documents of the genre are above the semantic threshold, their passages are not.
    expect(cos(docVector(texts[1]), docVector(texts[2]))).toBeGreaterThan(0.9);
    expect(cos(genreVector(texts[1].split('\n\n')[0]), genreVector(texts[2].split('\n\n')[0]))).toBeLessThan(0.8);

    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store, embed: genreEmbed });
    const groups = await groupsOf(store, scanId);
    expect(groups.map((g) => ({ layer: g.layer, paths: g.paths }))).toEqual([{ layer: 'near', paths: ['licence-0.txt', 'pkg/copyright'] }]);
    expect(groups[0].preselect).toBe(true);
    expect(stats.semanticRejectedCoverage).toBeGreaterThan(0);
  });

  it('a document whose passages all recur in a longer one may join it as the kept file, never the other way round', async () => {
    const rand = mulberry32(31);
    const parts = Array.from({ length: 8 }, () => randomText(vocab, 60, rand));
    const root = await tempDir();
    await writeFiles(root, { 'long.txt': parts.join('\n\n'), 'excerpt.txt': parts.slice(2, 5).join('\n\n') });
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store, embed: genreEmbed });
    const groups = await groupsOf(store, scanId);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ layer: 'semantic', preselect: false, keep: 'long.txt' });
    const report = await loadScanReport(store, scanId);
    const excerpt = report.clusters[0].members.find((m) => m.relPath === 'excerpt.txt')!;
    expect(excerpt.evidence!.coverage![0]).toBe(1);
    expect(excerpt.evidence!.coverage![1]).toBeLessThan(0.5);
    expect(excerpt.evidence!.passages!.length).toBeGreaterThan(0);
  });

  it('invoices from one template (other customers, amounts, IBANs) are not duplicates', async () => {
    const rand = mulberry32(4);
    const files: Record<string, string> = {};
    const names = ['Anna Berg', 'Carl Dahl', 'Eva Frost', 'Gustav Holm', 'Ida Jansson', 'Karl Lund'];
    names.forEach((name, i) => {
      const amount = (100 + Math.floor(rand() * 9000)) / 1;
      files[`invoice-${i}.txt`] =
        `Invoice number ${20240 + i * 7}. Customer: ${name}. Item: consulting services, ${3 + i} hours at ${amount} EUR. ` +
        `Total due ${amount * (3 + i)} EUR by ${10 + i}.0${1 + (i % 8)}.2024. Pay to IBAN DE${44500105175407324931 + i * 1111}.`;
    });
    const root = await tempDir();
    await writeFiles(root, files);
    const store = await tempStore();
    // At 0.8 the toy embedder puts every pair of these invoices together (as the built-in model did at 0.9).
    const { scanId, stats } = await runDedupScan({ roots: [root], store, embed: toyEmbed, thresholds: { near: 0.95, semantic: 0.8 } });
    expect(await groupsOf(store, scanId)).toEqual([]);
    expect(stats.semanticRejectedNumbers).toBeGreaterThan(0);
  });

  it('a document reworded passage by passage is a meaning match (passages that pair off count), for review only', async () => {
    // Four paragraphs; each has a shared topic part (cosine 0.3 between unrelated paragraphs) and
    // its own part. The reworded document's paragraphs reach 0.825 with their originals (below
    // the semantic threshold 0.9, as STS / MRPC paraphrases do), while the whole texts reach 0.91.
    const dim = 16;
    const alpha = Math.sqrt(0.3);
    const beta = Math.sqrt(0.7);
    const rho = 0.75;
    const vec = (own: number, other: number | null) => {
      const v = new Float32Array(dim);
      v[0] = alpha;
      if (other === null) v[own] = beta;
      else {
        v[own] = beta * rho;
        v[other] = beta * Math.sqrt(1 - rho * rho);
      }
      return v;
    };
    const para = (tag: string) => `Paragraph ${tag} talks about its own subject at some length, with enough words to count.`;
    const vectors = new Map<string, Float32Array>();
    const original: string[] = [];
    const reworded: string[] = [];
    for (let i = 0; i < 4; i++) {
      original.push(para(`original ${i}`));
      reworded.push(para(`reworded ${i}`));
      vectors.set(para(`original ${i}`), vec(1 + i, null));
      vectors.set(para(`reworded ${i}`), vec(1 + i, 5 + i));
    }
    // A third document on the same topic whose paragraphs are all alike one original paragraph:
    // they do not pair off, so it is no rewording of the original.
    const lopsided: string[] = [];
    for (let i = 0; i < 4; i++) {
      lopsided.push(para(`lopsided ${i}`));
      vectors.set(para(`lopsided ${i}`), vec(1, 9 + i));
    }
    const embed = async (texts: string[]) =>
      texts.map((t) => {
        const v = vectors.get(t.trim());
        if (!v) throw new Error(`no vector for ${t}`);
        return v;
      });
    const root = await tempDir();
    await writeFiles(root, { 'original.txt': original.join('\n\n'), 'reworded.txt': reworded.join('\n\n'), 'lopsided.txt': lopsided.join('\n\n') });
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store, embed, thresholds: { near: 0.95 } });
    const groups = await groupsOf(store, scanId);
    expect(groups.map((g) => g.paths)).toEqual([['original.txt', 'reworded.txt']]);
    expect(groups[0].layer).toBe('semantic');
    expect(groups[0].preselect).toBe(false);
  });

  it('passage coverage and numbers, as pure functions', () => {
    const same = (x: number, y: number) => (x === y ? 1 : 0);
    const cov = passageCoverage({ rows: [1, 2, 3], lengths: [10, 10, 80] }, { rows: [1, 2, 9], lengths: [10, 10, 10] }, same, 0.9);
    expect(cov.ab).toBeCloseTo(0.2);
    expect(cov.ba).toBeCloseTo(2 / 3);
    // Mutual best matches at 0.8 count with `mutual`; a passage whose best match prefers another does not.
    const sims: Record<string, number> = { '1:4': 0.85, '2:5': 0.82, '3:4': 0.84, '3:5': 0.1, '1:5': 0.2, '2:4': 0.3 };
    const sim = (x: number, y: number) => sims[`${x}:${y}`] ?? 0;
    const strict = passageCoverage({ rows: [1, 2, 3], lengths: [10, 10, 10] }, { rows: [4, 5], lengths: [10, 10] }, sim, 0.9);
    expect([strict.ab, strict.ba]).toEqual([0, 0]);
    const paired = passageCoverage({ rows: [1, 2, 3], lengths: [10, 10, 10] }, { rows: [4, 5], lengths: [10, 10] }, sim, 0.9, 3, 0.8);
    expect(paired.ab).toBeCloseTo(2 / 3);
    expect(paired.ba).toBeCloseTo(1);
    expect(paired.pairs.map((p) => p.slice(0, 2))).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(numbersAgree('It rose 5% to $10.50 on Monday', 'Shares climbed 5 percent, to 10.50 dollars').agree).toBe(true);
    expect(numbersAgree('Invoice 20240, total 1,200 EUR', 'Invoice 20247, total 830 EUR').agree).toBe(false);
    expect(numbersAgree('no numbers here', 'Invoice 20247').agree).toBe(true);
  });
});

describe('acting by confidence', () => {
  it('pre-selects exact and near copies only; the keeper is one of the identical originals, never the edited copy', async () => {
    const rand = mulberry32(12);
    const original = randomText(vocab, 300, rand);
    // The edited copy has more text: the old "most text" rule kept it and ticked both originals.
    const edited = `${changeWords(original, 2, rand)} One more sentence added by an editor here.`;
    const c = randomText(vocab, 120, rand);
    const reworded = c.split(' ').reverse().join(' ');
    const root = await tempDir();
    await writeFiles(root, { 'orig-1.txt': original, 'orig-2.txt': original, 'edited.txt': edited, 'c.txt': c, 'c-reworded.txt': reworded });
    const store = await tempStore();
    const { scanId } = await runDedupScan({ roots: [root], store, embed: toyEmbed });
    const groups = await groupsOf(store, scanId);
    const orig = groups.find((g) => g.paths.includes('edited.txt'))!;
    expect(orig.paths).toEqual(['edited.txt', 'orig-1.txt', 'orig-2.txt']);
    expect(['orig-1.txt', 'orig-2.txt']).toContain(orig.keep);
    const sem = groups.find((g) => g.paths.includes('c.txt'))!;
    expect(sem).toMatchObject({ layer: 'semantic', preselect: false });

    // What the Duplicates view ticks by default.
    const report = await loadScanReport(store, scanId);
    const apiReport = { scan: report.scan, clusters: report.clusters } as unknown as Parameters<typeof defaultSelection>[0];
    const ticked = [...defaultSelection(apiReport)].map((id) => report.clusters.flatMap((cl) => cl.members).find((m) => m.documentId === id)!.relPath).sort();
    expect(ticked).toEqual(['edited.txt', orig.keep === 'orig-1.txt' ? 'orig-2.txt' : 'orig-1.txt'].sort());
    const semCluster = report.clusters.find((cl) => cl.members.some((m) => m.relPath === 'c.txt'))!;
    expect(semCluster.confidence).toBe('review');
    expect(semCluster.members.find((m) => !m.keep)!.evidence).toMatchObject({ cosine: expect.any(Number) });
  });
});

describe('hard links', () => {
  it('reports names of one file as "the same file", not as duplicates to move', async () => {
    const root = await tempDir();
    const text = randomText(vocab, 100, mulberry32(2));
    await writeFiles(root, { 'a.txt': text, 'copy.txt': text });
    await fs.link(path.join(root, 'a.txt'), path.join(root, 'a-link.txt'));
    const store = await tempStore();
    const { scanId, stats } = await runDedupScan({ roots: [root], store });
    const groups = await groupsOf(store, scanId);
    const same = groups.find((g) => g.layer === 'same-file')!;
    expect(same).toMatchObject({ preselect: false, paths: ['a-link.txt', 'a.txt'] });
    const exact = groups.find((g) => g.layer === 'exact')!;
    expect(exact.paths).toHaveLength(2);
    expect(exact.paths).toContain('copy.txt');
    expect(stats).toMatchObject({ hardLinks: 1, duplicateFiles: 1 });
  });
});
