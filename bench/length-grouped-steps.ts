/**
 * Issue 14: the speed of training steps with random and with length-grouped batches, on the pairs
 * a Quick run of bench/trans-encoder-sts.ts trains on, with the built-in models, Quick's batch
 * sizes and lengths and the run's own step (fit() with data-parallel shares). Each mode runs
 * `--steps` steps of each phase after one warm-up step; prints wall and CPU seconds per step and
 * real (unpadded) tokens per wall-second. Run it under the machine-wide timing lock.
 *
 *   npx tsx bench/length-grouped-steps.ts [--steps 30]
 */
import { initBackend } from '../src/engine/backend';
import { loadScoredPairs, STS_DATASETS } from '../src/engine/eval/stsData';
import { CancelledError } from '../src/engine/jobs/jobRunner';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';
import { biPairKey, jointLength, singleLength } from '../src/engine/train/exampleLengths';
import { fit } from '../src/engine/train/fit';
import { taskLoss, type ParallelTask } from '../src/engine/train/parallel/task';
import { PRESETS } from '../src/engine/train/presets';
import { planBatches } from '../src/engine/train/schedule';
import { benchArgs, numberArg } from './lib/args';
import { benchPairSplit } from './lib/stsPairs';

const { values } = benchArgs({ steps: { type: 'string', default: '30' } });
const steps = numberArg(values.steps, 'steps', 30, (x) => x >= 1);
const backend = await initBackend('auto');
const s = PRESETS.quick.settings;
const sets = [];
for (const name of STS_DATASETS) sets.push(await loadScoredPairs(name));
const { chosen } = benchPairSplit(sets, s);
const a = chosen.map((p) => p[0]);
const b = chosen.map((p) => p[1]);
const n = a.length;
const cross = loadUseLiteCrossEncoder();
const bi = loadUseLiteBiEncoder();
const labels = new Float32Array(n).fill(0.5);

const joint = Float64Array.from(a, (x, i) => jointLength(cross.tokenizer, x, b[i]!, s.biToCross.maxLength));
const crossLengths = Float64Array.from({ length: 2 * n }, (_, i) => joint[i % n]!);
const la = Float64Array.from(a, (x) => singleLength(bi.tokenizer, x, s.crossToBi.maxLength));
const lb = Float64Array.from(b, (x) => singleLength(bi.tokenizer, x, s.crossToBi.maxLength));
const biKeys = Float64Array.from(la, (x, i) => biPairKey(x, lb[i]!));

const phases = [
  {
    name: 'bi->cross',
    model: cross,
    examples: 2 * n,
    cfg: s.biToCross,
    lengths: crossLengths,
    real: (i: number) => crossLengths[i]!,
    task: { loss: 'cross-bce', a, b, labels, maxLength: s.biToCross.maxLength, dropout: s.dropout } as ParallelTask,
  },
  {
    name: 'cross->bi',
    model: bi,
    examples: n,
    cfg: s.crossToBi,
    lengths: biKeys,
    real: (i: number) => la[i]! + lb[i]!,
    task: { loss: 'bi-cosine-mse', a, b, labels, maxLength: s.crossToBi.maxLength, dropout: s.dropout } as ParallelTask,
  },
] as const;

console.log(`backend ${backend.name}; ${n} pairs; ${steps} steps per phase and mode after one warm-up step`);
for (const phase of phases) {
  const start = phase.model.getWeights();
  for (const grouped of [false, true]) {
    phase.model.setWeights(start);
    const seed = 42;
    const plan = planBatches(phase.examples, phase.cfg.batchSize, phase.cfg.epochs, seed, grouped ? { lengths: phase.lengths } : undefined);
    let real = 0;
    for (let k = 1; k <= steps; k++) for (const i of plan.batchAt(k)) real += phase.real(i);
    const controller = new AbortController();
    let t0 = 0;
    let cpu0 = process.cpuUsage();
    let threads = 1;
    try {
      const r = await fit({
        model: phase.model,
        examples: phase.examples,
        batchSize: phase.cfg.batchSize,
        epochs: phase.cfg.epochs,
        learningRate: phase.cfg.learningRate,
        warmupFraction: s.warmupFraction,
        seed,
        grouping: grouped ? { lengths: phase.lengths } : undefined,
        lossOf: (batch) => taskLoss(phase.model, phase.task, batch),
        parallel: phase.task,
        signal: controller.signal,
        onStep: (step) => {
          if (step === 1) {
            t0 = performance.now();
            cpu0 = process.cpuUsage();
          }
          if (step === steps + 1) controller.abort();
        },
      });
      threads = r.threads;
    } catch (err) {
      if (!(err instanceof CancelledError)) throw err;
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `${phase.name.padEnd(10)} ${grouped ? 'grouped' : 'random '}  ${((1000 * wall) / steps).toFixed(0).padStart(6)} ms/step wall, ${((cpu.user + cpu.system) / 1000 / steps).toFixed(0).padStart(6)} ms/step CPU, ${(real / wall).toFixed(0).padStart(6)} real tokens/s${threads > 1 ? ` (${threads} threads)` : ''}`,
    );
  }
  for (const t of start.values()) t.dispose();
}
