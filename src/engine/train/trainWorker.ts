/**
 * The training worker: everything compute-heavy of a run happens here, off the engine's main
 * thread. It prepares the pairs (once; they are kept in the run folder), runs the Trans-Encoder
 * cycles with checkpoints, saves each cycle's models and picks one at the end.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend';
import { CancelledError } from '../jobs/jobRunner';
import { createBiEncoder, createCrossEncoder, isSentenceEncoderBase, saveModel, type BaseSpec } from '../models/modelFiles';
import { writeJsonAtomic } from '../models/io/weightsFile';
import { mineCandidatePairs } from './mining';
import type { CycleModels, TrainWorkerCommand, TrainWorkerInput, TrainWorkerMessage } from './protocol';
import { seededRandom, shuffleInPlace } from '../random';
import { miningCap, splitPairs, usablePairs, usableTexts } from './pairPlan';
import { biScores, crossScores, TRAIN_SCORING_BATCH, type PairList } from './scoring';
import { rankByTeacher, scoreAgainstLabels, selectByAgreement, selectByUserLabels } from './selection';
import { computeEvidence, weightOf } from './teachers/evidence';
import { teacherScores, type Evidence } from './teachers/teacher';
import { pairLengths } from './teachers/groups';
import { spearman } from '../eval/metrics';
import { runTransEncoder, type Member } from './transEncoder';

const input = workerData as TrainWorkerInput;
const post = (m: TrainWorkerMessage) => parentPort!.postMessage(m);
const controller = new AbortController();
parentPort!.on('message', (cmd: TrainWorkerCommand) => {
  if (cmd.type === 'cancel') controller.abort();
});

interface PairsFile {
  train: PairList;
  heldOut: PairList;
  sources: Record<string, number>;
}

interface SelectionFile {
  /** The start model on the held-out pairs (scored before training): its cosines and the alignment evidence. */
  start?: { bi: number[]; evidence: { name: Evidence['name']; scores: number[] }[] };
  cycles: { cycle: number; bi: number[]; cross: number[]; userBi: number[] | null; models: CycleModels[] }[];
}

function memberName(base: BaseSpec, k: number): string {
  const name =
    base.kind === 'builtin'
      ? base.name
      : path
          .basename(base.dir)
          .replace(/[^A-Za-z0-9_.-]+/g, '-')
          .slice(0, 40) || 'hf';
  return `${k}-${name}`;
}

