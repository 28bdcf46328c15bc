/**
 * Trans-Encoder (Liu et al., ICLR 2022): self-distillation between a bi-encoder and a
 * cross-encoder on unlabelled sentence pairs, optionally mutual between several base models.
 *
 *   cycle c:  labels <- mean_k cos(bi_k)             bi -> cross (soft BCE, both orders)
 *             cross_k <- start weights, train on labels
 *             labels <- mean_k cross_k (both orders)  cross -> bi (MSE on cosine)
 *                       (or weighted by each cross_k's fidelity to its teacher: settings.mutualLabels)
 *             bi_k    <- start weights, train on labels
 *
 * Every phase checkpoints to `runDir` (weights, optimizer state, labels, then state.json last,
 * each written atomically), so a killed run resumes at the step it reached and ends with the
 * same number of steps as an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { BiEncoder, CrossEncoder } from '../models/encoder';
import { loadArrays, loadWeights, saveArrays, saveWeights, writeJsonAtomic } from '../models/io/weightsFile';
import { CancelledError } from '../jobs/jobRunner';
import { fit, fitSteps, type OptimizerState } from './fit';
import type { ParallelTask } from './parallel/task';
import { cosineMse, simcseLoss, softBceWithLogits } from './losses';
import { spearman } from '../eval/metrics';
import { seededRandom, shuffleInPlace } from '../random';
import { biScores, crossScores, meanScores, toProbabilities, TRAIN_SCORING_BATCH, weightedMeanScores, type PairList } from './scoring';
import type { PhaseSettings, TransEncoderSettings } from './settings';
import { computeEvidence, weightOf } from './teachers/evidence';
import { negationFlags } from './teachers/negationEvidence';
import { ensembleLabels, teacherScores, type Evidence } from './teachers/teacher';
import { pairLengths } from './teachers/groups';
import { interpolateWeights } from './interpolate';
import { biPairKey, jointLength, lengthTokenizerOf, singleLength } from './exampleLengths';

export interface Member {
  /** Short stable name, used in file names ("use-lite", "bert-1"). */
  name: string;
  bi: BiEncoder;
  cross: CrossEncoder;
  /**
   * A raw masked-LM (no sentence-embedding training): its bi-encoder is first made a sentence
   * encoder by SimCSE on the run's sentences, and that becomes its start weights.
   */
  simcse?: boolean;
}

export type Phase = 'simcse' | 'bi->cross' | 'cross->bi';

export interface TrainProgress {
  stage: string;
  cycle: number;
  phase: Phase | 'labelling' | 'done';
  member: string;
  /** Optimisation steps done / planned over the whole run. */
  step: number;
  totalSteps: number;
  loss: number | null;
}

export interface CycleResult {
  cycle: number;
  /** Per member: files of the bi- and cross-encoder weights at the end of this cycle. */
  files: { member: string; bi: string; cross: string }[];
  meanLoss: { biToCross: number; crossToBi: number };
  /** Mutual runs: each member's share of the cross->bi labels and the fidelity it came from. */
  labelWeights?: LabelWeight[];
}

export interface LabelWeight {
  member: string;
  /** Spearman between the member's cross-encoder and the bi->cross labels it learned from. */
  fidelity: number;
  weight: number;
}

export interface RunState {
  version: 1;
  cycle: number;
  /** 'cycle-end': both phases of `cycle` are trained, its end is not yet recorded. */
  phase: Phase | 'cycle-end' | 'done';
  member: number;
  /** Steps done inside the current (phase, member). */
  step: number;
  /** Steps done over the whole run. */
  globalStep: number;
  totalSteps: number;
  pairs: number;
  history: CycleResult[];
  lossSums: { biToCross: number; crossToBi: number };
}

export interface RunTransEncoderOptions {
  members: Member[];
  pairs: PairList;
  settings: TransEncoderSettings;
  runDir: string;
  signal?: AbortSignal;
  onProgress?(p: TrainProgress): void;
  onStep?(p: TrainProgress): void | Promise<void>;
  /** After each cycle, with the members holding that cycle's weights (evaluate, register models). */
  onCycleEnd?(result: CycleResult, members: Member[]): Promise<void>;
}

/** SimCSE needs dropout noise (its two views differ only by it): the SimCSE paper's 0.1. */
export const SIMCSE_DROPOUT = 0.1;

