import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir, Engine } from '../engine/api/engine';
import { ApiError } from '../engine/api/errors';
import { startServer } from '../server/server';
import type { JobSnapshot, TrainEstimate } from '../shared/api';
import { createProgressPrinter } from './progressPrinter';
import { demo } from './demo';
import { datasetPath } from '../engine/eval/stsData';
import { readPairsTsv } from '../engine/text';

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
  tenc eval <PAIRS.tsv|DATASET> [--model ID|glove] [--as bi|cross] score a model on scored pairs
             (DATASET: a name from ../shared/data, e.g. stsb-dev, sts12, mrpc-train)
  tenc check "text a" "text b" [--model ID|glove] [--cross ID|glove]   paraphrase check of two texts
  tenc dedup FOLDER... [--model ID] [--cross ID] [--threshold COS] [--near JACCARD] [--no-semantic]
             [--report out.html|.csv|.json] [--move-to DIR]     find duplicates; --move-to moves the
             suggested duplicates (never deletes; undo with: tenc undo BATCH_ID)
  tenc undo BATCH_ID                                         put the files of a move back
  tenc check --pairs PAIRS.tsv [--model ID] [--cross ID] [--out scores.tsv]

Options:
  --data-dir DIR   where the database, models and quarantine live (default: $TENC_DATA_DIR or ~/.transencoder-studio)
  -h, --help       this text
