/**
 * How far can the built-in pair judge go (issue 11)? Raw labelled pairs, no scan:
 *   - fitting pairs: bench/lib/judgeSplit.ts judgeFitRows (STS-B train, SICK-R train, MRPC train
 *     rows 1-3076), as bench/fit-pair-judge.ts;
 *   - held-out pairs: judgeHeldOutRows, sampled and halved as bench/dedup-judge-accept.ts does
 *     (--pairs 2000, --seed 11): the tuning half chooses accept thresholds, the held-out half
 *     only reports.
 * Judges compared (logistic regressions fitted on the fitting pairs from the candidate floor):
 *   base       the shipped judge's 13 inputs (pairJudge.ts),
 *   +align     plus BERTScore-style token alignment over the built-in model's token states
 *              (train/teachers/alignment.ts; IDF over every distinct text of the study),
 *   +align+x   plus products cos x align, cos x SIF, align x SIF and cos^2.
 * For each: the scan rule (cos >= the semantic threshold accepts alone; below it, from the floor,
 * the judge decides) at accept thresholds chosen on the tuning half for (a) the precision of
 * cosine >= the semantic threshold alone, (b) precision >= 0.85, (c) >= 0.9; and the oracle: the
 * best F1 any single threshold reaches on the held-out half (chosen there: an upper bound).
 * Token alignment's IDF comes from the fitting pairs' texts only (the table a shipped judge carries).
 *   npx tsx bench/dedup-judge-study.ts [--pairs 2000] [--seed 11] [--cache DIR] [--out FILE.json]
 *        [--write resources/dedup/pair-judge.json --variant 1 --target 0.85]
 * Session 6 (--fit-max 5000, --align-fit-max 2000, seed 11): held-out half, accept for the
 * precision of cosine alone: base refit 0.870 / 0.547 / 0.671, + token alignment 0.877 / 0.535 /
 * 0.665, + alignment + products 0.879 / 0.526 / 0.658; oracle F1 of every judge 0.79-0.80 (at
 * precision ~0.74): token alignment adds nothing the GloVe inputs and the cosine do not already
 * carry, and F1 0.9 is out of reach for a judge over these inputs.
 * --cache keeps cosines and alignment scores between runs (they take most of the time).
 * --write saves variant N (0 base, 1 + alignment, 2 + alignment + products, 3 + products without alignment) with the accept threshold chosen
 * on the tuning half for --target precision ('cos' = the precision of cosine alone).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { fitLogistic, type LogisticModel } from '../src/engine/dedup/logistic';
import { builtinJudgeWeights } from '../src/engine/dedup/builtinPairJudge';
import {
  JUDGE_EXTRA_FEATURE_NAMES,
  JUDGE_FEATURES,
  JUDGE_FEATURE_NAMES,
  JudgeFeaturizer,
  TableIdf,
  checkJudgeWeights,
  type AlignmentIdfTable,
  type PairJudgeWeights,
} from '../src/engine/dedup/pairJudge';
import { DEFAULT_THRESHOLDS } from '../src/engine/dedup/thresholds';
import { bestF1Cut } from '../src/engine/eval/thresholdSearch';
import { loadGloveVectors } from '../src/engine/models/glove';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { seededRandom, shuffleInPlace } from '../src/engine/random';
import { alignmentF1 } from '../src/engine/train/teachers/alignment';
import { contentHash } from '../src/engine/text/normalize';
import { benchArgs, numberArg } from './lib/args';
import { judgeAcceptHalves, judgeFitRows } from './lib/judgeSplit';

const { values } = benchArgs(
  {
    pairs: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '11' },
    cache: { type: 'string' },
    out: { type: 'string' },
    l2: { type: 'string', default: '0.001' },
    write: { type: 'string' },
    variant: { type: 'string', default: '1' },
    target: { type: 'string', default: 'cos' },
    // At most this many fitting pairs (seeded sample; MRPC's are all kept: they hold the hard negatives).
    'fit-max': { type: 'string', default: '0' },
    'align-fit-max': { type: 'string', default: '2500' },
    // Skip token alignment (the TF.js pass): only the variants without it.
    'no-align': { type: 'boolean', default: false },
  },
  process.argv.slice(2),
);
const N = numberArg(values.pairs, 'pairs', 2000);
const SEED = numberArg(values.seed, 'seed', 11);
const L2 = Number(values.l2);
const SEMANTIC = DEFAULT_THRESHOLDS.semantic;
const MAX_LENGTH = 128;
const shipped = builtinJudgeWeights();
const FLOOR = shipped.candidateFloor;
const started = Date.now();
const log = (...a: unknown[]) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s]`, ...a);

// ---- the pairs (the held-out split as bench/dedup-judge-accept.ts draws it) ----------------
const FIT_MAX = numberArg(values['fit-max'], 'fit-max', 0);
const fitAll = await judgeFitRows();
const fit = (() => {
  if (!FIT_MAX || fitAll.length <= FIT_MAX) return fitAll;
  const mrpc = fitAll.filter((r) => r.source.startsWith('mrpc'));
  const other = shuffleInPlace(
    fitAll.filter((r) => !r.source.startsWith('mrpc')),
    seededRandom(5),
  ).slice(0, Math.max(0, FIT_MAX - mrpc.length));
  return [...mrpc, ...other];
})();
const { tuning, heldOut } = await judgeAcceptHalves(N, SEED);
const all = [...fit, ...tuning, ...heldOut];
const part = (i: number) => (i < fit.length ? 'fit' : i < fit.length + tuning.length ? 'tuning' : 'heldOut');
log(`${fit.length} fitting pairs, ${tuning.length} tuning, ${heldOut.length} held out`);

async function cached<T>(name: string, make: () => Promise<T>): Promise<T> {
  const file = values.cache ? path.join(values.cache, `${name}-${SEED}-${N}.json`) : null;
  if (file) {
    const hit = await fs.readFile(file, 'utf8').then(
      (s) => JSON.parse(s) as T,
      () => null,
    );
    if (hit) return hit;
  }
  const v = await make();
  if (file) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(v));
  }
  return v;
}

await initBackend('auto');
const tfBi = loadUseLiteBiEncoder({ maxLength: MAX_LENGTH });

// Sentence vectors are appended to a cache file a chunk at a time, so a stopped run loses little.
const vecFile = values.cache ? path.join(values.cache, 'vectors.jsonl') : null;
const vec = new Map<string, Float32Array>();
if (vecFile) {
  const lines = await fs.readFile(vecFile, 'utf8').then(
    (x) => x.split('\n').filter(Boolean),
    () => [] as string[],
  );
  for (const l of lines) {
    const { h, v } = JSON.parse(l) as { h: string; v: string };
    const b = Buffer.from(v, 'base64');
    vec.set(h, new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
  }
}
{
  const bi = await OnnxBiEncoder.fromModel(tfBi);
  const texts = [...new Set(all.flatMap((r) => [r.a, r.b]))].filter((t) => !vec.has(contentHash(t)));
  log(`${vec.size} sentence vectors cached, ${texts.length} to embed`);
  for (let i = 0; i < texts.length; i += 512) {
    const chunk = texts.slice(i, i + 512);
    const vs = await bi.embed(chunk, { maxLength: MAX_LENGTH, batchSize: 32 });
    const lines: string[] = [];
    chunk.forEach((t, k) => {
      const h = contentHash(t);
      vec.set(h, vs[k]);
      lines.push(JSON.stringify({ h, v: Buffer.from(new Float32Array(vs[k]).buffer).toString('base64') }));
    });
    if (vecFile) {
      await fs.mkdir(path.dirname(vecFile), { recursive: true });
      await fs.appendFile(vecFile, `${lines.join('\n')}\n`);
    }
    log(`embedded ${Math.min(texts.length, i + 512)} / ${texts.length}`);
  }
}
const cos = all.map((r) => {
  const u = vec.get(contentHash(r.a))!;
  const v = vec.get(contentHash(r.b))!;
  let s = 0;
  let nu = 0;
  let nv = 0;
  for (let d = 0; d < u.length; d++) {
    s += u[d] * v[d];
    nu += u[d] * u[d];
    nv += v[d] * v[d];
  }
  return s / Math.sqrt(nu * nv || 1);
});
log('cosines ready');

// Only pairs from the floor are ever judged. Token alignment (a TF.js pass over both texts) is the
// slow part: every held-out pair from the floor, and a seeded sample of --align-fit-max fitting
// pairs from the floor; every judge variant is fitted on that same sample.
const ALIGN_FIT_MAX = numberArg(values['align-fit-max'], 'align-fit-max', 2500);
const fitFromFloor = all.map((_, i) => i).filter((i) => part(i) === 'fit' && cos[i] >= FLOOR);
const fitSample = new Set(shuffleInPlace([...fitFromFloor], seededRandom(6)).slice(0, ALIGN_FIT_MAX));
const judged = all.map((_, i) => i).filter((i) => cos[i] >= FLOOR && (part(i) !== 'fit' || fitSample.has(i)));
// IDF of the built-in model's tokens over the fitting texts (what a shipped judge carries).
const fitTexts = [...new Set(fit.flatMap((r) => [r.a, r.b]))];
const idfTable: AlignmentIdfTable = { texts: fitTexts.length, df: {} };
for (const t of fitTexts) for (const id of new Set(tfBi.tokenIds(t, MAX_LENGTH))) idfTable.df[id] = (idfTable.df[id] ?? 0) + 1;
const NO_ALIGN = values['no-align'] === true;
const align = NO_ALIGN
  ? {}
  : await cached(`align-${FIT_MAX}-${ALIGN_FIT_MAX}`, async () => {
      const idf = new TableIdf(idfTable);
      const out: Record<number, number> = {};
      const CHUNK = 400;
      for (let s = 0; s < judged.length; s += CHUNK) {
        const idx = judged.slice(s, s + CHUNK);
        const texts = [...new Set(idx.flatMap((i) => [all[i].a, all[i].b]))];
        const states = await tfBi.tokenStates(texts, { maxLength: MAX_LENGTH, batchSize: 32 });
        const m = new Map(texts.map((t, k) => [t, states[k]]));
        for (const i of idx) {
          const a = m.get(all[i].a)!;
          const b = m.get(all[i].b)!;
          out[i] = alignmentF1(a, b, idf, a.ids.length ? a.states.length / a.ids.length : 1);
        }
        log(`aligned ${Math.min(judged.length, s + CHUNK)} / ${judged.length}`);
      }
      return out;
    });
log(NO_ALIGN ? 'no token alignment (--no-align)' : 'alignment ready');

// ---- features ---------------------------------------------------------------------------
const base = new JudgeFeaturizer(loadGloveVectors()).features(
  judged.map((i) => [all[i].a, all[i].b] as [string, string]),
  judged.map((i) => cos[i]),
);
log('GloVe features ready');
const SIF = JUDGE_FEATURE_NAMES.indexOf('glove_sif_cosine');
type Variant = { name: string; dim: number; row: (k: number) => number[]; extras: string[] };
const baseRow = (k: number) => Array.from(base.subarray(k * JUDGE_FEATURES, (k + 1) * JUDGE_FEATURES));
const allVariants: Variant[] = [
  { name: 'base (the shipped inputs, refitted)', dim: JUDGE_FEATURES, row: baseRow, extras: [] },
  { name: '+ token alignment', dim: JUDGE_FEATURES + 1, row: (k) => [...baseRow(k), align[judged[k]]], extras: ['use_alignment'] },
  {
    name: '+ token alignment + products',
    extras: [...JUDGE_EXTRA_FEATURE_NAMES],
    dim: JUDGE_FEATURES + 5,
    row: (k) => {
      const r = baseRow(k);
      const c = r[0];
      const al = align[judged[k]];
      const sif = r[SIF];
      return [...r, al, c * al, c * sif, al * sif, c * c];
    },
  },
];

allVariants.push({
  name: '+ products (no alignment)',
  dim: JUDGE_FEATURES + 2,
  row: (k) => {
    const r = baseRow(k);
    return [...r, r[0] * r[SIF], r[0] * r[0]];
  },
  extras: ['cos_x_sif', 'cos_squared'],
});
const variants = allVariants.filter((v) => !NO_ALIGN || !v.extras.some((e) => e.includes('alignment')));

function probs(m: LogisticModel, x: Float64Array, dim: number): Float64Array {
  const n = x.length / dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = m.intercept;
    for (let k = 0; k < dim; k++) z += (m.coef[k] * (x[i * dim + k] - m.mean[k])) / m.scale[k];
    out[i] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

interface PRF {
  precision: number;
  recall: number;
  f1: number;
}
function prf(idx: number[], yes: (i: number) => boolean): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const i of idx) {
    const y = yes(i);
    if (y && all[i].dup) tp++;
    else if (y) fp++;
    else if (all[i].dup) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}
const idxOf = (p: string) => all.map((_, i) => i).filter((i) => part(i) === p);
const tuneIdx = idxOf('tuning');
const heldIdx = idxOf('heldOut');
const kOf = new Map(judged.map((i, k) => [i, k]));
const cosOnly = (i: number) => cos[i] >= SEMANTIC;
const cosBase = { tuning: prf(tuneIdx, cosOnly), heldOut: prf(heldIdx, cosOnly) };
const f = (r: PRF) => `${r.precision.toFixed(3)} / ${r.recall.toFixed(3)} / ${r.f1.toFixed(3)}`;

const lines: string[] = [];
const results: Record<string, unknown>[] = [];
lines.push(
  `Pairs: fitting ${fit.length} (${fitFromFloor.length} from the floor ${FLOOR}; judges fitted on a sample of ${fitSample.size}), tuning half ${tuning.length} (${tuning.filter((r) => r.dup).length} same meaning), held-out half ${heldOut.length} (${heldOut.filter((r) => r.dup).length} same meaning); seed ${SEED}.`,
  '',
  `cosine >= ${SEMANTIC} alone: tuning ${f(cosBase.tuning)}, held out ${f(cosBase.heldOut)}.`,
  '',
  '| judge | accept rule (chosen on the tuning half) | accept | tuning P / R / F1 | held-out P / R / F1 |',
  '|---|---|---|---|---|',
);
const weightsOut: Record<string, unknown> = {};
for (const v of variants) {
  const fitK = judged.map((i, k) => [i, k] as const).filter(([i]) => part(i) === 'fit');
  const x = new Float64Array(fitK.length * v.dim);
  fitK.forEach(([, k], r) => x.set(v.row(k), r * v.dim));
  const model = fitLogistic(
    x,
    fitK.map(([i]) => (all[i].dup ? 1 : 0)),
    v.dim,
    { l2: L2 },
  );
  const xAll = new Float64Array(judged.length * v.dim);
  judged.forEach((_, k) => xAll.set(v.row(k), k * v.dim));
  const p = probs(model, xAll, v.dim);
  const judgeP = (i: number) => (kOf.has(i) ? p[kOf.get(i)!] : 0);
  const rule = (a: number) => (i: number) => cos[i] >= SEMANTIC || judgeP(i) >= a;
  const chooseFor = (target: number): number | null => {
    for (let a = 0.2; a <= 0.995; a += 0.005) if (prf(tuneIdx, rule(a)).precision >= target) return Math.round(a * 1000) / 1000;
    return null;
  };
  const rows: Record<string, { accept: number; tuning: PRF; heldOut: PRF; target: number }> = {};
  for (const [label, target] of [
    [`precision of cos >= ${SEMANTIC} alone (${cosBase.tuning.precision.toFixed(3)})`, cosBase.tuning.precision],
    ['precision >= 0.85', 0.85],
    ['precision >= 0.90', 0.9],
  ] as const) {
    const a = chooseFor(target);
    if (a === null) {
      lines.push(`| ${v.name} | ${label} | – | – | – |`);
      continue;
    }
    const t = prf(tuneIdx, rule(a));
    const h = prf(heldIdx, rule(a));
    rows[label] = { accept: a, tuning: t, heldOut: h, target };
    lines.push(`| ${v.name} | ${label} | ${a} | ${f(t)} | ${f(h)} |`);
  }
  // Oracle on each half: scan-rule score (cos >= semantic outranks every judged pair).
  const ruleScore = (i: number) => (cos[i] >= SEMANTIC ? 2 : judgeP(i));
  const oracle = (idx: number[]) =>
    bestF1Cut(
      idx.map(ruleScore),
      idx.map((i) => all[i].dup),
    );
  const judgeOnly = (idx: number[]) =>
    bestF1Cut(
      idx.map(judgeP),
      idx.map((i) => all[i].dup),
    );
  const o = { tuning: oracle(tuneIdx), heldOut: oracle(heldIdx), judgeAloneHeldOut: judgeOnly(heldIdx), judgeAloneTuning: judgeOnly(tuneIdx) };
  lines.push(
    `| ${v.name} | oracle: scan rule, best single accept on each half | ${o.tuning?.threshold.toFixed(3)} / ${o.heldOut?.threshold.toFixed(3)} | ${f(o.tuning!)} | ${f(o.heldOut!)} |`,
  );
  lines.push(
    `| ${v.name} | oracle: judge probability alone (no cos ceiling) | ${o.judgeAloneTuning?.threshold.toFixed(3)} / ${o.judgeAloneHeldOut?.threshold.toFixed(3)} | ${f(o.judgeAloneTuning!)} | ${f(o.judgeAloneHeldOut!)} |`,
  );
  results.push({ variant: v.name, model, rows, oracle: o });
  if (values.write && allVariants.indexOf(v) === Number(values.variant)) {
    const want = values.target === 'cos' ? cosBase.tuning.precision : Number(values.target);
    const chosen = Object.values(rows).find((r) => r.target === want);
    if (!chosen) throw new Error(`no accept threshold for --target ${values.target}`);
    const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
    const weights: PairJudgeWeights = {
      format: 'tenc-pair-judge',
      version: v.extras.length ? 2 : 1,
      features: [...JUDGE_FEATURE_NAMES, ...v.extras],
      mean: model.mean.map(r6),
      scale: model.scale.map(r6),
      coef: model.coef.map(r6),
      intercept: r6(model.intercept),
      accept: chosen.accept,
      candidateFloor: FLOOR,
      maxWords: shipped.maxWords,
      biEncoder: 'built-in USE lite (ONNX, maxLength 128); token alignment over its TF.js token states',
      fittedOn: {
        script: 'bench/dedup-judge-study.ts',
        data: 'stsb-train + sickr-train (gold >= 4) + mrpc-train rows 1-3076 (bench/lib/judgeSplit.ts)',
        pairs: fit.length,
        candidates: judged.filter((i) => part(i) === 'fit').length,
        l2: L2,
        accept: `chosen on the tuning half of held-out pairs (--pairs ${N} --seed ${SEED}) for precision >= ${want.toFixed(3)}${values.target === 'cos' ? ` (cosine >= ${SEMANTIC} alone there)` : ''}`,
        tuningHalf: chosen.tuning,
        heldOutHalf: chosen.heldOut,
      },
      ...(v.extras.some((e) => e.includes('alignment')) ? { alignmentIdf: idfTable } : {}),
    };
    checkJudgeWeights(weights);
    await fs.writeFile(values.write, `${JSON.stringify(weights, null, 2)}\n`);
    log(`wrote ${values.write} (${v.name}, accept ${chosen.accept})`);
  }
  weightsOut[v.name] = model;
}
const lossLines: string[] = [];
// The shipped judge on the same pairs (no refit): where the true pairs of each half are lost.
{
  const xs = new Float64Array(judged.length * JUDGE_FEATURES);
  judged.forEach((_, k) => xs.set(baseRow(k), k * JUDGE_FEATURES));
  const p = probs(shipped as unknown as LogisticModel, xs, JUDGE_FEATURES);
  const sp = (i: number) => (kOf.has(i) ? p[kOf.get(i)!] : 0);
  const rule = (i: number) => cos[i] >= SEMANTIC || sp(i) >= shipped.accept;
  const oracle = (idx: number[]) =>
    bestF1Cut(
      idx.map((i) => (cos[i] >= SEMANTIC ? 2 : sp(i))),
      idx.map((i) => all[i].dup),
    )!;
  lines.push(
    `| shipped judge (accept ${shipped.accept}) | as shipped | ${shipped.accept} | ${f(prf(tuneIdx, rule))} | ${f(prf(heldIdx, rule))} |`,
    `| shipped judge | oracle: scan rule, best single accept on each half | ${oracle(tuneIdx).threshold.toFixed(3)} / ${oracle(heldIdx).threshold.toFixed(3)} | ${f(oracle(tuneIdx))} | ${f(oracle(heldIdx))} |`,
  );
  for (const target of [0.85, 0.9]) {
    let a: number | null = null;
    for (let t = 0.2; t <= 0.995; t += 0.005)
      if (prf(tuneIdx, (i) => cos[i] >= SEMANTIC || sp(i) >= t).precision >= target) {
        a = Math.round(t * 1000) / 1000;
        break;
      }
    if (a !== null) {
      const r = (i: number) => cos[i] >= SEMANTIC || sp(i) >= a;
      lines.push(`| shipped judge | precision >= ${target} | ${a} | ${f(prf(tuneIdx, r))} | ${f(prf(heldIdx, r))} |`);
    } else lines.push(`| shipped judge | precision >= ${target} | – | – | – |`);
  }
  lossLines.push(
    '',
    '| half (raw pairs, shipped judge) | same-meaning pairs | under the floor | judged, rejected | judged, accepted | cos >= semantic (accepted alone) |',
    '|---|---|---|---|---|---|',
  );
  for (const [name, idx] of [
    ['tuning', tuneIdx],
    ['held-out', heldIdx],
  ] as const) {
    const pos = idx.filter((i) => all[i].dup);
    const band = pos.filter((i) => cos[i] >= FLOOR && cos[i] < SEMANTIC);
    lossLines.push(
      `| ${name} | ${pos.length} | ${pos.filter((i) => cos[i] < FLOOR).length} | ${band.filter((i) => sp(i) < shipped.accept).length} | ${band.filter((i) => sp(i) >= shipped.accept).length} | ${pos.filter((i) => cos[i] >= SEMANTIC).length} |`,
    );
  }
}
const cosOracle = {
  tuning: bestF1Cut(
    tuneIdx.map((i) => cos[i]),
    tuneIdx.map((i) => all[i].dup),
  ),
  heldOut: bestF1Cut(
    heldIdx.map((i) => cos[i]),
    heldIdx.map((i) => all[i].dup),
  ),
};
lines.push(
  `| bi-encoder cosine | oracle: best single cosine cut on each half | ${cosOracle.tuning?.threshold.toFixed(3)} / ${cosOracle.heldOut?.threshold.toFixed(3)} | ${f(cosOracle.tuning!)} | ${f(cosOracle.heldOut!)} |`,
);
// Where the true pairs of each half are lost on raw pairs with the shipped judge's floor.
for (const [name, idx] of [
  ['tuning', tuneIdx],
  ['held-out', heldIdx],
] as const) {
  const pos = idx.filter((i) => all[i].dup);
  lines.push(
    '',
    `${name} half, ${pos.length} same-meaning pairs: under the floor ${FLOOR}: ${pos.filter((i) => cos[i] < FLOOR).length}; in the judged band [${FLOOR}, ${SEMANTIC}): ${pos.filter((i) => cos[i] >= FLOOR && cos[i] < SEMANTIC).length}; at or above ${SEMANTIC}: ${pos.filter((i) => cos[i] >= SEMANTIC).length}. Not same meaning in the band: ${idx.filter((i) => !all[i].dup && cos[i] >= FLOOR && cos[i] < SEMANTIC).length}, at or above ${SEMANTIC}: ${idx.filter((i) => !all[i].dup && cos[i] >= SEMANTIC).length}.`,
  );
}
console.log([...lines, ...lossLines].join('\n'));
if (values.out)
  await fs.writeFile(values.out, `${JSON.stringify({ bench: 'dedup-judge-study', seed: SEED, pairs: N, floor: FLOOR, results, cosOracle }, null, 2)}\n`);
log('done');
process.exit(0);
