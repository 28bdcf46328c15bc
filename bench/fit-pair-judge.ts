/**
 * Fits the built-in pair judge (src/engine/dedup/pairJudge.ts) and writes its weights to
 * resources/dedup/pair-judge.json. Reproducible: the data split is bench/lib/judgeSplit.ts
 * (STS-B train, SICK-R train, MRPC train rows 1-3076; nothing of the held-out sets the quality
 * bench reports on), the fit is exact (Newton), and the model is the built-in USE lite through
 * ONNX Runtime as the app runs it (maxLength 128).
 *   1. embeds every sentence, keeps the pairs whose cosine reaches the candidate floor (the
 *      cosine above which --floor-recall of the same-meaning pairs lie);
 *   2. 5-fold cross-validation on those candidates: out-of-fold probabilities give the accept
 *      threshold and the figures printed, so the threshold is not tuned on the rows it was
 *      fitted on. The scan's rule is "cosine >= the semantic threshold (0.9) accepts alone, as
 *      before; below it the judge decides from the floor up" (the judge only adds); the accept threshold is the one that gives that rule
 *      the most recall at no less precision than the old default (cosine >= 0.9) on the same
 *      pairs (--accept-rule precision), or the best F1 (--accept-rule f1);
 *   3. fits on all candidates and writes the file.
 *   npx tsx bench/fit-pair-judge.ts [--floor-recall 0.97] [--l2 0.001] [--accept-rule precision]
 *        [--cosine-cache FILE] [--out resources/dedup/pair-judge.json]
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { bestF1Cut } from '../src/engine/eval/thresholdSearch';
import { classificationAt, rocAuc } from '../src/engine/eval/metrics';
import { thresholdForPrecision } from '../src/engine/dedup/pairMetrics';
import { DEDUP_SEMANTIC_THRESHOLD } from '../src/shared/thresholds';
import { loadGloveVectors } from '../src/engine/models/glove';
import { OnnxBiEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { fitLogistic } from '../src/engine/dedup/logistic';
import {
  JUDGE_FEATURES,
  JUDGE_FEATURE_NAMES,
  JUDGE_MAX_WORDS,
  JudgeFeaturizer,
  judgeProbabilities,
  type PairJudgeWeights,
} from '../src/engine/dedup/pairJudge';
import { seededRandom, shuffleInPlace } from '../src/engine/random';
import { benchArgs } from './lib/args';
import { judgeFitRows, MRPC_FIT_ROWS, SAME_MEANING_GOLD } from './lib/judgeSplit';

const { values } = benchArgs({
  'floor-recall': { type: 'string', default: '0.97' },
  l2: { type: 'string', default: '0.001' },
  'accept-rule': { type: 'string', default: 'precision' },
  'cosine-cache': { type: 'string' },
  out: { type: 'string', default: path.resolve(import.meta.dirname, '../resources/dedup/pair-judge.json') },
});
const FLOOR_RECALL = Number(values['floor-recall']);
const L2 = Number(values.l2);
const started = Date.now();
/** From this cosine on the scan accepts without asking the judge (the semantic threshold). */
const CEILING = DEDUP_SEMANTIC_THRESHOLD;
const log = (...a: unknown[]) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s]`, ...a);

const rows = await judgeFitRows();
log(`${rows.length} labelled pairs, ${rows.filter((r) => r.dup).length} same meaning`);

const cached = values['cosine-cache'] ? await fs.readFile(values['cosine-cache'], 'utf8').then(JSON.parse, () => null) : null;
const cos: number[] = cached?.length === rows.length ? cached : await embedCosines();
if (values['cosine-cache'] && cached?.length !== rows.length) await fs.writeFile(values['cosine-cache'], JSON.stringify(cos));

async function embedCosines(): Promise<number[]> {
  await initBackend('auto');
  const bi = await OnnxBiEncoder.fromModel(loadUseLiteBiEncoder());
  const texts = [...new Set(rows.flatMap((r) => [r.a, r.b]))];
  const vec = new Map<string, Float32Array>();
  for (let i = 0; i < texts.length; i += 512) {
    const part = texts.slice(i, i + 512);
    const vs = await bi.embed(part, { maxLength: 128, batchSize: 32 });
    part.forEach((t, k) => {
      const v = vs[k];
      let n = 0;
      for (const x of v) n += x * x;
      n = Math.sqrt(n) || 1;
      vec.set(
        t,
        v.map((x) => x / n),
      );
    });
    if ((i / 512) % 10 === 0) log(`embedded ${Math.min(texts.length, i + 512)} / ${texts.length}`);
  }
  return rows.map((r) => {
    const u = vec.get(r.a)!;
    const v = vec.get(r.b)!;
    let s = 0;
    for (let d = 0; d < u.length; d++) s += u[d] * v[d];
    return s;
  });
}
const labels = rows.map((r) => (r.dup ? 1 : 0));
log(`bi-encoder cosine on all fitting pairs: ROC-AUC ${rocAuc(cos, labels).toFixed(4)}`);

const posCos = cos.filter((_, i) => labels[i]).sort((x, y) => x - y);
const floor = Math.floor(posCos[Math.floor((1 - FLOOR_RECALL) * posCos.length)] * 100) / 100;
const cand = rows.map((_, i) => i).filter((i) => cos[i] >= floor);
log(`candidate floor ${floor} (cosine of the ${(100 * (1 - FLOOR_RECALL)).toFixed(0)}th percentile of same-meaning pairs): ${cand.length} candidates`);

const featurizer = new JudgeFeaturizer(loadGloveVectors(), JUDGE_MAX_WORDS);
const x = featurizer.features(
  cand.map((i) => [rows[i].a, rows[i].b] as [string, string]),
  cand.map((i) => cos[i]),
);
const y = cand.map((i) => labels[i]);
log('features done');

// 5-fold cross-validation (seeded) for the accept threshold and honest in-sample figures.
const rand = seededRandom(11);
const order = shuffleInPlace(
  cand.map((_, k) => k),
  rand,
);
const oof = new Float64Array(cand.length);
const FOLDS = 5;
for (let f = 0; f < FOLDS; f++) {
  const test = order.filter((_, k) => k % FOLDS === f);
  const train = order.filter((_, k) => k % FOLDS !== f);
  const sub = (ks: number[]) => {
    const out = new Float32Array(ks.length * JUDGE_FEATURES);
    ks.forEach((k, r) => out.set(x.subarray(k * JUDGE_FEATURES, (k + 1) * JUDGE_FEATURES), r * JUDGE_FEATURES));
    return out;
  };
  const m = fitLogistic(
    sub(train),
    train.map((k) => y[k]),
    JUDGE_FEATURES,
    { l2: L2 },
  );
  const p = judgeProbabilities(m, sub(test));
  test.forEach((k, r) => (oof[k] = p[r]));
}
// The scan's rule as one score over every fitting pair: 1 above the ceiling (cosine alone),
// the judge's probability from the floor, 0 below it (never a candidate).
const ruleScore: number[] = rows.map((_, i) => (cos[i] >= CEILING ? 1 : 0));
cand.forEach((i, k) => {
  if (cos[i] < CEILING) ruleScore[i] = oof[k];
});
const oldDefault = rows.map((_, i) => (cos[i] >= DEDUP_SEMANTIC_THRESHOLD ? 1 : 0));
const oldP = classificationAt(oldDefault, labels, 0.5).precision;
const ruleF1 = bestF1Cut(ruleScore, labels)!;
const ruleP = thresholdForPrecision(ruleScore, labels, oldP);
if (values['accept-rule'] !== 'f1' && !ruleP) throw new Error(`no accept threshold reaches the old default's precision ${oldP}`);
const accept = values['accept-rule'] === 'f1' ? ruleF1.threshold : ruleP!.threshold;
const atAccept = classificationAt(ruleScore, labels, accept);
const cut = bestF1Cut(Array.from(oof), y)!;
const cosCut = bestF1Cut(
  cand.map((i) => cos[i]),
  y,
)!;
// Pairs below the floor are "no" for both; recall counts every same-meaning pair.
const allPos = labels.filter(Boolean).length;
const candPos = y.filter(Boolean).length;
const overall = (c: { precision: number; recall: number }) => {
  const recall = (c.recall * candPos) / allPos;
  return { precision: c.precision, recall, f1: (2 * c.precision * recall) / (c.precision + recall) };
};
const judgeAll = overall(cut);
const cosAll = overall(cosCut);
const cos90 = (() => {
  let tp = 0;
  let fp = 0;
  rows.forEach((_, i) => {
    if (cos[i] >= 0.9) labels[i] ? tp++ : fp++;
  });
  const precision = tp / (tp + fp);
  const recall = tp / allPos;
  return { precision, recall, f1: (2 * precision * recall) / (precision + recall) };
})();
const f3 = (v: number) => v.toFixed(3);
console.log('\n| on the fitting pairs (5-fold out-of-fold) | threshold | P | R | F1 |\n|---|---|---|---|---|');
console.log(`| cosine >= 0.90 (the old default) | 0.90 | ${f3(cos90.precision)} | ${f3(cos90.recall)} | ${f3(cos90.f1)} |`);
console.log(`| cosine, best-F1 cut | ${f3(cosCut.threshold)} | ${f3(cosAll.precision)} | ${f3(cosAll.recall)} | ${f3(cosAll.f1)} |`);
console.log(`| pair judge, best-F1 cut | ${f3(cut.threshold)} | ${f3(judgeAll.precision)} | ${f3(judgeAll.recall)} | ${f3(judgeAll.f1)} |`);
console.log(
  `| scan rule: cos >= ${CEILING} alone, else judge from the floor, best F1 | ${f3(ruleF1.threshold)} | ${f3(ruleF1.precision)} | ${f3(ruleF1.recall)} | ${f3(ruleF1.f1)} |`,
);
if (ruleP)
  console.log(
    `| scan rule, most recall at precision >= ${f3(oldP)} (the old default's) | ${f3(ruleP.threshold)} | ${f3(ruleP.precision)} | ${f3(ruleP.recall)} | ${f3(ruleP.f1)} |`,
  );
