/**
 * Duplicate-detection quality of the real dedup scan (runDedupScan) on labelled pairs. A seeded
 * sample of MRPC pairs (label 1 = duplicate) and STS pairs (gold >= 4 = duplicate, < 4 not; 3-4
 * is reported as the "hard" negative band) keeps each source's class balance. By default
 * (--data held-out) the pairs are the ones the built-in pair judge was NOT fitted on
 * (bench/lib/judgeSplit.ts: MRPC train rows 3077-4076, STS-B dev and STS12-16, minus every pair
 * sharing a sentence with the fitting pairs); --data legacy samples MRPC train and
 * stsb-train + sts12-16 as the earlier runs did; planted copies (exact copies, case/space/punctuation variants, documents and
 * sentences with a few words changed) are a separate group. Every text is written as its own
 * file, one folder per pair, in mixed formats and encodings (.txt as UTF-8, UTF-8 with BOM,
 * UTF-16LE with BOM and windows-1252, .md, .html, .json, .csv, .docx); the bench checks that
 * the reader got every file's text back, then scans the folder with the layers switched on one
 * at a time and all together, and reports precision / recall / F1 of "the two files of a pair
 * end up in the same file-level cluster" at the default thresholds (thresholds.ts). From the
 * raw bi-encoder cosines (and cross-encoder scores) it calibrates the best-F1 threshold and the
 * thresholds for precision >= 0.8 / 0.9 on one half of the labelled pairs, reports them on the
 * other half with a threshold sweep, and rescans the folder at those values (held-out figures).
 * The built-in USE lite model runs through ONNX Runtime with the built-in pair judge, as the app
 * runs it (no cross-encoder); --bi/--cross add a trained model.
 *   npx tsx bench/dedup-quality.ts [--pairs 1400] [--planted 60] [--seed 7]
 *        [--bi DIR --cross DIR] [--skip-builtin] [--out bench/results/dedup-quality-x.json] [--keep]
 * With --out x.json the markdown report is also written to x.md.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { initBackend } from '../src/engine/backend';
import { calibrateThresholdDetailed } from '../src/engine/dedup/calibrate';
import {
  indexFileClusters,
  inSameCluster,
  scorePairs,
  sharedClusterLayer,
  thresholdForPrecision,
  type FileClusterIndex,
  type PairConfusion,
} from '../src/engine/dedup/pairMetrics';
import { runDedupScan, type DedupScanStats } from '../src/engine/dedup/scan';
import { DEFAULT_THRESHOLDS, type DedupThresholds } from '../src/engine/dedup/thresholds';
import type { CrossScoreFn, EmbedFn } from '../src/engine/dedup/types';
import { classificationAt, rocAuc } from '../src/engine/eval/metrics';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import type { BiEncoder, CrossEncoder } from '../src/engine/models/encoder';
import { loadModel } from '../src/engine/models/modelFiles';
import { OnnxBiEncoder, OnnxCrossEncoder, type InferenceBiEncoder, type InferenceCrossEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { createStore, openDatabase, type Store, type StoredDocument } from '../src/engine/store';
import { contentHash } from '../src/engine/text/normalize';
import { seededRandom, shuffleInPlace } from '../src/engine/random';
import { gloveCandidateStage, type PairJudge } from '../src/engine/dedup';
import { bestF1Cut } from '../src/engine/eval/thresholdSearch';
import { benchArgs } from './lib/args';
import { judgeFromArg } from './lib/judgeArg';
import { judgeAcceptHalves, judgeHeldOutRows } from './lib/judgeSplit';

const { values } = benchArgs({
  // 1,400: the held-out MRPC rows hold 204 positives, too few for 1,500 pairs at MRPC's duplicate rate.
  pairs: { type: 'string', default: '1400' },
  planted: { type: 'string', default: '60' },
  seed: { type: 'string', default: '7' },
  'mrpc-share': { type: 'string', default: '0.5' },
  data: { type: 'string', default: 'held-out' },
  bi: { type: 'string' },
  cross: { type: 'string' },
  'skip-builtin': { type: 'boolean', default: false },
  out: { type: 'string' },
  keep: { type: 'boolean', default: false },
  // Pair judge weights to use instead of the shipped ones (a tenc-pair-judge JSON, e.g. a refit to compare).
  judge: { type: 'string' },
  // The sample that chose the judge's accept (bench/dedup-judge-accept.ts --pairs --seed): its tuning half is reported apart.
  'accept-pairs': { type: 'string', default: '2000' },
  'accept-seed': { type: 'string', default: '11' },
});
const N_PAIRS = Number(values.pairs);
const N_PLANTED = Number(values.planted);
const SEED = Number(values.seed);
const MRPC_SHARE = Number(values['mrpc-share']);
if (!(N_PAIRS >= 10) || !(N_PLANTED >= 0) || !Number.isFinite(SEED) || !(MRPC_SHARE >= 0 && MRPC_SHARE <= 1)) {
  throw new Error('--pairs must be >= 10, --planted >= 0, --mrpc-share in [0, 1]');
}
if (values.data !== 'held-out' && values.data !== 'legacy') throw new Error('--data must be held-out or legacy');
if (values.cross && !values.bi) throw new Error('--cross needs --bi');
if (values['skip-builtin'] && !values.bi) throw new Error('--skip-builtin needs --bi');

const STS_SOURCES = ['stsb-train', 'sts12', 'sts13', 'sts14', 'sts15', 'sts16'];
/** STS gold from which a pair counts as a duplicate; [HARD_LOW, DUP_GOLD) is the hard negative band. */
const DUP_GOLD = 4;
const HARD_LOW = 3;
/** "MinHash off": only identical signatures (128/128 slots) reach an estimated Jaccard of 0.999. */
const NEAR_OFF = 0.999;
/** Precision targets of the precision-first calibration, and the thresholds of the sweep table. */
const PRECISION_TARGETS = [0.8, 0.9];
const SWEEP = [0.7, 0.75, 0.8, 0.82, 0.84, 0.85, 0.86, 0.88, 0.9, 0.92, 0.95];
/** As the app calls the models (src/engine/api/dedupHandlers.ts). */
const MAX_LENGTH = 128;
const started = Date.now();
const rand = seededRandom(SEED);
const log = (...a: unknown[]) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s]`, ...a);

// ---- 1. the labelled pairs ------------------------------------------------------------

type Group = 'mrpc' | 'sts' | 'planted';
type PlantKind = 'exact-copy' | 'normalised-copy' | 'edited-document' | 'edited-sentence';
const PLANT_KINDS: PlantKind[] = ['exact-copy', 'normalised-copy', 'edited-document', 'edited-sentence'];

interface LabelledPair {
  id: number;
  group: Group;
  source: string;
  gold: number;
  dup: boolean;
  /** STS non-duplicates with gold in [3, 4). */
  hard: boolean;
  kind?: PlantKind;
  a: string;
  b: string;
}

interface SourceRow {
  source: string;
  a: string;
  b: string;
  gold: number;
  dup: boolean;
}

function shuffle<T>(xs: T[]): T[] {
  return shuffleInPlace(xs, rand);
}

const usedTexts = new Set<string>();
const textKey = (t: string) => contentHash(t);

/**
 * `n` rows of `rows` with the source's duplicate rate; a pair is skipped when either text
 * (after the exact layer's normalisation) was already used, so no text links two pairs.
 */
function sampleBalanced(rows: SourceRow[], n: number): { picked: SourceRow[]; skippedShared: number } {
  const pos = shuffle(rows.filter((r) => r.dup));
  const neg = shuffle(rows.filter((r) => !r.dup));
  const wantPos = Math.round((n * pos.length) / rows.length);
  const picked: SourceRow[] = [];
  let skippedShared = 0;
  for (const [pool, want] of [
    [pos, wantPos],
    [neg, n - wantPos],
  ] as const) {
    let got = 0;
    for (const r of pool) {
      if (got >= want) break;
      const ka = textKey(r.a);
      const kb = textKey(r.b);
      if (usedTexts.has(ka) || usedTexts.has(kb)) {
        skippedShared++;
        continue;
      }
      usedTexts.add(ka);
      usedTexts.add(kb);
      picked.push(r);
      got++;
    }
    if (got < want) throw new Error(`only ${got} of ${want} pairs available in ${pool[0]?.source}`);
  }
  return { picked, skippedShared };
}

const mrpcRows: SourceRow[] = [];
const stsRows: SourceRow[] = [];
let heldOutDropped = 0;
/** Pairs (a, b) of the tuning half that chose the judge's accept threshold (held-out data only). */
const acceptTuningKeys = new Set<string>();
const pairKey = (a: string, b: string) => `${a}\u0000${b}`;
if (values.data === 'held-out') {
  const h = await judgeHeldOutRows();
  mrpcRows.push(...h.mrpc);
  stsRows.push(...h.sts);
  heldOutDropped = h.droppedShared;
  const halves = await judgeAcceptHalves(Number(values['accept-pairs']), Number(values['accept-seed']), h);
  for (const r of halves.tuning) acceptTuningKeys.add(pairKey(r.a, r.b));
} else {
  const mrpc = await loadScoredPairs('mrpc-train');
  mrpc.a.forEach((a, i) => mrpcRows.push({ source: 'mrpc-train', a, b: mrpc.b[i], gold: mrpc.gold[i], dup: mrpc.gold[i] === 1 }));
  for (const name of STS_SOURCES) {
    const d = await loadScoredPairs(name);
    d.a.forEach((a, i) => stsRows.push({ source: name, a, b: d.b[i], gold: d.gold[i], dup: d.gold[i] >= DUP_GOLD }));
  }
}
const nMrpc = Math.round(N_PAIRS * MRPC_SHARE);
const mrpcSample = sampleBalanced(mrpcRows, nMrpc);
const stsSample = sampleBalanced(stsRows, N_PAIRS - nMrpc);
const pairs: LabelledPair[] = [];
for (const [group, s] of [
  ['mrpc', mrpcSample],
  ['sts', stsSample],
] as const) {
  for (const r of s.picked) {
    pairs.push({ id: pairs.length, group, source: r.source, gold: r.gold, dup: r.dup, hard: group === 'sts' && !r.dup && r.gold >= HARD_LOW, a: r.a, b: r.b });
  }
}

/** Replaces `n` words at spread positions by other corpus words (real English, so the embedder sees real text). */
function changeWords(text: string, n: number, vocabulary: string[]): string {
  const words = text.split(' ');
  const slots = words.map((w, i) => (/^[A-Za-z]{3,}$/.test(w) ? i : -1)).filter((i) => i >= 0);
  const chosen = new Set<number>();
  for (let k = 0; k < n && slots.length; k++) chosen.add(slots[Math.min(slots.length - 1, Math.floor(((k + 0.5) * slots.length) / n))]);
  for (const i of chosen) {
    let w = words[i];
    while (w.toLowerCase() === words[i].toLowerCase()) w = vocabulary[Math.floor(rand() * vocabulary.length)];
    words[i] = w;
  }
  return words.join(' ');
}

/** Same text for the exact layer (normalizeForHash): case, whitespace and punctuation variants only. */
function normaliseVariant(text: string): string {
  let t = text
    .replace(/"/g, () => (rand() < 0.5 ? '\u201c' : '\u201d'))
    .replace(/'/g, '\u2019')
    .replace(/\. /g, () => (rand() < 0.5 ? '!  ' : '.\n'))
    .replace(/, /g, ' ; ')
    .replace(/ - /g, ' \u2013 ');
  t = t
    .split(' ')
    .map((w) => (rand() < 0.3 ? w.toUpperCase() : rand() < 0.3 ? w.toLowerCase() : w))
    .join(rand() < 0.5 ? ' ' : '  ');
  // A trailing ellipsis (punctuation, so the same text to the exact layer) makes every copy non-ASCII.
  return `  ${t} \u2026\t `;
}

// Planted copies are built from MRPC sentences no sampled pair uses.
const spare = shuffle(
  [...new Set([...mrpcRows, ...stsRows].flatMap((r) => [r.a, r.b]))].filter((t) => !usedTexts.has(textKey(t)) && t.split(' ').length >= 12),
);
const vocabulary = [
  ...new Set(
    spare
      .slice(0, 2000)
      .flatMap((t) => t.split(' '))
      .filter((w) => /^[a-z]{4,}$/.test(w)),
  ),
];
let spareAt = 0;
const takeSpare = (k: number) => {
  const out = spare.slice(spareAt, spareAt + k);
  spareAt += k;
  if (out.length < k) throw new Error('not enough spare sentences for the planted copies');
  for (const t of out) usedTexts.add(textKey(t));
  return out;
};
for (let i = 0; i < N_PLANTED; i++) {
  const kind = PLANT_KINDS[i % PLANT_KINDS.length];
  let a: string;
  let b: string;
  if (kind === 'edited-sentence') {
    a = takeSpare(1)[0];
    b = changeWords(a, 2, vocabulary);
  } else {
    // A paragraph of 5 sentences (~100-150 words): long enough for word 3-shingles to mean something.
    a = takeSpare(5).join(' ');
    b = kind === 'exact-copy' ? a : kind === 'normalised-copy' ? normaliseVariant(a) : changeWords(a, 2, vocabulary);
  }
  pairs.push({ id: pairs.length, group: 'planted', source: 'planted', gold: 1, dup: true, hard: false, kind, a, b });
}
log(
  `${pairs.length} pairs (MRPC ${mrpcSample.picked.length}, STS ${stsSample.picked.length}, planted ${N_PLANTED}); pairs skipped because a text was already used: MRPC ${mrpcSample.skippedShared}, STS ${stsSample.skippedShared}`,
);

// ---- 2. the files ---------------------------------------------------------------------

type Variant = 'txt-utf8' | 'txt-utf8-bom' | 'txt-utf16le-bom' | 'txt-windows-1252' | 'md' | 'html' | 'json' | 'csv' | 'docx';
/** Relative frequency of each way of writing a text. */
const VARIANT_WEIGHTS: [Variant, number][] = [
  ['txt-utf8', 2],
  ['txt-utf8-bom', 1],
  ['txt-utf16le-bom', 1],
  ['txt-windows-1252', 1],
  ['md', 1],
  ['html', 1],
  ['json', 1],
  ['csv', 1],
  ['docx', 1],
];
const EXT: Record<Variant, string> = {
  'txt-utf8': 'txt',
  'txt-utf8-bom': 'txt',
  'txt-utf16le-bom': 'txt',
  'txt-windows-1252': 'txt',
  md: 'md',
  html: 'html',
  json: 'json',
  csv: 'csv',
  docx: 'docx',
};

function pickVariant(not?: Variant): Variant {
  const options = VARIANT_WEIGHTS.filter(([v]) => v !== not);
  let r = rand() * options.reduce((s, [, w]) => s + w, 0);
  for (const [v, w] of options) if ((r -= w) < 0) return v;
  return options[0][0];
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const encodableIn1252 = (s: string) => iconv.decode(iconv.encode(s, 'windows-1252'), 'windows-1252') === s;

/** A minimal Office Open XML package with one paragraph (what Word needs to open it). */
async function makeDocx(text: string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
  );
  // Line breaks inside the paragraph (normalised copies) become <w:br/>.
  const runs = text
    .split('\n')
    .map((l) => `<w:t xml:space="preserve">${escapeXml(l)}</w:t>`)
    .join('<w:br/>');
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body><w:p><w:r>${runs}</w:r></w:p></w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function fileBytes(text: string, v: Variant): Promise<Buffer> {
  switch (v) {
    case 'txt-utf8':
      return Buffer.from(`${text}\n`, 'utf8');
    case 'txt-utf8-bom':
      return Buffer.from(`\uFEFF${text}\n`, 'utf8');
    case 'txt-utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${text}\r\n`, 'utf16le')]);
    case 'txt-windows-1252':
      return iconv.encode(`${text}\r\n`, 'windows-1252');
    case 'md':
      return Buffer.from(`${text}\n`, 'utf8');
    case 'html':
      return Buffer.from(
        `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>\n` +
          `<body>\n<article>\n<p>${escapeXml(text)}</p>\n</article>\n</body>\n</html>\n`,
        'utf8',
      );
    case 'json':
      return Buffer.from(`${JSON.stringify({ text }, null, 2)}\n`, 'utf8');
    case 'csv':
      // One quoted cell, no header row: a header would become part of the file's text.
      return Buffer.from(`"${text.replace(/"/g, '""')}"\n`, 'utf8');
    case 'docx':
      return makeDocx(text);
  }
}

