/**
 * The one typed API between the user interface and the engine.
 *
 * Every method has a zod schema for its input (validated by the engine on every call,
 * whichever transport carried it) and a TypeScript type for its output. Both transports
 * (Electron IPC through the preload, and the local HTTP server) carry exactly these calls.
 */
import { z } from 'zod';

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
const FsPath = z.string().min(1).max(4096).refine((p) => !p.includes('\0'), 'path contains a NUL byte');

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** What a long operation reports while it runs and when it ends. */
export interface JobSnapshot {
  id: string;
  kind: string;
  status: JobStatus;
  stage: string;
  done: number;
  total: number | null;
  /** Seconds left, estimated from the recent rate; null until there is a rate to go by. */
  etaSeconds: number | null;
  message: string | null;
  error: string | null;
  result: unknown;
  startedAt: number;
  updatedAt: number;
  /** Structured details of the current step (training: runId, cycle, phase, loss). */
  detail?: Record<string, unknown>;
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
  contentHash: string | null;
}

const BaseModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin'), name: z.literal('use-lite').default('use-lite') }).strict(),
  z.object({ kind: z.literal('hf'), dir: FsPath }).strict(),
]);
const Phase = z.object({
  learningRate: z.number().positive().max(1).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  epochs: z.number().int().min(0).max(100).optional(),
  maxLength: z.number().int().min(4).max(512).optional(),
}).strict();
const PresetName = z.enum(['quick', 'standard', 'paper']);

/** What to train on and how: the input of train.start, and of train.estimate (the same run, not started). */
const TrainRunInput = z.object({
  preset: PresetName.default('quick'),
  corpusId: Id.optional(),
  pairsFile: FsPath.optional(),
  base: BaseModel.default({ kind: 'builtin', name: 'use-lite' }),
  mutual: BaseModel.optional(),
  useLabels: z.boolean().default(true),
  overrides: z.object({
    cycles: z.number().int().min(1).max(20).optional(),
    maxPairs: z.number().int().min(2).max(10_000_000).optional(),
    seed: z.number().int().min(0).max(2 ** 31).optional(),
    checkpointEverySteps: z.number().int().min(1).max(100_000).optional(),
    /** Mutual runs: the paper's plain mean of the cross-encoders, or weighted by each one's fidelity to its teacher. */
    mutualLabels: z.enum(['mean', 'fidelity']).optional(),
    biToCross: Phase.optional(),
    crossToBi: Phase.optional(),
  }).strict().optional(),
}).strict();
const oneSource = (x: { corpusId?: number; pairsFile?: string }) => (x.corpusId === undefined) !== (x.pairsFile === undefined);

export interface PresetInfo {
  name: 'quick' | 'standard' | 'paper';
  label: string;
  description: string;
  settings: Record<string, unknown>;
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
  result: unknown;
}

export interface RunDetails extends RunSummary {
  settings: unknown;
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
  stats: unknown;
  createdAt: string;
  finishedAt: string | null;
}

export interface DedupEvidence {
  jaccard?: number;
  cosine?: number;
  cross?: number;
  /** [share of the member's text matched in the kept file, share of the kept file matched in the member]. */
  coverage?: [number, number];
  /** Numbers found in both texts / in either. */
  numbers?: [number, number];
  passages?: { member: string; keeper: string; score: number }[];
}

export interface DedupReport {
  scan: { id: number; roots: string[]; status: string; createdAt: string; finishedAt: string | null; settings: unknown; stats: unknown };
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
      layer: string;
      score: number | null;
      keep: boolean;
      /** Ticked for moving by default (identical or near-identical to the kept file). */
      preselect: boolean;
      passageText: string | null;
      /** What the match with the kept file rests on. */
      evidence: DedupEvidence | null;
    }[];
  }[];
}

