/**
 * Where bulk embedding's time goes (issue 14), one lever at a time, on real STS-B dev sentences
 * through the app's path (ParallelOnnxBiEncoder: N single-threaded ONNX Runtime sessions in
 * worker threads, fed length-sorted batches by the main thread).
 *
 *   npx tsx bench/embedding-levers.ts [--sentences 3000] [--workers 2] [--batches 16,32,64,128]
 *                                    [--rounds 2] [--no-int8]
 *
 * Prints, each from this one run:
 *  1. tokens: real tokens per sentence, padded tokens per sentence with length-sorted batches
 *     and without sorting, and the main thread's tokenizing + packing CPU time per 1,000;
 *  2. the arithmetic: multiply-adds per token of the graph's matrix products, and the GFLOP/s
 *     the pool reaches, against the GFLOP/s ONNX Runtime's own MatMul reaches on this CPU on the
 *     model's largest product shape (one thread) — the ceiling for a float32 graph;
 *  3. sentences/s per batch size and per engine (one session, intra-op 1 and 2; the worker pool;
 *     the pool on the opt-in int8 export), with the cosine of each engine's vectors against the
 *     one-session float32 reference.
 */
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { initBackend } from '../src/engine/backend';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import { DataType, GraphBuilder, OnnxBiEncoder, ParallelOnnxBiEncoder, buildOnnxModel, codecForModel, floatTensor, packIds } from '../src/engine/models/onnx';
import { USE_LITE } from '../src/engine/models/use-lite/params';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { benchArgs, numberArg, numberListArg } from './lib/args';