export function planTotalSteps(
  pairs: number,
  members: number,
  s: TransEncoderSettings,
  simcse: { members: number; sentences: number } = { members: 0, sentences: 0 },
): number {
  const perCycle =
    fitSteps(2 * crossPairCount(pairs, s), s.biToCross.batchSize, s.biToCross.epochs) + fitSteps(pairs, s.crossToBi.batchSize, s.crossToBi.epochs);
  const simcseSteps = s.simcse.epochs > 0 ? simcse.members * fitSteps(simcse.sentences, s.simcse.batchSize, s.simcse.epochs) : 0;
  return simcseSteps + s.cycles * members * perCycle;
}

/** How many of the run's pairs the cross-encoder trains on (settings.crossPairShare; at least 1). */
export function crossPairCount(pairs: number, s: Pick<TransEncoderSettings, 'crossPairShare'>): number {
  const share = s.crossPairShare ?? 1;
  return Math.max(1, Math.min(pairs, Math.round(pairs * share)));
}

/**
 * The pairs the cross-encoder trains on: all of them in order, or a seeded sample of
 * crossPairCount of them (mined pairs come grouped by kind, so not simply the first ones).
 */
export function crossPairIndices(pairs: number, s: Pick<TransEncoderSettings, 'crossPairShare' | 'seed'>): Uint32Array {
  const k = crossPairCount(pairs, s);
  const all = Uint32Array.from({ length: pairs }, (_, i) => i);
  if (k === pairs) return all;
  shuffleInPlace(all, seededRandom(s.seed + 31));
  return all.subarray(0, k).sort();
}

/** The distinct texts of a pair list, in first-seen order (SimCSE trains on sentences). */
export function distinctTexts(pairs: PairList): string[] {
  return [...new Set([...pairs.a, ...pairs.b])];
}

const f = (runDir: string, name: string) => path.join(runDir, name);

export function readRunState(runDir: string): RunState | null {
  try {
    return JSON.parse(fs.readFileSync(f(runDir, 'state.json'), 'utf8')) as RunState;
  } catch {
    return null;
  }
}

