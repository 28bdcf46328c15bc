import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { defaultDataDir, Engine } from '../engine/api/engine';
import { ApiError } from '../engine/api/errors';
import { startServer } from '../server/server';
import { jobResultOf, type JobSnapshot, type TrainEstimate } from '../shared/api';
import { choice } from './choice';
import { createCountPrinter, createProgressPrinter } from './progressPrinter';
import { resolveModelRef } from './modelRef';
import { waitForJob as waitForJobThroughApi } from './jobWait';
import { demo } from './demo';
import { describeTrainOutcome } from './trainOutcome';
import { datasetPath } from '../engine/eval/stsData';
import { readPairsFile } from '../engine/text';
import { displayPath } from '../engine/fs/pathBytes';
import { assertOrdinaryFileSystem } from '../engine/fs/specialFs';
import { onGloveConversionProgress } from '../engine/models/glove';

const HELP = `tenc — TransEncoder Studio from the command line

Usage:
  tenc demo [--data-dir DIR]                                 the main job on the built-in model, end to end
  tenc serve [--port N] [--allow DIR]... [--data-dir DIR]   local browser UI on 127.0.0.1
  tenc index DIR [--name NAME] [--data-dir DIR]              index a folder as a corpus
  tenc info [--data-dir DIR]                                 data folder, schema, corpora
  tenc train <FOLDER|PAIRS.tsv> [--preset quick|standard|paper] [--base builtin|glove|HF_DIR]
             [--mutual builtin|glove|HF_DIR] [--cycles N] [--max-pairs N]  Trans-Encoder training
             [--mutual-labels mean|fidelity]  mutual labels: plain mean (paper) or by each cross-encoder's fidelity
             [--estimate]   only print how long it would take on this machine (measured), then exit
  tenc train --resume RUN_ID                                 continue a paused or interrupted run
  tenc runs                                                  training runs and their results
  tenc models                                                models: ids, names, kinds
  tenc eval <PAIRS.tsv|DATASET> [--model MODEL] [--as bi|cross] score a model on scored pairs
             (DATASET: a name from ../shared/data, e.g. stsb-dev, sts12, mrpc-train)
  tenc check "text a" "text b" [--model MODEL] [--cross MODEL]  paraphrase check of two texts
  tenc dedup FOLDER... [--model ID] [--cross ID] [--threshold COS] [--near JACCARD] [--no-semantic]
             [--report out.html|.csv|.json] [--move-to DIR [--include-semantic]]
             find duplicates; --move-to moves the suggested exact and near duplicates (never deletes;
             the batch id is printed before the first move; undo with: tenc undo BATCH_ID);
             --include-semantic moves the suggested copies of same-meaning groups too
  tenc undo BATCH_ID [--force]                               put the files of a move back (--force: also
             files that changed in quarantine, as they are now)
  tenc undo --list                                           quarantine batches: id, time, files, state
  tenc check --pairs PAIRS.tsv [--model MODEL] [--cross MODEL] [--out scores.tsv]

  MODEL: builtin (the built-in USE lite), glove (GloVe word vectors), a model id, or a model's name or folder (tenc models)

Options:
  --data-dir DIR   where the database, models and quarantine live (default: $TENC_DATA_DIR or ~/.transencoder-studio)
  -h, --help       this text
`;

type Command = (args: string[]) => Promise<number>;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const commands: Record<string, Command> = { serve, index, info, train, runs, models, demo, eval: evaluate, check, dedup, undo };
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 1;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
  // GloVe's vectors are converted once, on first use (a minute or so): say so while it runs.
  let lastPct = -1;
  onGloveConversionProgress((p) => {
    const pct = Math.floor((100 * p.bytesRead) / p.totalBytes);
    if (pct !== lastPct) process.stderr.write(`\rconverting the GloVe word vectors (once): ${pct}%${pct === 100 ? '\n' : ''}`);
    lastPct = pct;
  });
  try {
    return await run(rest);
  } catch (err) {
    const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`tenc ${command}: ${message}\n`);
    return 1;
  }
}