interface WrittenFile {
  pair: number;
  side: 'a' | 'b';
  relPath: string;
  variant: Variant;
  text: string;
  /** Has characters outside ASCII (decoding matters). */
  nonAscii: boolean;
}

const NORMALISED_COPY_VARIANTS: Variant[] = ['txt-windows-1252', 'txt-utf16le-bom', 'txt-windows-1252', 'md', 'html'];
let normalisedCopies = 0;
const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'tenc-dedup-quality-'));
const root = path.join(workDir, 'corpus');
const files: WrittenFile[] = [];
let cp1252Fallbacks = 0;
for (const p of pairs) {
  const folder = `${p.group}-${String(p.id).padStart(5, '0')}`;
  await fs.mkdir(path.join(root, folder), { recursive: true });
  let va = pickVariant();
  let vb = pickVariant(p.kind === 'exact-copy' ? va : undefined);
  // Normalised copies carry curly quotes, dashes and an ellipsis: write them mostly in the legacy encodings.
  if (p.kind === 'normalised-copy') vb = NORMALISED_COPY_VARIANTS[normalisedCopies++ % NORMALISED_COPY_VARIANTS.length];
  for (const [side, text] of [
    ['a', p.a],
    ['b', p.b],
  ] as const) {
    let v = side === 'a' ? va : vb;
    if (v === 'txt-windows-1252' && !encodableIn1252(text)) {
      cp1252Fallbacks++;
      v = 'txt-utf8';
    }
    if (side === 'a') va = v;
    else vb = v;
    const relPath = path.join(folder, `${side}.${EXT[v]}`);
    await fs.writeFile(path.join(root, relPath), await fileBytes(text, v));
    files.push({ pair: p.id, side, relPath, variant: v, text, nonAscii: /[^\x00-\x7f]/.test(text) });
  }
}
const variantCounts = countBy(files, (f) => f.variant);
log(`${files.length} files in ${pairs.length} folders under ${root}`);