`;

type Command = (args: string[]) => Promise<number>;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const commands: Record<string, Command> = { serve, index, info, train, runs, demo, eval: evaluate, check, dedup, undo };
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command ? 0 : 1;
  }
  const run = commands[command];
  if (!run) {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
    return 2;
  }
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

async function waitForJob(engine: Engine, jobId: string): Promise<JobSnapshot> {
  const print = createProgressPrinter();
  const onEvent = (e: { type: string; job: JobSnapshot }) => e.job.id === jobId && print(e.job);
  engine.events.on('event', onEvent);
  const cancel = () => engine.jobs.cancel(jobId);
  process.once('SIGINT', cancel);
  try {
    return (await engine.jobs.wait(jobId))!;
  } finally {
    process.off('SIGINT', cancel);
    engine.events.off('event', onEvent);
  }
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
async function modelIdFrom(engine: Engine, value: string | undefined): Promise<number | null> {
  if (value === undefined || value === 'builtin') return null;
  if (value === 'glove') return engine.gloveModelId();
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw new Error(`--model takes a model id (see tenc runs / models), builtin or glove, not ${JSON.stringify(value)}`);
  return id;
}

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
      mutualLabels: values['mutual-labels'] as 'mean' | 'fidelity' | undefined,
    };
    const common = { preset: values.preset as 'quick', base, mutual, overrides };
    let request: typeof common & ({ corpusId: number } | { pairsFile: string });
    if (fs.statSync(target).isDirectory()) {
      const name = values.name ?? `${path.basename(target)} ${new Date().toISOString().slice(0, 19)}`;
      const { jobId } = await engine.invoke('corpora.create', { name, path: target });
      const indexed = await waitForJob(engine, jobId);
      if (indexed.status !== 'done') throw new Error(indexed.error ?? indexed.message ?? indexed.status);
      request = { ...common, corpusId: (indexed.result as { corpusId: number }).corpusId };
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
  const step = (x: { batch: number; length: number; seconds: number }, what: string) => `${x.seconds.toFixed(2)} s per step of ${x.batch} ${what} x ${x.length} tokens`;
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
  const { jobId } = await engine.invoke('eval.run', { file, modelId: await modelIdFrom(engine, values.model), as: values.as as 'bi' | 'cross' });
  const job = await waitForJob(engine, jobId);
  if (job.status !== 'done') throw new Error(job.error ?? job.status);
  process.stdout.write(JSON.stringify(job.result, null, 2) + '\n');
  return 0;
  });
}

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
  return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
  const common = {
    biModelId: await modelIdFrom(engine, values.model),
    crossModelId: await modelIdFrom(engine, values.cross),
    threshold: values.threshold !== undefined ? Number(values.threshold) : undefined,
  };
  if (values.pairs) {
    const rows = await readPairsTsv(path.resolve(values.pairs));
    const lines = ['bi_score\tcross_score\tverdict\tsentence1\tsentence2'];
    for (const [i, r] of rows.entries()) {
      const c = await engine.invoke('check.pair', { a: r.a, b: r.b, ...common });
      lines.push(`${c.biScore.toFixed(4)}\t${c.crossScore?.toFixed(4) ?? ''}\t${c.verdict}\t${r.a}\t${r.b}`);
      if (i % 50 === 0) process.stderr.write(`\r${i + 1}/${rows.length}`);
    }
    process.stderr.write(`\r${rows.length}/${rows.length}\n`);
    if (values.out) fs.writeFileSync(values.out, lines.join('\n') + '\n');
    else process.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  if (positionals.length !== 2) throw new Error('give two texts in quotes, or --pairs FILE');
  const r = await engine.invoke('check.pair', { a: positionals[0]!, b: positionals[1]!, ...common });
  process.stdout.write(`${r.verdict} (${r.basis} score ${(r.crossScore ?? r.biScore).toFixed(3)}, threshold ${r.threshold}; bi ${r.biScore.toFixed(3)}${r.crossScore !== null ? `, cross ${r.crossScore.toFixed(3)}` : ''})${r.truncated ? ' [input truncated]' : ''}\n`);
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
      'data-dir': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error('give at least one folder to scan');
  const roots = positionals.map((p) => path.resolve(p));
  return withEngine({ dataDir: dataDirFrom(values['data-dir']), allowedRoots: roots }, async (engine) => {
  const { jobId } = await engine.invoke('dedup.scan', {
    roots,
    semantic: !values['no-semantic'],
    biModelId: await modelIdFrom(engine, values.model),
    crossModelId: await modelIdFrom(engine, values.cross),
    thresholds: {
      semantic: values.threshold !== undefined ? Number(values.threshold) : undefined,
      near: values.near !== undefined ? Number(values.near) : undefined,
    },
  });
  const job = await waitForJob(engine, jobId);
  if (job.status !== 'done') throw new Error(job.error ?? job.status);
  const { scanId } = job.result as { scanId: number };
  const report = await engine.invoke('dedup.report', { scanId });
  process.stdout.write(`scan ${scanId}: ${report.clusters.length} duplicate groups\n`);
  const skippedNote = (report.scan.stats as { passageFuzzySkipped?: string | null } | null)?.passageFuzzySkipped;
  if (skippedNote) process.stdout.write(`note: ${skippedNote}\n`);
  for (const c of report.clusters.slice(0, 50)) {
    process.stdout.write(`  [${c.level}, ${c.layer}${c.score !== null ? ` ${c.score.toFixed(3)}` : ''}] keep ${c.keepPath ?? '-'}\n`);
    for (const m of c.members.filter((m) => !m.keep)) process.stdout.write(`      ${m.path}\n`);
  }
  if (values.report) {
    const format = values.report.endsWith('.csv') ? 'csv' : values.report.endsWith('.json') ? 'json' : 'html';
    const { content } = await engine.invoke('dedup.export', { scanId, format });
    fs.writeFileSync(values.report, content);
    process.stdout.write(`report written to ${values.report}\n`);
  }
  if (values['move-to']) {
    // Whole-file duplicates only: passages are parts of files that are kept.
    const ids = report.clusters.filter((c) => c.level === 'file').flatMap((c) => c.members.filter((m) => !m.keep).map((m) => m.documentId));
    if (ids.length === 0) {
      process.stdout.write('nothing to move\n');
    } else {
      const target = path.resolve(values['move-to']);
      fs.mkdirSync(target, { recursive: true });
      const moved = await quarantineTo(engine, scanId, ids, target);
      process.stdout.write(`moved ${moved.done.length} file(s) to ${target}; refused ${moved.refused.length}${moved.refused.map((r) => `\n  ${r.sourcePath}: ${r.reason}`).join('')}\nundo with: tenc undo ${moved.batchId}${values['data-dir'] ? ` --data-dir ${values['data-dir']}` : ''}\n`);
    }
  }
  return 0;
  });
}

/** --move-to: the same safe move as the app's quarantine, into a folder the user named. */
async function quarantineTo(engine: Engine, scanId: number, documentIds: number[], dir: string) {
  const { quarantineFiles } = await import('../engine/dedup');
  const r = await quarantineFiles({ store: engine.store, scanId, documentIds, quarantineDir: dir });
  return {
    batchId: r.batchId,
    done: r.moved.map((o) => ({ sourcePath: o.sourcePath, destPath: o.destPath ?? '' })),
    refused: r.refused.map((o) => ({ sourcePath: o.sourcePath, reason: o.message ?? 'refused' })),
  };
}

async function undo(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'data-dir': { type: 'string' } } });
  if (positionals.length !== 1) throw new Error('give the batch id that the move printed');
  return withEngine({ dataDir: dataDirFrom(values['data-dir']) }, async (engine) => {
  const r = await engine.invoke('dedup.undo', { batchId: positionals[0]! });
  process.stdout.write(`restored ${r.done.length} file(s); refused ${r.refused.length}${r.refused.map((x) => `\n  ${x.sourcePath}: ${x.reason}`).join('')}\n`);
  return r.refused.length ? 1 : 0;
  });
}
