/**
 * Bulk cross-encoder scoring (issue 14): pairs per second of what `tenc check --pairs` with a
 * trained cross-encoder, evaluation and dedup re-scoring run (ModelCache.bulkCross), before
 * (one ONNX session, the path before) and after (the ONNX worker pool, one single-threaded
 * session per worker), with the largest score difference between the two.
 *
 *   npx tsx bench/check-pairs-throughput.ts [--pairs 1000] [--set stsb-dev] [--workers 2]
 *
 * Pairs are real STS pairs scored in both orders, as check.pairs does, at the cross-encoder's
 * own max length. The model is the built-in cross-encoder with a non-zero score head (the
 * cost of a forward pass does not depend on the weights' values).
 */
import * as tf from '@tensorflow/tfjs';
import os from 'node:os';
import { initBackend } from '../src/engine/backend';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import type { TextPair } from '../src/engine/models/encoder';
import { OnnxCrossEncoder, ParallelOnnxCrossEncoder } from '../src/engine/models/onnx';
import { loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';
import { benchArgs, numberArg } from './lib/args';

const { values } = benchArgs({
  pairs: { type: 'string', default: '1000' },
  set: { type: 'string', default: 'stsb-dev' },
  workers: { type: 'string', default: String(Math.min(4, os.availableParallelism())) },
});
const count = numberArg(values.pairs, 'pairs', 1000, (n) => Number.isInteger(n) && n >= 1);
const workers = numberArg(values.workers, 'workers', 2, (n) => Number.isInteger(n) && n >= 1);

async function main(): Promise<void> {
  await initBackend('wasm');
  const data = await loadScoredPairs(values.set ?? 'stsb-dev');
  const base = data.a.slice(0, count).map((a, i) => [a, data.b[i]!] as const);
  const pairs: TextPair[] = base.flatMap(([a, b]) => [[a, b] as const, [b, a] as const]);
  const model = loadUseLiteCrossEncoder();
  const weights = new Map([['score_head/kernel', tf.randomNormal([1024, 1], 0, 0.05, 'float32', 7)]]);
  model.setWeights(weights);
  tf.dispose([...weights.values()]);
  const load0 = os.loadavg()[0]!;
  const rows: string[] = [];
  const single = await OnnxCrossEncoder.fromModel(model, { intraOpNumThreads: 1, verify: false });
  // What ModelCache.bulkCross opened before: one session with ORT's default intra-op threads.
  const defaultSession = await OnnxCrossEncoder.fromModel(model, { verify: false });
  const pool = await ParallelOnnxCrossEncoder.fromModel(model, { workers, verify: false });
  try {
    const time = async (label: string, run: () => Promise<Float32Array>) => {
      await run(); // warm-up (first runs of each shape)
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const scores = await run();
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      rows.push(`| ${label} | ${base.length} | ${(base.length / wall).toFixed(1)} | ${wall.toFixed(2)} | ${((c.user + c.system) / 1e6).toFixed(2)} |`);
      return scores;
    };
    const before = await time('one ONNX session, 1 thread', () => single.score(pairs));
    await time('one ONNX session, ORT default threads (before)', () => defaultSession.score(pairs));
    const after = await time(`ONNX worker pool, ${pool.pool.size} x 1 thread (after)`, () => pool.score(pairs));
    let worst = 0;
    for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i]! - after[i]!));
    console.log(
      `\nCross-encoder bulk scoring, ${base.length} ${values.set} pairs (both orders), USE lite cross-encoder, ${os.cpus().length} cores; ` +
        `1-min load ${load0.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end\n`,
    );
    console.log('| path | pairs | pairs per wall-second | wall s | CPU s (process, all threads) |');
    console.log('|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log(`\nmax |score difference|, pool vs single session: ${worst.toExponential(2)}`);
  } finally {
    await single.dispose();
    await defaultSession.dispose();
    await pool.dispose();
    model.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