function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort());
}

// ---- 3. the scans ---------------------------------------------------------------------

const db = await openDatabase(path.join(workDir, 'store.sqlite'));
const store: Store = createStore(db);

interface ModelUnderTest {
  label: string;
  bi: InferenceBiEncoder;
  cross: InferenceCrossEncoder | null;
  builtin: boolean;
}

/** Embeds each distinct text once per model: the scans and the calibration see the same vectors. */
function memoEmbed(bi: InferenceBiEncoder): EmbedFn & { cache: Map<string, Float32Array> } {
  const cache = new Map<string, Float32Array>();
  const fn = async (texts: string[]) => {
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (missing.length) {
      const vecs = await bi.embed(missing, { maxLength: MAX_LENGTH, batchSize: 32 });
      missing.forEach((t, i) => cache.set(t, vecs[i]));
    }
    return texts.map((t) => Float32Array.from(cache.get(t)!));
  };
  return Object.assign(fn, { cache });
}

function memoScore(cross: InferenceCrossEncoder): CrossScoreFn {
  const cache = new Map<string, number>();
  const key = (p: [string, string]) => `${p[0]}\u0000${p[1]}`;
  return async (batch) => {
    const missing = batch.filter((p) => !cache.has(key(p)));
    if (missing.length) {
      const s = await cross.score(missing, { maxLength: MAX_LENGTH });
      missing.forEach((p, i) => cache.set(key(p), s[i]));
    }
    return batch.map((p) => cache.get(key(p))!);
  };
}

interface ScanConfig {
  key: string;
  label: string;
  semantic: boolean;
  cross: boolean;
  /** The built-in pair judge decides the band (when there is no cross-encoder), as in the app. */
  judge?: boolean;
  /** The cheap candidate stage (SIF document vectors choose what the bi-encoder reads), as in the app. */
  candidates?: boolean;
  thresholds: Partial<DedupThresholds>;
  passageLevel: boolean;
}

const D = DEFAULT_THRESHOLDS;
const r2 = (x: number) => Math.round(x * 100) / 100;
const CONFIGS: ScanConfig[] = [
  { key: 'near', label: `near only (MinHash J ≥ ${D.near})`, semantic: false, cross: false, thresholds: {}, passageLevel: false },
  {
    key: 'semantic',
    label: `semantic only (bi-encoder cos ≥ ${D.semantic})`,
    semantic: true,
    cross: false,
    thresholds: { near: NEAR_OFF },
    passageLevel: false,
  },
  {
    key: 'semantic+cross',
    label: `semantic + cross band (cos ≥ ${r2(D.semantic + D.crossBand)}, or ≥ ${r2(D.semantic - D.crossBand)} and cross ≥ ${D.cross})`,
    semantic: true,
    cross: true,
    thresholds: { near: NEAR_OFF },
    passageLevel: false,
  },
  {
    key: 'semantic+judge',
    label: `semantic + pair judge (cos ≥ ${D.semantic}, or ≥ the judge's floor and judge ≥ its threshold)`,
    semantic: true,
    cross: false,
    judge: true,
    thresholds: { near: NEAR_OFF },
    passageLevel: false,
  },
  {
    key: 'full-all-passages',
    label: 'full pipeline without the candidate stage (every passage embedded)',
    semantic: true,
    cross: true,
    judge: true,
    thresholds: {},
    passageLevel: true,
  },
  {
    key: 'full',
    label: 'full pipeline (all layers, app defaults)',
    semantic: true,
    cross: true,
    judge: true,
    candidates: true,
    thresholds: {},
    passageLevel: true,
  },
];
/** The app's default judge (src/engine/api/dedupHandlers.ts): used when a scan has no cross-encoder. */
const builtinJudge: PairJudge = judgeFromArg(values.judge);

let corpusDocs: Map<string, StoredDocument> | null = null;
let readCheck: Record<string, unknown> | null = null;
const docText = new Map<number, string>();

