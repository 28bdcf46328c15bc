/**
 * Score-only diagnostics of an in-domain run (issue 10): how the start cosine, the evidence
 * teacher (bi->cross label), the cycle's cross-encoder, the cross->bi label and the trained
 * bi-encoder rank one STS family's GOLD pairs, and what the run's mined pairs look like (source,
 * label spread, overlap with the gold pairs). No training; the gold pairs only score.
 *
 *   npx tsx bench/in-domain.ts --family headlines --keep        (prints the work folder)
 *   npx tsx bench/in-domain-teacher.ts [--work WORK_FOLDER] [--family headlines] [--glove-data-dir DIR]
 * Without --work only the start's teachers are scored on the gold pairs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../src/engine/api/engine';
import { initBackend } from '../src/engine/backend';
import { spearman } from '../src/engine/eval/metrics';
import { loadScoredPairs } from '../src/engine/eval/stsData';
import { OnnxBiEncoder, OnnxCrossEncoder } from '../src/engine/models/onnx';
import { loadUseLiteBiEncoder } from '../src/engine/models/use-lite';
import { biScores, crossScores, toProbabilities, type PairList } from '../src/engine/train/scoring';
import { PRESETS } from '../src/engine/train/presets';
import { alignmentScores } from '../src/engine/train/teachers/alignment';
import { pairLengths } from '../src/engine/train/teachers/groups';
import { negationFlags } from '../src/engine/train/teachers/negationEvidence';
import { sifScores } from '../src/engine/train/teachers/sifEvidence';
import { ensembleLabels, teacherScores, type Evidence } from '../src/engine/train/teachers/teacher';
import { loadArrays } from '../src/engine/models/io/weightsFile';
import { benchArgs } from './lib/args';

const { values } = benchArgs({
  work: { type: 'string' },
  family: { type: 'string', default: 'headlines' },
  sets: { type: 'string', default: 'sts12,sts13,sts14,sts15,sts16' },
  preset: { type: 'string', default: 'quick' },
  'glove-data-dir': { type: 'string' },
  out: { type: 'string' },
});
const gloveDir = values['glove-data-dir'] ? path.join(values['glove-data-dir'], 'models', 'glove-6b-100d') : null;
const s = PRESETS[values.preset as 'quick'].settings;

const gold = { a: [] as string[], b: [] as string[], gold: [] as number[] };
for (const name of values.sets!.split(',')) {
  const d = await loadScoredPairs(name);
  d.subsets.forEach((sub, i) => {
    if (sub !== values.family) return;
    gold.a.push(d.a[i]!);
    gold.b.push(d.b[i]!);
    gold.gold.push(d.gold[i]!);
  });
}

const dataDir = values.work ? path.join(values.work, 'data') : null;
const runDir = dataDir ? path.join(dataDir, 'runs', fs.readdirSync(path.join(dataDir, 'runs')).sort().at(-1)!) : null;
const labelsOf = async (name: string) => {
  const file = runDir && path.join(runDir, name);
  return file && fs.existsSync(file) ? (await loadArrays(file)).get('labels')!.data : null;
};
if (runDir) {
  const skipped = path.join(runDir, 'evidence-skipped.json');
  console.log(`run folder ${runDir}; evidence skipped: ${fs.existsSync(skipped) ? fs.readFileSync(skipped, 'utf8') : 'none'}`);
}

await initBackend('auto');
const use = loadUseLiteBiEncoder();
const start = await OnnxBiEncoder.fromModel(use, { intraOpNumThreads: 1 });

/** The run's teachers on any pair list, computed the way transEncoder.ts does. */
async function teachers(pairs: PairList) {
  const cos = await biScores(start, pairs, { maxLength: s.crossToBi.maxLength });
  const ev: Evidence[] = [{ name: 'alignment', weight: s.teacher.alignment, scores: await alignmentScores(use, pairs, { maxLength: s.biToCross.maxLength }) }];
  let sif: Float32Array | null = null;
  try {
    sif = sifScores(pairs, { convert: false });
    ev.push({ name: 'sif', weight: s.teacher.sif, scores: sif });
  } catch {
    // GloVe not prepared: the run skips SIF too (evidence-skipped.json).
  }
  ev.push({ name: 'negation', weight: s.teacher.negation, scores: negationFlags(pairs) });
  const opts = s.teacher.residual ? { lengths: pairLengths(pairs) } : {};
  const b2c = toProbabilities(teacherScores(cos, ev, opts));
  return { cos, ev, b2c, sif, opts };
}

