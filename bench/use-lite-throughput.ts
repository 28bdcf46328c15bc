/**
 * USE lite throughput: training tokens/s of the bi-encoder and the cross-encoder (batch 32,
 * max length 32 and 64) per backend, inference sentences/s, and the before/after ratio of the
 * wasm matMul patch (src/engine/backend/wasmMatMulPatch.ts).
 *
 *   npx tsx bench/use-lite-throughput.ts [--backends wasm,cpu] [--steps 3] [--cpu-steps 1]
 *                                        [--lengths 32,64] [--no-before-after] [--ab-rounds 1]
 *                                        [--matmul native,xnnpack] [--matmul-threads 2]
 *                                        [--leak-steps 0] [--parallel 2]
 *
 * On wasm, --matmul picks who computes the matrix products (issue 14): "native" = ONNX
 * Runtime's kernels with --matmul-threads intra-op threads (src/engine/backend/nativeMatMul.ts,
 * the default), "xnnpack" = tfjs-backend-wasm's own, one thread (the path before). One row set
 * per mode and thread count. --parallel P adds rows for data-parallel training steps over P
 * threads (src/engine/train/parallel: P-1 gradient workers + this thread, one native matmul
 * thread each; the step fit() runs when given a parallel task). --leak-steps N trains N real fit() steps (tiny batches), once on
 * this thread and once data-parallel per --parallel P, and prints the trainer's tensor count at the start, middle and end
 * (it must stay flat).
 *
 * Every training sequence is filled to exactly max length (real STS sentences joined), so
 * tokens/step = batch x length (x 2 for the bi-encoder, which encodes both texts of a pair).
 * Token batches are prepared outside the timed region (a trainer pre-tokenizes too).
 *
 * Both wall-clock and process CPU time are measured. The wasm and cpu backends compute on the
 * main thread only, so on a busy machine (other jobs competing for the cores) CPU time is the
 * steadier measure of what the code costs; wall time is what a user waits.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { type BackendName, initBackend, installWasmMatMulPatch, uninstallWasmMatMulPatch } from '../src/engine/backend';
import { installNativeMatMul, nativeMatMulInfo, uninstallNativeMatMul } from '../src/engine/backend/nativeMatMul';
import { fit } from '../src/engine/train/fit';
import { DataParallelSteps } from '../src/engine/train/parallel/dataParallel';
import { type ParallelTask, taskLoss } from '../src/engine/train/parallel/task';
import {
  type TokenBatch,
  type UseLiteBaseParams,
  type UseLiteBiEncoder,
  type UseLiteCrossEncoder,
  loadUseLiteBaseParams,
  loadUseLiteBiEncoder,
  loadUseLiteCrossEncoder,
  loadUseLiteTokenizer,
} from '../src/engine/models/use-lite';

import { benchArgs, listArg, numberArg, numberListArg } from './lib/args';
import { sharedData, sharedDataFile } from './lib/data';

const BATCH = 32;

const { values } = benchArgs({
  backends: { type: 'string', default: 'wasm,cpu' },
  steps: { type: 'string', default: '3' },
  'cpu-steps': { type: 'string', default: '1' },
  lengths: { type: 'string', default: '32,64' },
  'no-before-after': { type: 'boolean', default: false },
  'ab-rounds': { type: 'string', default: '1' },
  matmul: { type: 'string', default: 'native,xnnpack' },
  'matmul-threads': { type: 'string', default: String(Math.min(os.availableParallelism(), 8)) },
  'leak-steps': { type: 'string', default: '0' },
  parallel: { type: 'string', default: '2' },
  // Only the data-parallel rows (no single-thread configs, no before/after).
  'parallel-only': { type: 'boolean', default: false },
});
const BACKENDS: readonly BackendName[] = ['wasm', 'cpu', 'webgpu', 'tensorflow'];
const backends = listArg(values.backends, []).map((b) => {
  const found = BACKENDS.find((x) => x === b);
  if (!found) throw new Error(`--backends: unknown backend ${b} (one of ${BACKENDS.join(', ')})`);
  return found;
});
const steps = numberArg(values.steps, 'steps', 3, (n) => n >= 1);
const cpuSteps = numberArg(values['cpu-steps'], 'cpu-steps', 1, (n) => n >= 0);
const lengths = numberListArg(values.lengths, 'lengths', [32, 64]);
const beforeAfter = !values['no-before-after'];
const abRounds = numberArg(values['ab-rounds'], 'ab-rounds', 1, (n) => n >= 1);
const matmulModes = listArg(values.matmul, ['native', 'xnnpack']).map((m) => {
  if (m !== 'native' && m !== 'xnnpack') throw new Error(`--matmul: unknown mode ${m} (native or xnnpack)`);
  return m;
});
const matmulThreads = numberListArg(values['matmul-threads'], 'matmul-threads', [2]);
const parallelCounts = numberListArg(values.parallel, 'parallel', [2]).filter((p) => p >= 2);
const leakSteps = numberArg(values['leak-steps'], 'leak-steps', 0, (n) => Number.isInteger(n) && n >= 0);

function loadSentences(): string[] {
  const p = sharedData ? sharedDataFile('sts', 'stsb-train.tsv') : '';
  if (!p || !existsSync(p)) {
    return Array.from({ length: 6000 }, (_, i) => `Sentence number ${i} talks about cats, markets and the weather in town ${i % 17}.`);
  }
  return readFileSync(p, 'utf8')
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .flatMap((l) => l.split('\t').slice(1, 3));
}

const sentences = loadSentences();
const tokenizer = loadUseLiteTokenizer();

/** Texts of at least `len` tokens, built by joining consecutive sentences. */
function longTexts(count: number, len: number, offset: number): string[] {
  const out: string[] = [];
  let i = offset;
  while (out.length < count) {
    let text = '';
    while (tokenizer.tokenize(text).length < len) text += (text ? ' ' : '') + sentences[i++ % sentences.length];
    out.push(text);
  }
  return out;
}