async function loadCorpus(): Promise<void> {
  const corpus = (await store.corpora.list()).find((c) => c.rootPath === root)!;
  corpusDocs = new Map();
  for (let offset = 0; ; offset += 5000) {
    const page = await store.documents.listByCorpus(corpus.id, { limit: 5000, offset });
    for (const d of page) corpusDocs.set(d.relPath, d);
    if (page.length < 5000) break;
  }
  const parts = new Map<number, string[]>();
  for (let offset = 0; ; offset += 5000) {
    const page = await store.passages.listByCorpus(corpus.id, { limit: 5000, offset });
    for (const p of page) {
      const list = parts.get(p.documentId) ?? [];
      list[p.index] = p.text;
      parts.set(p.documentId, list);
    }
    if (page.length < 5000) break;
  }
  for (const [id, list] of parts) docText.set(id, list.join('\n\n'));
}

/** Did the reader get every file's text? Compared on the exact layer's normalised form. */
function checkReading(stats: DedupScanStats): Record<string, unknown> {
  const misread: { relPath: string; variant: Variant; status: string; reason: string | null; expected: string; got: string }[] = [];
  const detected: Record<string, Record<string, number>> = {};
  let nonAsciiFiles = 0;
  let nonAsciiOk = 0;
  for (const f of files) {
    const d = corpusDocs!.get(f.relPath);
    const ok = d?.status === 'ok' && d.contentHash === contentHash(f.text);
    if (!ok) {
      misread.push({
        relPath: f.relPath,
        variant: f.variant,
        status: d?.status ?? 'missing',
        reason: d?.skipReason ?? null,
        expected: f.text.slice(0, 160),
        got: (d ? (docText.get(d.id) ?? '') : '').slice(0, 160),
      });
    }
    const enc = `${d?.format ?? '?'} / ${d?.encoding ?? 'n/a'}`;
    detected[f.variant] ??= {};
    detected[f.variant][enc] = (detected[f.variant][enc] ?? 0) + 1;
    if (f.nonAscii) {
      nonAsciiFiles++;
      if (ok) nonAsciiOk++;
    }
  }
  return {
    files: files.length,
    scanFiles: stats.files,
    read: stats.read,
    skipped: stats.skipped,
    documents: stats.documents,
    textMatches: files.length - misread.length,
    misread: misread.length,
    misreadByVariant: countBy(misread, (m) => m.variant),
    misreadExamples: misread.slice(0, 10),
    nonAsciiFiles,
    nonAsciiReadCorrectly: nonAsciiOk,
    nonAsciiByVariant: countBy(
      files.filter((f) => f.nonAscii),
      (f) => f.variant,
    ),
    detectedFormatEncoding: detected,
  };
}

interface ScanOutcome {
  config: ScanConfig;
  index: FileClusterIndex;
  stats: DedupScanStats;
  seconds: number;
  fileClusters: number;
  passageClusters: number;
  /** File clusters holding files of two or more pair folders. */
  crossPairClusters: number;
  clusterLayers: Record<string, number>;
}

/** `judge`: the model is the built-in one (the judge was fitted on its cosines), as the app decides. */
async function scan(config: ScanConfig, embed: EmbedFn | undefined, score: CrossScoreFn | undefined, judge = false): Promise<ScanOutcome> {
  const t0 = Date.now();
  const { scanId, stats } = await runDedupScan({
    roots: [root],
    store,
    embed: config.semantic ? embed : undefined,
    score: config.cross ? score : undefined,
    judge: judge && config.judge && !(config.cross && score) ? builtinJudge : undefined,
    candidates: config.candidates ? gloveCandidateStage() : undefined,
    thresholds: config.thresholds,
    settings: { passageLevel: config.passageLevel },
  });
  const seconds = (Date.now() - t0) / 1000;
  if (!corpusDocs) {
    await loadCorpus();
    readCheck = checkReading(stats);
  }
  const clusters = await store.scans.listClusters(scanId);
  const index = indexFileClusters(clusters);
  const folderOf = new Map([...corpusDocs!.values()].map((d) => [d.id, d.relPath.split(path.sep)[0]]));
  const fileLevel = clusters.filter((c) => !c.members.some((m) => m.passageId != null));
  const crossPairClusters = fileLevel.filter((c) => new Set(c.members.map((m) => folderOf.get(m.documentId))).size > 1).length;
  return {
    config,
    index,
    stats,
    seconds,
    fileClusters: fileLevel.length,
    passageClusters: clusters.length - fileLevel.length,
    crossPairClusters,
    clusterLayers: countBy(fileLevel, (c) => c.layer),
  };
}

// ---- 4. metrics -----------------------------------------------------------------------

const docIdOf = (p: LabelledPair, side: 'a' | 'b') => {
  const f = files[2 * p.id + (side === 'a' ? 0 : 1)];
  return corpusDocs!.get(f.relPath)?.id ?? -1;
};

interface GroupFigures {
  all: PairConfusion;
  mrpc: PairConfusion;
  sts: PairConfusion;
  /** Share of STS negatives with gold in [3, 4) / below 3 that were predicted duplicate. */
  stsHardFpRate: number;
  stsEasyFpRate: number;
  plantedRecall: Record<string, number>;
}

function figures(predict: (p: LabelledPair) => boolean, subset?: ReadonlySet<number>): GroupFigures {
  const sel = (g: (p: LabelledPair) => boolean) => pairs.filter((p) => g(p) && (!subset || subset.has(p.id)));
  const conf = (ps: LabelledPair[]) =>
    scorePairs(
      ps.map(predict),
      ps.map((p) => p.dup),
    );
  const rate = (ps: LabelledPair[]) => (ps.length ? ps.filter(predict).length / ps.length : NaN);
  const plantedRecall: Record<string, number> = {};
  for (const k of PLANT_KINDS) plantedRecall[k] = rate(sel((p) => p.kind === k));
  return {
    all: conf(sel((p) => p.group !== 'planted')),
    mrpc: conf(sel((p) => p.group === 'mrpc')),
    sts: conf(sel((p) => p.group === 'sts')),
    stsHardFpRate: rate(sel((p) => p.group === 'sts' && p.hard)),
    stsEasyFpRate: rate(sel((p) => p.group === 'sts' && !p.dup && !p.hard)),
    plantedRecall,
  };
}

const predictFromScan = (o: ScanOutcome) => (p: LabelledPair) => inSameCluster(o.index, docIdOf(p, 'a'), docIdOf(p, 'b'));
const predictExact = (p: LabelledPair) => {
  const a = corpusDocs!.get(files[2 * p.id].relPath);
  const b = corpusDocs!.get(files[2 * p.id + 1].relPath);
  return !!a?.contentHash && a.contentHash === b?.contentHash;
};