export interface QuarantineOutcome {
  batchId: string;
  done: { sourcePath: string; destPath: string }[];
  refused: { sourcePath: string; reason: string }[];
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
}

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
    'How long a run would take on this machine, before it starts: measured per-step costs (first call per shape waits for the measurement) scaled by the run\'s steps.',
    TrainRunInput.refine(oneSource, 'give exactly one of corpusId or pairsFile'),
  ),
  'train.resume': method<{ jobId: string; runId: number }>()('Resume a paused or interrupted run from its last checkpoint.', z.object({ runId: Id }).strict()),
  'runs.list': method<RunSummary[]>()('Training runs, newest first.', z.object({}).strict()),
  'runs.get': method<RunDetails>()('One run with its settings, metrics and models.', z.object({ runId: Id }).strict()),
  'models.list': method<ModelSummary[]>()('Every model: bases, and the bi- and cross-encoders of each run.', z.object({}).strict()),
  'labels.add': method<LabelledPairSummary>()(
    'Label a pair yourself (yes/no, or 0-5): labelled pairs pick the model of a run and give its in-domain score.',
    z.object({
      a: z.string().trim().min(1).max(10_000),
      b: z.string().trim().min(1).max(10_000),
      label: z.number().min(0).max(5),
      scale: z.enum(['binary', '0-5']),
      corpusId: Id.nullable().default(null),
    }).strict().refine((x) => x.scale !== 'binary' || x.label === 0 || x.label === 1, 'a yes/no label is 0 or 1'),
  ),
  'labels.list': method<LabelledPairSummary[]>()('Labelled pairs, optionally of one corpus.', z.object({ corpusId: Id.optional() }).strict()),
  'labels.remove': method<{ removed: boolean }>()('Remove a labelled pair.', z.object({ id: Id }).strict()),
  'check.pair': method<PairCheck>()(
    'Are two texts saying the same thing? Bi-encoder cosine, cross-encoder score where a cross-encoder is chosen, and a verdict.',
    z.object({
      a: z.string().max(100_000),
      b: z.string().max(100_000),
      biModelId: Id.nullable().default(null),
      crossModelId: Id.nullable().default(null),
      threshold: z.number().min(-1).max(1).optional(),
    }).strict(),
  ),
  'eval.run': method<{ jobId: string }>()(
    'Evaluate a model on a TSV of scored pairs (format of the shared STS data): Spearman, Pearson, and ROC-AUC / best-F1 for yes/no labels; stored with the model.',
    z.object({ file: FsPath, modelId: Id.nullable().default(null), as: z.enum(['bi', 'cross']).default('bi') }).strict(),
  ),
  'dedup.scan': method<{ jobId: string }>()(
    'Scan folders for duplicate and near-duplicate files and passages (a long job; cancellable and resumable).',
    z.object({
      roots: z.array(FsPath).min(1).max(50),
      semantic: z.boolean().default(true),
      biModelId: Id.nullable().default(null),
      crossModelId: Id.nullable().default(null),
      passageLevel: z.boolean().default(true),
      thresholds: z.object({
        near: z.number().min(0).max(1).optional(),
        semantic: z.number().min(-1).max(1).optional(),
        cross: z.number().min(0).max(1).optional(),
        crossBand: z.number().min(0).max(1).optional(),
      }).strict().default({}),
    }).strict(),
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
    'Move files to the quarantine folder (never deletes; refuses files changed since the scan). Undo with dedup.undo.',
    z.object({ scanId: Id, documentIds: z.array(Id).min(1).max(100_000) }).strict(),
  ),
  'dedup.undo': method<QuarantineOutcome>()('Move the files of a quarantine batch back where they were.', z.object({ batchId: z.string().min(1).max(100) }).strict()),
  'dedup.actions': method<FileActionSummary[]>()('The log of file actions (moves and restores), newest first.', z.object({ scanId: Id.optional() }).strict()),
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
}

/** The typed client every user interface codes against, whatever the transport. */
export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Ask the user for a folder (native dialog in Electron); null when the transport has no dialog. */
  chooseFolder?: () => Promise<string | null>;
  readonly transport: 'electron' | 'http';
}

/** The surface the preload script exposes on `window.tenc`; nothing else crosses the bridge. */
export interface PreloadBridge {
  call(method: string, input: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: ApiErrorBody }>;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  chooseFolder(): Promise<string | null>;
}
