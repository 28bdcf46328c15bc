/**
 * Inference throughput of the built-in USE lite: TF.js on wasm vs onnxruntime-node (CPU
 * execution provider) with 1 and 2 intra-op threads, on real STS-B dev sentences.
 *
 *   npx tsx bench/inference-throughput.ts [--sentences 2000] [--pairs 1000] [--max-length 64]
 *                                         [--batch 32] [--rounds 1] [--threads 1,2] [--workers 2]
 *                                         [--no-tfjs] [--no-cross] [--int8]
 *
 * Rows per engine and thread count: tfjs-wasm; onnxruntime-node with 1 and 2 intra-op
 * threads (one session on the main thread, the path before issue 14); "onnx worker pool",
 * N single-threaded sessions in N worker threads fed length-sorted batches by the main
 * thread (ParallelOnnxBiEncoder, bi-encoder only). --no-tfjs drops the tfjs-wasm rows (the
 * ratios are then against the first ONNX row). CPU s per 1,000 inputs counts every thread of
 * the process, and is the figure a loaded machine distorts least. --int8 adds a row for the
 * opt-in int8 export (1 thread) and its accuracy cost: Spearman x 100 of cosine vs gold on
 * STS sets, float32 vs int8, and the cosine between their vectors.
 *
 * Bi-encoder: sentences/s of embed(); cross-encoder: pairs/s of score(). Tokenization is in
 * the timed region for every engine (it is the same TypeScript tokenizer for all). Each
 * engine is warmed up on a few batches first. Wall-clock and process CPU time are both
 * reported: ORT's second thread shows up as CPU time > wall time. Ratios are against
 * tfjs-wasm measured in the same run (the best of --rounds for each engine).
 */
import os from 'node:os';
import { initBackend } from '../src/engine/backend';
import type { BiEncoder, CrossEncoder, TextPair } from '../src/engine/models/encoder';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import { benchArgs, numberArg, numberListArg } from './lib/args';
import { spearman } from '../src/engine/eval/metrics';
import { OnnxBiEncoder, OnnxCrossEncoder, ParallelOnnxBiEncoder, buildOnnxModel, openOnnxEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';

const { values } = benchArgs({
  sentences: { type: 'string', default: '2000' },
  pairs: { type: 'string', default: '1000' },
  'max-length': { type: 'string', default: '64' },
  batch: { type: 'string', default: '32' },
  rounds: { type: 'string', default: '1' },
  threads: { type: 'string', default: '1,2' },
  workers: { type: 'string', default: '2' },
  'no-tfjs': { type: 'boolean', default: false },
  'no-cross': { type: 'boolean', default: false },
  int8: { type: 'boolean', default: false },
});
const positive = (n: number) => Number.isInteger(n) && n >= 1;
const nSentences = numberArg(values.sentences, 'sentences', 2000, positive);
const nPairs = numberArg(values.pairs, 'pairs', 1000, positive);
const maxLength = numberArg(values['max-length'], 'max-length', 64, positive);
const batchSize = numberArg(values.batch, 'batch', 32, positive);
const rounds = numberArg(values.rounds, 'rounds', 1, positive);
const threadCounts = numberListArg(values.threads, 'threads', [1, 2]);
const workerCounts = numberListArg(values.workers, 'workers', [2]);
const withTfjs = !values['no-tfjs'];
const withInt8 = values.int8;
const ACCURACY_SETS = ['stsb-dev', 'sts16', 'sickr-trial'];

interface Measure {
  engine: string;
  threads: string;
  wall: number;
  cpu: number;
}

async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

type Engine = { name: string; threads: string; run: () => Promise<unknown>; warm: () => Promise<unknown> };

async function measureAll(engines: Engine[]): Promise<Measure[]> {
  for (const e of engines) await e.warm();
  const best = new Map<string, Measure>();
  for (let r = 0; r < rounds; r++) {
    for (const e of engines) {
      const t = await timed(e.run);
      const key = e.name + e.threads;
      const prev = best.get(key);
      if (!prev || t.wall < prev.wall) best.set(key, { engine: e.name, threads: e.threads, ...t });
    }
  }
  return [...best.values()];
}

function table(title: string, unit: string, count: number, rows: Measure[]): string {
  const base = rows[0]!;
  const lines = [
    `${title} (${count} inputs, max length ${maxLength}, batch ${batchSize}, best of ${rounds} interleaved rounds)`,
    '',
    `| engine | threads | ${unit}/s | wall s | CPU s | CPU s per 1,000 | speed-up vs ${base.engine} ${base.threads} (wall) |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.engine} | ${r.threads} | ${(count / r.wall).toFixed(1)} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${((1000 * r.cpu) / count).toFixed(2)} | ${(base.wall / r.wall).toFixed(2)}x |`,
    );
  }
  return lines.join('\n');
}

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let k = 0; k < a.length; k++) d += a[k]! * b[k]!;
  return d;
}

