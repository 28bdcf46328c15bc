/**
 * How long a Trans-Encoder run will take, said before it starts.
 *
 * The per-step costs are measured, not assumed: `measureCosts` times real training steps of
 * the run's own models (the run's losses, Adam) at the run's batch sizes and padded token
 * lengths, batched inference for the labelling, checkpoint writes and model loading, on the
 * backend training will use. Measurements are cached per backend and shape, in memory and in
 * the data folder (`<data>/cache/step-costs.json`), so only the first estimate of a shape waits.
 *
 * What it assumes:
 * - Steps: exactly `planTotalSteps` (fitSteps of 2n examples for bi->cross, n for cross->bi,
 *   per cycle and member); every step costs what a full batch of the measured shape costs
 *   (the smaller last batch of an epoch is counted as full).
 * - Token lengths come from the real text: a seeded sample of at most 400 of the pairs (for a
 *   corpus: of its sentences, paired at random) is tokenized with the base's tokenizer. A
 *   training batch is padded to its longest row, so a step's length is the expected maximum
 *   over a batch (cut at the phase's maxLength), rounded to a multiple of 8 tokens: a random
 *   batch, or with settings.lengthGrouped a batch cut from a length-sorted megabatch as
 *   training cuts them (schedule.ts), drawn from the sample.
 *   Labelling batches are sorted by length, so they cost the mean length per row.
 * - Pairs of a corpus are not known before mining. Lexical and random pairs are counted
 *   exactly (they are cheap); kNN pairs are not (they need every sentence embedded): they are
 *   taken as 0.65 x k new pairs per sentence, what mining added on STS-B, SICK and MRPC
 *   sentences (0.62-0.72). Where even the fewest kNN pairs reach the preset's cap, the count
 *   is exact.
 * - Distinct texts among n of M pairs over D texts: D (1 - (1 - n/M)^(2M/D)).
 * - Not counted: the database and progress messages, and other programs using the CPU while
 *   training runs; a measurement taken while the CPU was busy makes the estimate longer
 *   (the basis says so).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from '../models/io/weightsFile';
import { planModelFolder } from '../models/hf/folder';
import { isSentenceEncoderBase, type BaseSpec } from '../models/modelFiles';
import { loadUseLiteTokenizer } from '../models/use-lite/biEncoder';
import { APP_VERSION } from '../version';
import { plannedMatMulTag } from '../backend/nativeMatMul';
import { trainThreads } from './parallel/dataParallel';
import { splitBatch } from './parallel/task';
import { fitSteps } from './fit';
import { mineCandidatePairs, DEFAULT_MINING } from './mining';
import { miningCap, splitPairs, usablePairs, usableTexts } from './pairPlan';
import { costItemKey, type CostItem, type MeasuredCost } from './measureCosts';
import { TRAIN_SCORING_BATCH } from './scoring';
import type { TrainingSource } from './protocol';
import type { TrainEstimate } from '../../shared/api';
import { seededRandom } from '../random';
import type { TransEncoderSettings } from './settings';
import { planTotalSteps } from './transEncoder';
import { biPairKey, type LengthTokenizer } from './exampleLengths';
import { MEGABATCH_BATCHES } from './schedule';

export interface EstimateRequest {
  settings: TransEncoderSettings;
  source: TrainingSource;
  /** One per member (mutual training: two). */
  bases: BaseSpec[];
  /** Pairs the user labelled: scored before the run and after each cycle. */
  userLabelPairs?: number;
}

/** The API's shape is the engine's: one definition, in the shared contract. */
export type TrainingEstimate = TrainEstimate;

export interface Measurement {
  /** The backend the costs were measured on. */
  backend: string;
  costs: MeasuredCost[];
  /** Load average per core when measuring (0 where the platform does not say). */
  loadPerCore: number;
}

/** Times cost items of one base on the backend training uses. */
export type Measurer = (base: BaseSpec, items: CostItem[]) => Promise<Measurement>;

export interface TrainingEstimatorOptions {
  measure: Measurer;
  /** The backend a run would train on now (the cache is looked up under it). */
  backend: () => Promise<string>;
  /** JSON file that keeps measurements between sessions; none = memory only. */
  cacheFile?: string;
}

