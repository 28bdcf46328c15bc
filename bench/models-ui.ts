/**
 * Figures for the Models and Check screens, through the engine API as the app calls it:
 *  - eval.compare: wall time and Spearman of the built-in model on STS-B dev and SICK-R trial
 *    (the Spearman must match `tenc eval`), and the paired bootstrap of two models on STS-B dev
 *    (the built-in bi-encoder against itself must say "unclear").
 *  - check.highlights: time per pair on STS-B dev pairs, and on SICK-R trial pairs where exactly
 *    one text has "not"/"no"/"n't", where that word ranks among the words by |effect|.
 *  - labels.suggest on a corpus of README files from this machine's /usr/share/doc: wall time and
 *    the spread of the suggested pairs' scores.
 *   npx tsx bench/models-ui.ts [--doc-files 60] [--parts compare,highlights,suggest]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../src/engine/api/engine';
import { loadScoredPairs, datasetPath } from '../src/engine/eval/stsData';
import type { CompareResult } from '../src/shared/api';

const arg = (name: string): string | undefined => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const docFiles = Number(arg('--doc-files') ?? 60);
/** Which parts to run: compare, highlights, suggest (default all). */
const parts = new Set((arg('--parts') ?? 'compare,highlights,suggest').split(','));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-bench-models-'));
const docs = path.join(dir, 'docs');
fs.mkdirSync(docs);
const engine = await Engine.open({ dataDir: path.join(dir, 'data'), transport: 'direct', allowedRoots: [dir] });
const ms = (t0: number) => Math.round(performance.now() - t0);

try {
  for (const name of parts.has('compare') ? ['stsb-dev', 'sickr-trial'] : []) {
    const content = fs.readFileSync(datasetPath(name), 'utf8');
    const t0 = performance.now();
    const { jobId } = await engine.invoke('eval.compare', { source: { kind: 'content', name, content: content.slice(0, 900_000) }, modelIds: [null] });
    const job = await engine.jobs.wait(jobId);
    const r = job!.result as CompareResult;
    console.log(`eval.compare ${name}: n=${r.n} spearman=${r.results[0]!.spearman.toFixed(4)} pearson=${r.results[0]!.pearson.toFixed(4)} wall=${ms(t0)} ms`);
  }
  if (parts.has('compare')) {
    const content = fs.readFileSync(datasetPath('stsb-dev'), 'utf8');
    const t0 = performance.now();
    const { jobId } = await engine.invoke('eval.compare', { source: { kind: 'content', name: 'stsb-dev', content }, modelIds: [null, null] });
    const r = (await engine.jobs.wait(jobId))!.result as CompareResult;
    console.log(`eval.compare stsb-dev built-in vs itself: secondBetter=${r.secondBetter} verdict=${r.verdict} wall=${ms(t0)} ms`);
  }

  if (parts.has('highlights')) await highlights();
  if (parts.has('suggest')) await suggest();
} finally {
  await engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function highlights(): Promise<void> {
  const dev = await loadScoredPairs('stsb-dev');
  const times: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    await engine.invoke('check.highlights', { a: dev.a[i]!, b: dev.b[i]! });
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const mean = times.reduce((s, x) => s + x, 0) / times.length;
  console.log(
    `check.highlights on 100 STS-B dev pairs (first call loads the model): mean ${mean.toFixed(0)} ms, median ${times[50]!.toFixed(0)} ms, p95 ${times[95]!.toFixed(0)} ms`,
  );

  const sick = await loadScoredPairs('sickr-trial');
  const NEG = /^(not|no|n't|never|nobody|none)$/i;
  const ranks: number[] = [];
  const wordsPer: number[] = [];
  for (let i = 0; i < sick.a.length && ranks.length < 100; i++) {
    const a = sick.a[i]!;
    const b = sick.b[i]!;
    const hasA = /\b(not|no|never|nobody|none)\b|n't/i.test(a);
    const hasB = /\b(not|no|never|nobody|none)\b|n't/i.test(b);
    if (hasA === hasB) continue;
    const h = await engine.invoke('check.highlights', { a, b });
    const words = [...h.a, ...h.b].filter((w) => w.effect !== null);
    const byEffect = [...words].sort((x, y) => Math.abs(y.effect!) - Math.abs(x.effect!));
    const rank = byEffect.findIndex((w) => NEG.test(w.text));
    if (rank >= 0) {
      ranks.push(rank + 1);
      wordsPer.push(words.length);
    }
  }
  ranks.sort((x, y) => x - y);
  const top3 = ranks.filter((r) => r <= 3).length;
  const meanWords = wordsPer.reduce((s, x) => s + x, 0) / Math.max(1, wordsPer.length);
  console.log(
    `negation word rank by |effect| on ${ranks.length} SICK-R trial pairs with a negation in one text only: median ${ranks[Math.floor(ranks.length / 2)]}, in the top 3 for ${top3} (${((100 * top3) / Math.max(1, ranks.length)).toFixed(0)}%), words per pair ${meanWords.toFixed(1)}`,
  );
}

async function suggest(): Promise<void> {
  const candidates = fs
    .readdirSync('/usr/share/doc')
    .flatMap((p) => ['README', 'README.md', 'README.Debian', 'README.txt'].map((f) => path.join('/usr/share/doc', p, f)))
    .filter((f) => fs.existsSync(f) && fs.statSync(f).isFile() && fs.statSync(f).size > 400)
    .slice(0, docFiles);
  candidates.forEach((f, i) => fs.copyFileSync(f, path.join(docs, `${i}-${path.basename(path.dirname(f))}.txt`)));
  const { jobId } = await engine.invoke('corpora.create', { name: 'usr-share-doc', path: docs });
  const corpusId = ((await engine.jobs.wait(jobId))!.result as { corpusId: number }).corpusId;
  const t0 = performance.now();
  const suggested = await engine.invoke('labels.suggest', { corpusId, count: 10 });
  const scores = suggested.map((p) => p.score);
  console.log(
    `labels.suggest on ${candidates.length} README files: ${suggested.length} pairs in ${ms(t0)} ms, scores ${scores.map((s) => s.toFixed(2)).join(' ')}`,
  );
  for (const p of [suggested[0]!, suggested[Math.floor(suggested.length / 2)]!, suggested.at(-1)!])
    console.log(`  ${p.score.toFixed(2)} | ${p.a.slice(0, 90)} | ${p.b.slice(0, 90)}`);
}