interface Timing {
  wall: number;
  cpu: number;
}

async function timed(fn: () => unknown): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** Runs `n` timed calls after an optional warm-up call; returns the mean time per call. */
async function timeSteps(n: number, warmup: boolean, step: (i: number) => unknown): Promise<Timing> {
  if (warmup) await step(-1);
  const total = { wall: 0, cpu: 0 };
  for (let i = 0; i < n; i++) {
    const t = await timed(() => step(i));
    total.wall += t.wall;
    total.cpu += t.cpu;
  }
  return { wall: total.wall / n, cpu: total.cpu / n };
}

function biBatches(model: UseLiteBiEncoder, len: number, seed: number): [TokenBatch, TokenBatch] {
  return [model.tokenize(longTexts(BATCH, len, seed), len), model.tokenize(longTexts(BATCH, len, seed + 997), len)];
}

function crossBatch(model: UseLiteCrossEncoder, len: number, seed: number): TokenBatch {
  const as = longTexts(BATCH, len, seed);
  const bs = longTexts(BATCH, len, seed + 991);
  return model.tokenizePairs(
    as.map((a, i) => [a, bs[i]!] as const),
    len,
  );
}

function biTrainStep(model: UseLiteBiEncoder, optimizer: tf.Optimizer, [a, b]: [TokenBatch, TokenBatch], seed: number): void {
  const labels = tf.randomUniform([BATCH], 0, 1, 'float32', seed);
  const loss = optimizer.minimize(
    () => {
      const cos = tf.sum(tf.mul(model.forwardBatch(a, { training: true }), model.forwardBatch(b, { training: true })), 1);
      return tf.mean(tf.square(tf.sub(cos, labels))) as tf.Scalar;
    },
    true,
    model.trainableVariables(),
  );
  loss?.dataSync();
  tf.dispose([loss!, labels]);
}

function crossTrainStep(model: UseLiteCrossEncoder, optimizer: tf.Optimizer, batch: TokenBatch, seed: number): void {
  const labels = tf.randomUniform([BATCH], 0, 1, 'float32', seed).round();
  const loss = optimizer.minimize(
    () => tf.losses.sigmoidCrossEntropy(labels, model.forwardBatch(batch, { training: true })) as tf.Scalar,
    true,
    model.trainableVariables(),
  );
  loss?.dataSync();
  tf.dispose([loss!, labels]);
}

/** Embeds `count` real STS sentences (max length 128, batch 32). */
async function inference(model: UseLiteBiEncoder, count: number): Promise<Timing> {
  const texts = sentences.slice(5000, 5000 + count);
  await model.embed(texts.slice(0, 32)); // warm-up
  return timed(() => model.embed(texts, { batchSize: 32, maxLength: 128 }));
}