interface CacheEntry {
  seconds: number;
  measuredAt: string;
  loadPerCore: number;
}

/** Measurements older than this are taken again (a driver, a machine's cooling, an update). */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const SAMPLE = 400;
const LENGTH_STEP = 8;
/** The labelling's batch (scoring.ts TRAIN_SCORING_BATCH), so its time is measured at that shape. */
const INFER_BATCH = TRAIN_SCORING_BATCH;
/** New pairs per sentence and per neighbour that kNN mining adds (see the header). */
const KNN_NEW_PER_NEIGHBOUR = 0.65;

export function backendLabel(name: string): string {
  switch (name) {
    case 'wasm':
      return 'wasm (CPU)';
    case 'cpu':
      return 'cpu (plain JavaScript, slow)';
    case 'tensorflow':
      return 'TensorFlow (native)';
    case 'webgpu':
      return 'WebGPU (GPU)';
    default:
      return name;
  }
}

/** "about 40 s", "about 12 min", "about 2 h 05 min". */
export function roughDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 90) return `about ${Math.max(5, Math.round(seconds / 5) * 5)} s`;
  const minutes = seconds / 60;
  if (minutes < 90) return `about ${Math.round(minutes)} min`;
  const rounded = Math.round(minutes / 5) * 5;
  return `about ${Math.floor(rounded / 60)} h ${String(rounded % 60).padStart(2, '0')} min`;
}

export function baseKey(base: BaseSpec): string {
  return base.kind === 'builtin' ? `builtin:${base.name}` : `hf:${path.resolve(base.dir)}`;
}

// ---------------------------------------------------------------------------------------------
// Pairs

export interface PairPlan {
  candidates: number;
  exact: boolean;
  train: number;
  heldOut: number;
  /** Distinct texts among all candidate pairs. */
  distinctTexts: number;
  /** Sentences embedded for mining (0 for a pairs file). */
  minedTexts: number;
  /** Seconds the lexical and random part of mining took here (0 when not run). */
  lexicalSeconds: number;
  note: string;
}

/** Lexical + random pair counts of a corpus, by a cheap fingerprint of its texts. */
const lexicalCountCache = new Map<string, { count: number; seconds: number }>();

function fingerprint(texts: readonly string[], seed: number): string {
  let h = 2166136261;
  const stride = Math.max(1, Math.floor(texts.length / 64));
  for (let i = 0; i < texts.length; i += stride) {
    const t = texts[i]!;
    for (let j = 0; j < t.length; j += 7) h = Math.imul(h ^ t.charCodeAt(j), 16777619) >>> 0;
  }
  return `${texts.length}|${seed}|${h}`;
}

/** The pairs a run of `source` will train on: exact for a pairs file, estimated for a corpus. */
export function planPairs(source: TrainingSource, s: TransEncoderSettings): PairPlan {
  if (source.kind === 'pairs') {
    const pairs = usablePairs(source);
    const split = splitPairs(pairs.length, s);
    const texts = new Set<string>();
    for (const [a, b] of pairs) texts.add(a).add(b);
    return {
      candidates: pairs.length,
      exact: true,
      ...split,
      distinctTexts: texts.size,
      minedTexts: 0,
      lexicalSeconds: 0,
      note: `${pairs.length} usable pairs in the file`,
    };
  }
  const texts = usableTexts(source);
  const n = texts.length;
  const cap = miningCap(s);
  const k = Math.min(DEFAULT_MINING.k, Math.max(0, n - 1));
  // Each sentence has k neighbours; a pair is found from both ends at most.
  const knnLeast = Math.ceil((k * n) / 2);
  let candidates: number;
  let exact: boolean;
  let lexicalSeconds = 0;
  if (knnLeast >= cap) {
    candidates = cap;
    exact = true;
  } else {
    const key = fingerprint(texts, s.seed);
    let counted = lexicalCountCache.get(key);
    if (!counted) {
      const t = performance.now();
      const count = mineCandidatePairs(texts, [], { k: 0, maxPairs: Number.MAX_SAFE_INTEGER, seed: s.seed }).length;
      counted = { count, seconds: (performance.now() - t) / 1000 };
      lexicalCountCache.set(key, counted);
      if (lexicalCountCache.size > 16) lexicalCountCache.delete(lexicalCountCache.keys().next().value!);
    }
    lexicalSeconds = counted.seconds;
    const least = Math.max(counted.count, knnLeast);
    const guess = Math.min(counted.count + k * n, Math.max(least, counted.count + Math.round(KNN_NEW_PER_NEIGHBOUR * k * n)));
    exact = least >= cap;
    candidates = Math.min(cap, guess);
  }
  const split = splitPairs(candidates, s);
  return {
    candidates,
    exact,
    ...split,
    distinctTexts: n,
    minedTexts: n,
    lexicalSeconds,
    note: `${exact ? '' : 'about '}${candidates} pairs mined from ${n} sentences${exact ? '' : ' (the exact number is known once mining has run)'}`,
  };
}

