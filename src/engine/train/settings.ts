/** Hyper-parameters of a Trans-Encoder run. Defaults are the paper's (arXiv 2109.13059, §4). */
export interface PhaseSettings {
  learningRate: number;
  batchSize: number;
  epochs: number;
  maxLength: number;
}

export interface TransEncoderSettings {
  cycles: number;
  /** bi -> cross: the cross-encoder learns the bi-encoder's cosines with soft BCE. */
  biToCross: PhaseSettings;
  /** cross -> bi: the bi-encoder learns the cross-encoder's scores with MSE on cosine. */
  crossToBi: PhaseSettings;
  /** SimCSE step for raw masked-LM bases (0 epochs = never; sentence-encoder bases always skip it). */
  simcse: PhaseSettings & { temperature: number };
  warmupFraction: number;
  dropout: number;
  seed: number;
  /** Unlabelled pairs used at most (mined pairs beyond it are dropped at random). */
  maxPairs: number;
  /**
   * Share of the pairs the cross-encoder trains on in bi->cross (a seeded sample; 1 = all, the
   * paper's). cross->bi always uses every pair, labelled by the cross-encoder: the student then
   * learns from more distinct pairs for the same number of cross-encoder steps (issue 10).
   * Measured once in Quick (0.5 of 2,000 pairs, 1 cross->bi epoch): cycle 1 +0.31 against
   * +0.51 with every pair of 1,000 and 2 epochs, so no preset uses it.
   */
  crossPairShare: number;
  /** Share of pairs kept out of training, for the label-free model selection. */
  heldOutFraction: number;
  checkpointEverySteps: number;
  /**
   * Mutual runs: how the members' cross-encoder scores become the cross->bi labels. 'mean' is
   * the paper's. 'fidelity' weights each member by how well its cross-encoder learned its
   * teacher (Spearman with the bi->cross labels, 0 if negative), so a member whose
   * cross-encoder learned nothing adds no noise to the others' labels.
   */
  mutualLabels: 'mean' | 'fidelity';
  /**
   * Evidence mixed into both teachers (issue 10). `alignment`: weight of the first member's
   * token alignment (IDF-weighted greedy matching of its start model's token states,
   * teachers/alignment.ts) against 1 for the model's own scores, both z-scored; the mix's
   * ranking is put back on the model scores' scale. `sif`: the same for GloVe SIF cosines
   * (teachers/sifEvidence.ts; skipped with a note when GloVe cannot be loaded). 0 and 0 are
   * the paper's plain teachers. `negation`: on pairs where one text holds more negation words
   * than the other, the teacher keeps the model's own score (the evidence is not trusted there)
   * lowered by this many standard deviations (teachers/negationEvidence.ts); 0 = off.
   * `cycles`: the evidence is mixed into the teachers of the first this-many cycles only (absent:
   * every cycle); later cycles use the model's own scores, the paper's teacher. From cycle 2 on
   * the model scores already hold the evidence, and mixing it in again compounds it (issue 10:
   * Quick on 2,000 pairs, cycle 1 bi +0.77, cycle 2 with the evidence again -0.38, SICK-R trial
   * -4.57: flagged pairs lowered a second time).
   * `residual`: the evidence only reorders pairs of about the same length and model score
   * (teachers/teacher.ts TeacherOptions): scored alone on STS12, the evidence raises four of
   * its five subsets but lifts the short video captions as a whole and lowers the translated
   * news, and the pooled set falls below the cosine (issue 10, round 2). Scored alone (Spearman
   * x100, max length 64): STS12 cosine 62.10, plain teacher 61.61, residual 62.38; STS13 64.72,
   * 69.39, 69.18; STS16 71.78, 75.54, 75.21; STS-B dev 78.39, 79.63, 79.76; SICK-R trial 74.50,
   * 75.06, 75.68. Trained (Quick, 2,000 pairs, cycle 1, bench/trans-encoder-sts.ts) the cycle 1
   * bi-encoder is not better: average +0.76 (plain +0.77), STS12 -1.32 (plain -1.56); its
   * cross-encoder reached +1.08 with STS12 +0.52. Off in the presets for that reason.
   * `ensemble`: in the cycles that mix in the evidence, the cross->bi labels become an ensemble
   * teacher (teachers/teacher.ts ensembleLabels): (1 - w) z(cross-encoder labels, with the
   * evidence) + w z(the cycle's bi->cross teacher); 0 or absent: the cross-encoder labels alone.
   * Score-only (issue 10, round 4; Quick's cycle-1 cross-encoder; tuning sets STS12 + STS13):
   * see presets.ts for the figures.
   */
  teacher: { alignment: number; sif: number; negation: number; cycles?: number; residual?: boolean; ensemble?: number };
  /**
   * Weight interpolation of each cycle's bi-encoder with its start (train/interpolate.ts,
   * WiSE-FT): after cross->bi the student's weights become `biStartShare * start +
   * (1 - biStartShare) * trained`. 0 is the paper's (the trained weights as they are).
   * Measured on saved bi-encoders, no training (bench/interpolate-weights.ts; Spearman x100 at
   * max length 64; sts12 sts13 sts14 sts15 sts16 stsb-dev sickr-trial, avg; start 62.10 64.72
   * 60.42 73.84 71.78 78.39 74.50, 69.39). Quick's cycle 1 bi-encoder (2,000 pairs, evidence):
   * share 0: 60.54 ... avg 70.17 (STS12 -1.56); 0.3: 61.36 66.32 61.56 75.16 72.60 78.85 76.20,
   * 70.29; 0.5: 61.75 65.89 61.29 74.91 72.41 78.81 76.18, 70.18 (every set within 0.35 of its
   * start or above it). A cycle 2 made with the evidence again (69.01, SICK-R trial -4.57):
   * 0.5 gives 70.05 (SICK-R trial +1.48, STS12 -0.55). The mix keeps the gains and gives back
   * the losses. The label-free agreement with the teacher on held-out pairs falls as the share
   * grows (cycle 1: 0.3 96.50, 0.5 95.95; the start 90.63): the student agrees with its teacher
   * most where it copied it most, so it cannot choose the share; the presets' 0.5 is a fixed
   * setting (chosen on the tuning sets STS12 and STS13, where 0.5 loses least on STS12).
   */
  biStartShare: number;
  /**
   * Issue 14: the pointwise phases (bi->cross, cross->bi) train on length-grouped batches
   * (schedule.ts LengthGrouping), so a step pads less; SimCSE keeps random batches (its in-batch
   * negatives need them). Absent (runs stored before it existed) or false: random batches.
   * Quick (bench/trans-encoder-sts.ts): bi-encoder avg 70.80 random, 70.83 grouped, no set more
   * than 0.31 lower; steps of the built-in model 15% (bi->cross) and 7% (cross->bi) shorter
   * (bench/length-grouped-steps.ts): the padding goes, a step's fixed work stays.
   */
  lengthGrouped?: boolean;
}

