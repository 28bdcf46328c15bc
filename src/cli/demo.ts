/**
 * `tenc demo` (npm run demo): the main job end to end on the built-in model, in a few minutes
 * on a laptop CPU. Indexes the shipped sample corpus, checks paraphrases with the built-in
 * USE lite, trains a small Trans-Encoder run on pairs mined from the corpus, and checks again
 * with the trained model; scores the built-in model on STS-B dev where the shared data exists.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../engine/api/engine';
import { datasetPath } from '../engine/eval/stsData';
import { jobResultOf, type JobSnapshot } from '../shared/api';
import { waitForJob } from './jobWait';
import { createProgressPrinter } from './progressPrinter';
import { describeTrainOutcome } from './trainOutcome';

const EXAMPLES: [string, string][] = [
  ['Preheat the oven to two hundred degrees before you put the bread in.', 'Heat the oven to 200 degrees before the bread goes in.'],
  ['The ferry to the island was cancelled because of the strong wind.', 'Because of high winds, the boat service to the island did not run.'],
  ['Tomatoes need plenty of sun and regular watering in summer.', 'The committee agreed to move the budget review to next Thursday.'],
  ['Maria will send the updated figures to everyone by Monday.', 'The new office opens in March if the renovation stays on schedule.'],
];

export async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, 'skip-sts': { type: 'boolean', default: false } } });
  const sample = path.resolve(import.meta.dirname, '../../resources/sample-corpus');
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-demo-'));
  const out = (s = '') => process.stdout.write(s + '\n');
  const engine = await Engine.open({ dataDir, transport: 'direct', allowedRoots: [sample] });
  const print = createProgressPrinter();
  const wait = (jobId: string): Promise<JobSnapshot> => waitForJob(engine, jobId, print);
  try {
    out(`TransEncoder Studio demo (data folder: ${dataDir})`);
    const backend = await engine.models.ensureBackend();
    out(`Backend: ${backend.name} — ${backend.reason}`);

    out('\n1. Paraphrase check with the built-in model (USE lite)');
    const before: number[] = [];
    for (const [a, b] of EXAMPLES) {
      const r = await engine.invoke('check.pair', { a, b });
      before.push(r.biScore);
      out(`  ${r.biScore.toFixed(3)}  ${r.verdict.padEnd(16)}  "${a.slice(0, 40)}…" / "${b.slice(0, 40)}…"`);
    }

    if (!values['skip-sts']) {
      try {
        const file = datasetPath('stsb-dev');
        engine.grantRoot(path.dirname(file));
        const job = await wait((await engine.invoke('eval.run', { file, modelId: null })).jobId);
        if (job.status !== 'done') throw new Error(job.error ?? job.status);
        const r = jobResultOf(job, 'eval');
        if (!r) throw new Error('the evaluation ended without a result');
        out(`\n2. Built-in model on STS-B dev (${r.n} pairs): Spearman x100 = ${(100 * r.spearman).toFixed(2)}`);
      } catch (err) {
        out(`\n2. STS-B dev skipped: ${(err as Error).message}`);
      }
    }

    out('\n3. Index the sample corpus');
    const idx = await engine.invoke('corpora.create', { name: `sample ${Date.now()}`, path: sample });
    const indexed = await wait(idx.jobId);
    if (indexed.status !== 'done') throw new Error(indexed.error ?? indexed.status);
    const indexResult = jobResultOf(indexed, 'corpus.index');
    if (!indexResult) throw new Error(`indexing ended without a result (${indexed.kind})`);
    const { corpusId, documents, passages } = indexResult;
    out(`  ${documents} documents, ${passages} passages`);

    out('\n4. Trans-Encoder training on pairs mined from the corpus (a tiny run: 1 cycle)');
    const started = await engine.invoke('train.start', {
      preset: 'quick',
      corpusId,
      overrides: { cycles: 1, maxPairs: 48, biToCross: { batchSize: 8, maxLength: 32 }, crossToBi: { batchSize: 8, maxLength: 32 } },
    });
    const trained = await wait(started.jobId);
    if (trained.status !== 'done') throw new Error(trained.error ?? trained.status);
    const result = jobResultOf(trained, 'train');
    if (!result) throw new Error(`training ended without a result (${trained.kind})`);
    out(`  run ${started.runId} done; picked cycle ${result.selection.cycle} by the "${result.selection.rule}" rule`);
    const outcome = describeTrainOutcome(result);
    if (outcome) out(`  ${outcome}`);

    out('\n5. Paraphrase check with the trained bi- and cross-encoder');
    for (const [i, [a, b]] of EXAMPLES.entries()) {
      const r = await engine.invoke('check.pair', { a, b, biModelId: result.selected.biModelId, crossModelId: result.selected.crossModelId });
      out(`  bi ${before[i]!.toFixed(3)} -> ${r.biScore.toFixed(3)}   cross ${r.crossScore!.toFixed(3)}  ${r.verdict}`);
    }
    out(`\nDone. Models and the run are stored in ${dataDir}. Open the app with \`npm start\` or \`npm run serve\`.`);
    return 0;
  } finally {
    await engine.close();
  }
}