function log(msg: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

interface Row {
  backend: string;
  what: string;
  len: number | string;
  n: number;
  units: number;
  unit: string;
  t: Timing;
}

/** Per-step profile of data-parallel steps, ms per step (printed after the main table). */
const profiles: string[] = [];

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main(): Promise<void> {
  let base: UseLiteBaseParams | undefined;
  const rows: Row[] = [];
  const ratios: string[] = [];
  const loadStart = os.loadavg()[0]!;
  for (const backend of backends) {
    const info = await initBackend(backend);
    if (info.name !== backend) {
      log(`skipping ${backend}: ${info.reason}`);
      continue;
    }
    log(`backend ${info.name}: ${info.reason}`);
    base ??= loadUseLiteBaseParams();
    const configs: Array<{ label: string; native?: number; parallel?: number }> =
      backend === 'wasm'
        ? [
            ...parallelCounts.map((p) => ({ label: `wasm + ORT matmul, data-parallel ${p} x 1 thr`, native: 1, parallel: p })),
            ...(values['parallel-only'] ? [] : matmulModes).flatMap((m) =>
              m === 'native' ? matmulThreads.map((t) => ({ label: `wasm + ORT matmul, ${t} thr`, native: t })) : [{ label: 'wasm (XNNPACK, 1 thr)' }],
            ),
          ]
        : [{ label: backend }];
    for (const config of configs) {
      if (backend === 'wasm') {
        if (config.native) {
          const why = installNativeMatMul({ threads: config.native }, { TENC_MATMUL_SPIN: process.env['TENC_MATMUL_SPIN'] });
          if (why) {
            log(`skipping ${config.label}: ${why}`);
            continue;
          }
        } else uninstallNativeMatMul();
      }
      log(`config ${config.label}`);
      if (config.parallel) await runParallelConfig(config.label, config.parallel, base, rows);
      else await runConfig(backend, config.label, base, rows, ratios);
    }
  }
  if (leakSteps > 0) for (const p of [1, ...parallelCounts]) await leakCheck(base!, p);
  if (base) tf.dispose([...base.params.values(), base.invTimescales]);
  printTables(rows, ratios, loadStart);
}

async function runConfig(backend: BackendName, label: string, base: UseLiteBaseParams, rows: Row[], ratios: string[]): Promise<void> {
  {
    const n = backend === 'cpu' ? cpuSteps : steps;
    const warm = backend !== 'cpu';
    const bi = loadUseLiteBiEncoder({ base, tokenizer });
    const cross = loadUseLiteCrossEncoder({ base, tokenizer });
    const biOpt = tf.train.adam(1e-5);
    const crossOpt = tf.train.adam(1e-5);
    for (const len of lengths) {
      const biData = biBatches(bi, len, 100);
      const crossData = crossBatch(cross, len, 200);
      const biT = await timeSteps(n, warm, (i) => biTrainStep(bi, biOpt, biData, 100 + i));
      rows.push({ backend: label, what: 'bi-encoder train', len, n, units: 2 * BATCH * len, unit: 'tokens/s', t: biT });
      log(`bi L=${len}: ${biT.wall.toFixed(2)} s/step wall, ${biT.cpu.toFixed(2)} s cpu`);
      const crossT = await timeSteps(n, warm, (i) => crossTrainStep(cross, crossOpt, crossData, 200 + i));
      rows.push({ backend: label, what: 'cross-encoder train', len, n, units: BATCH * len, unit: 'tokens/s', t: crossT });
      log(`cross L=${len}: ${crossT.wall.toFixed(2)} s/step wall, ${crossT.cpu.toFixed(2)} s cpu`);
    }
    const infCount = backend === 'cpu' ? 64 : 512;
    const infT = await inference(bi, infCount);
    rows.push({ backend: label, what: 'bi-encoder inference (STS sentences)', len: '≤128', n: 1, units: infCount, unit: 'sentences/s', t: infT });
    log(`inference: ${(infCount / infT.wall).toFixed(1)} sentences/s wall, ${(infCount / infT.cpu).toFixed(1)} per cpu-s`);

    if (backend === 'wasm' && beforeAfter && !nativeMatMulInfo()) {
      // After/before pairs (one step each, after a warm-up step), repeated --ab-rounds times.
      const len = 32;
      const biData = biBatches(bi, len, 300);
      const crossData = crossBatch(cross, len, 400);
      const measure = async (patched: boolean) => {
        if (patched) installWasmMatMulPatch();
        else uninstallWasmMatMulPatch();
        const biT = await timeSteps(1, false, (i) => biTrainStep(bi, biOpt, biData, 300 + i));
        const crossT = await timeSteps(1, false, (i) => crossTrainStep(cross, crossOpt, crossData, 400 + i));
        const infT = await inference(bi, 256);
        log(
          `${patched ? 'patched' : 'tfjs kernel'}: bi ${biT.cpu.toFixed(2)} cpu-s/step, cross ${crossT.cpu.toFixed(2)} cpu-s/step, inference ${infT.cpu.toFixed(2)} cpu-s`,
        );
        return { bi: biT, cross: crossT, inf: infT };
      };
      try {
        await timeSteps(0, true, (i) => biTrainStep(bi, biOpt, biData, 300 + i));
        const after: Array<Awaited<ReturnType<typeof measure>>> = [];
        const before: Array<Awaited<ReturnType<typeof measure>>> = [];
        for (let r = 0; r < abRounds; r++) {
          after.push(await measure(true));
          before.push(await measure(false));
        }
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        for (const [what, key] of [
          [`bi-encoder train step, L=${len}`, 'bi'],
          [`cross-encoder train step, L=${len}`, 'cross'],
          ['bi-encoder inference, 256 STS sentences', 'inf'],
        ] as const) {
          const b = { wall: mean(before.map((x) => x[key].wall)), cpu: mean(before.map((x) => x[key].cpu)) };
          const a = { wall: mean(after.map((x) => x[key].wall)), cpu: mean(after.map((x) => x[key].cpu)) };
          ratios.push(
            `| ${what} | ${b.cpu.toFixed(2)} / ${b.wall.toFixed(2)} | ${a.cpu.toFixed(2)} / ${a.wall.toFixed(2)} | ${(b.cpu / a.cpu).toFixed(1)}x / ${(b.wall / a.wall).toFixed(1)}x |`,
          );
        }
      } finally {
        installWasmMatMulPatch();
      }
    }
    biOpt.dispose();
    crossOpt.dispose();
    bi.dispose();
    cross.dispose();
  }
}

/** Data-parallel training steps (what fit() runs with a parallel task), same shapes as runConfig. */
async function runParallelConfig(label: string, participants: number, base: UseLiteBaseParams, rows: Row[]): Promise<void> {
  for (const len of lengths) {
    for (const kind of ['bi', 'cross'] as const) {
      const model = kind === 'bi' ? loadUseLiteBiEncoder({ base, tokenizer }) : loadUseLiteCrossEncoder({ base, tokenizer });
      const seed = kind === 'bi' ? 100 : 200;
      const task: ParallelTask = {
        loss: kind === 'bi' ? 'bi-cosine-mse' : 'cross-bce',
        a: longTexts(BATCH, len, seed),
        b: longTexts(BATCH, len, seed + 997),
        labels: Float32Array.from({ length: BATCH }, (_, i) => (i % 10) / 10),
        maxLength: len,
        dropout: 0.1,
      };
      const opt = tf.train.adam(1e-5);
      const variables = model.trainableVariables();
      const steps_ = await DataParallelSteps.start(model, task, participants);
      if (!steps_) throw new Error('data-parallel steps did not start');
      const batch = Uint32Array.from({ length: BATCH }, (_, i) => i);
      let optimizerMs = 0;
      try {
        const t = await timeSteps(steps, true, async (i) => {
          if (i === 0) {
            steps_.resetProfile();
            optimizerMs = 0;
          }
          // What fit() runs: shares, summed gradients, the optimizer's update.
          const r = await steps_.step(i + 1, batch, (b) => taskLoss(model, task, b), variables);
          const t0 = performance.now();
          opt.applyGradients(r.grads as unknown as Record<string, tf.Variable>);
          tf.dispose(Object.values(r.grads));
          optimizerMs += performance.now() - t0;
        });
        const p = steps_.profile;
        const per = (ms: number) => (ms / p.steps).toFixed(0);
        profiles.push(
          `| ${label} | ${kind}-encoder | ${len} | ${(t.wall * 1000).toFixed(0)} | ${per(p.syncWeights)} | ${per(p.ownForwardBackward)} | ${per(p.waitWorkers)} | ${per(p.sumGrads)} | ${per(optimizerMs)} | ` +
            `${per(p.worker.syncWeights)} | ${per(p.worker.forwardBackward)} | ${per(p.worker.writeGrads)} |`,
        );
        const units = (kind === 'bi' ? 2 : 1) * BATCH * len;
        rows.push({ backend: label, what: `${kind}-encoder train`, len, n: steps, units, unit: 'tokens/s', t });
        log(`${kind} L=${len}: ${t.wall.toFixed(2)} s/step wall, ${t.cpu.toFixed(2)} s cpu`);
      } finally {
        steps_.dispose();
        opt.dispose();
        model.dispose();
      }
    }
  }
}

/** fit() on the real bi-encoder, tiny batches: the tensor count must not grow with the steps. */
async function leakCheck(base: UseLiteBaseParams, participants: number): Promise<void> {
  const bi = loadUseLiteBiEncoder({ base, tokenizer });
  const texts = sentences.slice(0, 400);
  const labels = Float32Array.from(texts, (_, i) => (i % 10) / 10);
  // With participants >= 2, fit() runs its data-parallel step (the path real training takes).
  const parallel: ParallelTask | undefined =
    participants >= 2
      ? {
          loss: 'bi-cosine-mse',
          a: texts.filter((_, i) => i % 2 === 0),
          b: texts.filter((_, i) => i % 2 === 1),
          labels: Float32Array.from({ length: texts.length / 2 }, (_, i) => labels[i]!),
          maxLength: 8,
          dropout: 0.1,
        }
      : undefined;
  const counts: string[] = [];
  const t0 = performance.now();
  await fit({
    model: bi,
    examples: texts.length / 2,
    batchSize: 4,
    epochs: Math.ceil((leakSteps * 4) / (texts.length / 2)),
    learningRate: 1e-5,
    warmupFraction: 0.1,
    seed: 1,
    ...(parallel ? { parallel, parallelThreads: participants } : {}),
    lossOf: (batch) => {
      if (parallel) return taskLoss(bi, parallel, batch);
      const idx = Array.from(batch);
      const ea = bi.forward(
        idx.map((i) => texts[2 * i]!),
        { training: true, maxLength: 8 },
      ).embeddings;
      const eb = bi.forward(
        idx.map((i) => texts[2 * i + 1]!),
        { training: true, maxLength: 8 },
      ).embeddings;
      const y = tf.tensor1d(idx.map((i) => labels[i]!));
      return tf.mean(tf.square(tf.sub(tf.sum(tf.mul(ea, eb), 1), y))) as tf.Scalar;
    },
    onStep: (step) => {
      if (step === 1 || step === Math.round(leakSteps / 2) || step === leakSteps) counts.push(`step ${step}: ${tf.memory().numTensors} tensors`);
      if (step >= leakSteps) throw new Error('leak-check-done');
    },
  }).catch((err: unknown) => {
    if (!(err instanceof Error && err.message === 'leak-check-done')) throw err;
  });
  bi.dispose();
  console.log(
    `\nfit() over ${leakSteps} steps (${parallel ? `data-parallel ${participants} threads, ` : ''}batch 4, max length 8, ${((performance.now() - t0) / 1000).toFixed(0)} s): ${counts.join(', ')}`,
  );
}

function printTables(rows: Row[], ratios: string[], loadStart: number): void {
  const loadEnd = os.loadavg()[0]!;
  console.log(
    `\nUSE lite throughput, batch ${BATCH}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ` +
      `1-min load average ${loadStart.toFixed(1)} at start, ${loadEnd.toFixed(1)} at end\n`,
  );
  console.log('| backend | workload | max length | timed runs | per CPU-second | per wall-second | wall s/run |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.backend} | ${r.what} | ${r.len} | ${r.n} | ${fmt(r.units / r.t.cpu)} ${r.unit} | ${fmt(r.units / r.t.wall)} ${r.unit} | ${r.t.wall.toFixed(2)} |`,
    );
  }
  if (profiles.length) {
    console.log('\nData-parallel step profile, ms per step (mean over the timed steps)\n');
    console.log(
      '| config | model | max length | step wall | trainer: weights to shared memory | trainer: own forward+backward | trainer: waits for workers | trainer: sums gradients | trainer: Adam update | worker: reads weights | worker: forward+backward | worker: writes gradients |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const p of profiles) console.log(p);
  }
  if (ratios.length) {
    console.log('\nwasm matMul patch: transposes via tf.transpose, batched products as 2-D XNNPACK products');
    console.log(`(seconds, CPU / wall; mean of ${abRounds} interleaved round(s))\n`);
    console.log('| workload | before: tfjs kernel | after: patched | speed-up (CPU / wall) |');
    console.log('|---|---|---|---|');
    for (const r of ratios) console.log(r);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
