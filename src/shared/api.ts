/**
 * The one typed API between the user interface and the engine.
 *
 * Every method has a zod schema for its input (validated by the engine on every call,
 * whichever transport carried it) and a TypeScript type for its output. Both transports
 * (Electron IPC through the preload, and the local HTTP server) carry exactly these calls.
 */
import { z } from 'zod';
// Model library, evaluation history and compare, labelling, highlights (issue 13, models area).
import { modelsMethods, type CompareResult } from './modelsApi';
export type * from './modelsApi';
import { SettingsPatch, type ComputeInfo, type CorpusDetails, type FolderListing, type PassageRow, type SettingsView, type SkipReasonCode } from './shellApi';

/** A method declaration: the input schema is checked at run time, the output is a type only. */
export interface MethodDef<I extends z.ZodType, O> {
  input: I;
  /** Phantom field carrying the output type; never set at run time. */
  readonly output?: O;
  /** One line a person can read in an API listing. */
  summary: string;
}

function method<O>() {
  return <I extends z.ZodType>(summary: string, input: I): MethodDef<I, O> => ({ input, summary });
}

const Id = z.number().int().positive();
const NonEmpty = z.string().trim().min(1).max(4096);
/** An absolute or relative file system path; checked against the user's chosen folders by the engine. */
const FsPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** What a corpus.index job returns: the new corpus and what went into it. */
export interface CorpusIndexResult {
  corpusId: number;
  documents: number;
  skipped: number;
  passages: number;
}

/** How a run picked its cycle: by the label-free agreement, or by the user's labelled pairs. */
export interface RunSelection {
  rule: 'agreement' | 'user-labels' | 'teacher-agreement';
  cycle: number;
  /** Per cycle: the value the rule compared. */
  values: { cycle: number; value: number }[];
}

/** What a finished training run returns (the job's result and the run's stored result). */
export interface TrainRunResult {
  runId: number;
  status: 'done';
  selection: RunSelection;
  /** Model ids of the chosen cycle's bi- and cross-encoder (first member). */
  selected: { biModelId: number; crossModelId: number };
  startUserScore: number | null;
  cycles: { cycle: number; agreement: number; userScore: number | null }[];
  /**
   * Without labels: is the chosen cycle better than the start, by agreement with the strongest
   * teacher on held-out pairs (absent with labelled pairs, and in runs made before it existed).
   */
  comparison?: StartComparison;
  /**
   * The bi-encoder the app hands back: the chosen cycle's, or the start model's when that one is
   * worse, or not better and no closer to the teacher than the start (absent in older runs).
   */
  handBack?: { which: 'trained' | 'start'; biModelId: number };
}

/** A trained model against the model it started from, judged without labels. */
export interface StartComparison {
  verdict: 'better' | 'same' | 'worse';
  /** Share of bootstrap resamples of the held-out pairs in which the chosen cycle wins (ties count half). */
  confidence: number;
  /** 'start' when the verdict is worse, or same with the start agreeing at least as much with the teacher. */
  recommended: 'trained' | 'start';
  startValue: number;
  chosenValue: number;
}

/** The decision threshold (score >= threshold is positive) with the best F1, and its figures. */
export interface ThresholdResult {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  accuracy: number;
}

/** What an eval job returns. */
export interface EvalResult {
  dataset: string;
  modelId: number;
  as: 'bi' | 'cross';
  n: number;
  spearman: number;
  pearson: number;
  /** Only for yes/no (0/1) labels. */
  rocAuc: number | null;
  bestF1: ThresholdResult | null;
}