async function preparePairs(members: Member[]): Promise<PairsFile> {
  const file = path.join(input.runDir, 'pairs.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as PairsFile;
  const s = input.settings;
  let pairs: [string, string, string][] = [];
  if (input.source.kind === 'pairs') {
    pairs = usablePairs(input.source).map(([a, b]): [string, string, string] => [a, b, 'given']);
  } else {
    const texts = usableTexts(input.source);
    post({
      type: 'progress',
      progress: { stage: `mining pairs: embedding ${texts.length} sentences`, cycle: 0, phase: 'labelling', member: '', step: 0, totalSteps: 0, loss: null },
    });
    const vectors = await members[0]!.bi.embed(texts, { maxLength: s.crossToBi.maxLength, batchSize: TRAIN_SCORING_BATCH });
    if (controller.signal.aborted) throw new CancelledError();
    pairs = mineCandidatePairs(texts, vectors, { maxPairs: miningCap(s), seed: s.seed }).map((p) => [texts[p.a]!, texts[p.b]!, p.source]);
  }
  if (pairs.length < 2) throw new Error(`only ${pairs.length} usable sentence pair(s): a run needs at least 2 (add more text to the corpus)`);
  shuffleInPlace(pairs, seededRandom(s.seed));
  const split = splitPairs(pairs.length, s);
  const held = pairs.slice(0, split.heldOut);
  const train = pairs.slice(split.heldOut, split.heldOut + split.train);
  const sources: Record<string, number> = {};
  for (const p of train) sources[p[2]] = (sources[p[2]] ?? 0) + 1;
  const out: PairsFile = {
    train: { a: train.map((p) => p[0]), b: train.map((p) => p[1]) },
    heldOut: { a: held.map((p) => p[0]), b: held.map((p) => p[1]) },
    sources,
  };
  writeJsonAtomic(file, out);
  return out;
}

async function main(): Promise<void> {
  const backend = await initBackend(input.backend ?? 'auto');
  post({ type: 'backend', name: backend.name, reason: backend.reason });
  fs.mkdirSync(input.runDir, { recursive: true });
  const members: Member[] = [];
  for (const [k, base] of input.bases.entries()) {
    members.push({ name: memberName(base, k), bi: await createBiEncoder(base), cross: await createCrossEncoder(base), simcse: !isSentenceEncoderBase(base) });
  }
  const pairs = await preparePairs(members);
  post({ type: 'pairs', train: pairs.train.a.length, heldOut: pairs.heldOut.a.length, sources: pairs.sources });

  const s = input.settings;
  const user = input.userLabels && input.userLabels.labels.length > 1 ? input.userLabels : undefined;
  const userPairs: PairList | undefined = user && { a: user.a, b: user.b };
  const userLabels = user && { labels: Float32Array.from(user.labels), scale: user.scale };
  let startUserScore: number | null = null;
  if (userPairs && userLabels)
    startUserScore = scoreAgainstLabels(
      await biScores(members[0]!.bi, userPairs, { maxLength: s.crossToBi.maxLength, batchSize: TRAIN_SCORING_BATCH }),
      userLabels,
    );

  const selectionFile = path.join(input.runDir, 'selection.json');
  const selection: SelectionFile = fs.existsSync(selectionFile) ? JSON.parse(fs.readFileSync(selectionFile, 'utf8')) : { cycles: [] };
  if (!selection.start) {
    // Before any training: the members still hold their start weights.
    const { evidence } = await computeEvidence(members[0]!.bi, pairs.heldOut, s, controller.signal, (p) =>
      post({
        type: 'progress',
        progress: {
          stage: `preparing the GloVe word vectors for the teachers (once): ${Math.round((100 * p.bytesRead) / Math.max(1, p.totalBytes))}%`,
          cycle: 0,
          phase: 'labelling',
          member: '',
          step: 0,
          totalSteps: 0,
          loss: null,
        },
      }),
    );
    selection.start = {
      bi: Array.from(await biScores(members[0]!.bi, pairs.heldOut, { maxLength: s.crossToBi.maxLength, batchSize: TRAIN_SCORING_BATCH })),
      evidence: evidence.map((e) => ({ name: e.name, scores: Array.from(e.scores) })),
    };
    writeJsonAtomic(selectionFile, selection);
  }
  const startHeld = {
    bi: Float32Array.from(selection.start.bi),
    evidence: (selection.start.evidence ?? []).map((e) => ({ name: e.name, scores: Float32Array.from(e.scores), weight: weightOf(e.name, s) })),
  };
  const heldOptions = s.teacher?.residual ? { lengths: pairLengths(pairs.heldOut) } : {};
  const heldTeacher = (cross: Float32Array) => teacherScores(cross, startHeld.evidence, heldOptions);

  await runTransEncoder({
    members,
    pairs: pairs.train,
    settings: s,
    runDir: input.runDir,
    signal: controller.signal,
    onProgress: (progress) => post({ type: 'progress', progress }),
    onCycleEnd: async (result, ms) => {
      const models: CycleModels[] = [];
      for (const [k, m] of ms.entries()) {
        const dir = (kind: string) => path.join(input.runDir, 'models', `cycle${result.cycle + 1}-${kind}-${m.name}`);
        const provenance = { cycle: result.cycle + 1, member: m.name };
        await saveModel(dir('bi'), m.bi, { base: input.bases[k]!, provenance });
        await saveModel(dir('cross'), m.cross, { base: input.bases[k]!, provenance });
        models.push({ cycle: result.cycle + 1, member: m.name, base: input.bases[k]!, biDir: dir('bi'), crossDir: dir('cross') });
      }
      const primary = ms[0]!;
      const bi = await biScores(primary.bi, pairs.heldOut, { maxLength: s.crossToBi.maxLength, batchSize: TRAIN_SCORING_BATCH });
      const cross = await crossScores(primary.cross, pairs.heldOut, { maxLength: s.biToCross.maxLength, batchSize: TRAIN_SCORING_BATCH });
      const userBi = userPairs ? await biScores(primary.bi, userPairs, { maxLength: s.crossToBi.maxLength, batchSize: TRAIN_SCORING_BATCH }) : null;
      selection.cycles = selection.cycles.filter((c) => c.cycle !== result.cycle + 1);
      selection.cycles.push({ cycle: result.cycle + 1, bi: Array.from(bi), cross: Array.from(cross), userBi: userBi && Array.from(userBi), models });
      writeJsonAtomic(selectionFile, selection);
      const agreement = selectByAgreement([{ cycle: result.cycle + 1, bi, cross }]).values[0]!.value;
      const teacher = heldTeacher(cross);
      post({
        teacherAgreement: { student: spearman(bi, teacher), start: spearman(startHeld.bi, teacher) },
        type: 'cycle',
        cycle: result.cycle + 1,
        models,
        agreement,
        userScore: userBi && userLabels ? scoreAgainstLabels(userBi, userLabels) : null,
        meanLoss: result.meanLoss,
        labelWeights: result.labelWeights,
      });
    },
  });

  // Without labels: every candidate, the start included, ranked by agreement with the strongest
  // teacher (the last cycle's cross-encoder with its evidence) on the held-out pairs.
  const last = selection.cycles.reduce((a, c) => (c.cycle > a.cycle ? c : a));
  const ranking = rankByTeacher(
    startHeld.bi,
    selection.cycles.map((c) => ({ cycle: c.cycle, bi: Float32Array.from(c.bi) })),
    heldTeacher(Float32Array.from(last.cross)),
    { seed: s.seed },
  );
  const chosen = userLabels
    ? selectByUserLabels(
        selection.cycles.map((c) => ({ cycle: c.cycle, bi: Float32Array.from(c.userBi ?? []) })),
        userLabels,
      )
    : { rule: ranking.rule, cycle: ranking.cycle, values: ranking.values };
  const value = (cycle: number) => ranking.values.find((v) => v.cycle === cycle)?.value ?? NaN;
  const comparison = userLabels
    ? undefined
    : { verdict: ranking.verdict, confidence: ranking.confidence, recommended: ranking.recommended, startValue: value(0), chosenValue: value(ranking.cycle) };
  // Every cycle of the run, including those done before a resume.
  const perCycle = selection.cycles.map((c) => ({
    cycle: c.cycle,
    agreement: selectByAgreement([{ cycle: c.cycle, bi: Float32Array.from(c.bi), cross: Float32Array.from(c.cross) }]).values[0]!.value,
    userScore: c.userBi && userLabels ? scoreAgainstLabels(Float32Array.from(c.userBi), userLabels) : null,
  }));
  post({ type: 'done', selection: chosen, models: selection.cycles.flatMap((c) => c.models), startUserScore, cycles: perCycle, comparison });
}

// No process.exit here: a message posted just before exit can be lost. The thread ends when its
// work is done (or when the engine terminates it after reading the last message).
main().catch((err) => {
  if (err instanceof CancelledError || controller.signal.aborted) post({ type: 'cancelled' });
  else post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
});