function dataDirFrom(value: string | undefined): string {
  return path.resolve(value ?? defaultDataDir());
}

/** Opens the engine for one command and always closes it. */
async function withEngine<T>(opts: { dataDir: string; allowedRoots?: string[] }, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open({ ...opts, transport: 'direct' });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Waits for a job (progress on stderr) and returns its result, or throws saying why it did not finish. */
async function jobResult(engine: Engine, jobId: string): Promise<unknown> {
  const job = await waitForJob(engine, jobId);
  if (job.status !== 'done') throw new Error(job.error ?? job.message ?? job.status);
  return job.result;
}

/** Waits for a job through the API, its progress on stderr. */
function waitForJob(engine: Engine, jobId: string): Promise<JobSnapshot> {
  return waitForJobThroughApi(engine, jobId, createProgressPrinter());
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '0' },
      allow: { type: 'string', multiple: true, default: [] },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  const engine = await Engine.open({ dataDir: dataDirFrom(values['data-dir']), transport: 'http', allowedRoots: values.allow });
  const staticDir = path.resolve(import.meta.dirname, '../../out/renderer');
  // Build the UI on first run (or after its sources changed), so the README's two commands show the app.
  const ensure = path.resolve(import.meta.dirname, '../../scripts/ensure-renderer.mjs');
  const { ensureRenderer } = (await import(pathToFileURL(ensure).href)) as { ensureRenderer: () => boolean };
  ensureRenderer();
  const server = await startServer({ engine, staticDir, port, token: values.token ?? process.env.TENC_SERVER_TOKEN });
  process.stdout.write(`TransEncoder Studio is serving on ${server.url}\nOpen: ${server.launchUrl}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await engine.close();
  return 0;
}

async function index(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new Error('give exactly one folder to index');
  const folder = path.resolve(positionals[0]!);
  return withEngine({ dataDir: dataDirFrom(values['data-dir']), allowedRoots: [folder] }, async (engine) => {
    const { jobId } = await engine.invoke('corpora.create', { name: values.name ?? path.basename(folder), path: folder });
    const job = await waitForJob(engine, jobId);
    if (job.status !== 'done') throw new Error(job.error ?? job.message ?? job.status);
    process.stdout.write(JSON.stringify(job.result, null, 2) + '\n');
    return 0;
  });
}

async function info(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } } });
  return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
    const appInfo = await engine.invoke('app.info', {});
    const corpora = await engine.invoke('corpora.list', {});
    process.stdout.write(JSON.stringify({ ...appInfo, corpora }, null, 2) + '\n');
    return 0;
  });
}

function baseFrom(value: string | undefined): { kind: 'builtin'; name: 'use-lite' | 'glove' } | { kind: 'hf'; dir: string } | undefined {
  if (value === undefined) return undefined;
  if (value === 'glove') return { kind: 'builtin', name: 'glove' };
  return value === 'builtin' || value === 'use-lite' ? { kind: 'builtin', name: 'use-lite' } : { kind: 'hf', dir: path.resolve(value) };
}

/** A --model / --cross value: a model id, or `glove` (the GloVe base; `builtin` is the default model). */
async function train(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      preset: { type: 'string', default: 'quick' },
      base: { type: 'string' },
      mutual: { type: 'string' },
      'mutual-labels': { type: 'string' },
      cycles: { type: 'string' },
      'max-pairs': { type: 'string' },
      resume: { type: 'string' },
      estimate: { type: 'boolean', default: false },
      name: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const dataDir = dataDirFrom(values['data-dir']);
  const base = baseFrom(values.base);
  const mutual = baseFrom(values.mutual);
  const roots = [...positionals.map((p) => path.dirname(path.resolve(p))), ...positionals.map((p) => path.resolve(p))]
    .concat([base, mutual].flatMap((b) => (b?.kind === 'hf' ? [path.dirname(b.dir)] : [])))
    .filter((p) => fs.existsSync(p) && fs.statSync(p).isDirectory());
  return withEngine({ dataDir, allowedRoots: [...new Set(roots)] }, async (engine) => {
    let started: { jobId: string; runId: number };
    if (values.resume) {
      started = await engine.invoke('train.resume', { runId: Number(values.resume) });
    } else {
      if (positionals.length !== 1) throw new Error('give one folder of documents or one .tsv file of pairs');
      const target = path.resolve(positionals[0]!);
      if (!fs.existsSync(target)) throw new Error(`${target} does not exist`);
      const overrides = {
        cycles: values.cycles ? Number(values.cycles) : undefined,
        maxPairs: values['max-pairs'] ? Number(values['max-pairs']) : undefined,
        mutualLabels: choice(values['mutual-labels'], ['mean', 'fidelity'], '--mutual-labels'),
      };
      const common = { preset: choice(values.preset, ['quick', 'standard', 'paper'], '--preset'), base, mutual, overrides };
      let request: typeof common & ({ corpusId: number } | { pairsFile: string });
      if (fs.statSync(target).isDirectory()) {
        const name = values.name ?? `${path.basename(target)} ${new Date().toISOString().slice(0, 19)}`;
        const { jobId } = await engine.invoke('corpora.create', { name, path: target });
        const indexed = await waitForJob(engine, jobId);
        if (indexed.status !== 'done') throw new Error(indexed.error ?? indexed.message ?? indexed.status);
        const indexResult = jobResultOf(indexed, 'corpus.index');
        if (!indexResult) throw new Error(`indexing ended without a result (${indexed.kind})`);
        request = { ...common, corpusId: indexResult.corpusId };
      } else {
        request = { ...common, pairsFile: target };
      }
      // The estimate first (its first measurement of a shape takes a few steps' time).
      if (!values.estimate) process.stderr.write(`estimating the time on this machine...\n`);
      const estimate = await engine.invoke('train.estimate', request);
      const text = formatEstimate(estimate, values.preset ?? 'quick', 'corpusId' in request);
      if (values.estimate) {
        process.stdout.write(text);
        return 0;
      }
      process.stderr.write(text);
      started = await engine.invoke('train.start', request);
    }
    process.stderr.write(`training run ${started.runId} (data folder ${dataDir})\n`);
    const job = await waitForJob(engine, started.jobId);
    if (job.status === 'cancelled') {
      process.stderr.write(`paused: resume with  tenc train --resume ${started.runId}${values['data-dir'] ? ` --data-dir ${values['data-dir']}` : ''}\n`);
      return 130;
    }
    if (job.status !== 'done') throw new Error(job.error ?? job.status);
    process.stdout.write(JSON.stringify(job.result, null, 2) + '\n');
    const trainResult = jobResultOf(job, 'train');
    const outcome = trainResult && describeTrainOutcome(trainResult);
    if (outcome) process.stderr.write(`run ${started.runId}: ${outcome}\n`);
    return 0;
  });
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** The estimate of a run as a few lines a person reads before it starts. */
function formatEstimate(e: TrainEstimate, preset: string, mined: boolean): string {
  const m = e.perMember[0]!;
  const step = (x: { batch: number; length: number; seconds: number }, what: string) =>
    `${x.seconds.toFixed(2)} s per step of ${x.batch} ${what} x ${x.length} tokens`;
  const rows: [string, number, string][] = [
    ['setup', e.breakdown.setup, mined ? 'loading models, mining pairs from the sentences' : 'loading models'],
    ['labelling', e.breakdown.labelling, `${(m.scoring.perText * 1000).toFixed(1)} ms per text, ${(m.scoring.perPair * 1000).toFixed(1)} ms per pair`],
    ['bi->cross', e.breakdown.biToCross, `${e.steps.biToCross} steps, ${step(m.biToCrossStep, 'pairs')}`],
    ['cross->bi', e.breakdown.crossToBi, `${e.steps.crossToBi} steps, ${step(m.crossToBiStep, 'text pairs')}`],
    ['evaluation', e.breakdown.evaluation, 'saving models, scoring held-out pairs'],
  ];
  return [
    `Estimated time (${preset}${e.members > 1 ? `, ${e.members} models` : ''}): ${e.summary}`,
    ...rows.map(([name, s, what]) => `  ${name.padEnd(11)} ${duration(s).padStart(11)}   ${what}`),
    ...e.basis.map((b) => `  - ${b}`),
    '',
  ].join('\n');
}

async function runs(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } } });
  return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
    process.stdout.write(JSON.stringify(await engine.invoke('runs.list', {}), null, 2) + '\n');
    return 0;
  });
}

async function models(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } } });
  return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
    const rows = await engine.invoke('models.list', {});
    process.stdout.write(['id\tkind\tname\tfolder', ...rows.map((m) => `${m.id}\t${m.kind}\t${m.name}\t${m.relDir}`)].join('\n') + '\n');
    return 0;
  });
}

/** The model ids that --model / --cross name (see resolveModelRef for what may be typed). */
async function modelIds(engine: Engine, bi: string | undefined, cross: string | undefined, crossRole: 'bi' | 'cross' = 'cross') {
  const needList = [bi, cross].some((v) => v !== undefined);
  const list = needList ? await engine.invoke('models.list', {}) : [];
  // `glove` names the GloVe base, registered on first use (its vectors converted once).
  const resolve = async (v: string | undefined, role: 'bi' | 'cross') =>
    v?.trim().toLowerCase() === 'glove' ? engine.gloveModelId() : resolveModelRef(v, role, list);
  return { biModelId: await resolve(bi, 'bi'), crossModelId: await resolve(cross, crossRole) };
}

async function evaluate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { model: { type: 'string' }, as: { type: 'string', default: 'bi' }, 'data-dir': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new Error('give one TSV file of scored pairs or a dataset name');
  const arg = positionals[0]!;
  const looksLikePath = arg.includes(path.sep) || arg.endsWith('.tsv');
  if (looksLikePath && !fs.existsSync(arg)) throw new Error(`no such file: ${arg}`);
  const file = looksLikePath ? path.resolve(arg) : datasetPath(arg);
  return withEngine({ dataDir: dataDirFrom(values['data-dir']), allowedRoots: [path.dirname(file)] }, async (engine) => {
    const as = choice(values.as, ['bi', 'cross'], '--as');
    const { biModelId, crossModelId } = await modelIds(engine, as === 'bi' ? values.model : undefined, as === 'cross' ? values.model : undefined);
    const { jobId } = await engine.invoke('eval.run', { file, modelId: as === 'cross' ? crossModelId : biModelId, as });
    const job = await waitForJob(engine, jobId);
    if (job.status !== 'done') throw new Error(job.error ?? job.status);
    process.stdout.write(JSON.stringify(job.result, null, 2) + '\n');
    return 0;
  });
}

const CHECK_BATCH = 128;

async function check(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      cross: { type: 'string' },
      pairs: { type: 'string' },
      out: { type: 'string' },
      threshold: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  const threshold = values.threshold !== undefined ? Number(values.threshold) : undefined;
  if (threshold !== undefined && !(threshold >= -1 && threshold <= 1)) throw new Error(`--threshold must be a number from -1 to 1, got ${values.threshold}`);
  return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
    const common = { ...(await modelIds(engine, values.model, values.cross)), threshold };
    if (values.pairs) {
      const { pairs: rows, problems } = await readPairsFile(path.resolve(values.pairs));
      // Bad lines are reported once, and the good ones are still checked.
      for (const p of problems) process.stderr.write(`${values.pairs}, line ${p.line}: skipped: ${p.reason}\n`);
      if (rows.length === 0) throw new Error(`${values.pairs} holds no pair that can be read`);
      const lines = ['bi_score\tcross_score\tverdict\tsentence1\tsentence2'];
      const progress = createCountPrinter('checked', rows.length);
      // Batches of pairs per API call: one model pass each, progress between them.
      for (let start = 0; start < rows.length; start += CHECK_BATCH) {
        const batch = rows.slice(start, start + CHECK_BATCH);
        const checks = await engine.invoke('check.pairs', { pairs: batch.map((r) => ({ a: r.a, b: r.b })), ...common });
        checks.forEach((c, i) => lines.push(`${c.biScore.toFixed(4)}\t${c.crossScore?.toFixed(4) ?? ''}\t${c.verdict}\t${batch[i]!.a}\t${batch[i]!.b}`));
        progress(start + batch.length);
      }
      if (values.out) fs.writeFileSync(values.out, lines.join('\n') + '\n');
      else process.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    if (positionals.length !== 2) throw new Error('give two texts in quotes, or --pairs FILE');
    const r = await engine.invoke('check.pair', { a: positionals[0]!, b: positionals[1]!, ...common });
    process.stdout.write(
      `${r.verdict} (${r.basis} score ${(r.crossScore ?? r.biScore).toFixed(3)}, threshold ${r.threshold}; bi ${r.biScore.toFixed(3)}${r.crossScore !== null ? `, cross ${r.crossScore.toFixed(3)}` : ''})${r.truncated ? ' [input truncated]' : ''}\n`,
    );
    return 0;
  });
}

async function dedup(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      cross: { type: 'string' },
      threshold: { type: 'string' },
      near: { type: 'string' },
      'no-semantic': { type: 'boolean', default: false },
      report: { type: 'string' },
      'move-to': { type: 'string' },
      'include-semantic': { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error('give at least one folder to scan');
  if (values['include-semantic'] && !values['move-to']) throw new Error('--include-semantic goes with --move-to');
  // Said before the scan, not after it: a --move-to folder on a kernel file system.
  if (values['move-to']) assertOrdinaryFileSystem(values['move-to'], 'quarantine folder (--move-to)');
  const roots = positionals.map((p) => path.resolve(p));
  // The folder named by --move-to is the user's choice too: granted like the scanned folders.
  const moveTo = values['move-to'] !== undefined ? path.resolve(values['move-to']) : undefined;
  if (moveTo) fs.mkdirSync(moveTo, { recursive: true });
  return withEngine({ dataDir: dataDirFrom(values['data-dir']), allowedRoots: moveTo ? [...roots, moveTo] : roots }, async (engine) => {
    const { jobId } = await engine.invoke('dedup.scan', {
      roots,
      semantic: !values['no-semantic'],
      ...(await modelIds(engine, values.model, values.cross)),
      thresholds: {
        semantic: values.threshold !== undefined ? Number(values.threshold) : undefined,
        near: values.near !== undefined ? Number(values.near) : undefined,
      },
    });
    const job = await waitForJob(engine, jobId);
    if (job.status !== 'done') throw new Error(job.error ?? job.status);
    const scanResult = jobResultOf(job, 'dedup');
    if (!scanResult) throw new Error(`the scan ended without a result (${job.kind})`);
    const { scanId } = scanResult;
    const report = await engine.invoke('dedup.report', { scanId });
    process.stdout.write(`scan ${scanId}: ${report.clusters.length} duplicate groups\n`);
    const skippedNote = report.scan.stats?.passageFuzzySkipped;
    if (skippedNote) process.stdout.write(`note: ${skippedNote}\n`);
    for (const c of report.clusters.slice(0, 50)) {
      process.stdout.write(
        `  [${c.level}, ${c.layer}${c.score !== null ? ` ${c.score.toFixed(3)}` : ''}] keep ${c.keepPath ? displayPath(c.keepPath) : '-'}\n`,
      );
      for (const m of c.members.filter((m) => !m.keep)) process.stdout.write(`      ${displayPath(m.path)}\n`);
    }
    if (values.report) {
      const format = values.report.endsWith('.csv') ? 'csv' : values.report.endsWith('.json') ? 'json' : 'html';
      const { content } = await engine.invoke('dedup.export', { scanId, format });
      fs.writeFileSync(values.report, content);
      process.stdout.write(`report written to ${values.report}\n`);
    }
    if (values['move-to']) {
      // Whole-file duplicates only (passages are parts of files that are kept), and by default
      // only groups of the same text (exact) or nearly (near): same-meaning groups are for review.
      const layers = values['include-semantic'] ? ALL_LAYERS : CONFIDENT_LAYERS;
      const fileClusters = report.clusters.filter((c) => c.level === 'file');
      // Members pre-selected by the scan (identical or nearly identical to their group's kept file);
      // with --include-semantic, every member but the kept one. Hard links (same-file) never move.
      const movable = fileClusters.filter((c) => c.layer !== 'same-file');
      const chosen = (m: (typeof movable)[number]['members'][number]) => !m.keep && (values['include-semantic'] || m.preselect);
      const ids = [...new Set(movable.flatMap((c) => c.members.filter(chosen).map((m) => m.documentId)))];
      const leftForReview = movable.filter((c) => c.members.some((m) => !m.keep && !chosen(m))).length;
      if (leftForReview > 0) {
        process.stdout.write(
          `${leftForReview} group(s) with members alike in meaning only were not moved: review them (tenc dedup --report), or add --include-semantic\n`,
        );
      }
      if (ids.length === 0) {
        process.stdout.write('nothing to move\n');
      } else {
        const target = moveTo!;
        const dataDirArg = values['data-dir'] ? ` --data-dir ${values['data-dir']}` : '';
        // The batch id is chosen here and printed before the first move, so a crash mid-move
        // still leaves the user the id to undo with.
        const batchId = randomUUID();
        process.stdout.write(`moving ${ids.length} file(s) to ${target} as batch ${batchId} (undo with: tenc undo ${batchId}${dataDirArg})\n`);
        const moved = await engine.invoke('dedup.quarantine', { scanId, documentIds: ids, destDir: target, layers: [...layers], batchId });
        process.stdout.write(
          `moved ${moved.done.length} file(s) to ${target}; refused ${moved.refused.length}${moved.refused.map((r) => `\n  ${displayPath(r.sourcePath)}: ${r.reason}`).join('')}\nundo with: tenc undo ${moved.batchId}${dataDirArg}\n`,
        );
      }
    }
    return 0;
  });
}

const CONFIDENT_LAYERS: readonly DedupLayer[] = ['exact', 'near'];
const ALL_LAYERS: readonly DedupLayer[] = ['exact', 'near', 'semantic', 'cross'];
type DedupLayer = 'exact' | 'near' | 'semantic' | 'cross';

async function undo(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { list: { type: 'boolean', default: false }, force: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
  });
  if (values.list) {
    if (positionals.length) throw new Error('--list takes no batch id');
    return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
      const batches = await engine.invoke('dedup.batches', {});
      if (batches.length === 0) {
        process.stdout.write('no quarantine batches\n');
        return 0;
      }
      process.stdout.write(`${'batch'.padEnd(36)}  ${'time (UTC)'.padEnd(19)}  ${'files'.padStart(5)}  ${'in q.'.padStart(5)}  state\n`);
      for (const b of batches) {
        const files = b.planned ?? b.moved;
        const extra = b.pending ? ` (${b.pending} unfinished: run tenc undo ${b.batchId})` : '';
        process.stdout.write(
          `${b.batchId.padEnd(36)}  ${b.createdAt.slice(0, 19).replace('T', ' ')}  ${String(files).padStart(5)}  ${String(b.inQuarantine).padStart(5)}  ${b.state}${extra}${b.quarantineDir ? `  -> ${b.quarantineDir}` : ''}\n`,
        );
      }
      return 0;
    });
  }
  if (positionals.length !== 1) throw new Error('give the batch id that the move printed (tenc undo --list shows them)');
  return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
    const r = await engine.invoke('dedup.undo', { batchId: positionals[0]!, force: values.force });
    const notMoved = r.notMoved?.length ? `; ${r.notMoved.length} had not been moved (the batch was interrupted) and are in place` : '';
    process.stdout.write(
      `restored ${r.done.length} file(s)${notMoved}; refused ${r.refused.length}${r.refused.map((x) => `\n  ${displayPath(x.sourcePath)}: ${x.reason}`).join('')}\n`,
    );
    return r.refused.length ? 1 : 0;
  });
}
