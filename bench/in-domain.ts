/**
 * In-domain Trans-Encoder, the way a user trains: the sentences of one STS subset family (by
 * default every `headlines` pair of STS12-16) are written out as plain text files, indexed as a
 * corpus, and trained on with a preset through the app's API (pairs mined from the corpus by
 * the app itself: nearest neighbours, lexical and random). The family's gold pairs only score:
 * Spearman x100 of the built-in model and of each cycle's bi- and cross-encoder.
 *
 *   npx tsx bench/in-domain.ts [--family headlines] [--preset quick] [--cycles N] [--out file.json] [--keep]
 * --keep leaves the work folder (corpus, data folder with the run's pairs, labels and models) for
 * score-only diagnostics (bench/in-domain-teacher.ts) and prints its path. --glove-data-dir DIR
 * links DIR's converted GloVe into the run's data folder, as for a user who used GloVe once
 * (without it the teachers skip SIF: evidence-skipped.json).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/engine/api/engine';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import { OnnxBiEncoder, OnnxCrossEncoder } from '../src/engine/models/onnx';
import { biScores, crossScores } from '../src/engine/train/scoring';
import type { JobSnapshot, TrainRunResult } from '../src/shared/api';
import { benchArgs } from './lib/args';

const { values } = benchArgs({
  family: { type: 'string', default: 'headlines' },
  sets: { type: 'string', default: 'sts12,sts13,sts14,sts15,sts16' },
  preset: { type: 'string', default: 'quick' },
  cycles: { type: 'string' },
  'max-pairs': { type: 'string' },
  out: { type: 'string' },
  keep: { type: 'boolean', default: false },
  'glove-data-dir': { type: 'string' },
  /** More run settings as JSON, e.g. '{"biStartShare":0}' (merged over --cycles / --max-pairs). */
  overrides: { type: 'string' },
});
const t0 = Date.now();
const gold = { a: [] as string[], b: [] as string[], gold: [] as number[] };
for (const name of values.sets!.split(',')) {
  const s = await loadScoredPairs(name);
  s.subsets.forEach((sub, i) => {
    if (sub !== values.family) return;
    gold.a.push(s.a[i]!);
    gold.b.push(s.b[i]!);
    gold.gold.push(s.gold[i]!);
  });
}
if (gold.a.length === 0) throw new Error(`no pairs of the family "${values.family}" in ${values.sets}`);

// The corpus: every distinct sentence of the family, as paragraphs of text files (no pairs, no scores).
const sentences = [...new Set([...gold.a, ...gold.b])];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-in-domain-'));
const corpusDir = path.join(work, 'corpus');
fs.mkdirSync(corpusDir);
for (let i = 0; i < sentences.length; i += 100)
  fs.writeFileSync(path.join(corpusDir, `part-${String(i / 100).padStart(3, '0')}.txt`), sentences.slice(i, i + 100).join('\n\n') + '\n');

if (values['glove-data-dir']) {
  fs.mkdirSync(path.join(work, 'data', 'models'), { recursive: true });
  fs.symlinkSync(path.resolve(values['glove-data-dir'], 'models', 'glove-6b-100d'), path.join(work, 'data', 'models', 'glove-6b-100d'));
}
const engine = await Engine.open({ dataDir: path.join(work, 'data'), transport: 'direct', allowedRoots: [corpusDir] });
const wait = async (jobId: string): Promise<JobSnapshot> => {
  let last = 0;
  const on = (e: { job: JobSnapshot }) => {
    if (e.job.id === jobId && Date.now() - last > 30_000) {
      last = Date.now();
      console.error(`  ${e.job.stage} ${e.job.done ?? ''}/${e.job.total ?? ''} ${e.job.message ?? ''}`);
    }
  };
  engine.events.on('event', on);
  try {
    return (await engine.jobs.wait(jobId))!;
  } finally {
    engine.events.off('event', on);
  }
};
const rows: { model: string; spearman: number }[] = [];
const report = (model: string, scores: Float32Array) => {
  rows.push({ model, spearman: 100 * spearman(scores, gold.gold) });
  console.log(`${model.padEnd(28)} ${rows.at(-1)!.spearman.toFixed(2)}`);
};
try {
  console.log(`family ${values.family}: ${gold.a.length} gold pairs, ${sentences.length} sentences as a corpus of ${fs.readdirSync(corpusDir).length} files`);
  const start = await OnnxBiEncoder.fromModel(await engine.models.bi(null));
  report('built-in bi-encoder', await biScores(start, gold, { maxLength: 32 }));

  const idx = await wait((await engine.invoke('corpora.create', { name: values.family!, path: corpusDir })).jobId);
  if (idx.status !== 'done') throw new Error(idx.error ?? idx.status);
  const { corpusId, passages } = idx.result as { corpusId: number; passages: number };
  const overrides = {
    cycles: values.cycles ? Number(values.cycles) : undefined,
    maxPairs: values['max-pairs'] ? Number(values['max-pairs']) : undefined,
    ...(values.overrides ? (JSON.parse(values.overrides) as object) : {}),
  };
  const tTrain = Date.now();
  const started = await engine.invoke('train.start', { preset: values.preset as 'quick', corpusId, overrides });
  const trained = await wait(started.jobId);
  if (trained.status !== 'done') throw new Error(trained.error ?? trained.status);
  const trainSeconds = (Date.now() - tTrain) / 1000;
  const result = trained.result as TrainRunResult;
  console.log(`indexed ${passages} passages; trained in ${trainSeconds.toFixed(0)} s; the label-free rule picked cycle ${result.selection.cycle}`);
  console.log(`agreement with the teacher: ${result.selection.values.map((v) => `cycle ${v.cycle} ${v.value.toFixed(4)}`).join(', ')}`);
  console.log(
    `against the start: ${result.comparison?.verdict ?? '-'} (confidence ${result.comparison?.confidence.toFixed(2) ?? '-'}); handed back: ${result.handBack?.which ?? '-'}`,
  );
  const models = (await engine.invoke('models.list', {}))
    .filter((m) => m.runId === started.runId)
    .sort((x, y) => x.cycle! - y.cycle! || x.kind.localeCompare(y.kind));
  for (const m of models) {
    if (m.kind === 'bi')
      report(`cycle ${m.cycle} bi-encoder`, await biScores(await OnnxBiEncoder.fromModel(await engine.models.bi(m.id)), gold, { maxLength: 32 }));
    else
      report(`cycle ${m.cycle} cross-encoder`, await crossScores(await OnnxCrossEncoder.fromModel(await engine.models.cross(m.id)), gold, { maxLength: 64 }));
  }
  const wall = (Date.now() - t0) / 1000;
  console.log(`wall time ${wall.toFixed(0)} s on ${os.cpus().length} cores`);
  if (values.out)
    fs.writeFileSync(
      values.out,
      JSON.stringify(
        {
          family: values.family,
          goldPairs: gold.a.length,
          sentences: sentences.length,
          preset: values.preset,
          overrides,
          rows,
          selection: result.selection,
          comparison: result.comparison,
          handBack: result.handBack,
          trainSeconds,
          wall,
        },
        null,
        2,
      ),
    );
} finally {
  await engine.close();
  if (values.keep) console.log(`work folder kept: ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