/** Figures of a dedup scan (stored with the scan, returned by its job). */
export interface ScanStats {
  files: number;
  /** Files read this run. */
  read: number;
  /** Files not read because size and mtime were unchanged. */
  unchanged: number;
  /** Entries not usable as text (binary, unreadable, empty, links), this run and before. */
  skipped: number;
  /** Documents with text in the scan. */
  documents: number;
  /** Names that are hard links to a file already listed (one file, not a duplicate). */
  hardLinks: number;
  distinctContents: number;
  passages: number;
  distinctPassages: number;
  /** MinHash signatures computed this run (documents and passages). */
  signaturesComputed: number;
  /** Signatures loaded from the cache (including document signatures this run stored while reading). */
  signaturesCached: number;
  /** Passages embedded this run / taken from the embedding cache. */
  embedded: number;
  embeddingsCached: number;
  /** Near-duplicate pairs (files and passages) above the threshold. */
  nearPairs: number;
  /** How the semantic layer searched (`ann` if any level used the index); null without a bi-encoder. */
  semanticMethod: 'exact' | 'ann' | null;
  /** Semantic pairs accepted on the bi-encoder alone. */
  semanticPairs: number;
  /** Levels (files, passages) whose semantic candidates were the last scan's, searched for the same texts. */
  semanticFromCache: number;
  /** Borderline pairs sent to the cross-encoder / accepted by it. */
  crossScored: number;
  crossAccepted: number;
  /** Dedup (issue 11): passage pairs of long documents the pair judge / cross-encoder decided (passage coverage). */
  passagePairsJudged?: number;
  /**
   * Semantic file pairs turned down on their content: too few passages of one matched in the
   * other (or the passages could not be compared), or different numbers (amounts, dates, ids).
   */
  semanticRejectedCoverage: number;
  semanticRejectedNumbers: number;
  fileClusters: number;
  /** Files that could go: cluster members beyond the kept one. */
  duplicateFiles: number;
  /** Of those, files pre-selected for moving (identical or near-identical to the kept one). */
  preselectedFiles: number;
  passageClusters: number;
  /** Why passage-level near/semantic matching did not run, if it did not. */
  passageFuzzySkipped: string | null;
  /** Dedup (issue 11): distinct contents the cheap-vector stage sent to the bi-encoder; absent when that stage did not run. */
  candidateContents?: number;
  /** Dedup (issue 11): candidate pairs kept; dropped as already near duplicates (MinHash); dropped for too few shared words. */
  candidatePairs?: number;
  candidatePairsNear?: number;
  candidatePairsLexical?: number;
  elapsedMs: number;
  /** Duplicates review: members left out because the person said they are not duplicates (absent before issue 13). */
  dismissedFiles?: number;
}

/** What a dedup job returns. */
export interface DedupScanResult {
  scanId: number;
  stats: ScanStats;
}

/** The result of each kind of long job. */
export interface JobResults {
  'corpus.index': CorpusIndexResult;
  train: TrainRunResult;
  eval: EvalResult;
  dedup: DedupScanResult;
  /** eval.compare (models area). */
  compare: CompareResult;
}
export type JobKind = keyof JobResults;

/** Where a training job is (JobSnapshot.detail of a train job). */
export interface TrainJobDetail {
  runId: number;
  /** 1-based cycle and the run's number of cycles. */
  cycle: number;
  cycles: number;
  phase: string;
  /** The mutual member being trained (its base's name). */
  member: string;
  loss: number | null;
}

/** Every field of a job snapshot but its kind and result. */
export interface JobSnapshotBase {
  id: string;
  status: JobStatus;
  stage: string;
  done: number;
  total: number | null;
  /** Seconds left, estimated from the recent rate; null until there is a rate to go by. */
  etaSeconds: number | null;
  message: string | null;
  error: string | null;
  startedAt: number;
  updatedAt: number;
  /** Structured details of the current step (training jobs). */
  detail?: TrainJobDetail;
}

export interface JobSnapshotOf<K extends JobKind> extends JobSnapshotBase {
  kind: K;
  /** Set when the job is done; null before and when it failed or was cancelled. */
  result: JobResults[K] | null;
}

/** What a long operation reports while it runs and when it ends; `kind` tells the type of `result`. */
export type JobSnapshot = { [K in JobKind]: JobSnapshotOf<K> }[JobKind];

/**
 * The result of a finished job of the expected kind; null while it runs, when it failed or was
 * cancelled, or when the job is of another kind.
 */
export function jobResultOf<K extends JobKind>(job: JobSnapshot, kind: K): JobResults[K] | null {
  // TypeScript cannot narrow a union by a generic key; the kind check is what makes this safe.
  return job.kind === kind && job.status === 'done' ? (job.result as JobResults[K] | null) : null;
}

export interface AppInfo {
  name: string;
  version: string;
  dataDir: string;
  schemaVersion: number;
  transport: 'electron' | 'http' | 'direct';
  allowedRoots: string[];
  node: string;
  platform: string;
}

export interface CorpusSummary {
  id: number;
  name: string;
  rootPath: string;
  kind: 'folder' | 'pairs';
  documents: number;
  skipped: number;
  createdAt: string;
}

export interface DocumentRow {
  id: number;
  relPath: string;
  size: number;
  status: 'ok' | 'skipped';
  skipReason: string | null;
  /** skipReason as a code the app words in its language (issue 13); null for a read document. */
  skipCode?: SkipReasonCode | null;
  contentHash: string | null;
}

const BaseModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin'), name: z.enum(['use-lite', 'glove']).default('use-lite') }).strict(),
  z.object({ kind: z.literal('hf'), dir: FsPath }).strict(),
]);
const Phase = z
  .object({
    learningRate: z.number().positive().max(1).optional(),
    batchSize: z.number().int().min(1).max(4096).optional(),
    epochs: z.number().int().min(0).max(100).optional(),
    maxLength: z.number().int().min(4).max(512).optional(),
  })
  .strict();
const PresetName = z.enum(['quick', 'standard', 'paper']);

/** What to train on and how: the input of train.start, and of train.estimate (the same run, not started). */
const TrainRunInput = z
  .object({
    preset: PresetName.default('quick'),
    corpusId: Id.optional(),
    pairsFile: FsPath.optional(),
    base: BaseModel.default({ kind: 'builtin', name: 'use-lite' }),
    mutual: BaseModel.optional(),
    useLabels: z.boolean().default(true),
    overrides: z
      .object({
        cycles: z.number().int().min(1).max(20).optional(),
        maxPairs: z.number().int().min(2).max(10_000_000).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31)
          .optional(),
        checkpointEverySteps: z.number().int().min(1).max(100_000).optional(),
        /** Mutual runs: the paper's plain mean of the cross-encoders, or weighted by each one's fidelity to its teacher. */
        mutualLabels: z.enum(['mean', 'fidelity']).optional(),
        /** Issue 10: share of the start weights mixed back into each cycle's bi-encoder (0 = the paper's). */
        biStartShare: z.number().min(0).max(1).optional(),
        /** Issue 14: length-grouped batches in bi->cross and cross->bi (false: random batches, as before). */
        lengthGrouped: z.boolean().optional(),
        /** Evidence mixed into the teachers (weights against 1 for the model's own scores; 0 = the paper's teachers). */
        teacher: z
          // issue 10: negation = penalty (in SDs) on pairs whose texts differ by a negation
          .object({
            alignment: z.number().min(0).max(10).optional(),
            sif: z.number().min(0).max(10).optional(),
            negation: z.number().min(0).max(10).optional(),
            // issue 10: weight of the bi->cross teacher in the cross->bi labels (settings.teacher.ensemble)
            ensemble: z.number().min(0).max(1).optional(),
          })
          .strict()
          .optional(),
        biToCross: Phase.optional(),
        crossToBi: Phase.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
const oneSource = (x: { corpusId?: number; pairsFile?: string }) => (x.corpusId === undefined) !== (x.pairsFile === undefined);

/** Hyper-parameters of one training phase. */
export interface PhaseSettings {
  learningRate: number;
  batchSize: number;
  epochs: number;
  maxLength: number;
}

/** Hyper-parameters of a Trans-Encoder run (the engine's defaults are the paper's). */
export interface TrainSettings {
  cycles: number;
  biToCross: PhaseSettings;
  crossToBi: PhaseSettings;
  simcse: PhaseSettings & { temperature: number };
  warmupFraction: number;
  dropout: number;
  seed: number;
  maxPairs: number;
  heldOutFraction: number;
  checkpointEverySteps: number;
  mutualLabels: 'mean' | 'fidelity';
  /** Issue 10: share of the start weights mixed back into each cycle's bi-encoder (0 = the paper's). */
  biStartShare?: number;
  /** Issue 14: length-grouped batches in bi->cross and cross->bi. */
  lengthGrouped?: boolean;
}

export type BaseDescription = { kind: 'builtin'; name: 'use-lite' } | { kind: 'hf'; dir: string };

export interface PresetInfo {
  name: 'quick' | 'standard' | 'paper';
  label: string;
  description: string;
  settings: TrainSettings;
}

/**
 * What a run was asked to do, as runs.get returns it: the stored settings with the training
 * data replaced by counts (the texts or pairs themselves can be huge).
 */
export interface RunSettings {
  preset: 'quick' | 'standard' | 'paper';
  settings: TrainSettings;
  bases: BaseDescription[];
  source: { kind: 'pairs' | 'texts'; count: number };
  /** The user's labelled pairs the run was given, if any. */
  userLabels?: { count: number; scale: 'binary' | '0-5' };
  backend?: string;
}

/** A run's time, estimated before it starts (train.estimate). Seconds throughout. */
export interface TrainEstimate {
  seconds: number;
  /** "about 12 min on wasm (CPU)" */
  summary: string;
  breakdown: {
    /** Loading the models, writing start weights, mining pairs from a corpus, SimCSE for raw bases. */
    setup: number;
    /** Scoring the pairs with the teachers at the start of each phase. */
    labelling: number;
    biToCross: number;
    crossToBi: number;
    /** Saving each cycle's models and scoring held-out (and user-labelled) pairs. */
    evaluation: number;
  };
  /** Optimisation steps over the whole run. */
  steps: { biToCross: number; crossToBi: number; total: number };
  /** exact: false where the pairs of a corpus are not known before mining (then estimated). */
  pairs: { train: number; heldOut: number; candidates: number; exact: boolean };
  members: number;
  backend: string;
  backendLabel: string;
  /** Measured costs of each member's base; `length` is padded tokens per row. */
  perMember: {
    base: string;
    biToCrossStep: { batch: number; length: number; seconds: number };
    crossToBiStep: { batch: number; length: number; seconds: number };
    /** Seconds per text (bi-encoder) and per pair (cross-encoder) when labelling. */
    scoring: { perText: number; perPair: number };
  }[];
  /** What the estimate rests on, in sentences. */
  basis: string[];
}

export interface RunSummary {
  id: number;
  corpusId: number | null;
  preset: string;
  status: string;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Set once the run is done. */
  result: TrainRunResult | null;
}

export interface RunDetails extends RunSummary {
  /** null for a run whose stored settings cannot be read. */
  settings: RunSettings | null;
  metrics: { stage: string; cycle: number | null; step: number | null; name: string; value: number | null }[];
  models: ModelSummary[];
}

export interface ModelSummary {
  id: number;
  name: string;
  kind: 'base' | 'bi' | 'cross';
  architecture: string;
  relDir: string;
  parentId: number | null;
  runId: number | null;
  cycle: number | null;
  /** Which member of a mutual run the model belongs to; null for bases and single-member runs' older rows. */
  member: string | null;
  createdAt: string;
}

export interface LabelledPairSummary {
  id: number;
  textA: string;
  textB: string;
  label: number;
  scale: 'binary' | '0-5';
  corpusId: number | null;
  createdAt: string;
}

export interface ScanSummary {
  id: number;
  roots: string[];
  status: string;
  /** null until the scan has figures (running, or failed early). */
  stats: ScanStats | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A scan's thresholds. */
export interface DedupThresholds {
  /** MinHash estimated Jaccard, 0..1. */
  near: number;
  /** Cosine similarity, -1..1 (in practice 0..1). */
  semantic: number;
  /** Half-width of the cross-encoder band around `semantic`. */
  crossBand: number;
  /** Cross-encoder acceptance score, 0..1. */
  cross: number;
}

/** How a scan was configured (stored with it). */
export interface ScanSettings {
  thresholds: DedupThresholds;
  numPerm: number;
  shingleSize: number;
  semanticK: number;
  /** Passages shorter than this take no part in passage-level matching. */
  minPassageChars: number;
  /** Also find duplicate passages across files (default true). */
  passageLevel: boolean;
  /** Above this many distinct passages, passage-level near/semantic matching is skipped. */
  maxPassagesForFuzzy: number;
  exactMaxItems: number;
  /** models.id of the bi-encoder (key of the embedding cache); null: embeddings are not cached. */
  embedModelId: number | null;
  /** Dedup (issue 11): models.id of the cross-encoder the person chose (kept so a resumed scan uses it too); absent or null: none. */
  crossModelId?: number | null;
}

/** What a member's match with its group's kept file rests on. */
export interface DedupEvidence {
  jaccard?: number;
  cosine?: number;
  cross?: number;
  /** Dedup (issue 11): probability from the built-in pair judge that decided a borderline pair. */
  judge?: number;
  /** [share of this member's text matched in the kept file, share of the kept file's text matched in this member]. */
  coverage?: [number, number];
  /** Numbers found in both texts / in either. */
  numbers?: [number, number];
  /** A few matching passages: this member's, the kept file's, and their similarity. */
  passages?: { member: string; keeper: string; score: number }[];
}

export interface DedupReport {
  scan: { id: number; roots: string[]; status: string; createdAt: string; finishedAt: string | null; settings: ScanSettings | null; stats: ScanStats | null };
  clusters: {
    id: number;
    level: 'file' | 'passage';
    /** The weakest evidence holding the group together; `same-file`: hard links (one file, nothing to move). */
    layer: 'exact' | 'near' | 'semantic' | 'cross' | 'same-file';
    /** `high`: exact/near members pre-selected; `review`: offered, never pre-ticked; `info`: nothing to move. */
    confidence: 'high' | 'review' | 'info';
    score: number | null;
    keepDocumentId: number | null;
    keepPath: string | null;
    members: {
      documentId: number;
      path: string;
      relPath: string;
      size: number;
      modified: string;
      layer: 'exact' | 'near' | 'semantic' | 'cross' | 'same-file';
      score: number | null;
      keep: boolean;
      /** Ticked for moving by default (identical or near-identical to the kept file). */
      preselect: boolean;
      passageText: string | null;
      /** What the match with the kept file rests on. */
      evidence: DedupEvidence | null;
      /** Duplicates review: the file is in a reference folder, so it is kept and never moved. */
      reference: boolean;
    }[];
  }[];
  /** Duplicates review: members hidden from this report because they were dismissed as not duplicates. */
  dismissedFiles: number;
}

export interface QuarantineOutcome {
  batchId: string;
  done: { sourcePath: string; destPath: string }[];
  /** code: why, for a UI to act on (e.g. 'changed-in-quarantine': undo with force restores it as it is now). */
  refused: { sourcePath: string; reason: string; code?: string }[];
  /** Undo of an interrupted batch: files that had not been moved (they are in place). */
  notMoved?: { sourcePath: string }[];
}

/**
 * One quarantine batch as `tenc undo --list` and the UI log show it. state: 'moving' (its process is
 * at work), 'interrupted' (its process stopped midway: undo it or look at it), 'in quarantine',
 * 'partly restored', 'restored', 'nothing moved'.
 */
export interface QuarantineBatch {
  batchId: string;
  scanId: number | null;
  /** Null for batches logged before schema v6. */
  quarantineDir: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Files chosen for the batch (null before v6). */
  planned: number | null;
  /** Files moved into quarantine by it (restored ones included). */
  moved: number;
  inQuarantine: number;
  restored: number;
  /** Logged but not known to be moved (a crash midway); undo sorts them out. */
  pending: number;
  state: 'moving' | 'interrupted' | 'in quarantine' | 'partly restored' | 'restored' | 'nothing moved';
}

export interface FileActionSummary {
  id: number;
  scanId: number | null;
  batchId: string;
  action: string;
  sourcePath: string;
  destPath: string;
  at: string;
  undoneAt: string | null;
}

export interface PairCheck {
  biScore: number;
  crossScore: number | null;
  /** The score the verdict is based on: the cross-encoder's where one was used, else the bi-encoder's. */
  verdict: 'paraphrase' | 'not a paraphrase';
  threshold: number;
  basis: 'cross' | 'bi';
  truncated: boolean;
  /** Languages detected in the two texts (ISO 639-1; null where a text is too short to tell). */
  languages: [string | null, string | null];
  /** Languages the deciding model was trained for; null when unknown (a base the user brought). */
  modelLanguages: string[] | null;
  /** Languages of the texts that the deciding model was not trained for: its score is unreliable there. */
  unsupportedLanguages: string[];
  /** One text holds a negation ("not", "never", 不...) the other lacks; encoders often miss it. */
  negationMismatch: boolean;
}

// --- Duplicates review (issue 13): move plans, previews, reference folders, the not-a-duplicate list ---

/** What a move to quarantine would do now, before anything moves (dedup.plan). */
export interface MovePlan {
  willMove: { documentId: number; path: string }[];
  /** code: why (e.g. 'last-copy', 'reference', 'changed', 'hard-link'); reason: the same in words (English). */
  refused: { documentId: number; path: string; reason: string; code: string }[];
}

/** One scanned file as it is on disk now (dedup.document). */
export interface DocumentPreview {
  documentId: number;
  path: string;
  relPath: string;
  /** The text as the app reads it (null when it cannot be read: see `problem`). */
  text: string | null;
  truncated: boolean;
  /** 'gone', 'changed' (read, but it differs from what the scan saw) or 'unreadable'; null when fine. */
  problem: 'gone' | 'changed' | 'unreadable' | null;
  /** The reader's reason when unreadable. */
  reason: string | null;
  /** The same reason as a code the app words in its language (issue 13). */
  reasonCode?: SkipReasonCode | null;
}

export interface ReferenceFolder {
  path: string;
  addedAt: string;
}

/** A group, or files of a group, dismissed as "not a duplicate". */
export interface Dismissal {
  id: number;
  scanId: number | null;
  label: string;
  files: number;
  createdAt: string;
}

const DedupReviewMethods = {
  'dedup.plan': method<MovePlan>()(
    'What moving these files to quarantine would do now: which would move, which would be refused and why. Nothing moves.',
    z.object({ scanId: Id, documentIds: z.array(Id).min(1).max(100_000) }).strict(),
  ),
  'dedup.document': method<DocumentPreview>()(
    "A scanned file's text as it is now (for a preview or a side-by-side comparison), checked against the chosen folders.",
    z.object({ scanId: Id, documentId: Id, text: z.boolean().default(true), maxChars: z.number().int().min(1).max(2_000_000).default(200_000) }).strict(),
  ),
  'dedup.referenceFolders': method<ReferenceFolder[]>()('Reference folders: their files are always kept and never moved.', z.object({}).strict()),
  'dedup.addReferenceFolder': method<ReferenceFolder[]>()(
    'Make a chosen folder (or a folder inside one) a reference folder; returns the list.',
    z.object({ path: FsPath }).strict(),
  ),
  'dedup.removeReferenceFolder': method<ReferenceFolder[]>()(
    'Stop treating a folder as a reference folder; returns the list.',
    z.object({ path: FsPath }).strict(),
  ),
  'dedup.dismiss': method<Dismissal>()(
    'Say a file group is not a duplicate (or, with documentIds, that those files are not duplicates of the rest): hidden now and in later scans.',
    z.object({ scanId: Id, clusterId: Id, documentIds: z.array(Id).min(1).max(10_000).optional() }).strict(),
  ),
  'dedup.dismissals': method<Dismissal[]>()('The not-a-duplicate list, newest first.', z.object({}).strict()),
  'dedup.undismiss': method<{ removed: number }>()(
    'Take dismissals off the not-a-duplicate list (all of them without ids): those groups come back.',
    z.object({ ids: z.array(Id).min(1).max(10_000).optional() }).strict(),
  ),
} as const;
// --- end of duplicates review ---

export const methods = {
  'app.info': method<AppInfo>()('Version, data folder, schema version and the folders the user has allowed.', z.object({}).strict()),
  'app.echo': method<{ text: string; receivedAt: string }>()(
    'Round trip check: returns the text it was given.',
    z.object({ text: z.string().max(10_000) }).strict(),
  ),
  'corpora.list': method<CorpusSummary[]>()('All corpora in the data folder.', z.object({}).strict()),
  'corpora.create': method<{ jobId: string }>()(
    'Index a folder the user chose as a new corpus (a long job: progress events, cancellable).',
    z.object({ name: NonEmpty.max(200), path: FsPath }).strict(),
  ),
  'corpora.documents': method<DocumentRow[]>()(
    'Documents of a corpus, in path order.',
    z.object({ corpusId: Id, limit: z.number().int().min(1).max(10_000).default(500), offset: z.number().int().min(0).default(0) }).strict(),
  ),
  'jobs.get': method<JobSnapshot>()('The current state of a long job.', z.object({ jobId: z.string().min(1).max(100) }).strict()),
  'jobs.list': method<JobSnapshot[]>()('Jobs of this session, newest first.', z.object({}).strict()),
  'jobs.cancel': method<JobSnapshot>()('Ask a running job to stop; it ends with status "cancelled".', z.object({ jobId: z.string().min(1).max(100) }).strict()),
  'presets.list': method<PresetInfo[]>()('Training presets a person can choose from.', z.object({}).strict()),
  'train.start': method<{ jobId: string; runId: number }>()(
    'Start a Trans-Encoder run on a corpus or on a file of pairs (a long job; resumable).',
    TrainRunInput.refine(oneSource, 'give exactly one of corpusId or pairsFile'),
  ),
  'train.estimate': method<TrainEstimate>()(
    "How long a run would take on this machine, before it starts: measured per-step costs (first call per shape waits for the measurement) scaled by the run's steps.",
    TrainRunInput.refine(oneSource, 'give exactly one of corpusId or pairsFile'),
  ),
  'train.resume': method<{ jobId: string; runId: number }>()('Resume a paused or interrupted run from its last checkpoint.', z.object({ runId: Id }).strict()),
  'runs.list': method<RunSummary[]>()('Training runs, newest first.', z.object({}).strict()),
  'runs.get': method<RunDetails>()('One run with its settings, metrics and models.', z.object({ runId: Id }).strict()),
  'models.list': method<ModelSummary[]>()('Every model: bases, and the bi- and cross-encoders of each run.', z.object({}).strict()),
  'labels.add': method<LabelledPairSummary>()(
    'Label a pair yourself (yes/no, or 0-5): labelled pairs pick the model of a run and give its in-domain score.',
    z
      .object({
        a: z.string().trim().min(1).max(10_000),
        b: z.string().trim().min(1).max(10_000),
        label: z.number().min(0).max(5),
        scale: z.enum(['binary', '0-5']),
        corpusId: Id.nullable().default(null),
      })
      .strict()
      .refine((x) => x.scale !== 'binary' || x.label === 0 || x.label === 1, 'a yes/no label is 0 or 1'),
  ),
  'labels.list': method<LabelledPairSummary[]>()('Labelled pairs, optionally of one corpus.', z.object({ corpusId: Id.optional() }).strict()),
  'labels.remove': method<{ removed: boolean }>()('Remove a labelled pair.', z.object({ id: Id }).strict()),
  'check.pair': method<PairCheck>()(
    'Are two texts saying the same thing? Bi-encoder cosine, cross-encoder score where a cross-encoder is chosen, and a verdict.',
    z
      .object({
        a: z.string().max(100_000),
        b: z.string().max(100_000),
        biModelId: Id.nullable().default(null),
        crossModelId: Id.nullable().default(null),
        threshold: z.number().min(-1).max(1).optional(),
      })
      .strict(),
  ),
  'check.pairs': method<PairCheck[]>()(
    'check.pair for many pairs in one call (up to 512): one model pass over all of them.',
    z
      .object({
        pairs: z
          .array(z.object({ a: z.string().max(100_000), b: z.string().max(100_000) }).strict())
          .min(1)
          .max(512),
        biModelId: Id.nullable().default(null),
        crossModelId: Id.nullable().default(null),
        threshold: z.number().min(-1).max(1).optional(),
      })
      .strict(),
  ),
  'eval.run': method<{ jobId: string }>()(
    'Evaluate a model on a TSV of scored pairs (format of the shared STS data): Spearman, Pearson, and ROC-AUC / best-F1 for yes/no labels; stored with the model.',
    z.object({ file: FsPath, modelId: Id.nullable().default(null), as: z.enum(['bi', 'cross']).default('bi') }).strict(),
  ),
  'dedup.scan': method<{ jobId: string }>()(
    'Scan folders for duplicate and near-duplicate files and passages (a long job; cancellable and resumable).',
    z
      .object({
        roots: z.array(FsPath).min(1).max(50),
        semantic: z.boolean().default(true),
        biModelId: Id.nullable().default(null),
        crossModelId: Id.nullable().default(null),
        passageLevel: z.boolean().default(true),
        thresholds: z
          .object({
            near: z.number().min(0).max(1).optional(),
            semantic: z.number().min(-1).max(1).optional(),
            cross: z.number().min(0).max(1).optional(),
            crossBand: z.number().min(0).max(1).optional(),
          })
          .strict()
          .default({}),
      })
      .strict(),
  ),
  'dedup.resume': method<{ jobId: string }>()('Continue a cancelled or failed scan.', z.object({ scanId: Id }).strict()),
  'dedup.scans': method<ScanSummary[]>()('Dedup scans, newest first.', z.object({}).strict()),
  'dedup.report': method<DedupReport>()(
    'The clusters of a scan: members, which layer found them, scores and the suggested file to keep.',
    z.object({ scanId: Id }).strict(),
  ),
  'dedup.export': method<{ content: string; mimeType: string }>()(
    'A scan report as CSV, JSON or a self-contained HTML page.',
    z.object({ scanId: Id, format: z.enum(['csv', 'json', 'html']) }).strict(),
  ),
  'dedup.quarantine': method<QuarantineOutcome>()(
    'Move files to the quarantine folder (never deletes; refuses files changed since the scan). `layers`: move only files in groups of these layers. Undo with dedup.undo.',
    z
      .object({
        scanId: Id,
        documentIds: z.array(Id).min(1).max(100_000),
        /** A folder the user chose instead of the data folder's quarantine (it must be an allowed folder). */
        destDir: FsPath.optional(),
        layers: z
          .array(z.enum(['exact', 'near', 'semantic', 'cross']))
          .min(1)
          .optional(),
        /** A batch id the caller chose (and may already have shown the user); a new one otherwise. */
        batchId: z.string().uuid().optional(),
      })
      .strict(),
  ),
  'dedup.undo': method<QuarantineOutcome>()(
    'Move the files of a quarantine batch back where they were. A file changed in quarantine is left there (refused) unless `force`.',
    z.object({ batchId: z.string().min(1).max(100), force: z.boolean().default(false) }).strict(),
  ),
  'dedup.batches': method<QuarantineBatch[]>()(
    'Quarantine batches, newest first: when, how many files, where they are now, and whether a batch was interrupted.',
    z.object({ scanId: Id.optional(), limit: z.number().int().min(1).max(10_000).optional() }).strict(),
  ),
  'dedup.actions': method<FileActionSummary[]>()('The log of file actions (moves and restores), newest first.', z.object({ scanId: Id.optional() }).strict()),
  ...DedupReviewMethods,
  // Models area (issue 13): model library, evaluation history and compare, labelling, highlights.
  ...modelsMethods,
  // --- Shell (issue 13: folders, settings, corpus management, compute) ---
  'folders.browse': method<FolderListing>()(
    'The sub-folders of a folder inside the allowed folders (without a path: the allowed folders). Refuses anything outside them.',
    z.object({ path: FsPath.optional() }).strict(),
  ),
  'settings.get': method<SettingsView>()('The settings kept in the data folder (settings.json).', z.object({}).strict()),
  'settings.set': method<SettingsView>()('Change some settings; the file is written atomically.', SettingsPatch),
  'app.compute': method<ComputeInfo>()('What the app computes with (backend, cores, threads) and the training time of the runs.', z.object({}).strict()),
  'corpora.details': method<CorpusDetails>()('A corpus with its counts and its skipped files grouped by reason.', z.object({ corpusId: Id }).strict()),
  'corpora.passages': method<PassageRow[]>()(
    'The passages a document of a corpus was split into.',
    z.object({ corpusId: Id, documentId: Id, limit: z.number().int().min(1).max(10_000).default(500) }).strict(),
  ),
  'corpora.rename': method<{ id: number; name: string }>()('Rename a corpus.', z.object({ corpusId: Id, name: NonEmpty.max(200) }).strict()),
  'corpora.rescan': method<{ jobId: string }>()(
    "Read a folder corpus's folder again: new and changed files are read, gone ones dropped (a long job).",
    z.object({ corpusId: Id }).strict(),
  ),
  'corpora.delete': method<{ removed: boolean; documents: number }>()(
    "Delete a corpus from the app's store (its documents and passages); the files in the folder are never touched.",
    z.object({ corpusId: Id }).strict(),
  ),
  'app.sampleCorpus': method<{ path: string }>()(
    'The sample corpus for the guided tour: copied into the data folder and allowed; returns its folder.',
    z.object({}).strict(),
  ),
  // --- end Shell ---
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** The input after validation and defaults, as handlers receive it. */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = NonNullable<Methods[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

/** Events pushed from the engine to every connected user interface. */
export type EngineEvent = { type: 'job'; job: JobSnapshot };

export type ApiErrorCode = 'bad_request' | 'unknown_method' | 'forbidden_path' | 'not_found' | 'conflict' | 'unauthorized' | 'internal';

/** The error shape every transport returns. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** A stable key for the situation, for user interfaces that word it in the user's language (message is English). */
  reason?: string;
  /** Values the reason's wording needs (a name, a count). */
  params?: Record<string, string | number>;
}

/** The typed client every user interface codes against, whatever the transport. */
export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Ask the user for a folder (native dialog in Electron); null when the transport has no dialog. */
  chooseFolder?: () => Promise<string | null>;
  /** Duplicates review: open a scanned file, or show it in its folder (Electron only; the engine checks the path). */
  showFile?: (target: ShowFileTarget) => Promise<ShowFileResult>;
  /** Electron: allow the folder a person dropped on the window (after a native confirmation); its path, or null. */
  grantDroppedFolder?: (file: unknown) => Promise<string | null>;
  /** Electron: choose another data folder; the app restarts with it (false: the person cancelled). */
  chooseDataFolder?: () => Promise<boolean>;
  readonly transport: 'electron' | 'http';
}

/** The surface the preload script exposes on `window.tenc`; nothing else crosses the bridge. */
export interface PreloadBridge {
  call(method: string, input: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiErrorBody }>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  chooseFolder(): Promise<string | null>;
  showFile(target: ShowFileTarget): Promise<ShowFileResult>;
  /** The dropped File (a DOM File object) whose folder to allow; the main process asks the person first. */
  grantDroppedFolder(file: unknown): Promise<string | null>;
  chooseDataFolder(): Promise<boolean>;
}

/** A scanned file to open or show in its folder (the main process asks the engine for its checked path). */
export interface ShowFileTarget {
  scanId: number;
  documentId: number;
  how: 'open' | 'folder';
}
export type ShowFileResult = { ok: true } | { ok: false; message: string };