/** Distinct texts among `take` of `total` pairs that span `texts` distinct texts. */
export function distinctAmong(take: number, total: number, texts: number): number {
  if (total <= 0 || texts <= 0 || take <= 0) return 0;
  const perText = (2 * total) / texts;
  return texts * (1 - Math.pow(Math.max(0, 1 - take / total), perText));
}

// ---------------------------------------------------------------------------------------------
// Token lengths

const tokenizers = new Map<string, LengthTokenizer>();

function tokenizerOf(base: BaseSpec): LengthTokenizer {
  const key = baseKey(base);
  let tok = tokenizers.get(key);
  if (!tok) {
    if (base.kind === 'builtin') tok = loadUseLiteTokenizer();
    else {
      const plan = planModelFolder(base.dir);
      if (!plan.tokenizer) throw new Error(`no tokenizer in ${base.dir}: ${plan.problems.join('; ')}`);
      tok = plan.tokenizer;
    }
    tokenizers.set(key, tok);
  }
  return tok;
}

export interface LengthSample {
  /** Token lengths of the a and b sides (bi-encoder, cut at crossToBi.maxLength). */
  a: number[];
  b: number[];
  /** Token lengths of the pairs read together (cross-encoder, cut at biToCross.maxLength). */
  pairs: number[];
  sampled: number;
}

export function sampleLengths(source: TrainingSource, base: BaseSpec, s: TransEncoderSettings): LengthSample {
  const tok = tokenizerOf(base);
  const rand = seededRandom(s.seed ^ 0x5eed);
  let pairs: [string, string][];
  if (source.kind === 'pairs') {
    const all = usablePairs(source);
    pairs = all.length <= SAMPLE ? all : Array.from({ length: SAMPLE }, () => all[Math.floor(rand() * all.length)]!);
  } else {
    const texts = usableTexts(source);
    const pick = () => texts[Math.floor(rand() * texts.length)]!;
    pairs = texts.length ? Array.from({ length: Math.min(SAMPLE, texts.length) }, () => [pick(), pick()] as [string, string]) : [];
  }
  const single = s.crossToBi.maxLength;
  const joint = s.biToCross.maxLength;
  return {
    a: pairs.map(([a]) => tok.encode(a, { maxLength: single }).ids.length),
    b: pairs.map(([, b]) => tok.encode(b, { maxLength: single }).ids.length),
    pairs: pairs.map(([a, b]) => tok.encodePair(a, b, { maxLength: joint }).ids.length),
    sampled: pairs.length,
  };
}

/** Expected longest row of a random batch of `batch` rows (batches are padded to it). */
export function expectedBatchMax(lengths: readonly number[], batch: number, seed = 7): number {
  if (!lengths.length) return 0;
  const rand = seededRandom(seed);
  const trials = 64;
  let sum = 0;
  for (let t = 0; t < trials; t++) {
    let max = 0;
    for (let i = 0; i < batch; i++) max = Math.max(max, lengths[Math.floor(rand() * lengths.length)]!);
    sum += max;
  }
  return sum / trials;
}

/**
 * The length a full, evenly split batch would need to cost what a data-parallel step of random
 * rows costs (parallel/task.ts `splitBatch`: rows sorted by length, each share padded to its own
 * longest row; the step waits for the costliest share): participants x costliest share / batch.
 */