const { values } = benchArgs({
  sentences: { type: 'string', default: '3000' },
  workers: { type: 'string', default: '2' },
  batches: { type: 'string', default: '16,32,64,128' },
  rounds: { type: 'string', default: '2' },
  'no-int8': { type: 'boolean', default: false },
});
const positive = (n: number) => Number.isInteger(n) && n >= 1;
const nSentences = numberArg(values.sentences, 'sentences', 3000, positive);
const workers = numberArg(values.workers, 'workers', 2, positive);
const batches = numberListArg(values.batches, 'batches', [16, 32, 64, 128]);
const rounds = numberArg(values.rounds, 'rounds', 2, positive);
const MAX_LENGTH = 64;

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function timed(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

async function best(run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  let b = { wall: Infinity, cpu: 0 };
  for (let r = 0; r < rounds; r++) {
    const t = await timed(run);
    if (t.wall < b.wall) b = t;
  }
  return b;
}

function minCos(ref: Float32Array[], got: Float32Array[]): number {
  let m = 1;
  ref.forEach((a, i) => {
    const b = got[i]!;
    let d = 0;
    for (let k = 0; k < a.length; k++) d += a[k]! * b[k]!;
    m = Math.min(m, d);
  });
  return m;
}

/** Multiply-adds per token of the per-token matrix products (both layers, USE lite). */
function macsPerToken(): number {
  const { embedDim: E, hiddenDim: H, ffnDim: F } = USE_LITE;
  const layer0 = E * 3 * E + E * H + E * H + 2 * H * F; // qkv, output, residual projection, FFN
  const layer1 = H * 3 * H + H * H + 2 * H * F;
  return layer0 + layer1;
}

/** GFLOP/s of ONNX Runtime's MatMul [m, k] x [k, n] on one thread (the kernel every dense layer uses). */
async function matmulPeak(m: number, k: number, n: number): Promise<number> {
  const g = new GraphBuilder('matmul_peak');
  const x = g.input('x', DataType.FLOAT, [m, k]);
  const w = g.initializer(
    'w',
    floatTensor(
      Float32Array.from({ length: k * n }, (_, i) => Math.sin(i) * 0.05),
      [k, n],
    ),
  );
  g.output(g.op('MatMul', [x, w]), 'y', DataType.FLOAT, [m, n]);
  const session = await ort.InferenceSession.create(g.toModelProto(), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const feed = {
    x: new ort.Tensor(
      'float32',
      Float32Array.from({ length: m * k }, (_, i) => Math.cos(i)),
      [m, k],
    ),
  };
  for (let i = 0; i < 5; i++) await session.run(feed);
  const reps = 60;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await session.run(feed);
  const s = (performance.now() - t0) / 1000;
  await session.release();
  return (2 * m * k * n * reps) / s / 1e9;
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const data = await loadScoredPairs('stsb-dev');
  const sentences = [...data.a, ...data.b].slice(0, nSentences);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${load()}`);
  console.log(`${sentences.length} STS-B dev sentences, max length ${MAX_LENGTH}, best of ${rounds} rounds\n`);

  const bi = loadUseLiteBiEncoder();
  const codec = codecForModel(bi);

  // 1. Tokens and padding.
  const c0 = process.cpuUsage();
  const encoded = sentences.map((s) => codec.encode(s, MAX_LENGTH));
  const tokCpu = process.cpuUsage(c0);
  const real = encoded.reduce((a, e) => a + e.ids.length, 0);
  const padded = (sorted: boolean, b: number) => {
    const lens = encoded.map((e) => e.ids.length);
    if (sorted) lens.sort((x, y) => x - y);
    let t = 0;
    for (let i = 0; i < lens.length; i += b) t += Math.max(...lens.slice(i, i + b)) * Math.min(b, lens.length - i);
    return t;
  };
  const c1 = process.cpuUsage();
  for (let i = 0; i < encoded.length; i += 32) packIds(encoded.slice(i, i + 32), codec.padId, false);
  const packCpu = process.cpuUsage(c1);
  const perK = (c: NodeJS.CpuUsage) => (((c.user + c.system) / 1e6) * 1000) / sentences.length;
  console.log('| measure | value |');
  console.log('|---|---|');
  console.log(`| real tokens per sentence | ${(real / sentences.length).toFixed(2)} |`);
  console.log(`| padded tokens per sentence, batch 32, length-sorted (the app's path) | ${(padded(true, 32) / sentences.length).toFixed(2)} |`);
  console.log(`| padded tokens per sentence, batch 32, input order | ${(padded(false, 32) / sentences.length).toFixed(2)} |`);
  console.log(`| main-thread tokenizing, CPU s per 1,000 sentences | ${perK(tokCpu).toFixed(3)} |`);
  console.log(`| main-thread packing to int64, CPU s per 1,000 sentences | ${perK(packCpu).toFixed(3)} |`);

  // 2. Arithmetic against the CPU's MatMul ceiling.
  const macs = macsPerToken();
  const tokensPerSentence = padded(true, 32) / sentences.length;
  const flopPerSentence = 2 * macs * tokensPerSentence;
  const peak = await matmulPeak(32 * Math.round(tokensPerSentence), USE_LITE.hiddenDim, USE_LITE.ffnDim);
  console.log(`| dense-layer multiply-adds per token | ${(macs / 1e6).toFixed(2)} M |`);
  console.log(`| dense-layer GFLOP per 1,000 sentences (padded tokens) | ${(flopPerSentence / 1e6).toFixed(1)} |`);
  console.log(
    `| ORT MatMul [${32 * Math.round(tokensPerSentence)} x ${USE_LITE.hiddenDim}] x [${USE_LITE.hiddenDim} x ${USE_LITE.ffnDim}], 1 thread | ${peak.toFixed(1)} GFLOP/s |`,
  );
  console.log(`| ceiling, float32, dense layers alone at that rate | ${((peak * 1e9) / flopPerSentence).toFixed(0)} sentences/s per core |`);

  // 3. Engines and batch sizes.
  const floatBytes = buildOnnxModel(bi).bytes;
  const one1 = await OnnxBiEncoder.fromModel(bi, { intraOpNumThreads: 1, verify: false });
  const one2 = await OnnxBiEncoder.fromModel(bi, { intraOpNumThreads: 2, verify: false });
  const pool = await ParallelOnnxBiEncoder.open(floatBytes, codec, bi.dim, { workers });
  const int8 = values['no-int8'] ? null : await ParallelOnnxBiEncoder.open(buildOnnxModel(bi, { quantize: 'int8' }).bytes, codec, bi.dim, { workers });
  const ref = await one1.embed(sentences, { maxLength: MAX_LENGTH, batchSize: 32 });
  const engines: Array<[string, string, (b: number) => Promise<Float32Array[]>]> = [
    ['one session (main thread)', '1', (b) => one1.embed(sentences, { maxLength: MAX_LENGTH, batchSize: b })],
    ['one session (main thread)', '2 intra-op', (b) => one2.embed(sentences, { maxLength: MAX_LENGTH, batchSize: b })],
    ['worker pool (the app)', `${workers} x 1`, (b) => pool.embed(sentences, { maxLength: MAX_LENGTH, batchSize: b })],
    ...(int8
      ? [
          ['worker pool, int8 export', `${workers} x 1`, (b: number) => int8.embed(sentences, { maxLength: MAX_LENGTH, batchSize: b })] as [
            string,
            string,
            (b: number) => Promise<Float32Array[]>,
          ],
        ]
      : []),
  ];
  console.log(`\n| engine | threads | batch | sentences/s | CPU s per 1,000 | GFLOP/s (dense) | min cosine vs one session fp32 |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const [name, threads, run] of engines) {
    await run(32);
    for (const b of batches) {
      let vecs: Float32Array[] = [];
      const t = await best(async () => {
        vecs = await run(b);
      });
      const sps = sentences.length / t.wall;
      console.log(
        `| ${name} | ${threads} | ${b} | ${sps.toFixed(1)} | ${((1000 * t.cpu) / sentences.length).toFixed(2)} | ${((sps * flopPerSentence) / 1e9).toFixed(1)} | ${minCos(ref, vecs).toFixed(6)} |`,
      );
    }
  }
  await pool.dispose();
  await int8?.dispose();
  await one1.dispose();
  await one2.dispose();
  bi.dispose();
  console.log(`\nload average after: ${load()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
