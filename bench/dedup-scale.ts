/**
 * Dedup scan at scale: the real `runDedupScan` (temporary SQLite store, built-in bi-encoder
 * through ONNX Runtime) over 10,000 or 100,000 generated ~1 KB text files with known duplicate
 * groups planted, then a rescan of the unchanged folder with the same store.
 *
 *   npx tsx bench/dedup-scale.ts --files 10000 [--no-semantic] [--cross] [--cross-dir MODEL_DIR]
 *       [--out bench/results/dedup-scale-10k.json] [--keep-dir DIR] [--seed 1]
 *       [--planted 0.08] [--per-folder 1000] [--embedder onnx|toy] [--max-passages-for-fuzzy N]
 *
 * Files are made of English sentences from the STS / SICK / MRPC sets in ../shared/data
 * (seeded, so every run writes the same folder): 2-4 sentences a paragraph, paragraphs up to
 * about 1 KB a file, 1,000 files a folder under two levels of folders. About `--planted` of the
 * files belong to planted groups (an original and one or two variants, spread over folders):
 *   exact       byte-identical copy;
 *   normalized  the same text with case, spacing or line ends changed (one content hash);
 *   near        1-4 words replaced (MinHash layer);
 *   reordered   sentences and paragraphs in another order (MinHash / semantic);
 *   paraphrase  every sentence replaced by its paraphrase from an STS pair with gold >= 4 or
 *               an MRPC pair labelled 1 (semantic layer).
 * The remaining files are unique: random sentences, no sentence of a paraphrase pair.
 *
 * Measured: wall time and files/s of the first scan (generation and model loading excluded),
 * time per progress stage, peak memory (process.resourceUsage().maxRSS, and RSS / heapUsed /
 * arrayBuffers sampled every 200 ms), the rescan of the unchanged folder (it must read no
 * file: stats.read 0, stats.unchanged = files), recall of the planted groups (all files of a
 * group in one file cluster; each variant in its original's cluster) and clusters made of
 * unique files only (false clusters).
 *
 * `--embedder toy` replaces the model by a fast 512-d hashed bag of word trigrams (same vector
 * size as USE lite), to profile the scan's memory and speed without hours of inference; its
 * semantic verdicts mean nothing.
 *
 * By default the scan runs as the app runs it with the built-in model: the cheap candidate stage
 * (SIF over GloVe document vectors; only candidates' passages go to the transformer) and the
 * built-in pair judge below the semantic threshold. `--no-candidates` embeds every passage (the
 * earlier behaviour), `--no-judge` leaves the judge out, `--judge FILE` uses other judge weights.
 *
 * `--cross` adds the cross-encoder band: with `--cross-dir MODEL_DIR` a trained cross-encoder
 * folder; without it the built-in USE lite cross-encoder, whose head is untrained (timing only, its verdicts
 * mean nothing).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runDedupScan, type CandidateStage, type DedupProgress, type DedupScanResult } from '../src/engine/dedup/scan';
import { gloveCandidateStage, type PairJudge } from '../src/engine/dedup';
import { DEFAULT_CANDIDATE_FLOOR, DEFAULT_CANDIDATE_LONG_FLOOR } from '../src/engine/dedup/cheapVectors';
import type { CrossScoreFn, EmbedFn } from '../src/engine/dedup/types';
import { ModelCache } from '../src/engine/models/modelCache';
import { BUILTIN_BASE, loadModel } from '../src/engine/models/modelFiles';
import { OnnxBiEncoder, OnnxCrossEncoder, ParallelOnnxBiEncoder } from '../src/engine/models/onnx';
import { loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';
import { createStore, openDatabase, type Store } from '../src/engine/store';
import { baseModelId } from '../src/engine/train/trainingService';
import { benchArgs, numberArg } from './lib/args';
import { judgeFromArg } from './lib/judgeArg';
import { sharedData } from './lib/data';
import { intIn, pick, seededRandom, shuffleInPlace, type Rand } from './lib/generators';

// ---- arguments ------------------------------------------------------------------------------

interface Args {
  files: number;
  semantic: boolean;
  cross: boolean;
  crossDir: string | null;
  out: string | null;
  keepDir: string | null;
  seed: number;
  planted: number;
  perFolder: number;
  /** `onnx` (default): the built-in model; `toy`: hashed word trigrams, 512-d (memory profiling only). */
  embedder: 'onnx' | 'toy';
  candidates: boolean;
  judge: boolean;
  /** Pair judge weights instead of the shipped ones (--judge FILE). */
  judgeFile: string | null;
  /** Shared-words floor of the candidate stage (undefined: the default). */
  lexicalFloor: number | undefined;
  /** The scan's maxPassagesForFuzzy (default: the app's). */
  maxPassagesForFuzzy: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const { values } = benchArgs(
    {
      files: { type: 'string', default: '10000' },
      'no-semantic': { type: 'boolean', default: false },
      cross: { type: 'boolean', default: false },
      'cross-dir': { type: 'string' },
      out: { type: 'string' },
      'keep-dir': { type: 'string' },
      seed: { type: 'string', default: '1' },
      planted: { type: 'string', default: '0.08' },
      'per-folder': { type: 'string', default: '1000' },
      embedder: { type: 'string', default: 'onnx' },
      'no-candidates': { type: 'boolean', default: false },
      'no-judge': { type: 'boolean', default: false },
      judge: { type: 'string' },
      'lexical-floor': { type: 'string' },
      'max-passages-for-fuzzy': { type: 'string' },
    },
    argv,
  );
  const embedder = values.embedder;
  if (embedder !== 'onnx' && embedder !== 'toy') throw new Error('--embedder is onnx or toy');
  const a: Args = {
    files: numberArg(values.files, 'files', 10000),
    semantic: !values['no-semantic'],
    cross: values.cross || values['cross-dir'] !== undefined,
    crossDir: values['cross-dir'] ?? null,
    out: values.out ?? null,
    keepDir: values['keep-dir'] ?? null,
    seed: numberArg(values.seed, 'seed', 1),
    planted: numberArg(values.planted, 'planted', 0.08),
    perFolder: numberArg(values['per-folder'], 'per-folder', 1000),
    embedder,
    candidates: !values['no-candidates'],
    judge: !values['no-judge'],
    judgeFile: values.judge ?? null,
    lexicalFloor: values['lexical-floor'] === undefined ? undefined : numberArg(values['lexical-floor'], 'lexical-floor', 0),
    maxPassagesForFuzzy:
      values['max-passages-for-fuzzy'] === undefined ? undefined : numberArg(values['max-passages-for-fuzzy'], 'max-passages-for-fuzzy', 300000),
  };
  if (!Number.isInteger(a.files) || a.files < 20) throw new Error('--files must be an integer >= 20');
  if (!(a.planted > 0 && a.planted < 0.5)) throw new Error('--planted must be a fraction between 0 and 0.5');
  if (a.cross && !a.semantic) throw new Error('--cross needs the semantic layer');
  return a;
}