export function expectedSplitLength(lengths: readonly number[], batch: number, participants: number, seed = 7): number {
  if (!lengths.length) return 0;
  const rand = seededRandom(seed);
  const trials = 64;
  let sum = 0;
  for (let t = 0; t < trials; t++) {
    const rows = Array.from({ length: batch }, () => lengths[Math.floor(rand() * lengths.length)]!);
    const shares = splitBatch([...rows.keys()], (i) => rows[i]!, participants);
    const worst = Math.max(...shares.map((sh) => sh.length * Math.max(0, ...sh.map((i) => rows[i]!))));
    sum += (worst * participants) / batch;
  }
  return sum / trials;
}

/**
 * Issue 14: the expected padded length per row of a length-grouped step (schedule.ts): megabatches
 * of `batch` x 50 rows drawn from the sample (a run with fewer examples has one shorter megabatch
 * that pads a little more; not counted, so runs of one source share their measured shapes), sorted by the longest of the
 * row's `sides` (a bi-encoder pair by its longer side, exampleLengths.ts biPairKey), cut into batches; each side padded to its own longest row (a cross-encoder
 * step has one side, a bi-encoder step two: the mean over sides). With `participants` > 1 each
 * batch is split as a data-parallel step splits it and costs its costliest share, as in
 * `expectedSplitLength`.
 */
