/**
 * The built-in pair judge's accept threshold for "no loss of precision" (issue 11). The scan's
 * rule is "cosine >= the semantic threshold accepts alone; below it, from the judge's candidate
 * floor, the judge decides". On held-out labelled pairs (bench/lib/judgeSplit.ts: none the judge
 * was fitted on), split at random into a tuning half and a held-out half, this finds on the
 * tuning half the accept threshold with the most recall at a precision no lower than cosine >=
 * the semantic threshold alone, and reports both halves at that threshold and at the shipped one.
 * Raw pairs (both texts embedded, no clustering): the quality bench (dedup-quality.ts) measures
 * whole scans.
 *   npx tsx bench/dedup-judge-accept.ts [--pairs 2000] [--seed 11] [--margin 0 | --target 0.85]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBuiltinPairJudge } from '../src/engine/dedup';
import { DEFAULT_THRESHOLDS } from '../src/engine/dedup/thresholds';
import { ModelCache } from '../src/engine/models/modelCache';
import { createStore, openDatabase } from '../src/engine/store';
import { benchArgs, numberArg } from './lib/args';
import { judgeAcceptHalves, type LabelledRow } from './lib/judgeSplit';

const { values } = benchArgs(
  {
    pairs: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '11' },
    margin: { type: 'string', default: '0' },
    // A precision to keep on the tuning half instead of cosine alone's (+ margin).
    target: { type: 'string' },
  },
  process.argv.slice(2),
);
const N = numberArg(values.pairs, 'pairs', 2000);
const SEED = numberArg(values.seed, 'seed', 11);
const MARGIN = numberArg(values.margin, 'margin', 0);
const TARGET = values.target === undefined ? null : numberArg(values.target, 'target', 0.85);
const SEMANTIC = DEFAULT_THRESHOLDS.semantic;

const { tuning, heldOut } = await judgeAcceptHalves(N, SEED);
const rows = [...tuning, ...heldOut];

// A throw-away store in a temp folder (openDatabase takes a file path; ':memory:' would be a file here).
const db = await openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-judge-accept-')), 'store.db'));
const models = new ModelCache(createStore(db), os.tmpdir());
await models.ensureBackend();
const bi = await models.bulkBi(null);
const judge = loadBuiltinPairJudge();

async function scored(rs: LabelledRow[]) {
  const va = await bi.embed(
    rs.map((r) => r.a),
    { maxLength: 128, batchSize: 32 },
  );
  const vb = await bi.embed(
    rs.map((r) => r.b),
    { maxLength: 128, batchSize: 32 },
  );
  const cos = rs.map((_, i) => {
    let s = 0;
    for (let k = 0; k < va[i].length; k++) s += va[i][k] * vb[i][k];
    return s;
  });
  const prob = await judge.judge(
    rs.map((r) => [r.a, r.b] as [string, string]),
    cos,
  );
  return rs.map((r, i) => ({
    dup: r.dup,
    group: r.source.startsWith('mrpc') ? 'mrpc' : 'sts',
    cos: cos[i],
    prob: cos[i] >= judge.candidateFloor ? prob[i] : 0,
  }));
}

type Scored = Awaited<ReturnType<typeof scored>>[number];
function prf(xs: Scored[], yes: (x: Scored) => boolean) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const x of xs) {
    const y = yes(x);
    if (y && x.dup) tp++;
    else if (y) fp++;
    else if (x.dup) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

const t = await scored(tuning);
const h = await scored(heldOut);
const cosOnly = (x: Scored) => x.cos >= SEMANTIC;
const rule = (accept: number) => (x: Scored) => x.cos >= SEMANTIC || x.prob >= accept;
const base = prf(t, cosOnly);
let chosen: number | null = null;
for (let a = 0.3; a <= 0.99; a += 0.005) {
  const r = prf(t, rule(a));
  if (r.precision >= (TARGET ?? base.precision + MARGIN)) {
    chosen = Math.round(a * 1000) / 1000;
    break;
  }
}
const f = (r: { precision: number; recall: number; f1: number }) => `${r.precision.toFixed(3)} / ${r.recall.toFixed(3)} / ${r.f1.toFixed(3)}`;
const lines = [
  `held-out pairs ${rows.length} (MRPC ${rows.filter((r) => r.source.startsWith('mrpc')).length}, STS ${rows.filter((r) => !r.source.startsWith('mrpc')).length}); tuning ${t.length}, held out ${h.length}; seed ${SEED}, ${TARGET === null ? `margin ${MARGIN}` : `target precision ${TARGET}`}`,
  '',
  '| rule | tuning half P / R / F1 | held-out half P / R / F1 |',
  '|---|---|---|',
  `| cosine >= ${SEMANTIC} alone (pre-judge) | ${f(base)} | ${f(prf(h, cosOnly))} |`,
  `| + judge at the shipped accept ${judge.accept} | ${f(prf(t, rule(judge.accept)))} | ${f(prf(h, rule(judge.accept)))} |`,
  chosen === null
    ? '| no accept threshold keeps the precision on the tuning half | | |'
    : `| + judge at accept ${chosen} (chosen on the tuning half) | ${f(prf(t, rule(chosen)))} | ${f(prf(h, rule(chosen)))} |`,
];
console.log(lines.join('\n'));
console.log(JSON.stringify({ chosen, shipped: judge.accept, floor: judge.candidateFloor }));
process.exit(0);