const engine = dataDir ? await Engine.open({ dataDir, transport: 'direct', allowedRoots: [] }) : null;
// The engine points GloVe at its own data folder; a prepared copy elsewhere is named here.
if (gloveDir) process.env.TENC_GLOVE_DIR = gloveDir;
const r = (x: ArrayLike<number>, y: ArrayLike<number>) => (100 * spearman(x, y)).toFixed(2);
try {
  const models = engine ? (await engine.invoke('models.list', {})).filter((m) => m.runId !== null && m.cycle !== null) : [];
  const crossModel = models.find((m) => m.kind === 'cross');
  const biModel = models.find((m) => m.kind === 'bi');

  // A. The family's gold pairs.
  const g = await teachers(gold);
  const rows: [string, ArrayLike<number>][] = [
    ['start cosine (len 32)', g.cos],
    ['alignment', g.ev[0]!.scores],
    ...(g.sif ? ([['GloVe SIF', g.sif]] as [string, ArrayLike<number>][]) : []),
    ['evidence teacher (b2c label)', g.b2c],
    [
      'evidence teacher without SIF',
      toProbabilities(
        teacherScores(
          g.cos,
          g.ev.filter((e) => e.name !== 'sif'),
          g.opts,
        ),
      ),
    ],
  ];
  if (crossModel) {
    const cross = await crossScores(await OnnxCrossEncoder.fromModel(await engine!.models.cross(crossModel.id)), gold, { maxLength: s.biToCross.maxLength });
    rows.push(['cycle-1 cross-encoder (len 48)', cross]);
    const c2b = ensembleLabels(teacherScores(cross, g.ev, g.opts), g.b2c, s.teacher.ensemble ?? 0);
    rows.push(['cross->bi label (ensemble)', c2b]);
  }
  if (biModel)
    rows.push(['cycle-1 bi-encoder (len 32)', await biScores(await OnnxBiEncoder.fromModel(await engine!.models.bi(biModel.id)), gold, { maxLength: 32 })]);
  console.log(`\n${values.family}: ${gold.a.length} gold pairs, Spearman x100 against gold`);
  for (const [name, x] of rows) console.log(`| ${name} | ${r(x, gold.gold)} | vs start cosine ${r(x, g.cos)} |`);

  if (!runDir) process.exit(0);
  // B. The mined training pairs: overlap with gold, label spread per kind of pair.
  const pairsFile = JSON.parse(fs.readFileSync(path.join(runDir, 'pairs.json'), 'utf8')) as {
    train: PairList;
    heldOut: PairList;
    sources: Record<string, number>;
  };
  const t = pairsFile.train;
  const b2cSaved = await labelsOf('labels-c0-b2c.safetensors');
  const c2bSaved = await labelsOf('labels-c0-c2b.safetensors');
  const goldIndex = new Map<string, number>();
  gold.a.forEach((a, i) => {
    goldIndex.set(`${a}\u0000${gold.b[i]}`, i);
    goldIndex.set(`${gold.b[i]}\u0000${a}`, i);
  });
  const cosT = await biScores(start, t, { maxLength: s.crossToBi.maxLength });
  const hit: number[] = [];
  const hitGold: number[] = [];
  t.a.forEach((a, i) => {
    const j = goldIndex.get(`${a}\u0000${t.b[i]}`);
    if (j !== undefined) {
      hit.push(i);
      hitGold.push(gold.gold[j]!);
    }
  });
  console.log(`\nmined training pairs ${t.a.length} (sources ${JSON.stringify(pairsFile.sources)}), held out ${pairsFile.heldOut.a.length}`);
  console.log(`training pairs that are gold pairs of the family: ${hit.length}`);
  const pick = (x: ArrayLike<number>) => hit.map((i) => x[i]!);
  if (hit.length > 10) {
    console.log(`  on them, Spearman x100 against gold: start cosine ${r(pick(cosT), hitGold)}`);
    if (b2cSaved) console.log(`  saved bi->cross label ${r(pick(b2cSaved), hitGold)}`);
    if (c2bSaved) console.log(`  saved cross->bi label ${r(pick(c2bSaved), hitGold)}`);
  }
  const q = (x: ArrayLike<number>) => {
    const v = Array.from(x).sort((p, o) => p - o);
    const at = (f: number) => v[Math.min(v.length - 1, Math.floor(f * v.length))]!.toFixed(3);
    return `p10 ${at(0.1)} p25 ${at(0.25)} p50 ${at(0.5)} p75 ${at(0.75)} p90 ${at(0.9)}`;
  };
  console.log(`start cosine on the mined pairs: ${q(cosT)}`);
  console.log(`start cosine on the gold pairs:  ${q(g.cos)}`);
  if (b2cSaved) console.log(`saved b2c labels: ${q(b2cSaved)}; Spearman x100 with the start cosine ${r(b2cSaved, cosT)}`);
  if (c2bSaved) console.log(`saved c2b labels: ${q(c2bSaved)}; Spearman x100 with the start cosine ${r(c2bSaved, cosT)}`);
  // Pairs by start cosine band: how many, and how far the label reorders them within the band.
  for (const [lo, hi] of [
    [-1, 0.3],
    [0.3, 0.5],
    [0.5, 0.7],
    [0.7, 0.9],
    [0.9, 1.01],
  ]) {
    const idx = Array.from(cosT.keys()).filter((i) => cosT[i]! >= lo! && cosT[i]! < hi!);
    const gIdx = Array.from(g.cos.keys()).filter((i) => g.cos[i]! >= lo! && g.cos[i]! < hi!);
    console.log(
      `  cosine [${lo}, ${hi}): mined ${idx.length} (${((100 * idx.length) / cosT.length).toFixed(1)}%), gold ${gIdx.length} (${((100 * gIdx.length) / g.cos.length).toFixed(1)}%)` +
        (gIdx.length > 20
          ? `; gold within band: cos ${r(
              gIdx.map((i) => g.cos[i]!),
              gIdx.map((i) => gold.gold[i]!),
            )} b2c ${r(
              gIdx.map((i) => g.b2c[i]!),
              gIdx.map((i) => gold.gold[i]!),
            )}`
          : ''),
    );
  }
  if (values.out) fs.writeFileSync(values.out, JSON.stringify({ rows: rows.map(([name, x]) => ({ name, spearman: 100 * spearman(x, gold.gold) })) }, null, 2));
} finally {
  await engine?.close();
}
