/**
 * Issue 14: how much of a training step is padding, with random batches and with length-grouped
 * ones (train/schedule.ts). Counts real tokens / padded tokens per epoch with the built-in
 * tokenizer for both Trans-Encoder phases: bi->cross (cross-encoder, each pair read together in
 * both orders, padded to the batch's longest pair) and cross->bi (bi-encoder, each side padded to
 * its own longest text). `split 2`: each batch also split over 2 threads by length, as
 * data-parallel steps do (parallel/task.ts splitBatch; the step costs its costliest share).
 *
 *   npx tsx bench/length-grouping.ts [--sets stsb-train] [--quick-pairs 1]
 */
import { loadScoredPairs, STS_DATASETS } from '../src/engine/eval/stsData';
import { loadUseLiteTokenizer } from '../src/engine/models/use-lite/biEncoder';
import { planBatches } from '../src/engine/train/schedule';
import { biPairKey, jointLength, singleLength } from '../src/engine/train/exampleLengths';
import { splitBatch } from '../src/engine/train/parallel/task';
import { PRESETS } from '../src/engine/train/presets';
import { benchArgs } from './lib/args';
import { benchPairSplit } from './lib/stsPairs';

const { values } = benchArgs({
  sets: { type: 'string', default: 'stsb-train' },
  'quick-pairs': { type: 'string', default: '1' },
  epochs: { type: 'string', default: '2' },
});
const tok = loadUseLiteTokenizer();
const epochs = Number(values.epochs);

type Pairs = { name: string; a: string[]; b: string[] };
const sources: Pairs[] = [];
for (const name of values.sets!.split(',').filter(Boolean)) {
  const s = await loadScoredPairs(name);
  sources.push({ name, a: [...s.a], b: [...s.b] });
}
if (values['quick-pairs'] === '1') {
  const sets = [];
  for (const name of STS_DATASETS) sets.push(await loadScoredPairs(name));
  const { chosen } = benchPairSplit(sets, PRESETS.quick.settings);
  sources.push({ name: 'quick-2000', a: chosen.map((p) => p[0]), b: chosen.map((p) => p[1]) });
}

/** Real and padded tokens over `epochs` epochs; `cost(batch)` is a step's padded tokens. */
function count(n: number, batch: number, lengths: Float64Array | null, real: (i: number) => number, cost: (rows: number[]) => number) {
  const plan = planBatches(n, batch, epochs, 42, lengths ? { lengths } : undefined);
  let r = 0;
  let p = 0;
  for (let step = 0; step < plan.totalSteps; step++) {
    const rows = Array.from(plan.batchAt(step));
    for (const i of rows) r += real(i);
    p += cost(rows);
  }
  return r / p;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log('source       phase        maxLen batch  key        random  grouped  random/split2  grouped/split2');
for (const src of sources) {
  const n = src.a.length;
  for (const maxLength of [48, 64]) {
    const joint = Float64Array.from(src.a, (a, i) => jointLength(tok, a, src.b[i]!, maxLength));
    // Examples i and i + n: the pair in both orders (the same length).
    const len2 = Float64Array.from({ length: 2 * n }, (_, i) => joint[i % n]!);
    const padded = (rows: number[]) => rows.length * Math.max(...rows.map((i) => len2[i]!));
    const split2 = (rows: number[]) => 2 * Math.max(...splitBatch(rows, (i) => len2[i]!, 2).map((sh) => (sh.length ? padded(sh) : 0)));
    for (const batch of [16, 32]) {
      const row = [src.name.padEnd(12), 'bi->cross'.padEnd(12), String(maxLength).padStart(6), String(batch).padStart(6), '  joint    '];
      for (const [grouped, cost] of [
        [false, padded],
        [true, padded],
        [false, split2],
        [true, split2],
      ] as const)
        row.push(pct(count(2 * n, batch, grouped ? len2 : null, (i) => len2[i]!, cost)).padStart(8));
      console.log(row.join(' '));
    }
  }
  const maxLength = 32;
  const la = Float64Array.from(src.a, (t) => singleLength(tok, t, maxLength));
  const lb = Float64Array.from(src.b, (t) => singleLength(tok, t, maxLength));
  const padded = (rows: number[]) => rows.length * (Math.max(...rows.map((i) => la[i]!)) + Math.max(...rows.map((i) => lb[i]!)));
  // dataParallel.ts splits a bi-encoder batch by the longer side of each pair.
  const split2 = (rows: number[]) => 2 * Math.max(...splitBatch(rows, (i) => Math.max(la[i]!, lb[i]!), 2).map((sh) => (sh.length ? padded(sh) : 0)));
  const keys: [string, Float64Array][] = [
    ['a+b', Float64Array.from(la, (x, i) => x + lb[i]!)],
    ['max(a,b)', Float64Array.from(la, (x, i) => biPairKey(x, lb[i]!))],
  ];
  for (const batch of [16, 32])
    for (const [keyName, key] of keys) {
      const row = [src.name.padEnd(12), 'cross->bi'.padEnd(12), String(maxLength).padStart(6), String(batch).padStart(6), `  ${keyName.padEnd(9)}`];
      for (const [grouped, cost] of [
        [false, padded],
        [true, padded],
        [false, split2],
        [true, split2],
      ] as const)
        row.push(pct(count(n, batch, grouped ? key : null, (i) => la[i]! + lb[i]!, cost)).padStart(8));
      console.log(row.join(' '));
    }
}