export const PAPER_SETTINGS: TransEncoderSettings = {
  cycles: 3,
  biToCross: { learningRate: 2e-5, batchSize: 32, epochs: 1, maxLength: 64 },
  crossToBi: { learningRate: 5e-5, batchSize: 128, epochs: 10, maxLength: 32 },
  // Runs only for members that are raw masked-LMs (see Member.simcse); sentence encoders skip it.
  simcse: { learningRate: 3e-5, batchSize: 64, epochs: 1, maxLength: 32, temperature: 0.05 },
  warmupFraction: 0.1,
  dropout: 0.1,
  seed: 42,
  maxPairs: 1_000_000,
  crossPairShare: 1,
  heldOutFraction: 0.05,
  checkpointEverySteps: 50,
  mutualLabels: 'mean',
  teacher: { alignment: 0, sif: 0, negation: 0 },
  biStartShare: 0,
  lengthGrouped: true,
};

export type PartialSettings = {
  [K in keyof TransEncoderSettings]?: TransEncoderSettings[K] extends object ? Partial<TransEncoderSettings[K]> : TransEncoderSettings[K];
};

export function mergeSettings(base: TransEncoderSettings, over: PartialSettings = {}): TransEncoderSettings {
  return {
    ...base,
    ...Object.fromEntries(Object.entries(over).filter(([, v]) => v !== undefined && typeof v !== 'object')),
    biToCross: { ...base.biToCross, ...defined(over.biToCross) },
    crossToBi: { ...base.crossToBi, ...defined(over.crossToBi) },
    simcse: { ...base.simcse, ...defined(over.simcse) },
    teacher: { ...base.teacher, ...defined(over.teacher) },
  } as TransEncoderSettings;
}

/** An override object without its undefined fields (so they keep the base's values). */
function defined<T extends object>(o: T | undefined): Partial<T> {
  return o ? (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>) : {};
}