export async function runTransEncoder(o: RunTransEncoderOptions): Promise<RunState> {
  const { members, pairs, settings: s, runDir } = o;
  const n = pairs.a.length;
  if (n === 0) throw new Error('no sentence pairs to train on');
  fs.mkdirSync(runDir, { recursive: true });
  let state = readRunState(runDir);
  if (state && state.pairs !== n) throw new Error(`the checkpoint in ${runDir} was made for ${state.pairs} pairs, not ${n}`);

  const simcseMembers = s.simcse.epochs > 0 ? members.filter((m) => m.simcse) : [];
  const sentences = simcseMembers.length ? distinctTexts(pairs) : [];
  // Start weights: every cycle re-initialises the student from them. A SimCSE member's start
  // bi-encoder is written when its SimCSE step ends; until then `base-bi` keeps the raw model.
  if (!state) {
    for (const m of members) {
      await saveWeights(f(runDir, `${simcseMembers.includes(m) ? 'base' : 'start'}-bi-${m.name}.safetensors`), m.bi.getWeights());
      await saveWeights(f(runDir, `start-cross-${m.name}.safetensors`), m.cross.getWeights());
    }
    state = {
      version: 1,
      cycle: 0,
      phase: simcseMembers.length ? 'simcse' : 'bi->cross',
      member: 0,
      step: 0,
      globalStep: 0,
      totalSteps: planTotalSteps(n, members.length, s, { members: simcseMembers.length, sentences: sentences.length }),
      pairs: n,
      history: [],
      lossSums: { biToCross: 0, crossToBi: 0 },
    };
    writeJsonAtomic(f(runDir, 'state.json'), state);
  }
  const st = state;
  // bi->cross trains on these pairs (both orders); cross->bi on all n, labelled by the cross-encoder.
  const crossIdx = crossPairIndices(n, s);
  const nCross = crossIdx.length;
  // Issue 14: each example's token count, the key length-grouped batches sort by (example i of
  // bi->cross is the pair crossIdx[i % nCross], read in one order or the other: the same length).
  const exampleLengths = (model: BiEncoder | CrossEncoder, phase: 'bi->cross' | 'cross->bi', maxLength: number): Float64Array => {
    const tok = lengthTokenizerOf(model);
    if (phase === 'bi->cross') {
      const joint = Float64Array.from(crossIdx, (p) => jointLength(tok, pairs.a[p]!, pairs.b[p]!, maxLength));
      return Float64Array.from({ length: 2 * nCross }, (_, i) => joint[i % nCross]!);
    }
    return Float64Array.from({ length: n }, (_, i) => biPairKey(singleLength(tok, pairs.a[i]!, maxLength), singleLength(tok, pairs.b[i]!, maxLength)));
  };

  const report = (p: Omit<TrainProgress, 'totalSteps' | 'step'>) => o.onProgress?.({ ...p, step: st.globalStep, totalSteps: st.totalSteps });

  /** Loads a saved weights file into a model (and frees the tensors). */
  const restore = async (model: BiEncoder | CrossEncoder, file: string) => {
    const w = await loadWeights(file);
    model.setWeights(w);
    tf.dispose([...w.values()]);
  };

  // Bring members to where the run stopped: this cycle's trained weights where a phase of it
  // finished, else the previous cycle's (the teachers of this cycle).
  for (const m of members) {
    for (const [kind, model] of [
      ['bi', m.bi],
      ['cross', m.cross],
    ] as const) {
      const own = f(runDir, `cycle${st.cycle}-${kind}-${m.name}.safetensors`);
      const prev = f(runDir, `cycle${st.cycle - 1}-${kind}-${m.name}.safetensors`);
      if (fs.existsSync(own)) await restore(model, own);
      else if (st.cycle > 0 && fs.existsSync(prev)) await restore(model, prev);
      else if (kind === 'bi' && st.phase !== 'simcse' && fs.existsSync(f(runDir, `start-bi-${m.name}.safetensors`))) {
        // Cycle 0 teachers are the start weights (after SimCSE for a raw masked-LM).
        await restore(model, f(runDir, `start-bi-${m.name}.safetensors`));
      }
    }
  }

  /**
   * Trains one student for one (phase, member) slot of the run, resumably: from its in-progress
   * weights and Adam state where the state counts steps in it, else over again from `from` (the
   * steps it had counted leave the run's count). Saves the result to `output`, then moves the
   * state past the slot before removing the in-progress files, so a crash at any point resumes.
   */
  const trainSlot = async (a: {
    model: BiEncoder | CrossEncoder;
    /** Names the slot's in-progress files ("cross-m", "simcse-m"). */
    tag: string;
    from: string;
    output: string;
    cfg: PhaseSettings;
    examples: number;
    seed: number;
    /** Issue 14: example lengths to group batches by (none: random batches). */
    lengths?: ArrayLike<number>;
    lossOf: (batch: Uint32Array) => tf.Scalar;
    /** Issue 14: the same loss as data, so fit() can split steps over every core. */
    parallel?: ParallelTask;
    progress: (loss: number) => Omit<TrainProgress, 'step' | 'totalSteps' | 'loss'>;
    /** Records the slot's mean loss in the state (saved with the slot's end). */
    record?: (meanLoss: number) => void;
    /** Changes the trained weights before they are saved as the slot's output (weight interpolation). */
    finish?: () => Promise<void>;
  }): Promise<void> => {
    const progressFile = f(runDir, `progress-${a.tag}.safetensors`);
    const optimizerFile = f(runDir, `optimizer-${a.tag}.safetensors`);
    let optimizerState: OptimizerState | undefined;
    if (st.step > 0 && fs.existsSync(progressFile)) {
      await restore(a.model, progressFile);
      optimizerState = await loadOptimizerState(optimizerFile);
    } else {
      // Starting this slot over (also when its in-progress files are gone): the steps it had
      // counted are done again, so they leave the run's count.
      st.globalStep -= st.step;
      st.step = 0;
      await restore(a.model, a.from);
    }
    const stepsBefore = st.globalStep - st.step;
    const result = await fit({
      model: a.model,
      examples: a.examples,
      batchSize: a.cfg.batchSize,
      epochs: a.cfg.epochs,
      learningRate: a.cfg.learningRate,
      warmupFraction: s.warmupFraction,
      seed: a.seed,
      grouping: a.lengths ? { lengths: a.lengths } : undefined,
      startStep: st.step,
      optimizerState,
      signal: o.signal,
      checkpointEvery: s.checkpointEverySteps,
      onCheckpoint: async (step, optimizer) => {
        await saveWeights(progressFile, a.model.getWeights());
        await saveOptimizerState(optimizerFile, await optimizer.getWeights());
        st.step = step;
        st.globalStep = stepsBefore + step;
        writeJsonAtomic(f(runDir, 'state.json'), st);
      },
      lossOf: a.lossOf,
      parallel: a.parallel,
      onStep: async (step, _total, loss) => {
        st.globalStep = stepsBefore + step;
        const p: TrainProgress = { ...a.progress(loss), loss, step: st.globalStep, totalSteps: st.totalSteps };
        o.onProgress?.(p);
        await o.onStep?.(p);
      },
    });
    await a.finish?.();
    await saveWeights(a.output, a.model.getWeights());
    a.record?.(result.meanLoss);
    st.member++;
    st.step = 0;
    // State first, then the in-progress files: a crash in between must not leave a state that
    // points at files already gone.
    writeJsonAtomic(f(runDir, 'state.json'), st);
    fs.rmSync(progressFile, { force: true });
    fs.rmSync(optimizerFile, { force: true });
  };

  if (st.phase === 'simcse') {
    for (let k = st.member; k < simcseMembers.length; k++) {
      const m = simcseMembers[k]!;
      const cfg = s.simcse;
      await trainSlot({
        model: m.bi,
        tag: `simcse-${m.name}`,
        from: f(runDir, `base-bi-${m.name}.safetensors`),
        output: f(runDir, `start-bi-${m.name}.safetensors`),
        cfg,
        examples: sentences.length,
        seed: s.seed + 7 + k,
        lossOf: (batch) => {
          const texts = Array.from(batch, (i) => sentences[i]!);
          const opts = { training: true, dropoutRate: SIMCSE_DROPOUT, maxLength: cfg.maxLength };
          return simcseLoss(m.bi.forward(texts, opts).embeddings, m.bi.forward(texts, opts).embeddings, cfg.temperature);
        },
        progress: () => ({ stage: `SimCSE: making ${m.name} a sentence encoder`, cycle: 0, phase: 'simcse', member: m.name }),
      });
    }
    st.member = 0;
    st.phase = 'bi->cross';
    writeJsonAtomic(f(runDir, 'state.json'), st);
  }

  // Evidence the teachers mix in (token alignment of the first member's start model, GloVe SIF),
  // computed once per run and kept in the run folder.
  let runEvidence: Evidence[] = [];
  const evidenceFile = f(runDir, 'evidence.safetensors');
  const wantsEvidence = ((s.teacher?.alignment ?? 0) > 0 || (s.teacher?.sif ?? 0) > 0 || (s.teacher?.negation ?? 0) > 0) && (s.teacher?.cycles ?? Infinity) > 0;
  if (wantsEvidence && st.cycle < s.cycles) {
    if (fs.existsSync(evidenceFile)) {
      const arrays = await loadArrays(evidenceFile);
      runEvidence = [...arrays].map(([name, a]) => ({ name: name as Evidence['name'], scores: a.data, weight: weightOf(name as Evidence['name'], s) }));
      // A run folder from before negation evidence existed: the flags come from the texts alone.
      if ((s.teacher?.negation ?? 0) > 0 && !arrays.has('negation'))
        runEvidence.push({ name: 'negation', weight: s.teacher.negation, scores: negationFlags(pairs) });
    } else {
      report({
        stage: 'scoring the pairs for the teachers (token alignment, word vectors)',
        cycle: st.cycle,
        phase: 'labelling',
        member: members[0]!.name,
        loss: null,
      });
      const current = members[0]!.bi.getWeights();
      try {
        await restore(members[0]!.bi, f(runDir, `start-bi-${members[0]!.name}.safetensors`));
        const result = await computeEvidence(members[0]!.bi, pairs, s, o.signal);
        runEvidence = result.evidence;
        if (result.skipped.length) writeJsonAtomic(f(runDir, 'evidence-skipped.json'), result.skipped);
      } catch (err) {
        if (o.signal?.aborted) throw new CancelledError();
        throw err;
      } finally {
        members[0]!.bi.setWeights(current);
        tf.dispose([...current.values()]);
      }
      await saveArrays(evidenceFile, new Map(runEvidence.map((e) => [e.name, { shape: [n], data: e.scores }])));
    }
  }

  while (st.cycle < s.cycles) {
    const cycle = st.cycle;
    for (const phase of ['bi->cross', 'cross->bi'] as const) {
      if (st.phase !== phase) continue;
      const labelFile = f(runDir, `labels-c${cycle}-${phase === 'bi->cross' ? 'b2c' : 'c2b'}.safetensors`);
      let labels: Float32Array;
      if (fs.existsSync(labelFile)) {
        labels = (await loadArrays(labelFile)).get('labels')!.data;
      } else {
        report({
          stage: `cycle ${cycle + 1}: scoring pairs with the ${phase === 'bi->cross' ? 'bi' : 'cross'}-encoder`,
          cycle,
          phase: 'labelling',
          member: '',
          loss: null,
        });
        const perMember: Float32Array[] = [];
        for (const m of members) {
          if (o.signal?.aborted) break;
          perMember.push(
            phase === 'bi->cross'
              ? await biScores(m.bi, pairs, { maxLength: s.crossToBi.maxLength, batchSize: TRAIN_SCORING_BATCH })
              : await crossScores(m.cross, pairs, { maxLength: s.biToCross.maxLength, batchSize: TRAIN_SCORING_BATCH }),
          );
        }
        if (o.signal?.aborted) throw new CancelledError();
        // settings.teacher.cycles: evidence only in the first cycles (mixing it again compounds it).
        const evidence = cycle < (s.teacher?.cycles ?? Infinity) ? runEvidence : [];
        const teacherOptions = s.teacher?.residual && evidence.length ? { lengths: pairLengths(pairs) } : {};
        if (phase === 'bi->cross') labels = toProbabilities(teacherScores(meanScores(perMember), evidence, teacherOptions));
        else if (members.length > 1 && s.mutualLabels === 'fidelity') {
          const teacher = (await loadArrays(f(runDir, `labels-c${cycle}-b2c.safetensors`))).get('labels')!.data;
          const weights = labelWeights(
            members.map((m) => m.name),
            perMember,
            teacher,
          );
          writeJsonAtomic(f(runDir, `label-weights-c${cycle}.json`), weights);
          labels = teacherScores(
            weightedMeanScores(
              perMember,
              weights.map((w) => w.weight),
            ),
            evidence,
            teacherOptions,
          );
        } else labels = teacherScores(meanScores(perMember), evidence, teacherOptions);
        // settings.teacher.ensemble: in the evidence cycles, the cross->bi labels also hold the
        // cycle's bi->cross teacher (saved with the cycle, so a resumed run mixes the same one).
        const ensemble = s.teacher?.ensemble ?? 0;
        if (phase === 'cross->bi' && ensemble > 0 && evidence.length) {
          const b2cTeacher = (await loadArrays(f(runDir, `labels-c${cycle}-b2c.safetensors`))).get('labels')!.data;
          labels = ensembleLabels(labels, b2cTeacher, ensemble);
        }
        await saveArrays(labelFile, new Map([['labels', { shape: [labels.length], data: labels }]]));
      }

      for (let k = st.member; k < members.length; k++) {
        const m = members[k]!;
        const kind = phase === 'bi->cross' ? 'cross' : 'bi';
        const cfg = phase === 'bi->cross' ? s.biToCross : s.crossToBi;
        await trainSlot({
          model: phase === 'bi->cross' ? m.cross : m.bi,
          tag: `${kind}-${m.name}`,
          from: f(runDir, `start-${kind}-${m.name}.safetensors`),
          output: f(runDir, `cycle${cycle}-${kind}-${m.name}.safetensors`),
          cfg,
          examples: phase === 'bi->cross' ? 2 * nCross : n,
          seed: s.seed + 1000 * cycle + (phase === 'bi->cross' ? 0 : 500) + k,
          lengths: s.lengthGrouped ? exampleLengths(phase === 'bi->cross' ? m.cross : m.bi, phase, cfg.maxLength) : undefined,
          lossOf: (batch) => {
            const idx = phase === 'bi->cross' ? Array.from(batch, (i) => crossIdx[i % nCross]!) : Array.from(batch);
            const y = tf.tensor1d(idx.map((i) => labels[i]!));
            if (phase === 'bi->cross') {
              // Examples nCross..2nCross-1 are the reversed pairs: the cross-encoder sees both orders.
              const input = Array.from(batch, (i, j) => {
                const p = idx[j]!;
                return i < nCross ? ([pairs.a[p]!, pairs.b[p]!] as const) : ([pairs.b[p]!, pairs.a[p]!] as const);
              });
              const { logits } = m.cross.forward(input, { training: true, dropoutRate: s.dropout, maxLength: cfg.maxLength });
              return softBceWithLogits(logits, y);
            }
            const ea = m.bi.forward(
              idx.map((i) => pairs.a[i]!),
              { training: true, dropoutRate: s.dropout, maxLength: cfg.maxLength },
            ).embeddings;
            const eb = m.bi.forward(
              idx.map((i) => pairs.b[i]!),
              { training: true, dropoutRate: s.dropout, maxLength: cfg.maxLength },
            ).embeddings;
            return cosineMse(ea, eb, y);
          },
          // Issue 14: the loss above as data (parallel/task.ts mirrors it), for data-parallel steps.
          parallel: {
            loss: phase === 'bi->cross' ? 'cross-bce' : 'bi-cosine-mse',
            a: pairs.a,
            b: pairs.b,
            labels,
            maxLength: cfg.maxLength,
            dropout: s.dropout,
          },
          progress: () => ({ stage: `cycle ${cycle + 1}/${s.cycles}: ${phase}${members.length > 1 ? ` (${m.name})` : ''}`, cycle, phase, member: m.name }),
          record: (meanLoss) => {
            if (phase === 'bi->cross') st.lossSums.biToCross += meanLoss / members.length;
            else st.lossSums.crossToBi += meanLoss / members.length;
          },
          // settings.biStartShare: the student's weights moved back toward its start (WiSE-FT).
          finish:
            phase === 'cross->bi' && (s.biStartShare ?? 0) > 0
              ? async () => {
                  const start = await loadWeights(f(runDir, `start-bi-${m.name}.safetensors`));
                  const trained = m.bi.getWeights();
                  try {
                    const mixed = interpolateWeights(start, trained, s.biStartShare);
                    m.bi.setWeights(mixed);
                    tf.dispose([...mixed.values()]);
                  } finally {
                    tf.dispose([...start.values(), ...trained.values()]);
                  }
                }
              : undefined,
        });
      }
      st.member = 0;
      st.phase = phase === 'bi->cross' ? 'cross->bi' : 'cycle-end';
      writeJsonAtomic(f(runDir, 'state.json'), st);
    }

    const result: CycleResult = {
      cycle,
      files: members.map((m) => ({
        member: m.name,
        bi: f(runDir, `cycle${cycle}-bi-${m.name}.safetensors`),
        cross: f(runDir, `cycle${cycle}-cross-${m.name}.safetensors`),
      })),
      meanLoss: { ...st.lossSums },
    };
    const weightsFile = f(runDir, `label-weights-c${cycle}.json`);
    if (fs.existsSync(weightsFile)) result.labelWeights = JSON.parse(fs.readFileSync(weightsFile, 'utf8')) as LabelWeight[];
    st.lossSums = { biToCross: 0, crossToBi: 0 };
    // Idempotent (saving and scoring models), so a run killed inside it just does it again.
    await o.onCycleEnd?.(result, members);
    // One atomic write moves the run to the next cycle.
    st.history.push(result);
    st.cycle = cycle + 1;
    st.phase = st.cycle >= s.cycles ? 'done' : 'bi->cross';
    writeJsonAtomic(f(runDir, 'state.json'), st);
  }
  report({ stage: 'done', cycle: st.cycle, phase: 'done', member: '', loss: null });
  return st;
}