function cosine(x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

// ---- run ------------------------------------------------------------------------------

await initBackend('auto');
const models: ModelUnderTest[] = [];
async function onnxPair(label: string, bi: BiEncoder, cross: CrossEncoder | null): Promise<ModelUnderTest> {
  // ONNX Runtime: the same outputs as TF.js to 1e-6 (onnx-parity tests), several times faster.
  return { label, bi: await OnnxBiEncoder.fromModel(bi), cross: cross ? await OnnxCrossEncoder.fromModel(cross) : null, builtin: label.startsWith('built-in') };
}
// The app runs the built-in model without a cross-encoder (its untrained cross head only echoes
// the cosine); the built-in pair judge decides the band instead.
if (!values['skip-builtin']) models.push(await onnxPair('built-in USE lite + pair judge', loadUseLiteBiEncoder(), null));
if (values.bi) {
  const bi = (await loadModel(values.bi)).model;
  if (bi.kind !== 'bi-encoder') throw new Error(`${values.bi} holds a ${bi.kind}, not a bi-encoder`);
  let cross: CrossEncoder | null = null;
  if (values.cross) {
    const c = (await loadModel(values.cross)).model;
    if (c.kind !== 'cross-encoder') throw new Error(`${values.cross} holds a ${c.kind}, not a cross-encoder`);
    cross = c;
  }
  models.push(await onnxPair(`trained model (--bi ${values.bi}${values.cross ? ` --cross ${values.cross}` : ''})`, bi, cross));
}

// Calibration halves: the same seeded split of the MRPC + STS pairs for every model.
const labelled = pairs.filter((p) => p.group !== 'planted');
const order = shuffle(labelled.map((p) => p.id));
const calibHalf = new Set(order.slice(0, Math.floor(order.length / 2)));
const testHalf = new Set(order.slice(Math.floor(order.length / 2)));
// The judge's accept was chosen on raw pairs some of which are in this sample: those are reported apart.
const acceptTuned = new Set(labelled.filter((p) => acceptTuningKeys.has(pairKey(p.a, p.b))).map((p) => p.id));
const acceptUnseen = new Set(labelled.filter((p) => !acceptTuned.has(p.id)).map((p) => p.id));

const modelResults: Record<string, unknown>[] = [];
const md: string[] = [];
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const prf = (c: PairConfusion) => `${fmt(c.precision)} / ${fmt(c.recall)} / ${fmt(c.f1)}`;

for (const m of models) {
  log(`model: ${m.label}`);
  const embed = memoEmbed(m.bi);
  const score = m.cross ? memoScore(m.cross) : undefined;
  const rows: { key: string; label: string; figures: GroupFigures; scan?: Omit<ScanOutcome, 'index' | 'config'> }[] = [];
  const outcomes = new Map<string, ScanOutcome>();
  const predictOf = new Map<string, (p: LabelledPair) => boolean>();
  for (const config of CONFIGS) {
    if (config.cross && !score && !(config.judge && m.builtin)) continue;
    if (config.judge && !config.cross && !m.builtin) continue;
    if (config.key === 'full-all-passages' && !m.builtin) continue;
    log(`  scan: ${config.label}`);
    const o = await scan(config, embed, score, m.builtin);
    outcomes.set(config.key, o);
    log(
      `    ${o.seconds.toFixed(1)} s, ${o.fileClusters} file clusters (${JSON.stringify(o.clusterLayers)}), cross-scored ${o.stats.crossScored}, accepted ${o.stats.crossAccepted}, embedded ${o.stats.embedded}, candidate contents ${o.stats.candidateContents ?? '–'}`,
    );
    if (rows.length === 0) {
      rows.push({ key: 'exact', label: 'exact only (same normalised-text hash)', figures: figures(predictExact) });
      predictOf.set('exact', predictExact);
    }
    predictOf.set(config.key, predictFromScan(o));
    const { index: _i, config: _c, ...scanInfo } = o;
    rows.push({ key: config.key, label: config.label, figures: figures(predictFromScan(o)), scan: scanInfo });
  }

  // Which layer holds each found labelled pair together in the full pipeline (the cluster's weakest spanning layer).
  const full = outcomes.get('full') ?? outcomes.get('semantic')!;
  const attribution: Record<string, Record<string, number>> = {};
  for (const p of pairs) {
    const layer = sharedClusterLayer(full.index, docIdOf(p, 'a'), docIdOf(p, 'b'));
    if (!layer) continue;
    const g = p.group === 'planted' ? `planted ${p.kind}` : `${p.group} ${p.dup ? 'duplicate' : 'non-duplicate'}`;
    attribution[g] ??= {};
    attribution[g][layer] = (attribution[g][layer] ?? 0) + 1;
  }

  // Raw scores of the labelled pairs, on the texts as the scan read them.
  const texts = (p: LabelledPair) => [docText.get(docIdOf(p, 'a')) ?? p.a, docText.get(docIdOf(p, 'b')) ?? p.b] as const;
  const cosVec = await (async () => {
    const all = labelled.flatMap((p) => texts(p));
    const v = await embed(all);
    return labelled.map((_, i) => cosine(v[2 * i], v[2 * i + 1]));
  })();
  const crossVec = score ? await score(labelled.map((p) => [...texts(p)] as [string, string])) : null;
  const cosOf = new Map(labelled.map((p, i) => [p.id, cosVec[i]]));
  // The pair judge's probability of every labelled pair (below its candidate floor a scan never asks it: 0 there).
  const judgeVec = await builtinJudge.judge(
    labelled.map((p) => [...texts(p)] as [string, string]),
    cosVec,
  );
  const judgeOf = new Map(labelled.map((p, i) => [p.id, cosVec[i] >= builtinJudge.candidateFloor ? judgeVec[i] : 0]));
  const judgeVecOf = new Map(labelled.map((p, i) => [p.id, judgeVec[i]]));
  const crossOf = crossVec ? new Map(labelled.map((p, i) => [p.id, crossVec[i]])) : null;

  const labelsOf = (ps: LabelledPair[]) => ps.map((p) => (p.dup ? 1 : 0));
  const calibrate = (of: Map<number, number>, ids: ReadonlySet<number>, testIds: ReadonlySet<number>, group?: Group) => {
    const cal = labelled.filter((p) => ids.has(p.id) && (!group || p.group === group));
    const test = labelled.filter((p) => testIds.has(p.id) && (!group || p.group === group));
    const calScores = cal.map((p) => of.get(p.id)!);
    const testScores = test.map((p) => of.get(p.id)!);
    const c = calibrateThresholdDetailed(calScores, labelsOf(cal));
    return {
      group: group ?? 'mrpc+sts',
      calibrationPairs: cal.length,
      testPairs: test.length,
      rocAucTest: rocAuc(testScores, labelsOf(test)),
      threshold: c.threshold,
      calibrationF1: c.f1,
      test: classificationAt(testScores, labelsOf(test), c.threshold),
      // For a tool that moves files, precision may matter more than F1: the most recall at a given precision.
      precisionTargets: PRECISION_TARGETS.map((target) => {
        const t = thresholdForPrecision(calScores, labelsOf(cal), target);
        return { target, threshold: t?.threshold ?? null, calibration: t, test: t ? classificationAt(testScores, labelsOf(test), t.threshold) : null };
      }),
    };
  };
  const bi = calibrate(cosOf, calibHalf, testHalf);
  const biSwapped = calibrate(cosOf, testHalf, calibHalf);
  const biMrpc = calibrate(cosOf, calibHalf, testHalf, 'mrpc');
  const biSts = calibrate(cosOf, calibHalf, testHalf, 'sts');
  const cross = crossOf ? calibrate(crossOf, calibHalf, testHalf) : null;
  const judgeCal = calibrate(judgeOf, calibHalf, testHalf);
  const judgeAtShipped = figures((p) => judgeOf.get(p.id)! >= builtinJudge.accept || cosOf.get(p.id)! >= D.semantic, testHalf);
  // Where the true pairs are lost (issue 11), per half: the full scan at app defaults, and the
  // scan without the candidate stage, against the raw scores of the same two texts.
  const allPassages = outcomes.get('full-all-passages');
  const lossOf = (half: ReadonlySet<number>) => {
    const c = { truePairs: 0, found: 0, underFloor: 0, judgeRejected: 0, candidateStage: 0, grouping: 0, falseFound: 0 };
    for (const p of labelled) {
      if (!half.has(p.id)) continue;
      const found = predictFromScan(full)(p);
      if (!p.dup) {
        if (found) c.falseFound++;
        continue;
      }
      c.truePairs++;
      if (found) c.found++;
      else if (cosOf.get(p.id)! < builtinJudge.candidateFloor) c.underFloor++;
      else if (cosOf.get(p.id)! < D.semantic && judgeOf.get(p.id)! < builtinJudge.accept) c.judgeRejected++;
      else if (allPassages && full !== allPassages && predictFromScan(allPassages)(p)) c.candidateStage++;
      else c.grouping++;
    }
    return c;
  };
  const loss = { tuning: lossOf(calibHalf), heldOut: lossOf(testHalf) };
  // Per layer and half: the calibration halves above, and the pairs that did / did not choose the judge's accept.
  const byHalf = rows.map((r) => {
    const f = (half: ReadonlySet<number>) => figures(predictOf.get(r.key)!, half).all;
    return { key: r.key, label: r.label, tuning: f(calibHalf), heldOut: f(testHalf), acceptTuned: f(acceptTuned), acceptUnseen: f(acceptUnseen) };
  });
  // Oracle: the best F1 any single threshold on a score reaches on the held-out half (chosen there, so an upper bound).
  const ruleOf = (p: LabelledPair) => (cosOf.get(p.id)! >= D.semantic ? 1 + cosOf.get(p.id)! : judgeOf.get(p.id)!);
  const oracleOn = (score: (p: LabelledPair) => number, half: ReadonlySet<number>) => {
    const ps = labelled.filter((p) => half.has(p.id));
    const best = bestF1Cut(
      ps.map(score),
      ps.map((p) => p.dup),
    );
    // The most recall any threshold keeps at precision >= 0.9 (F1 0.9 needs both near 0.9).
    const atP90 = thresholdForPrecision(
      ps.map(score),
      ps.map((p) => p.dup),
      0.9,
    );
    return best && { ...best, atP90 };
  };
  const oracle = {
    cosine: { heldOut: oracleOn((p) => cosOf.get(p.id)!, testHalf), tuning: oracleOn((p) => cosOf.get(p.id)!, calibHalf) },
    judgeRule: { heldOut: oracleOn(ruleOf, testHalf), tuning: oracleOn(ruleOf, calibHalf) },
    judgeAlone: {
      heldOut: oracleOn((p) => (cosOf.get(p.id)! >= builtinJudge.candidateFloor ? judgeVecOf.get(p.id)! : 0), testHalf),
      tuning: oracleOn((p) => (cosOf.get(p.id)! >= builtinJudge.candidateFloor ? judgeVecOf.get(p.id)! : 0), calibHalf),
    },
  };
  const sweep = SWEEP.map((t) => ({
    threshold: t,
    cosine: figures((p) => cosOf.get(p.id)! >= t, testHalf),
    cross: crossOf ? figures((p) => crossOf.get(p.id)! >= t, testHalf) : null,
  }));
  const bestF1 = r2(bi.threshold);
  const p80 = bi.precisionTargets.find((t) => t.target === 0.8)!.threshold;
  const crossP80 = cross?.precisionTargets.find((t) => t.target === 0.8)!.threshold ?? null;

  // The evidence that matters: whole scans at the calibrated values, figures on the held-out half.
  const calibratedConfigs: ScanConfig[] = [
    {
      key: 'semantic@bestF1',
      label: `semantic only at cos ≥ ${bestF1} (best F1)`,
      semantic: true,
      cross: false,
      thresholds: { near: NEAR_OFF, semantic: bestF1 },
      passageLevel: false,
    },
  ];
  if (score) {
    calibratedConfigs.push({
      key: 'full@bestF1',
      label: `full pipeline at semantic = ${bestF1}`,
      semantic: true,
      cross: true,
      thresholds: { semantic: bestF1 },
      passageLevel: true,
    });
    // The cross band reaches down to semantic - band; this puts its floor at the calibrated cosine.
    const lifted = r2(Math.min(1, bestF1 + D.crossBand));
    calibratedConfigs.push({
      key: 'full@bestF1+band',
      label: `full pipeline at semantic = ${lifted} (band floor = ${bestF1})`,
      semantic: true,
      cross: true,
      thresholds: { semantic: lifted },
      passageLevel: true,
    });
  }
  if (p80 !== null) {
    const t = r2(Math.min(1, p80));
    calibratedConfigs.push({
      key: 'semantic@P80',
      label: `semantic only at cos ≥ ${t} (precision ≥ 0.8 on the calibration half)`,
      semantic: true,
      cross: false,
      thresholds: { near: NEAR_OFF, semantic: t },
      passageLevel: false,
    });
    if (score && crossP80 !== null) {
      const c = r2(Math.min(1, crossP80));
      calibratedConfigs.push({
        key: 'full@P80',
        label: `full pipeline at semantic = ${t}, cross = ${c} (both at precision ≥ 0.8)`,
        semantic: true,
        cross: true,
        thresholds: { semantic: t, cross: c },
        passageLevel: true,
      });
    }
  }
  const heldOut: { key: string; label: string; figures: GroupFigures; seconds: number; crossScored: number; crossAccepted: number }[] = [];
  const held = (key: string, label: string, o: ScanOutcome) =>
    heldOut.push({
      key,
      label,
      figures: figures(predictFromScan(o), testHalf),
      seconds: o.seconds,
      crossScored: o.stats.crossScored,
      crossAccepted: o.stats.crossAccepted,
    });
  for (const key of ['semantic', 'semantic+cross', 'semantic+judge', 'full-all-passages', 'full']) {
    const o = outcomes.get(key);
    if (o) held(key, `${o.config.label} [default]`, o);
  }
  if (score) {
    // The built-in cross-encoder starts out scoring a pair with the cosine of its two segments (use-lite/crossEncoder.ts),
    // so a cross threshold of 0.5 accepts every band candidate; this asks it for as much as the bi-encoder threshold.
    calibratedConfigs.unshift({
      key: 'full@cross=semantic',
      label: `full pipeline at defaults but cross = ${D.semantic}`,
      semantic: true,
      cross: true,
      thresholds: { cross: D.semantic },
      passageLevel: true,
    });
  }
  for (const config of calibratedConfigs) {
    log(`  scan: ${config.label}`);
    const o = await scan(config, embed, score, m.builtin);
    log(
      `    ${o.seconds.toFixed(1)} s, ${o.fileClusters} file clusters (${JSON.stringify(o.clusterLayers)}), cross-scored ${o.stats.crossScored}, accepted ${o.stats.crossAccepted}`,
    );
    held(config.key, config.label, o);
  }

  modelResults.push({
    model: m.label,
    crossEncoder: !!m.cross,
    rows,
    attributionFull: attribution,
    calibration: {
      biEncoder: bi,
      biEncoderHalvesSwapped: biSwapped,
      biEncoderMrpcOnly: biMrpc,
      biEncoderStsOnly: biSts,
      crossEncoder: cross,
      pairJudge: {
        calibratedOnHalfA: judgeCal,
        atShippedThreshold: pick(judgeAtShipped),
        accept: builtinJudge.accept,
        candidateFloor: builtinJudge.candidateFloor,
      },
      candidates: { bestF1, precision80: p80, crossPrecision80: crossP80 },
      sweepTestHalf: sweep.map((w) => ({ threshold: w.threshold, cosine: pick(w.cosine), cross: w.cross ? pick(w.cross) : null })),
      cosineQuantiles: {
        duplicates: quantiles(labelled.filter((p) => p.dup).map((p) => cosOf.get(p.id)!)),
        nonDuplicates: quantiles(labelled.filter((p) => !p.dup).map((p) => cosOf.get(p.id)!)),
      },
    },
    heldOutScans: heldOut,
    loss,
    byHalf,
    oracle,
  });

  // Markdown.
  md.push(`### ${m.label}${m.cross ? '' : ' (no cross-encoder)'}`, '');
  md.push('P / R / F1 of "both files of the pair in one file-level cluster", default thresholds, all pairs of the sample.', '');
  md.push(
    '| layers | MRPC + STS | MRPC | STS | STS FP rate, gold 3–4 / < 3 | planted recall: exact copy / normalised / edited doc / edited sentence | cross band scored / accepted | scan s |',
  );
  md.push('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const f = r.figures;
    md.push(
      `| ${r.label} | ${prf(f.all)} | ${prf(f.mrpc)} | ${prf(f.sts)} | ${fmt(f.stsHardFpRate)} / ${fmt(f.stsEasyFpRate)} | ${PLANT_KINDS.map((k) => fmt(f.plantedRecall[k], 2)).join(' / ')} | ${r.scan?.stats.crossScored ? `${r.scan.stats.crossScored} / ${r.scan.stats.crossAccepted}` : '–'} | ${r.scan ? r.scan.seconds.toFixed(0) : '–'} |`,
    );
  }
  md.push('');
  md.push(
    `Which layer holds the found pairs together in the ${full.config.key} scan (cluster layer = weakest link): ${Object.entries(attribution)
      .map(
        ([g, c]) =>
          `${g}: ${Object.entries(c)
            .map(([l, n]) => `${l} ${n}`)
            .join(', ')}`,
      )
      .join('; ')}.`,
    '',
  );
  md.push(
    `File clusters spanning two or more pair folders (links between unrelated sample pairs): ${rows
      .filter((r) => r.scan)
      .map((r) => `${r.key} ${r.scan!.crossPairClusters}`)
      .join(', ')}.`,
    '',
  );
  md.push(
    `Per layer and half, MRPC + STS (P / R / F1). Tuning / held-out: the calibration halves of this bench. The judge's accept (${builtinJudge.accept}) was chosen on the tuning half of bench/dedup-judge-accept.ts (--pairs ${values['accept-pairs']} --seed ${values['accept-seed']}): ${acceptTuned.size} of these pairs were in it, ${acceptUnseen.size} never were.`,
    '',
  );
  md.push('| layers | tuning half | held-out half | pairs that chose the accept | pairs never used for the accept |', '|---|---|---|---|---|');
  for (const h of byHalf) md.push(`| ${h.label} | ${prf(h.tuning)} | ${prf(h.heldOut)} | ${prf(h.acceptTuned)} | ${prf(h.acceptUnseen)} |`);
  md.push('');
  md.push("**Semantic threshold calibration** (score of the pair's two files; thresholds chosen on the calibration half, figures on the other half):", '');
  md.push(
    '| score, calibrated on | pairs cal / test | ROC-AUC (test) | best-F1 threshold | F1 (cal) | P / R / F1 (test) | threshold for P ≥ 0.8 (cal) | P / R / F1 (test) | threshold for P ≥ 0.9 (cal) | P / R / F1 (test) |',
  );
  md.push('|---|---|---|---|---|---|---|---|---|---|');
  const calRows: [string, typeof bi][] = [
    ['cosine, MRPC + STS half A', bi],
    ['cosine, MRPC + STS half B (swapped)', biSwapped],
    ['cosine, MRPC only', biMrpc],
    ['cosine, STS only', biSts],
  ];
  if (cross) calRows.push(['cross-encoder, MRPC + STS half A', cross]);
  calRows.push(['pair judge probability, MRPC + STS half A', judgeCal]);
  for (const [name, c] of calRows) {
    const pt = c.precisionTargets.map((t) =>
      t.test ? `${fmt(t.threshold!)} | ${fmt(t.test.precision)} / ${fmt(t.test.recall)} / ${fmt(t.test.f1)}` : '– | –',
    );
    md.push(
      `| ${name} | ${c.calibrationPairs} / ${c.testPairs} | ${fmt(c.rocAucTest)} | ${fmt(c.threshold)} | ${fmt(c.calibrationF1)} | ${fmt(c.test.precision)} / ${fmt(c.test.recall)} / ${fmt(c.test.f1)} | ${pt.join(' | ')} |`,
    );
  }
  md.push('');
  md.push(
    `Pair judge at its shipped threshold (${builtinJudge.accept}, fitted and calibrated on other data; candidate floor cos ${builtinJudge.candidateFloor}; cos ≥ ${D.semantic} accepted without it), raw pairs of the test half: MRPC + STS ${prf(judgeAtShipped.all)}, MRPC ${prf(judgeAtShipped.mrpc)}, STS ${prf(judgeAtShipped.sts)}, STS FP rate 3–4 / < 3 ${fmt(judgeAtShipped.stsHardFpRate)} / ${fmt(judgeAtShipped.stsEasyFpRate)}.`,
    '',
  );
  md.push(
    `Where the true pairs are lost (MRPC + STS duplicates; the ${full.config.key} scan at defaults; judge floor ${builtinJudge.candidateFloor}, accept ${builtinJudge.accept}):`,
    '',
  );
  md.push(
    '| half | true pairs | found | under the judge floor | rejected by the judge | lost by the candidate stage | lost in grouping / passage evidence | false pairs found |',
  );
  md.push('|---|---|---|---|---|---|---|---|');
  for (const [name, c] of [
    ['tuning (calibration) half', loss.tuning],
    ['held-out half', loss.heldOut],
  ] as const)
    md.push(`| ${name} | ${c.truePairs} | ${c.found} | ${c.underFloor} | ${c.judgeRejected} | ${c.candidateStage} | ${c.grouping} | ${c.falseFound} |`);
  md.push('');
  const oc = (c: ReturnType<typeof oracleOn>) => (c ? `${fmt(c.threshold)}: ${fmt(c.precision)} / ${fmt(c.recall)} / ${fmt(c.f1)}` : '–');
  const p90 = (c: ReturnType<typeof oracleOn>) => (c?.atP90 ? `${fmt(c.atP90.recall)} (${fmt(c.atP90.f1)})` : '–');
  const p90s = (o: { tuning: ReturnType<typeof oracleOn>; heldOut: ReturnType<typeof oracleOn> }) => `${p90(o.tuning)} / ${p90(o.heldOut)}`;
  md.push('Oracle (the best single threshold on the score, chosen on the half it is reported on: an upper bound; raw pairs, no clustering):', '');
  md.push('| score | tuning half: t: P / R / F1 | held-out half: t: P / R / F1 | most recall at P ≥ 0.9, tuning / held-out: R (F1) |', '|---|---|---|---|');
  md.push(`| bi-encoder cosine | ${oc(oracle.cosine.tuning)} | ${oc(oracle.cosine.heldOut)} | ${p90s(oracle.cosine)} |`);
  md.push(
    `| scan rule (cos ≥ ${D.semantic} accepts, else judge from the floor) | ${oc(oracle.judgeRule.tuning)} | ${oc(oracle.judgeRule.heldOut)} | ${p90s(oracle.judgeRule)} |`,
  );
  md.push(`| judge probability alone (from the floor) | ${oc(oracle.judgeAlone.tuning)} | ${oc(oracle.judgeAlone.heldOut)} | ${p90s(oracle.judgeAlone)} |`);
  md.push('');
  md.push('Raw scores on the test half (MRPC + STS) by threshold ("score ≥ t" = duplicate; no clustering):', '');
  md.push(
    `| t | cosine: P / R / F1 | cosine: MRPC P / R | cosine: STS P / R | cosine: STS FP rate 3–4 / < 3 |${crossOf ? ' cross: P / R / F1 | cross: STS FP rate 3–4 / < 3 |' : ''}`,
  );
  md.push(`|---|---|---|---|---|${crossOf ? '---|---|' : ''}`);
  for (const w of sweep) {
    const c = w.cosine;
    md.push(
      `| ${w.threshold} | ${prf(c.all)} | ${fmt(c.mrpc.precision)} / ${fmt(c.mrpc.recall)} | ${fmt(c.sts.precision)} / ${fmt(c.sts.recall)} | ${fmt(c.stsHardFpRate)} / ${fmt(c.stsEasyFpRate)} |${w.cross ? ` ${prf(w.cross.all)} | ${fmt(w.cross.stsHardFpRate)} / ${fmt(w.cross.stsEasyFpRate)} |` : ''}`,
    );
  }
  md.push('');
  const q = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(' / ');
  const cq = (modelResults.at(-1)!.calibration as { cosineQuantiles: { duplicates: number[]; nonDuplicates: number[] } }).cosineQuantiles;
  md.push(`Cosine quantiles (10/25/50/75/90 %): duplicates ${q(cq.duplicates)}; non-duplicates ${q(cq.nonDuplicates)}.`, '');
  md.push('Whole scans, held-out half only (P / R / F1):', '');
  md.push('| scan | MRPC + STS | MRPC | STS | STS FP rate 3–4 / < 3 | cross band scored / accepted (whole scan) |');
  md.push('|---|---|---|---|---|---|');
  for (const h of heldOut)
    md.push(
      `| ${h.label} | ${prf(h.figures.all)} | ${prf(h.figures.mrpc)} | ${prf(h.figures.sts)} | ${fmt(h.figures.stsHardFpRate)} / ${fmt(h.figures.stsEasyFpRate)} | ${h.crossScored ? `${h.crossScored} / ${h.crossAccepted}` : '–'} |`,
    );
  md.push('');
}

/** The figures of a sweep row worth keeping in the JSON. */
function pick(f: GroupFigures) {
  return { all: f.all, mrpc: f.mrpc, sts: f.sts, stsHardFpRate: f.stsHardFpRate, stsEasyFpRate: f.stsEasyFpRate };
}

function quantiles(xs: number[]): number[] {
  const s = [...xs].sort((a, b) => a - b);
  return [0.1, 0.25, 0.5, 0.75, 0.9].map((q) => s[Math.min(s.length - 1, Math.floor(q * s.length))]);
}

// ---- report ---------------------------------------------------------------------------

const rc = readCheck as unknown as Record<string, unknown>;
const wallSeconds = (Date.now() - started) / 1000;
const dataset = {
  pairs: pairs.length,
  mrpc: {
    pairs: mrpcSample.picked.length,
    duplicates: mrpcSample.picked.filter((r) => r.dup).length,
    sourceDuplicateRate: mrpcRows.filter((r) => r.dup).length / mrpcRows.length,
    skippedSharedText: mrpcSample.skippedShared,
  },
  sts: {
    pairs: stsSample.picked.length,
    duplicates: stsSample.picked.filter((r) => r.dup).length,
    hardNegatives: pairs.filter((p) => p.hard).length,
    sourceDuplicateRate: stsRows.filter((r) => r.dup).length / stsRows.length,
    bySource: countBy(stsSample.picked, (r) => r.source),
    skippedSharedText: stsSample.skippedShared,
  },
  planted: countBy(
    pairs.filter((p) => p.kind),
    (p) => p.kind!,
  ),
  identicalWithinPair: countBy(
    pairs.filter((p) => textKey(p.a) === textKey(p.b)),
    (p) => `${p.group} ${p.dup ? 'duplicate' : 'non-duplicate'}`,
  ),
  files: files.length,
  variants: variantCounts,
  windows1252Unencodable: cp1252Fallbacks,
};
const header = [
  `## Dedup quality: ${pairs.length} labelled pairs, ${files.length} files (seed ${SEED})`,
  '',
  `Data: ${values.data === 'held-out' ? `held out from the pair judge's fitting (MRPC train rows 3077-4076, STS-B dev, STS12-16; ${heldOutDropped} pairs sharing a sentence with the fitting pairs dropped)` : 'legacy (MRPC train, STS-B train, STS12-16: the pair judge was fitted on part of this)'}.`,
  '',
  `Pairs: MRPC ${dataset.mrpc.pairs} (${dataset.mrpc.duplicates} duplicates), STS ${dataset.sts.pairs} (${dataset.sts.duplicates} with gold ≥ ${DUP_GOLD}, ${dataset.sts.hardNegatives} hard negatives with gold ${HARD_LOW}–${DUP_GOLD}; ${Object.entries(
    dataset.sts.bySource,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}), planted ${N_PLANTED} (${Object.entries(dataset.planted)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}). ` +
    `Pairs sharing a text with an already sampled pair were skipped (MRPC ${dataset.mrpc.skippedSharedText}, STS ${dataset.sts.skippedSharedText}), so no text occurs in two pairs. Pairs whose two texts are already identical after normalisation: ${JSON.stringify(dataset.identicalWithinPair)}.`,
  '',
  `Files: ${Object.entries(variantCounts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')} (${cp1252Fallbacks} texts not encodable in windows-1252 were written as UTF-8 instead). ` +
    `Reader check: ${rc.read} of ${rc.files} files read, ${rc.skipped} skipped, ${rc.textMatches} with exactly the written text (after the exact layer's normalisation), ${rc.misread} misread ${JSON.stringify(rc.misreadByVariant)}; files with non-ASCII text: ${rc.nonAsciiFiles} (${rc.nonAsciiReadCorrectly} read correctly; ${JSON.stringify(rc.nonAsciiByVariant)}).`,
  '',
  `Defaults: near ${D.near}, semantic ${D.semantic}, cross band ±${D.crossBand}, cross ${D.cross}. "Only" rows: the exact layer cannot be switched off in runDedupScan (it always runs); semantic is off without a bi-encoder, the cross band is off without a cross-encoder, and MinHash is made inert with near = ${NEAR_OFF} (only identical signatures). Exact-only is the scan's own content-hash grouping. Isolation scans run file level only; the full pipeline runs with passage level on, as in the app. Models: maxLength ${MAX_LENGTH}, ONNX Runtime; each distinct text is embedded (and each pair cross-scored) once per model and reused by later scans, and later scans find the files unchanged, so only the first scans' times include reading and model work.`,
  '',
];
const report = [...header, ...md, `Wall time ${wallSeconds.toFixed(0)} s.`].join('\n');
console.log(report);

if (values.out) {
  const out = path.resolve(values.out);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(
    out,
    `${JSON.stringify({ bench: 'dedup-quality', date: new Date().toISOString(), settings: { pairs: N_PAIRS, planted: N_PLANTED, seed: SEED, mrpcShare: MRPC_SHARE, maxLength: MAX_LENGTH, defaults: D, nearOff: NEAR_OFF }, dataset, readCheck, models: modelResults, wallSeconds }, null, 2)}\n`,
  );
  await fs.writeFile(out.replace(/\.json$/, '') + '.md', `${report}\n`);
  log(`wrote ${out}`);
}

await db.close();
if (values.keep) log(`kept ${workDir}`);
else await fs.rm(workDir, { recursive: true, force: true });