export function expectedGroupedLength(sides: readonly (readonly number[])[], batch: number, o: { participants?: number; seed?: number } = {}): number {
  const count = sides[0]?.length ?? 0;
  if (!count || batch < 1) return 0;
  const rand = seededRandom(o.seed ?? 7);
  const key = (j: number) => (sides.length === 2 ? biPairKey(sides[0]![j]!, sides[1]![j]!) : sides[0]![j]!);
  const rows = batch * MEGABATCH_BATCHES;
  const participants = o.participants ?? 1;
  // The padded tokens of a set of rows, every side padded to its own longest row.
  const padded = (share: readonly number[]) => (share.length ? share.length * sides.reduce((t, side) => t + Math.max(...share.map((j) => side[j]!)), 0) : 0);
  let sum = 0;
  let batches = 0;
  while (batches < 64) {
    const mega = Array.from({ length: rows }, () => Math.floor(rand() * count)).sort((x, y) => key(y) - key(x));
    for (let from = 0; from < mega.length; from += batch) {
      const rowsOf = mega.slice(from, from + batch);
      const cost = participants > 1 ? participants * Math.max(...splitBatch(rowsOf, key, participants).map(padded)) : padded(rowsOf);
      sum += cost / rowsOf.length / sides.length;
      batches++;
    }
  }
  return sum / batches;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** A measured length: nearest multiple of 8 (fewer shapes to measure), within [8, cap]. */
export function lengthBucket(tokens: number, cap: number): number {
  return Math.max(1, Math.min(cap, Math.max(LENGTH_STEP, Math.round(tokens / LENGTH_STEP) * LENGTH_STEP)));
}

// ---------------------------------------------------------------------------------------------
// Costs and the estimate

interface Shapes {
  crossStep: { batch: number; length: number };
  biStep: { batch: number; length: number };
  simcseLength: number;
  inferBiLength: number;
  inferCrossLength: number;
}

function shapesFor(lengths: LengthSample, s: TransEncoderSettings, participants = 1): Shapes {
  const padded = (ls: readonly number[], batch: number, seed?: number) =>
    participants > 1 ? expectedSplitLength(ls, batch, participants, seed) : expectedBatchMax(ls, batch, seed);
  const randomBi = (padded(lengths.a, s.crossToBi.batchSize) + padded(lengths.b, s.crossToBi.batchSize, 11)) / 2;
  const grouped = (sides: number[][], batch: number) => expectedGroupedLength(sides, batch, { participants });
  // Issue 14: grouped batches (transEncoder.ts) sort bi->cross by the joint length, cross->bi by the longer side.
  const crossPadded = s.lengthGrouped ? grouped([lengths.pairs], s.biToCross.batchSize) : padded(lengths.pairs, s.biToCross.batchSize);
  const biPadded = s.lengthGrouped ? grouped([lengths.a, lengths.b], s.crossToBi.batchSize) : randomBi;
  return {
    crossStep: { batch: s.biToCross.batchSize, length: lengthBucket(crossPadded, s.biToCross.maxLength) },
    biStep: { batch: s.crossToBi.batchSize, length: lengthBucket(biPadded, s.crossToBi.maxLength) },
    // SimCSE keeps random batches: its steps are priced from the random-batch bi-encoder length.
    simcseLength: lengthBucket(randomBi, s.crossToBi.maxLength),
    inferBiLength: lengthBucket(mean([...lengths.a, ...lengths.b]), s.crossToBi.maxLength),
    inferCrossLength: lengthBucket(mean(lengths.pairs), s.biToCross.maxLength),
  };
}

function itemsFor(shapes: Shapes, s: TransEncoderSettings, withKnn: boolean): CostItem[] {
  const items: CostItem[] = [
    { what: 'train', kind: 'cross', ...shapes.crossStep, dropout: s.dropout },
    { what: 'train', kind: 'bi', ...shapes.biStep, dropout: s.dropout },
    { what: 'infer', kind: 'bi', batch: INFER_BATCH, length: shapes.inferBiLength },
    { what: 'infer', kind: 'cross', batch: INFER_BATCH, length: shapes.inferCrossLength },
    { what: 'checkpoint', kind: 'cross' },
    { what: 'checkpoint', kind: 'bi' },
    { what: 'save' },
    { what: 'load' },
  ];
  if (withKnn) items.push({ what: 'knn' });
  return items;
}

function checkpoints(steps: number, every: number): number {
  return every > 0 && steps > 0 ? Math.floor((steps - 1) / every) : 0;
}

const machine = () => `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}`;

/**
 * Estimates runs; one per engine. Measurements are serialised (two at once would slow each
 * other down) and shared between requests that need the same shape.
 */
export class TrainingEstimator {
  private entries: Record<string, CacheEntry> | null = null;
  private readonly inflight = new Map<string, Promise<void>>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Where a measurement ran on another backend than `backend()` said (it then wins). */
  private measuredBackend: string | null = null;

  constructor(private readonly options: TrainingEstimatorOptions) {}

  async estimate(req: EstimateRequest): Promise<TrainingEstimate> {
    if (!req.bases.length) throw new Error('an estimate needs at least one base model');
    const s = req.settings;
    const plan = planPairs(req.source, s);
    const backend = this.measuredBackend ?? (await this.options.backend());
    const perBase = new Map<string, { shapes: Shapes; costs: Map<string, CacheEntry>; sampled: number }>();
    for (const [k, base] of req.bases.entries()) {
      const key = baseKey(base);
      if (perBase.has(key)) continue;
      const lengths = sampleLengths(req.source, base, s);
      // Data-parallel steps (issue 14) split each batch by length: fewer padded tokens per step.
      const shapes = shapesFor(lengths, s, backend === 'wasm' && base.kind === 'builtin' ? trainThreads() : 1);
      const items = itemsFor(shapes, s, k === 0 && plan.minedTexts > 0);
      const costs = await this.ensure(backend, base, items);
      perBase.set(key, { shapes, costs, sampled: lengths.sampled });
    }
    return composeEstimate(req, plan, this.measuredBackend ?? backend, perBase);
  }

  /** Cached measurements of `items` for `base`, measuring the missing ones. */
  private async ensure(backend: string, base: BaseSpec, items: CostItem[]): Promise<Map<string, CacheEntry>> {
    const entries = this.load();
    // On wasm the products run natively or on XNNPACK (backend/nativeMatMul.ts): 2-3x apart.
    const keyOf = (b: string, item: CostItem) =>
      `${APP_VERSION}|${machine()}|${b === 'wasm' ? `wasm+${plannedMatMulTag()}` : b}|${baseKey(base)}|${costItemKey(item)}`;
    const fresh = (e: CacheEntry | undefined) => e !== undefined && Date.now() - Date.parse(e.measuredAt) < MAX_AGE_MS;
    const missing = items.filter((i) => !fresh(entries[keyOf(backend, i)]) && !this.inflight.has(keyOf(backend, i)));
    if (missing.length) {
      const run = this.queue.then(async () => {
        const m = await this.options.measure(base, missing);
        if (m.backend !== backend) this.measuredBackend = m.backend;
        const measuredAt = new Date().toISOString();
        for (const c of m.costs) {
          const entry = { seconds: c.seconds, measuredAt, loadPerCore: m.loadPerCore };
          entries[keyOf(m.backend, c.item)] = entry;
          // Requests wait under the backend they asked for.
          entries[keyOf(backend, c.item)] = entry;
        }
        this.save();
      });
      this.queue = run.catch(() => undefined);
      for (const i of missing) {
        const key = keyOf(backend, i);
        const done = run.finally(() => this.inflight.delete(key));
        this.inflight.set(key, done);
      }
    }
    await Promise.all(items.map((i) => this.inflight.get(keyOf(backend, i))));
    const out = new Map<string, CacheEntry>();
    for (const i of items) {
      const e = entries[keyOf(backend, i)];
      if (!e || !Number.isFinite(e.seconds) || e.seconds <= 0) throw new Error(`measuring ${costItemKey(i)} on ${backend} gave no usable time`);
      out.set(costItemKey(i), e);
    }
    return out;
  }

  private load(): Record<string, CacheEntry> {
    if (this.entries) return this.entries;
    this.entries = {};
    const file = this.options.cacheFile;
    if (file && fs.existsSync(file)) {
      try {
        const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: number; entries?: Record<string, CacheEntry> };
        if (json.version === 1 && json.entries) this.entries = json.entries;
      } catch {
        // A damaged cache is measured again.
      }
    }
    return this.entries;
  }

  private save(): void {
    const file = this.options.cacheFile;
    if (!file || !this.entries) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeJsonAtomic(file, { version: 1, entries: this.entries });
    } catch {
      // Keeping the measurements is a convenience; the memory cache still has them.
    }
  }
}