/** Each member's share of mutual cross->bi labels: its cross-encoder's fidelity to its teacher, normalised. */
export function labelWeights(names: readonly string[], crossScoresPerMember: readonly Float32Array[], teacher: Float32Array): LabelWeight[] {
  const fidelity = crossScoresPerMember.map((sc) => {
    const r = spearman(sc, teacher);
    return Number.isFinite(r) ? r : 0;
  });
  const clipped = fidelity.map((r) => Math.max(0, r));
  const total = clipped.reduce((a, b) => a + b, 0);
  return names.map((member, k) => ({
    member,
    fidelity: fidelity[k]!,
    weight: total > 0 ? clipped[k]! / total : 1 / names.length,
  }));
}

async function saveOptimizerState(file: string, weights: OptimizerState): Promise<void> {
  // Order matters to tfjs's Adam.setWeights: keep it in the names.
  const arrays = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [i, w] of weights.entries()) {
    arrays.set(`${String(i).padStart(5, '0')}|${w.name}`, { shape: [...w.tensor.shape], data: Float32Array.from(await w.tensor.data()) });
  }
  await saveArrays(file, arrays);
}

async function loadOptimizerState(file: string): Promise<OptimizerState | undefined> {
  if (!fs.existsSync(file)) return undefined;
  const arrays = await loadArrays(file);
  return [...arrays.keys()].sort().map((key) => {
    const a = arrays.get(key)!;
    return { name: key.slice(key.indexOf('|') + 1), tensor: tf.tensor(a.data, a.shape) };
  });
}