// ---- deterministic random -------------------------------------------------------------------

function shuffle<T>(rand: Rand, xs: T[]): T[] {
  return shuffleInPlace(xs, rand);
}

// ---- sentences ------------------------------------------------------------------------------

// Absent data is reported where the sentences are read (no sentence data under ...).
const DATA = sharedData ?? '../shared/data';

interface SentenceData {
  /** Sentences for unique files (none of them belongs to a paraphrase pair). */
  pool: string[];
  /** Paraphrase pairs: STS gold >= 4 (0-5 scale) or MRPC label 1. */
  pairs: [string, string][];
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

function loadSentences(): SentenceData {
  const files: string[] = [];
  for (const sub of ['sts', 'para']) {
    const dir = path.join(DATA, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.tsv')) files.push(path.join(dir, f));
  }
  if (files.length === 0) throw new Error(`no sentence data under ${DATA}`);
  const all = new Map<string, string>();
  const pairs: [string, string][] = [];
  const inPair = new Set<string>();
  for (const f of files) {
    const name = path.basename(f);
    const lines = readFileSync(f, 'utf8').split('\n').slice(1);
    for (const line of lines) {
      if (!line) continue;
      const [score, s1, s2] = line.split('\t');
      for (const s of [s1, s2]) {
        const t = s.trim();
        if (t.length >= 30 && t.length <= 300 && /[a-z]/i.test(t)) all.set(norm(t), t);
      }
      const isPara = name.startsWith('mrpc') ? score === '1' : !name.startsWith('sickr') && Number(score) >= 4;
      if (isPara && norm(s1) !== norm(s2) && s1.length >= 30 && s2.length >= 30 && s1.length <= 300 && s2.length <= 300) {
        if (inPair.has(norm(s1)) || inPair.has(norm(s2))) continue; // one pair per sentence
        pairs.push([s1.trim(), s2.trim()]);
        inPair.add(norm(s1));
        inPair.add(norm(s2));
      }
    }
  }
  const pool = [...all.entries()].filter(([k]) => !inPair.has(k)).map(([, v]) => v);
  return { pool: pool.map(endWithStop), pairs: pairs.map(([a, b]) => [endWithStop(a), endWithStop(b)]) };
}

/** Sentences joined into a paragraph need a full stop, or ICU would not split them again. */
function endWithStop(s: string): string {
  return /[.!?"')\]]$/.test(s) ? s : `${s}.`;
}

// ---- documents ------------------------------------------------------------------------------

/** A document as paragraphs of sentences. */
type Doc = string[][];

const render = (d: Doc) => d.map((p) => p.join(' ')).join('\n\n') + '\n';

/** Paragraphs of 2-4 sentences from `next()` until the text has about 800-1250 characters (or a bit more). */
function makeDoc(rand: Rand, next: () => string): Doc {
  const target = 800 + rand() * 450;
  const doc: Doc = [];
  let len = 0;
  while (len < target) {
    const para: string[] = [];
    const n = intIn(rand, 2, 4);
    // At least two sentences: a one-sentence paragraph would recur verbatim in other files
    // (the pool is ~21k sentences), making exact passage duplicates among unique files.
    for (let i = 0; i < n && (len < target || i < 2); i++) {
      const s = next();
      para.push(s);
      len += s.length + 1;
    }
    doc.push(para);
    len += 1;
  }
  return doc;
}

type GroupKind = 'exact' | 'normalized' | 'near' | 'reordered' | 'paraphrase';
const KINDS: GroupKind[] = ['exact', 'normalized', 'near', 'reordered', 'paraphrase'];
// Share of planted groups per kind.
const KIND_SHARE: Record<GroupKind, number> = { exact: 0.25, normalized: 0.2, near: 0.25, reordered: 0.1, paraphrase: 0.2 };

/** Case, spacing or line-end changes only: the same content hash. */
function normalizedVariant(rand: Rand, text: string): { text: string; how: string } {
  switch (intIn(rand, 0, 3)) {
    case 0:
      return { text: text.toUpperCase(), how: 'upper case' };
    case 1:
      return { text: text.toLowerCase(), how: 'lower case' };
    case 2:
      return { text: text.replace(/ /g, () => (rand() < 0.3 ? '  ' : ' ')).replace(/\n\n/g, '  \n\n'), how: 'extra spaces' };
    default:
      return { text: `  ${text.replace(/\n/g, '\r\n')}`, how: 'CRLF line ends, leading spaces' };
  }
}

/** Replaces `n` words (not the first of a sentence) by words of other sentences. */
function nearVariant(rand: Rand, doc: Doc, n: number, donor: () => string): Doc {
  const out = doc.map((p) => [...p]);
  for (let k = 0; k < n; k++) {
    const pi = Math.floor(rand() * out.length);
    const si = Math.floor(rand() * out[pi].length);
    const words = out[pi][si].split(' ');
    if (words.length < 3) continue;
    const wi = intIn(rand, 1, words.length - 2);
    const replacement = pick(
      rand,
      donor()
        .split(' ')
        .filter((w) => /^[a-z]{3,}$/.test(w))
        .concat(['however']),
    );
    words[wi] = replacement === words[wi] ? `${replacement}s` : replacement;
    out[pi][si] = words.join(' ');
  }
  return out;
}

function reorderedVariant(rand: Rand, doc: Doc): Doc {
  const out = doc.map((p) => shuffle(rand, [...p]));
  return shuffle(rand, out);
}

// ---- generation -----------------------------------------------------------------------------

interface Truth {
  /** Group of each planted file (by relative path), with its role. */
  files: Map<string, { group: number; role: 'original' | 'variant'; kind: GroupKind }>;
  groups: { id: number; kind: GroupKind; paths: string[]; detail: string }[];
  uniqueFiles: number;
}

interface GenerationReport {
  seconds: number;
  files: number;
  folders: number;
  bytes: number;
  meanBytes: number;
  sentencePool: number;
  paraphrasePairs: number;
  plantedFiles: number;
  groupsByKind: Record<GroupKind, number>;
  filesByKind: Record<GroupKind, number>;
}

function relPathOf(i: number, perFolder: number): string {
  const folder = Math.floor(i / perFolder);
  return path.join(
    `part-${String(Math.floor(folder / 10)).padStart(2, '0')}`,
    `dir-${String(folder).padStart(3, '0')}`,
    `doc-${String(i).padStart(6, '0')}.txt`,
  );
}

async function generate(root: string, args: Args): Promise<{ truth: Truth; report: GenerationReport }> {
  const t0 = performance.now();
  const rand = seededRandom(args.seed);
  const data = loadSentences();
  const n = args.files;
  const slots = shuffle(
    rand,
    Array.from({ length: n }, (_, i) => i),
  );
  let nextSlot = 0;
  const contents: (string | null)[] = new Array(n).fill(null);
  const truth: Truth = { files: new Map(), groups: [], uniqueFiles: 0 };
  const nextPool = () => pick(rand, data.pool);
  let pairCursor = 0;
  const pairs = shuffle(rand, [...data.pairs]);
  const nextPair = () => {
    if (pairCursor >= pairs.length) {
      shuffle(rand, pairs);
      pairCursor = 0;
    }
    return pairs[pairCursor++];
  };

  // Planted groups: an original plus one variant (80%) or two (20%).
  const plantedTarget = Math.round(n * args.planted);
  const groupsByKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<GroupKind, number>;
  const filesByKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<GroupKind, number>;
  let planted = 0;
  let kindCursor = 0;
  const kindOrder: GroupKind[] = [];
  for (const k of KINDS) for (let i = 0; i < Math.round(KIND_SHARE[k] * 20); i++) kindOrder.push(k);
  while (planted + 3 <= plantedTarget) {
    const kind = kindOrder[kindCursor++ % kindOrder.length];
    const variants = rand() < 0.2 ? 2 : 1;
    let original: Doc;
    let pairDoc: Doc | null = null;
    if (kind === 'paraphrase') {
      const used: [string, string][] = [];
      original = makeDoc(rand, () => {
        const p = nextPair();
        used.push(rand() < 0.5 ? p : [p[1], p[0]]);
        return used[used.length - 1][0];
      });
      let u = 0;
      pairDoc = original.map((para) => para.map(() => used[u++][1]));
    } else original = makeDoc(rand, nextPool);
    const originalText = render(original);
    const members: string[] = [originalText];
    const details: string[] = [];
    for (let v = 0; v < variants; v++) {
      switch (kind) {
        case 'exact':
          members.push(originalText);
          break;
        case 'normalized': {
          const r = normalizedVariant(rand, originalText);
          members.push(r.text);
          details.push(r.how);
          break;
        }
        case 'near': {
          const words = intIn(rand, 1, 4);
          members.push(render(nearVariant(rand, original, words, nextPool)));
          details.push(`${words} words`);
          break;
        }
        case 'reordered':
          members.push(render(reorderedVariant(rand, original)));
          break;
        case 'paraphrase':
          // A second paraphrase variant is the paraphrase with its paragraphs reordered.
          members.push(render(v === 0 ? pairDoc! : reorderedVariant(rand, pairDoc!)));
          details.push(v === 0 ? 'paraphrased' : 'paraphrased, reordered');
          break;
      }
    }
    const id = truth.groups.length;
    const paths: string[] = [];
    members.forEach((text, m) => {
      const slot = slots[nextSlot++];
      contents[slot] = text;
      const rel = relPathOf(slot, args.perFolder);
      paths.push(rel);
      truth.files.set(rel, { group: id, role: m === 0 ? 'original' : 'variant', kind });
    });
    truth.groups.push({ id, kind, paths, detail: details.join('; ') });
    groupsByKind[kind]++;
    filesByKind[kind] += members.length;
    planted += members.length;
  }

  // Write everything in path order (unique files are made on the fly, not kept).
  let bytes = 0;
  const folders = new Set<string>();
  for (let i = 0; i < n; i++) {
    const rel = relPathOf(i, args.perFolder);
    const dir = path.dirname(path.join(root, rel));
    if (!folders.has(dir)) {
      await fs.mkdir(dir, { recursive: true });
      folders.add(dir);
    }
    let text = contents[i];
    if (text === null) {
      text = render(makeDoc(rand, nextPool));
      truth.uniqueFiles++;
    }
    contents[i] = null;
    bytes += Buffer.byteLength(text);
    await fs.writeFile(path.join(root, rel), text);
  }
  const report: GenerationReport = {
    seconds: round((performance.now() - t0) / 1000, 2),
    files: n,
    folders: folders.size,
    bytes,
    meanBytes: Math.round(bytes / n),
    sentencePool: data.pool.length,
    paraphrasePairs: data.pairs.length,
    plantedFiles: planted,
    groupsByKind,
    filesByKind,
  };
  return { truth, report };
}

// ---- measuring ------------------------------------------------------------------------------

const MB = 1024 * 1024;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** RSS / heapUsed / arrayBuffers sampled every 200 ms (and at every progress call), with peaks per phase and stage. */
class MemorySampler {
  private timer: NodeJS.Timeout | null = null;
  peak = { rss: 0, heapUsed: 0, arrayBuffers: 0, external: 0 };
  stagePeakRss = new Map<string, number>();
  stage = '';
  samples = 0;

  start(): void {
    this.peak = { rss: 0, heapUsed: 0, arrayBuffers: 0, external: 0 };
    this.stagePeakRss = new Map();
    this.sample();
    this.timer = setInterval(() => this.sample(), 200);
  }

  sample(): void {
    const m = process.memoryUsage();
    this.samples++;
    this.peak.rss = Math.max(this.peak.rss, m.rss);
    this.peak.heapUsed = Math.max(this.peak.heapUsed, m.heapUsed);
    this.peak.arrayBuffers = Math.max(this.peak.arrayBuffers, m.arrayBuffers);
    this.peak.external = Math.max(this.peak.external, m.external);
    if (this.stage) this.stagePeakRss.set(this.stage, Math.max(this.stagePeakRss.get(this.stage) ?? 0, m.rss));
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return {
      peakRssMB: round(this.peak.rss / MB),
      peakHeapUsedMB: round(this.peak.heapUsed / MB),
      peakArrayBuffersMB: round(this.peak.arrayBuffers / MB),
      peakExternalMB: round(this.peak.external / MB),
      peakRssByStageMB: Object.fromEntries([...this.stagePeakRss].map(([k, v]) => [k, round(v / MB)])),
    };
  }
}

/**
 * Time per progress stage. A stage key is the stage name plus its message (passage signatures
 * say 'passages'); work that reports no progress of its own is counted in the stage before it.
 */
class StageTimer {
  private current: { key: string; start: number } | null = null;
  readonly timeline: { stage: string; startS: number; seconds: number }[] = [];
  private readonly t0 = performance.now();
  last: DedupProgress | null = null;
  constructor(private readonly onStage: (key: string) => void) {}

  progress(p: DedupProgress): void {
    this.last = p;
    const key = p.message ? `${p.stage}:${p.message}` : p.stage;
    if (this.current?.key === key) return;
    this.close();
    this.current = { key, start: performance.now() };
    this.onStage(key);
  }

  close(): void {
    if (!this.current) return;
    const now = performance.now();
    this.timeline.push({
      stage: this.current.key,
      startS: round((this.current.start - this.t0) / 1000, 2),
      seconds: round((now - this.current.start) / 1000, 2),
    });
    this.current = null;
  }

  totals(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.timeline) out[s.stage] = round((out[s.stage] ?? 0) + s.seconds, 2);
    return out;
  }
}

interface ScanMeasure {
  scanId: number;
  seconds: number;
  filesPerSecond: number;
  stats: DedupScanResult['stats'];
  stageSeconds: Record<string, number>;
  timeline: { stage: string; startS: number; seconds: number }[];
  memory: ReturnType<MemorySampler['stop']>;
  model: ReturnType<typeof takeModelTime>;
  maxRssAfterMB: number;
  cpuSeconds: { user: number; system: number };
}

async function measuredScan(
  label: string,
  root: string,
  store: Store,
  fns: { embed?: EmbedFn; score?: CrossScoreFn; judge?: PairJudge; candidates?: CandidateStage; embedModelId: number | null },
  sampler: MemorySampler,
  maxPassagesForFuzzy?: number,
): Promise<ScanMeasure> {
  let lastLog = 0;
  const timer = new StageTimer((key) => {
    sampler.stage = key;
    log(`${label}: stage ${key}`);
  });
  const cpu0 = process.cpuUsage();
  takeModelTime();
  sampler.start();
  const t0 = performance.now();
  const result = await runDedupScan({
    roots: [root],
    store,
    embed: fns.embed,
    score: fns.score,
    judge: fns.judge,
    candidates: fns.candidates,
    settings: { embedModelId: fns.embedModelId, ...(maxPassagesForFuzzy !== undefined ? { maxPassagesForFuzzy } : {}) },
    progress: (p) => {
      timer.progress(p);
      const now = performance.now();
      if (now - lastLog > 15000) {
        lastLog = now;
        log(`${label}: ${p.stage}${p.message ? ` (${p.message})` : ''} ${p.done}/${p.total ?? '?'}, rss ${round(process.memoryUsage().rss / MB)} MB`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  timer.close();
  const memory = sampler.stop();
  const cpu = process.cpuUsage(cpu0);
  return {
    scanId: result.scanId,
    seconds: round(seconds, 2),
    filesPerSecond: round(result.stats.files / seconds, 1),
    stats: result.stats,
    stageSeconds: timer.totals(),
    timeline: timer.timeline,
    memory,
    model: takeModelTime(),
    maxRssAfterMB: round((process.resourceUsage().maxRSS * 1024) / MB),
    cpuSeconds: { user: round(cpu.user / 1e6, 1), system: round(cpu.system / 1e6, 1) },
  };
}

// ---- quality --------------------------------------------------------------------------------

async function quality(store: Store, scanId: number, truth: Truth) {
  const paths = new Map<number, string>();
  for (const r of await store.db.all<{ id: number; rel_path: string }>('SELECT id, rel_path FROM documents')) paths.set(r.id, r.rel_path);
  const clusters = await store.scans.listClusters(scanId);
  const fileClusters = clusters.filter((c) => c.members.every((m) => m.passageId == null));
  const passageClusters = clusters.filter((c) => c.members.some((m) => m.passageId != null));
  const clusterOf = new Map<string, number>();
  const layerOf = new Map<number, string>();
  fileClusters.forEach((c, ci) => {
    layerOf.set(ci, c.layer);
    for (const m of c.members) clusterOf.set(paths.get(m.documentId)!, ci);
  });

  const sizeOf = (ci: number) => fileClusters[ci].members.length;
  const byKind = Object.fromEntries(
    KINDS.map((k) => [
      k,
      {
        groups: 0,
        groupsComplete: 0,
        groupsClean: 0,
        variants: 0,
        variantsFound: 0,
        foundByClusterLayer: {} as Record<string, number>,
        missed: [] as string[],
      },
    ]),
  ) as Record<
    GroupKind,
    {
      groups: number;
      groupsComplete: number;
      groupsClean: number;
      variants: number;
      variantsFound: number;
      foundByClusterLayer: Record<string, number>;
      missed: string[];
    }
  >;
  for (const g of truth.groups) {
    const k = byKind[g.kind];
    k.groups++;
    const cs = g.paths.map((p) => clusterOf.get(p));
    if (cs[0] !== undefined && cs.every((c) => c === cs[0])) {
      k.groupsComplete++;
      // Clean: the cluster is exactly the group, nothing else joined it.
      if (sizeOf(cs[0]) === g.paths.length) k.groupsClean++;
    }
    for (let v = 1; v < g.paths.length; v++) {
      k.variants++;
      if (cs[0] !== undefined && cs[v] === cs[0]) {
        k.variantsFound++;
        const layer = layerOf.get(cs[0])!;
        k.foundByClusterLayer[layer] = (k.foundByClusterLayer[layer] ?? 0) + 1;
      } else if (k.missed.length < 5) k.missed.push(`${g.paths[0]} ~ ${g.paths[v]}${g.detail ? ` (${g.detail})` : ''}`);
    }
  }

  // Clusters with no planted file at all are false; clusters mixing groups (or a group and unique files) are impure.
  let falseClusters = 0;
  let impureClusters = 0;
  let uniqueFilesClustered = 0;
  const falseExamples: { layer: string; score: number | null; paths: string[] }[] = [];
  const impure: { size: number; layer: string; score: number | null; groups: number; uniqueFiles: number; kinds: Record<string, number> }[] = [];
  const sizes: Record<string, number> = {};
  for (const c of fileClusters) {
    const n = c.members.length;
    const bucket = n <= 3 ? String(n) : n <= 10 ? '4-10' : n <= 100 ? '11-100' : '>100';
    sizes[bucket] = (sizes[bucket] ?? 0) + 1;
    const labels = new Set<string>();
    const groupKinds: Record<string, number> = {};
    let uniques = 0;
    for (const m of c.members) {
      const t = truth.files.get(paths.get(m.documentId)!);
      if (t) {
        if (!labels.has(`g${t.group}`)) {
          const g = truth.groups[t.group];
          const key = g.kind === 'normalized' ? `normalized (${g.detail})` : g.kind;
          groupKinds[key] = (groupKinds[key] ?? 0) + 1;
        }
        labels.add(`g${t.group}`);
      } else {
        uniques++;
        labels.add(`u${m.documentId}`);
      }
    }
    uniqueFilesClustered += uniques;
    if (uniques === n) {
      falseClusters++;
      if (falseExamples.length < 5) falseExamples.push({ layer: c.layer, score: c.score, paths: c.members.map((m) => paths.get(m.documentId)!) });
    } else if (labels.size > 1) {
      impureClusters++;
      impure.push({ size: n, layer: c.layer, score: c.score, groups: labels.size - uniques, uniqueFiles: uniques, kinds: groupKinds });
    }
  }
  impure.sort((a, b) => b.size - a.size);
  const falseByLayer: Record<string, number> = {};
  for (const c of fileClusters) {
    if (c.members.every((m) => !truth.files.has(paths.get(m.documentId)!))) falseByLayer[c.layer] = (falseByLayer[c.layer] ?? 0) + 1;
  }
  let passageClustersUniqueOnly = 0;
  for (const c of passageClusters) if (c.members.every((m) => !truth.files.has(paths.get(m.documentId)!))) passageClustersUniqueOnly++;

  const groups = truth.groups.length;
  const complete = KINDS.reduce((s, k) => s + byKind[k].groupsComplete, 0);
  const clean = KINDS.reduce((s, k) => s + byKind[k].groupsClean, 0);
  const variants = KINDS.reduce((s, k) => s + byKind[k].variants, 0);
  const found = KINDS.reduce((s, k) => s + byKind[k].variantsFound, 0);
  return {
    plantedGroups: groups,
    /** All files of the group in one file cluster (that cluster may hold more). */
    groupRecall: round(complete / groups, 4),
    /** The group is exactly one file cluster, nothing else in it. */
    cleanGroupRecall: round(clean / groups, 4),
    variantRecall: round(found / variants, 4),
    byKind: Object.fromEntries(
      KINDS.map((k) => [
        k,
        {
          ...byKind[k],
          groupRecall: byKind[k].groups ? round(byKind[k].groupsComplete / byKind[k].groups, 4) : null,
          cleanGroupRecall: byKind[k].groups ? round(byKind[k].groupsClean / byKind[k].groups, 4) : null,
        },
      ]),
    ),
    fileClusters: fileClusters.length,
    falseClusters,
    falseClustersByLayer: falseByLayer,
    falseClusterExamples: falseExamples,
    impureClusters,
    impureClusterDetails: impure.slice(0, 10),
    fileClusterSizes: sizes,
    uniqueFiles: truth.uniqueFiles,
    uniqueFilesClustered,
    passageClusters: passageClusters.length,
    passageClustersOfUniqueFilesOnly: passageClustersUniqueOnly,
  };
}

// ---- main -----------------------------------------------------------------------------------

const started = performance.now();
function log(msg: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s] ${msg}`);
}

const TOY_DIM = 512;

/** Hashed word trigrams, L2-normalised: a stand-in embedder with USE lite's vector size. */
function toyVector(text: string): Float32Array {
  const v = new Float32Array(TOY_DIM);
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = `${words[i]} ${words[i + 1] ?? ''} ${words[i + 2] ?? ''}`;
    let h = 2166136261;
    for (let k = 0; k < w.length; k++) h = Math.imul(h ^ w.charCodeAt(k), 16777619);
    h >>>= 0;
    v[h % TOY_DIM] += (h & 0x80000000) === 0 ? 1 : -1;
  }
  let s = 0;
  for (let i = 0; i < TOY_DIM; i++) s += v[i] * v[i];
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < TOY_DIM; i++) v[i] *= inv;
  return v;
}

/** Time spent inside the model calls (the rest of a stage is the scan's own work: SQL, caches). */
const modelTime = { embedSeconds: 0, embedCalls: 0, textsEmbedded: 0, charsEmbedded: 0, crossSeconds: 0, pairsScored: 0 };

function takeModelTime() {
  const out = {
    ...modelTime,
    embedSeconds: round(modelTime.embedSeconds, 2),
    crossSeconds: round(modelTime.crossSeconds, 2),
    textsPerSecond: modelTime.embedSeconds > 0 ? round(modelTime.textsEmbedded / modelTime.embedSeconds, 1) : null,
    meanChars: modelTime.textsEmbedded > 0 ? round(modelTime.charsEmbedded / modelTime.textsEmbedded, 1) : null,
  };
  Object.assign(modelTime, { embedSeconds: 0, embedCalls: 0, textsEmbedded: 0, charsEmbedded: 0, crossSeconds: 0, pairsScored: 0 });
  return out;
}

async function loadModels(store: Store, args: Args) {
  if (!args.semantic) return { fns: { embedModelId: null }, info: null };
  const t0 = performance.now();
  if (args.embedder === 'toy') {
    const embedModelId = await baseModelId(store, BUILTIN_BASE);
    const embed: EmbedFn = async (texts) => {
      const t = performance.now();
      const out = texts.map(toyVector);
      modelTime.embedSeconds += (performance.now() - t) / 1000;
      modelTime.embedCalls++;
      modelTime.textsEmbedded += texts.length;
      for (const x of texts) modelTime.charsEmbedded += x.length;
      return out;
    };
    return {
      fns: { embedModelId, embed },
      info: { backend: 'none', biEncoder: 'toy 512-d hashed word trigrams (profiling only)', crossEncoder: null, loadSeconds: 0 },
    };
  }
  const models = new ModelCache(store, os.tmpdir());
  const backend = await models.ensureBackend();
  const bi = await models.bulkBi(null);
  const embedModelId = await baseModelId(store, BUILTIN_BASE);
  let score: CrossScoreFn | undefined;
  let crossInfo: string | null = null;
  if (args.cross) {
    const tfCross = args.crossDir ? (await loadModel(args.crossDir)).model : loadUseLiteCrossEncoder();
    if (tfCross.kind !== 'cross-encoder') throw new Error(`${args.crossDir} holds a bi-encoder, not a cross-encoder`);
    const cross = await OnnxCrossEncoder.fromModel(tfCross);
    score = async (pairs) => Array.from(await cross.score(pairs, { maxLength: 128 }));
    crossInfo = args.crossDir ? `ONNX cross-encoder from ${args.crossDir}` : 'built-in USE lite cross-encoder (untrained head: timing only)';
  }
  const info = {
    backend: backend.name,
    biEncoder:
      bi instanceof OnnxBiEncoder || bi instanceof ParallelOnnxBiEncoder
        ? `ONNX Runtime (USE lite, built-in${bi instanceof ParallelOnnxBiEncoder ? ', worker pool' : ''})`
        : `TF.js fallback (ONNX failed: ${models.lastOnnxError})`,
    crossEncoder: crossInfo,
    loadSeconds: round((performance.now() - t0) / 1000, 2),
  };
  const embed: EmbedFn = async (texts) => {
    const t = performance.now();
    const out = await bi.embed(texts, { maxLength: 128, batchSize: 32 });
    modelTime.embedSeconds += (performance.now() - t) / 1000;
    modelTime.embedCalls++;
    modelTime.textsEmbedded += texts.length;
    for (const x of texts) modelTime.charsEmbedded += x.length;
    return out;
  };
  const timedScore: CrossScoreFn | undefined = score
    ? async (pairs) => {
        const t = performance.now();
        const out = await score!(pairs);
        modelTime.crossSeconds += (performance.now() - t) / 1000;
        modelTime.pairsScored += pairs.length;
        return out;
      }
    : undefined;
  // As the app (src/engine/api/dedupHandlers.ts): the built-in judge without a cross-encoder, and the candidate stage.
  const judge = args.judge && !timedScore ? judgeFromArg(args.judgeFile ?? undefined) : undefined;
  const candidates = args.candidates
    ? args.lexicalFloor === undefined
      ? gloveCandidateStage()
      : gloveCandidateStage({}, DEFAULT_CANDIDATE_FLOOR, DEFAULT_CANDIDATE_LONG_FLOOR, args.lexicalFloor)
    : undefined;
  return {
    fns: { embedModelId, embed, score: timedScore, judge, candidates },
    info: {
      ...info,
      pairJudge: !!judge,
      candidateStage: candidates
        ? `SIF over GloVe, floor ${candidates.floor} (short) to ${candidates.longFloor} (1 KB and longer); shared words ${candidates.lexicalFloor ?? 'off'} (1 KB and longer); near pairs skipped`
        : null,
    },
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let base: string;
  if (args.keepDir) {
    base = path.resolve(args.keepDir);
    await fs.mkdir(base, { recursive: true });
    if ((await fs.readdir(base)).length > 0) throw new Error(`--keep-dir ${base} is not empty`);
  } else base = await fs.mkdtemp(path.join(os.tmpdir(), 'tenc-dedup-scale-'));
  const root = path.join(base, 'files');
  const cleanup = async () => {
    if (!args.keepDir) await fs.rm(base, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));
  const load0 = os.loadavg();
  try {
    log(`generating ${args.files} files under ${root}`);
    const gen = await generate(root, args);
    log(`generated ${gen.report.files} files (${gen.report.plantedFiles} planted in ${gen.truth.groups.length} groups) in ${gen.report.seconds} s`);

    const db = await openDatabase(path.join(base, 'store.sqlite'));
    const store = createStore(db);
    try {
      const models = await loadModels(store, args);
      if (models.info) log(`models: ${models.info.biEncoder}; ${models.info.crossEncoder ?? 'no cross-encoder'} (${models.info.loadSeconds} s)`);
      const sampler = new MemorySampler();

      const first = await measuredScan('scan', root, store, models.fns, sampler, args.maxPassagesForFuzzy);
      log(`first scan: ${first.seconds} s, ${first.filesPerSecond} files/s, peak RSS ${first.memory.peakRssMB} MB, maxRSS ${first.maxRssAfterMB} MB`);
      const q = await quality(store, first.scanId, gen.truth);
      log(
        `recall: groups ${q.groupRecall} (clean ${q.cleanGroupRecall}), variants ${q.variantRecall}; false clusters ${q.falseClusters}, impure ${q.impureClusters}`,
      );

      const rescan = await measuredScan('rescan', root, store, models.fns, sampler, args.maxPassagesForFuzzy);
      log(`rescan: ${rescan.seconds} s, read ${rescan.stats.read}, unchanged ${rescan.stats.unchanged}, embedded ${rescan.stats.embedded}`);
      const q2 = await quality(store, rescan.scanId, gen.truth);
      const dbBytes = (await fs.stat(path.join(base, 'store.sqlite'))).size;

      const maxRssMB = round((process.resourceUsage().maxRSS * 1024) / MB);
      const result = {
        bench: 'dedup-scale',
        date: new Date().toISOString(),
        args: {
          files: args.files,
          semantic: args.semantic,
          embedder: args.embedder,
          cross: args.cross ? (args.crossDir ?? 'built-in') : false,
          seed: args.seed,
          planted: args.planted,
          perFolder: args.perFolder,
          candidates: args.candidates,
          judge: args.judge ? (args.judgeFile ?? 'built-in') : false,
        },
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model,
          totalMemGB: round(os.totalmem() / 1024 ** 3),
          node: process.version,
          loadAvgAtStart: load0.map((x) => round(x, 2)),
          loadAvgAtEnd: os.loadavg().map((x) => round(x, 2)),
        },
        generation: gen.report,
        models: models.info,
        firstScan: first,
        rescan: {
          ...rescan,
          readNothing: rescan.stats.read === 0 && rescan.stats.unchanged === rescan.stats.files,
          sameClusters: q2.fileClusters === q.fileClusters && q2.passageClusters === q.passageClusters && q2.groupRecall === q.groupRecall,
        },
        quality: q,
        memory: {
          maxRssMB,
          note: 'maxRSS is the whole process high-water mark (generation, model loading, both scans); peaks per scan are sampled every 200 ms',
          under2GB: maxRssMB < 2048,
        },
        storeFileMB: round(dbBytes / MB),
      };
      if (args.out) {
        await fs.mkdir(path.dirname(path.resolve(args.out)), { recursive: true });
        await fs.writeFile(args.out, JSON.stringify(result, null, 2) + '\n');
        log(`wrote ${args.out}`);
      } else console.log(JSON.stringify(result, null, 2));
    } finally {
      await db.close();
    }
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