async function main(): Promise<void> {
  const data = await loadScoredPairs('stsb-dev');
  const sentences = [...data.a, ...data.b].slice(0, nSentences);
  const pairs: TextPair[] = data.a.map((a, i) => [a, data.b[i]!] as const).slice(0, nPairs);
  const backend = await initBackend('wasm');
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(`tfjs backend: ${backend.name} (${backend.reason})`);
  const opts = { maxLength, batchSize };
  const warmSentences = sentences.slice(0, batchSize * 2);
  const warmPairs = pairs.slice(0, batchSize * 2);

  // Bi-encoder
  const bi: BiEncoder = loadUseLiteBiEncoder();
  const onnxBi = await Promise.all(threadCounts.map((t) => OnnxBiEncoder.fromModel(bi, { intraOpNumThreads: t })));
  const pools = [];
  for (const w of workerCounts) pools.push(await ParallelOnnxBiEncoder.fromModel(bi, { workers: w }));
  const int8 = withInt8
    ? ((await openOnnxEncoder(bi, buildOnnxModel(bi, { quantize: 'int8' }).bytes, { intraOpNumThreads: 1, verify: false })) as OnnxBiEncoder)
    : null;
  const biEngines: Engine[] = [
    ...(withTfjs ? [{ name: 'tfjs-wasm', threads: '1', run: () => bi.embed(sentences, opts), warm: () => bi.embed(warmSentences, opts) }] : []),
    ...onnxBi.map((o, i) => ({
      name: 'onnxruntime-node',
      threads: String(threadCounts[i]),
      run: () => o.embed(sentences, opts),
      warm: () => o.embed(warmSentences, opts),
    })),
    ...pools.map((p, i) => ({
      name: 'onnx worker pool',
      threads: `${workerCounts[i]} x 1`,
      run: () => p.embed(sentences, opts),
      warm: () => p.embed(warmSentences, opts),
    })),
    ...(int8 ? [{ name: 'onnxruntime-node int8', threads: '1', run: () => int8.embed(sentences, opts), warm: () => int8.embed(warmSentences, opts) }] : []),
  ];
  const biRows = await measureAll(biEngines);
  // Sanity: the engines agree.
  const probe = sentences.slice(0, 200);
  const ref = await bi.embed(probe, opts);
  const got = await onnxBi[0]!.embed(probe, opts);
  const minCos = Math.min(...ref.map((v, i) => cosine(v, got[i]!)));
  console.log('\n' + table('USE lite bi-encoder, embed()', 'sentences', sentences.length, biRows));
  console.log(`\nmin cosine tfjs vs onnx over ${probe.length} sentences: ${minCos.toFixed(7)}`);
  // The reference for the pool's vectors: TF.js on every sentence (the ONNX graph mirrors it).
  const refAll = pools.length > 0 ? await bi.embed(sentences, opts) : [];
  for (const [i, p] of pools.entries()) {
    const all = await onnxBi[0]!.embed(sentences, opts);
    const par = await p.embed(sentences, opts);
    console.log(
      `min cosine onnx (1 thread) vs worker pool ${workerCounts[i]} x 1 over ${sentences.length} sentences: ${Math.min(...all.map((v, k) => cosine(v, par[k]!))).toFixed(7)}`,
    );
    console.log(
      `min cosine tfjs vs worker pool ${workerCounts[i]} x 1 over ${sentences.length} sentences: ${Math.min(...refAll.map((v, k) => cosine(v, par[k]!))).toFixed(7)}`,
    );
    await p.dispose();
  }
  if (int8) {
    console.log('\nint8 accuracy cost (Spearman x 100 of cosine vs gold; cosine float32 vs int8 vectors)\n');
    console.log('| set | pairs | float32 | int8 | min cosine | mean cosine |');
    console.log('|---|---|---|---|---|---|');
    for (const set of ACCURACY_SETS) {
      const d = await loadScoredPairs(set);
      const texts = [...d.a, ...d.b];
      const f = await onnxBi[0]!.embed(texts, opts);
      const q = await int8.embed(texts, opts);
      const n = d.a.length;
      const sims = (v: Float32Array[]) => d.a.map((_, i) => cosine(v[i]!, v[n + i]!));
      const agree = f.map((v, i) => cosine(v, q[i]!));
      const rho = (v: Float32Array[]) => (100 * spearman(sims(v), d.gold)).toFixed(2);
      console.log(
        `| ${set} | ${n} | ${rho(f)} | ${rho(q)} | ${Math.min(...agree).toFixed(5)} | ${(agree.reduce((a, b) => a + b, 0) / agree.length).toFixed(5)} |`,
      );
    }
    await int8.dispose();
  }
  for (const o of onnxBi) await o.dispose();
  bi.dispose();

  if (values['no-cross']) return;
  // Cross-encoder
  const cross: CrossEncoder = loadUseLiteCrossEncoder();
  const onnxCross = await Promise.all(threadCounts.map((t) => OnnxCrossEncoder.fromModel(cross, { intraOpNumThreads: t })));
  const crossEngines: Engine[] = [
    ...(withTfjs ? [{ name: 'tfjs-wasm', threads: '1', run: () => cross.score(pairs, opts), warm: () => cross.score(warmPairs, opts) }] : []),
    ...onnxCross.map((o, i) => ({
      name: 'onnxruntime-node',
      threads: String(threadCounts[i]),
      run: () => o.score(pairs, opts),
      warm: () => o.score(warmPairs, opts),
    })),
  ];
  const crossRows = await measureAll(crossEngines);
  const probePairs = pairs.slice(0, 200);
  const sRef = await cross.score(probePairs, opts);
  const sGot = await onnxCross[0]!.score(probePairs, opts);
  const maxDiff = Math.max(...Array.from(sRef).map((s, i) => Math.abs(s - sGot[i]!)));
  console.log('\n' + table('USE lite cross-encoder, score()', 'pairs', pairs.length, crossRows));
  console.log(`\nmax |score diff| tfjs vs onnx over ${probePairs.length} pairs: ${maxDiff.toExponential(2)}`);
  for (const o of onnxCross) await o.dispose();
  cross.dispose();
  console.log(
    `\nload average after: ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
