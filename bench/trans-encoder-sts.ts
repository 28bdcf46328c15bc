/**
 * Trans-Encoder on the STS sets, transductively: the unlabelled pairs of STS12-16, STS-B
 * train/dev and SICK-R train/trial are the training data (labels only score). Prints Spearman
 * x100 per dataset for the starting model and for the bi- and cross-encoder after each cycle,
 * with wall time, and the cycle the label-free rule picks.
 *
 *   npx tsx bench/trans-encoder-sts.ts --preset quick [--eval sts12,stsb-dev] [--out file.json]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs, STS_DATASETS, STS_EVAL_DATASETS, type ScoredPairs } from '../src/engine/eval/stsData';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../src/engine/models/use-lite';
import { OnnxBiEncoder, OnnxCrossEncoder } from '../src/engine/models/onnx';
import { PRESETS, isPresetName } from '../src/engine/train/presets';
import { biScores, crossScores, meanScores, toProbabilities } from '../src/engine/train/scoring';
import { createBiEncoder, createCrossEncoder, GLOVE_BASE, isSentenceEncoderBase, saveModel, type BaseSpec } from '../src/engine/models/modelFiles';
import { rankByTeacher, selectByAgreement } from '../src/engine/train/selection';
import { computeEvidence } from '../src/engine/train/teachers/evidence';
import { mergeSettings } from '../src/engine/train/settings';
import { runTransEncoder, type LabelWeight, type Member } from '../src/engine/train/transEncoder';
import type { BiEncoder, CrossEncoder } from '../src/engine/models/encoder';
import { alignmentScores } from '../src/engine/train/teachers/alignment';
import { ensembleLabels, teacherScores, type Evidence } from '../src/engine/train/teachers/teacher';
import { sifScores } from '../src/engine/train/teachers/sifEvidence';
import { negationFlags } from '../src/engine/train/teachers/negationEvidence';
import { GloveBiEncoder, GloveCrossEncoder } from '../src/engine/models/glove';
import { benchPairSplit } from './lib/stsPairs';
import { benchArgs } from './lib/args';
import { readScoreCache, writeScoreCache } from './lib/scoreCache';
import { pairLengths } from '../src/engine/train/teachers/groups';

const { values } = benchArgs({
  preset: { type: 'string', default: 'quick' },
  eval: { type: 'string', default: STS_EVAL_DATASETS.join(',') },
  train: { type: 'string', default: STS_DATASETS.join(',') },
  'max-pairs': { type: 'string' },
  'cross-pair-share': { type: 'string' },
  cycles: { type: 'string' },
  dropout: { type: 'string' },
  'c2b-lr': { type: 'string' },
  'c2b-epochs': { type: 'string' },
  'b2c-lr': { type: 'string' },
  'eval-cross': { type: 'string', default: '1' },
  out: { type: 'string' },
  'run-dir': { type: 'string' },
  mutual: { type: 'string' },
  'save-models': { type: 'string' },
  'simcse-epochs': { type: 'string' },
  // 0: random batches in bi->cross and cross->bi (settings.lengthGrouped, issue 14).
  'length-grouped': { type: 'string' },
  'simcse-lr': { type: 'string' },
  'mutual-labels': { type: 'string' },
  align: { type: 'string' },
  sif: { type: 'string' },
  negation: { type: 'string' },
  // Cycles whose teachers mix in the evidence (settings.teacher.cycles; default: the preset's).
  'evidence-cycles': { type: 'string' },
  // 1: the residual teacher (settings.teacher.residual); 0: the plain mix.
  residual: { type: 'string' },
  // Weight of the bi->cross teacher in the cross->bi labels (settings.teacher.ensemble).
  ensemble: { type: 'string' },
  'glove-data-dir': { type: 'string' },
  'eval-max-length': { type: 'string', default: '64' },
  'align-cache': { type: 'string', default: 'bench/results/teacher-scores.json' },
  // Teacher rows only on the sets whose alignment is cached (computing it for all seven costs
  // as much CPU as the run); the raw cross scores are in --out to score the rest later.
  'cached-teacher-only': { type: 'string', default: '0' },
});
if (!isPresetName(values.preset)) throw new Error(`unknown preset ${values.preset}`);
const preset = PRESETS[values.preset];
const settings = mergeSettings(preset.settings, {
  maxPairs: values['max-pairs'] ? Number(values['max-pairs']) : undefined,
  crossPairShare: values['cross-pair-share'] ? Number(values['cross-pair-share']) : undefined,
  cycles: values.cycles ? Number(values.cycles) : undefined,
  dropout: values.dropout !== undefined ? Number(values.dropout) : undefined,
  crossToBi: { learningRate: values['c2b-lr'] ? Number(values['c2b-lr']) : undefined, epochs: values['c2b-epochs'] ? Number(values['c2b-epochs']) : undefined },
  biToCross: values['b2c-lr'] ? { learningRate: Number(values['b2c-lr']) } : undefined,
  teacher: {
    alignment: values.align !== undefined ? Number(values.align) : undefined,
    sif: values.sif !== undefined ? Number(values.sif) : undefined,
    negation: values.negation !== undefined ? Number(values.negation) : undefined,
    cycles: values['evidence-cycles'] !== undefined ? Number(values['evidence-cycles']) : undefined,
    residual: values.residual !== undefined ? values.residual === '1' : undefined,
    ensemble: values.ensemble !== undefined ? Number(values.ensemble) : undefined,
  },
  lengthGrouped: values['length-grouped'] !== undefined ? values['length-grouped'] === '1' : undefined,
  mutualLabels: values['mutual-labels'] === undefined ? undefined : (values['mutual-labels'] as 'mean' | 'fidelity'),
  simcse: {
    epochs: values['simcse-epochs'] ? Number(values['simcse-epochs']) : undefined,
    learningRate: values['simcse-lr'] ? Number(values['simcse-lr']) : undefined,
  },
});
const backend = await initBackend('auto');
const t0 = Date.now();
const evalSets: ScoredPairs[] = [];
for (const name of values.eval!.split(',')) evalSets.push(await loadScoredPairs(name));
const trainSets: ScoredPairs[] = [];
for (const name of values.train!.split(',')) trainSets.push(await loadScoredPairs(name));

// Unlabelled training pairs: every distinct pair of the training sets, a seeded sample of maxPairs,
// after a held-out slice (never trained on) for the label-free selection rule, as the app does.
const { all, held, chosen } = benchPairSplit(trainSets, settings);
const heldOutCount = held.length;
const pairs = { a: chosen.map((p) => p[0]), b: chosen.map((p) => p[1]) };
const heldOut = { a: held.map((p) => p[0]), b: held.map((p) => p[1]) };
const agreement: { cycle: number; bi: Float32Array; cross: Float32Array }[] = [];
const labelWeightsPerCycle: { cycle: number; weights: LabelWeight[] }[] = [];

type Row = { model: string; scores: Record<string, number>; avg: number; seconds: number; raw: Record<string, number[]> };
const rows: Row[] = [];
// Evaluation length: bench/sts-baseline.ts's 64 by default (the issue's targets are at it).
const evalLength = Number(values['eval-max-length']);
async function evaluate(label: string, score: (s: ScoredPairs) => Promise<Float32Array>, sets: readonly ScoredPairs[] = evalSets) {
  const t = Date.now();
  const scores: Record<string, number> = {};
  const raw: Record<string, number[]> = {};
  for (const s of sets) {
    const x = await score(s);
    raw[s.name] = Array.from(x);
    scores[s.name] = 100 * spearman(x, s.gold);
  }
  const vals = Object.values(scores);
  const row = { model: label, scores, avg: vals.reduce((a, b) => a + b, 0) / vals.length, seconds: (Date.now() - t) / 1000, raw };
  rows.push(row);
  console.log(
    `${label.padEnd(22)} ${Object.values(scores)
      .map((v) => v.toFixed(2).padStart(6))
      .join(' ')}  avg ${row.avg.toFixed(2)}  (${row.seconds.toFixed(0)} s)`,
  );
}
// Scored through ONNX Runtime (same scores as TF.js to ~1e-6, see the onnx-parity tests), ~4x faster.
// `--mutual glove`: the GloVe member (no ONNX graph; its own path is fast).
const mutualBase: BaseSpec | null = values.mutual === 'glove' ? GLOVE_BASE : values.mutual ? { kind: 'hf', dir: values.mutual } : null;
const isGloveModel = (m: BiEncoder | CrossEncoder) => m instanceof GloveBiEncoder || m instanceof GloveCrossEncoder;
const biEval = async (bi: BiEncoder) => {
  const onnx = isGloveModel(bi) ? bi : await OnnxBiEncoder.fromModel(bi);
  return (s: ScoredPairs) => biScores(onnx, s, { maxLength: evalLength });
};
const crossEval = async (cross: CrossEncoder) => {
  const onnx = isGloveModel(cross) ? cross : await OnnxCrossEncoder.fromModel(cross);
  return (s: ScoredPairs) => crossScores(onnx, s, { maxLength: evalLength });
};
// The teachers on the evaluation sets: the same mix as the run's (model scores + token alignment
// of the start model), so each cycle's teacher gets a gold score next to its student's.
const alignWeight = settings.teacher.alignment;
const sifWeight = settings.teacher.sif;
const negationWeight = settings.teacher.negation;
const hasEvidence = alignWeight > 0 || sifWeight > 0 || negationWeight > 0;
const evidenceEval = new Map<string, Evidence[]>();
const teacherSets = () => evalSets.filter((s) => evidenceEval.has(s.name));
// Cycle `cycle`'s teacher: the evidence only in the cycles that mix it in (settings.teacher.cycles).
const teacherEval = (modelRow: Row, cycle: number) => async (s: ScoredPairs) =>
  teacherScores(
    Float32Array.from(modelRow.raw[s.name]!),
    cycle <= (settings.teacher.cycles ?? Infinity) ? (evidenceEval.get(s.name) ?? []) : [],
    settings.teacher.residual ? { lengths: pairLengths(s) } : {},
  );
// Cycle `cycle`'s cross->bi teacher: the cross-encoder's labels, and with settings.teacher.ensemble
// in the evidence cycles, mixed with that cycle's bi->cross teacher (`b2cRow`: the row it was made from).
const c2bTeacherEval = (crossRow: Row, b2cRow: Row, cycle: number) => async (s: ScoredPairs) => {
  const label = await teacherEval(crossRow, cycle)(s);
  const w = settings.teacher.ensemble ?? 0;
  if (!(w > 0) || cycle > (settings.teacher.cycles ?? Infinity) || !evidenceEval.get(s.name)?.length) return label;
  return ensembleLabels(label, toProbabilities(await teacherEval(b2cRow, cycle)(s)), w);
};
// The GloVe folder the run and the eval use (converted once; not the repo).
if (values['glove-data-dir']) process.env.TENC_GLOVE_DIR = path.join(values['glove-data-dir'], 'models', 'glove-6b-100d');

console.log(
  `backend ${backend.name}; preset ${preset.name}; ${pairs.a.length} training pairs of ${all.length}; cycles ${settings.cycles}; cross-encoder share ${settings.crossPairShare}; length-grouped batches ${settings.lengthGrouped ?? false}; c2b epochs ${settings.crossToBi.epochs}; teacher ${JSON.stringify(settings.teacher)}; dropout ${settings.dropout}; lr b2c ${settings.biToCross.learningRate} c2b ${settings.crossToBi.learningRate}`,
);
console.log(`${'model'.padEnd(22)} ${evalSets.map((s) => s.name.padStart(6)).join(' ')}`);
const bi = loadUseLiteBiEncoder();
const cross = loadUseLiteCrossEncoder();
await evaluate('start (USE lite)', await biEval(bi));
if (hasEvidence) {
  // Cached by bench/teacher-eval.ts (same model, same length); computed and cached here otherwise.
  const cacheFile = values['align-cache']!;
  const cache = readScoreCache(cacheFile);
  for (const s of evalSets) {
    const c = (cache[s.name] ??= {});
    const ev: Evidence[] = [];
    if (values['cached-teacher-only'] === '1' && alignWeight > 0 && !c.align) continue;
    if (alignWeight > 0) {
      if (!c.align || evalLength !== 64) c.align = Array.from(await alignmentScores(bi, s, { maxLength: evalLength }));
      ev.push({ name: 'alignment', scores: Float32Array.from(c.align), weight: alignWeight });
    }
    if (sifWeight > 0) {
      c.sif ??= Array.from(sifScores(s));
      ev.push({ name: 'sif', scores: Float32Array.from(c.sif), weight: sifWeight });
    }
    if (negationWeight > 0) ev.push({ name: 'negation', scores: negationFlags(s), weight: negationWeight });
    evidenceEval.set(s.name, ev);
  }
  if (evalLength === 64) writeScoreCache(cacheFile, cache);
  await evaluate('teacher b2c cycle 1', teacherEval(rows[0]!, 1), teacherSets());
}
const members: Member[] = [{ name: 'use-lite', bi, cross }];
if (mutualBase) {
  // A second base: `glove`, or a Hugging Face folder, e.g. from scripts/make-second-base.ts.
  const base = mutualBase;
  members.push({ name: 'second', bi: await createBiEncoder(base), cross: await createCrossEncoder(base), simcse: !isSentenceEncoderBase(base) });
  await evaluate('start (second base)', await biEval(members[1]!.bi));
}

// The app's label-free "better than the start?" rule, on the same held-out pairs: the start's
// cosines and the evidence, before any training.
const heldStart = await biScores(bi, heldOut, { maxLength: settings.crossToBi.maxLength });
const heldEvidence = (await computeEvidence(bi, heldOut, settings)).evidence;

const runDir = values['run-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-bench-run-'));
const tTrain = Date.now();
let lastLog = 0;
// Issue 14: wall time of each training phase (first to last step event) and its real tokens.
const phaseTime = new Map<string, { first: number; last: number; steps: number }>();
await runTransEncoder({
  members,
  pairs,
  settings,
  runDir,
  onProgress: (p) => {
    if (p.phase === 'bi->cross' || p.phase === 'cross->bi') {
      const t = phaseTime.get(p.phase) ?? { first: Date.now(), last: Date.now(), steps: 0 };
      t.last = Date.now();
      t.steps++;
      phaseTime.set(p.phase, t);
    }
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      console.error(`  ${p.stage} ${p.step}/${p.totalSteps} loss ${p.loss?.toFixed(4) ?? '-'} (${((Date.now() - tTrain) / 1000).toFixed(0)} s)`);
    }
  },
  onCycleEnd: async (result, ms) => {
    if (result.labelWeights) {
      labelWeightsPerCycle.push({ cycle: result.cycle + 1, weights: result.labelWeights });
      console.log(
        `  cycle ${result.cycle + 1} cross->bi label weights: ${result.labelWeights.map((w) => `${w.member} ${w.weight.toFixed(3)} (fidelity ${w.fidelity.toFixed(3)})`).join(', ')}`,
      );
    }
    agreement.push({
      cycle: result.cycle + 1,
      bi: await biScores(ms[0]!.bi, heldOut, { maxLength: settings.crossToBi.maxLength }),
      cross: await crossScores(ms[0]!.cross, heldOut, { maxLength: settings.biToCross.maxLength }),
    });
    for (const m of ms) {
      const tag = ms.length > 1 ? ` (${m.name})` : '';
      if (values['eval-cross'] === '1') {
        await evaluate(`cycle ${result.cycle + 1} cross${tag}`, await crossEval(m.cross));
        if (hasEvidence && m === ms[0]) {
          // The bi->cross teacher of this cycle came from the start (cycle 1) or the previous cycle's bi-encoder.
          const b2cRow = result.cycle === 0 ? rows[0]! : rows.filter((r) => r.model === `cycle ${result.cycle} bi`).at(-1)!;
          await evaluate(`teacher c2b cycle ${result.cycle + 1}`, c2bTeacherEval(rows.at(-1)!, b2cRow, result.cycle + 1), teacherSets());
        }
      }
      await evaluate(`cycle ${result.cycle + 1} bi${tag}`, await biEval(m.bi));
      if (hasEvidence && m === ms[0] && result.cycle + 1 < settings.cycles)
        await evaluate(`teacher b2c cycle ${result.cycle + 2}`, teacherEval(rows.at(-1)!, result.cycle + 2), teacherSets());
      if (values['save-models']) {
        // Model folders the app and the other benches load (bench/paraphrase-mrpc.ts --bi/--cross).
        const base = m.name === 'use-lite' ? ({ kind: 'builtin', name: 'use-lite' } as const) : mutualBase!;
        for (const [kind, model] of [
          ['bi', m.bi],
          ['cross', m.cross],
        ] as const) {
          await saveModel(path.join(values['save-models'], `cycle${result.cycle + 1}-${kind}-${m.name}`), model, {
            base,
            provenance: { cycle: result.cycle + 1, member: m.name },
          });
        }
      }
    }
  },
});
{
  // Real (unpadded) tokens one epoch of each phase reads: the cross-encoder both orders of each
  // pair read together, the bi-encoder both texts alone.
  const tok = bi.tokenizer;
  const joint = pairs.a.reduce((sum, a, i) => sum + tok.encodePair(a, pairs.b[i]!, { maxLength: settings.biToCross.maxLength }).ids.length, 0);
  const single = pairs.a.reduce(
    (sum, a, i) =>
      sum +
      tok.encode(a, { maxLength: settings.crossToBi.maxLength }).ids.length +
      tok.encode(pairs.b[i]!, { maxLength: settings.crossToBi.maxLength }).ids.length,
    0,
  );
  const real: Record<string, number> = {
    'bi->cross': 2 * joint * settings.biToCross.epochs * settings.crossPairShare,
    'cross->bi': single * settings.crossToBi.epochs,
  };
  for (const [phase, t] of phaseTime) {
    const s = (t.last - t.first) / 1000;
    console.log(
      `phase ${phase}: ${t.steps} steps in ${s.toFixed(0)} s (first to last step, all cycles), ${(real[phase]! * settings.cycles).toFixed(0)} real tokens, ${((real[phase]! * settings.cycles * (t.steps - 1)) / t.steps / s).toFixed(0)} real tokens/s`,
    );
  }
}
// The label-free rule's pick against the oracle (the cycle whose bi-encoder has the best average).
const picked = selectByAgreement(agreement);
const biRows = rows.filter((r) => /^cycle \d+ bi( \(use-lite\))?$/.test(r.model));
const oracle = biRows.reduce((a, b) => (b.avg > a.avg ? b : a));
// By name: a resumed run (--run-dir) evaluates only the cycles it trained.
const biRowOf = (cycle: number) => biRows.find((r) => r.model.startsWith(`cycle ${cycle} bi`)) ?? rows[0]!;
const pickedRow = biRowOf(picked.cycle);
for (const r of rows.filter((r) => r.model.startsWith('cycle') || r.model.startsWith('start'))) {
  const deltas = Object.entries(r.scores).map(([k, v]) => `${k} ${(v - rows[0]!.scores[k]!).toFixed(2)}`);
  console.log(`delta vs start, ${r.model}: avg ${(r.avg - rows[0]!.avg).toFixed(2)}; ${deltas.join(', ')}`);
}
console.log(`agreement per cycle (held-out ${heldOutCount} pairs): ${picked.values.map((v) => `${v.cycle}: ${(100 * v.value).toFixed(2)}`).join(', ')}`);
console.log(
  `label-free rule picks cycle ${picked.cycle} (bi avg ${pickedRow.avg.toFixed(2)}); oracle: ${oracle.model} (avg ${oracle.avg.toFixed(2)}); start avg ${rows[0]!.avg.toFixed(2)}`,
);
const ranking = rankByTeacher(
  heldStart,
  agreement.map((c) => ({ cycle: c.cycle, bi: c.bi })),
  teacherScores(agreement.at(-1)!.cross, heldEvidence, settings.teacher.residual ? { lengths: pairLengths(heldOut) } : {}),
  { seed: settings.seed },
);
const rankedRow = biRowOf(ranking.cycle);
console.log(
  `teacher-agreement rule: values ${ranking.values.map((v) => `${v.cycle}: ${(100 * v.value).toFixed(2)}`).join(', ')}; picks cycle ${ranking.cycle} (bi avg ${rankedRow.avg.toFixed(2)}); verdict ${ranking.verdict} (confidence ${ranking.confidence.toFixed(2)}), hands back ${ranking.recommended}; truth: ${(rankedRow.avg - rows[0]!.avg).toFixed(2)} vs start`,
);
const wall = (Date.now() - t0) / 1000;
const evalSeconds = rows.reduce((a, r) => a + r.seconds, 0);
console.log(
  `wall time ${wall.toFixed(0)} s (training ${(wall - evalSeconds).toFixed(0)} s, evaluation ${evalSeconds.toFixed(0)} s) on ${os.cpus().length} cores`,
);
if (values.out)
  fs.writeFileSync(
    values.out,
    JSON.stringify(
      {
        preset: preset.name,
        settings,
        backend,
        pairs: pairs.a.length,
        rows,
        selection: { rule: picked, oracle: oracle.model, teacherRanking: ranking },
        heldOut: heldOutCount,
        wall,
        labelWeights: labelWeightsPerCycle,
      },
      null,
      2,
    ),
  );