console.log(`shipped accept threshold (${values['accept-rule']}): ${f3(accept)}`);
console.log(
  `ROC-AUC on candidates: cosine ${rocAuc(
    cand.map((i) => cos[i]),
    y,
  ).toFixed(4)}, judge ${rocAuc(Array.from(oof), y).toFixed(4)}`,
);

const model = fitLogistic(x, y, JUDGE_FEATURES, { l2: L2 });
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
const weights: PairJudgeWeights = {
  format: 'tenc-pair-judge',
  version: 1,
  features: [...JUDGE_FEATURE_NAMES],
  mean: model.mean.map(r6),
  scale: model.scale.map(r6),
  coef: model.coef.map(r6),
  intercept: r6(model.intercept),
  accept: Math.round(accept * 1000) / 1000,
  candidateFloor: floor,
  maxWords: JUDGE_MAX_WORDS,
  biEncoder: 'built-in USE lite (ONNX, maxLength 128)',
  fittedOn: {
    script: 'bench/fit-pair-judge.ts',
    data: `stsb-train + sickr-train (gold >= ${SAME_MEANING_GOLD}) + mrpc-train rows 1-${MRPC_FIT_ROWS}`,
    pairs: rows.length,
    candidates: cand.length,
    floorRecall: FLOOR_RECALL,
    l2: L2,
    acceptRule: values['accept-rule'],
    ceiling: CEILING,
    crossValidated: { folds: FOLDS, precision: r6(atAccept.precision), recall: r6(atAccept.recall), f1: r6(atAccept.f1) },
    oldDefaultCosine090: { precision: r6(oldP), recall: r6(cos90.recall) },
  },
};
await fs.mkdir(path.dirname(values.out!), { recursive: true });
await fs.writeFile(values.out!, `${JSON.stringify(weights, null, 2)}\n`);
console.log(
  `\ncoefficients (standardised): ${JUDGE_FEATURE_NAMES.map((n, k) => `${n} ${model.coef[k].toFixed(3)}`).join(', ')}; intercept ${model.intercept.toFixed(3)}`,
);
log(`wrote ${values.out}`);