function composeEstimate(
  req: EstimateRequest,
  plan: PairPlan,
  backend: string,
  perBase: Map<string, { shapes: Shapes; costs: Map<string, CacheEntry>; sampled: number }>,
): TrainingEstimate {
  const s = req.settings;
  const n = plan.train;
  const h = plan.heldOut;
  const stepsB2C = fitSteps(2 * n, s.biToCross.batchSize, s.biToCross.epochs);
  const stepsC2B = fitSteps(n, s.crossToBi.batchSize, s.crossToBi.epochs);
  const trainTexts = distinctAmong(n, plan.candidates, plan.distinctTexts);
  const heldTexts = distinctAmong(h, plan.candidates, plan.distinctTexts);
  const userTexts = 2 * (req.userLabelPairs ?? 0);
  const b = { setup: 0, labelling: 0, biToCross: 0, crossToBi: 0, evaluation: 0 };
  const perMember: TrainingEstimate['perMember'] = [];
  let busiest = 0;
  // Raw masked-LM members first go through SimCSE on the run's sentences (transEncoder.ts).
  const simcseMembers = s.simcse.epochs > 0 ? req.bases.filter((base) => !isSentenceEncoderBase(base)).length : 0;
  const simcseSteps = fitSteps(Math.round(trainTexts), s.simcse.batchSize, s.simcse.epochs);

  for (const [k, base] of req.bases.entries()) {
    const { shapes, costs } = perBase.get(baseKey(base))!;
    const c = (item: CostItem) => {
      const e = costs.get(costItemKey(item))!;
      busiest = Math.max(busiest, e.loadPerCore);
      return e.seconds;
    };
    const crossStep = c({ what: 'train', kind: 'cross', ...shapes.crossStep, dropout: s.dropout });
    const biStep = c({ what: 'train', kind: 'bi', ...shapes.biStep, dropout: s.dropout });
    const perText = c({ what: 'infer', kind: 'bi', batch: INFER_BATCH, length: shapes.inferBiLength }) / INFER_BATCH;
    const perPair = c({ what: 'infer', kind: 'cross', batch: INFER_BATCH, length: shapes.inferCrossLength }) / INFER_BATCH;
    const save = c({ what: 'save' });
    perMember.push({
      base: baseKey(base),
      biToCrossStep: { ...shapes.crossStep, seconds: crossStep },
      crossToBiStep: { ...shapes.biStep, seconds: biStep },
      scoring: { perText, perPair },
    });

    // Start: models built, start weights written; member 0 mines a corpus.
    b.setup += c({ what: 'load' }) + 2 * save;
    // A SimCSE step is two forward passes of one batch, like a cross->bi step: its cost is
    // taken as that step's, scaled by the batch size (an approximation, not measured itself).
    if (s.simcse.epochs > 0 && !isSentenceEncoderBase(base))
      b.setup += simcseSteps * biStep * (s.simcse.batchSize / shapes.biStep.batch) * (shapes.simcseLength / shapes.biStep.length) + save;
    if (k === 0 && plan.minedTexts > 0) {
      const m = plan.minedTexts;
      b.setup += m * perText + c({ what: 'knn' }) * m * m + plan.lexicalSeconds;
    }
    // Per cycle: each phase labels with every member, then trains each member (with its
    // checkpoints and the end-of-phase weights file).
    b.labelling += s.cycles * (trainTexts * perText + 2 * n * perPair);
    b.biToCross += s.cycles * (stepsB2C * crossStep + checkpoints(stepsB2C, s.checkpointEverySteps) * c({ what: 'checkpoint', kind: 'cross' }) + save);
    b.crossToBi += s.cycles * (stepsC2B * biStep + checkpoints(stepsC2B, s.checkpointEverySteps) * c({ what: 'checkpoint', kind: 'bi' }) + save);
    // End of each cycle: both models of every member saved; the first member scores the
    // held-out pairs (and the user's pairs, also once before the run).
    b.evaluation += s.cycles * 2 * save;
    if (k === 0) b.evaluation += s.cycles * (heldTexts * perText + 2 * h * perPair + userTexts * perText) + userTexts * perText;
  }

  const seconds = b.setup + b.labelling + b.biToCross + b.crossToBi + b.evaluation;
  const first = perMember[0]!;
  const fmt = (x: number) => (x < 0.1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`);
  const basis = [
    `Backend: ${backendLabel(backend)}; costs measured on this machine with the run's own models.`,
    `Pairs: ${n} for training, ${h} held out (${plan.note}).`,
    `Steps: ${stepsB2C} bi->cross + ${stepsC2B} cross->bi per cycle and model, ${s.cycles} cycle(s), ${req.bases.length} model(s).`,
    `One bi->cross step (cross-encoder, ${first.biToCrossStep.batch} pairs x ${first.biToCrossStep.length} tokens): ${fmt(first.biToCrossStep.seconds)}; ` +
      `one cross->bi step (bi-encoder, 2 x ${first.crossToBiStep.batch} texts x ${first.crossToBiStep.length} tokens): ${fmt(first.crossToBiStep.seconds)}.`,
    `Scoring: ${fmt(first.scoring.perText)} per text (bi-encoder), ${fmt(first.scoring.perPair)} per pair (cross-encoder).`,
    ...(simcseMembers
      ? [`SimCSE first for ${simcseMembers} raw masked-LM model(s): ${simcseSteps} steps each, priced as cross->bi steps scaled to its batch.`]
      : []),
    `Token lengths from ${perBase.get(first.base)!.sampled} ${req.source.kind === 'pairs' ? 'of the pairs' : 'random pairs of the sentences'}.`,
  ];
  if (busiest > 1) basis.push(`The CPU was busy while measuring (load ${busiest.toFixed(1)} per core): the estimate may be long.`);
  return {
    seconds,
    summary: `${roughDuration(seconds)} on ${backendLabel(backend)}`,
    breakdown: b,
    steps: {
      biToCross: s.cycles * req.bases.length * stepsB2C,
      crossToBi: s.cycles * req.bases.length * stepsC2B,
      total: planTotalSteps(n, req.bases.length, s, { members: simcseMembers, sentences: Math.round(trainTexts) }),
    },
    pairs: { train: n, heldOut: h, candidates: plan.candidates, exact: plan.exact },
    members: req.bases.length,
    backend,
    backendLabel: backendLabel(backend),
    perMember,
    basis,
  };
}
