/**
 * Row types and enum values of the store. The database keeps every timestamp as unix
 * milliseconds (INTEGER); repositories hand them out as ISO-8601 strings (`...At` fields).
 * File modification times stay numeric (`mtimeMs`, as fs.stat reports them) because callers
 * need them to compare with the disk or restore them with fs.utimes.
 * The enum arrays mirror the CHECK constraints in migrations.ts (keep both in step).
 */

export const CORPUS_KINDS = ['folder', 'pairs'] as const;
export type CorpusKind = (typeof CORPUS_KINDS)[number];

export const DOCUMENT_STATUSES = ['ok', 'skipped'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const PAIR_SOURCES = ['knn', 'random', 'lexical', 'given'] as const;
export type PairSource = (typeof PAIR_SOURCES)[number];

export const MODEL_KINDS = ['base', 'bi', 'cross'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** `paused` (schema v3): stopped with a checkpoint, can be resumed. */
export const RUN_STATUSES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const SCAN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** `same-file` (schema v5): hard links, one file under several names; reported, never moved. */
export const CLUSTER_LAYERS = ['exact', 'near', 'semantic', 'cross', 'same-file'] as const;
export type ClusterLayer = (typeof CLUSTER_LAYERS)[number];

export const FILE_ACTION_KINDS = ['move', 'restore'] as const;
export type FileActionKind = (typeof FILE_ACTION_KINDS)[number];

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type StoredJobStatus = (typeof JOB_STATUSES)[number];

export const LABEL_SCALES = ['binary', '0-5'] as const;
export type LabelScale = (typeof LABEL_SCALES)[number];

/** Statuses after which a run or scan gets a `finishedAt`. */
export const TERMINAL_STATUSES: readonly string[] = ['done', 'failed', 'cancelled'];

export interface Corpus {
  id: number;
  name: string;
  rootPath: string;
  kind: CorpusKind;
  createdAt: string;
}

/** A corpus with its document counts (what corpus lists show). */
export interface CorpusWithCounts extends Corpus {
  /** Documents with status `ok`. */
  documents: number;
  skipped: number;
}

export interface StoredDocument {
  id: number;
  corpusId: number;
  relPath: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
  encoding: string | null;
  format: string | null;
  status: DocumentStatus;
  skipReason: string | null;
  updatedAt: string;
}

export interface DocumentInput {
  relPath: string;
  size: number;
  mtimeMs: number;
  /** Required when status is `ok`. */
  contentHash?: string | null;
  encoding?: string | null;
  format?: string | null;
  status: DocumentStatus;
  /** Required when status is `skipped`. */
  skipReason?: string | null;
}

export interface UpsertedDocument {
  id: number;
  relPath: string;
  /** True when the document is new or its content hash changed (its passages were cleared). */
  changed: boolean;
}

export interface Passage {
  id: number;
  documentId: number;
  index: number;
  text: string;
  charStart: number;
  charEnd: number;
  contentHash: string;
}

export interface PassageInput {
  index: number;
  text: string;
  charStart: number;
  charEnd: number;
  contentHash: string;
}

export interface SentencePair {
  id: number;
  corpusId: number;
  textA: string;
  textB: string;
  source: PairSource;
  goldScore: number | null;
  createdAt: string;
}

export interface SentencePairInput {
  textA: string;
  textB: string;
  source: PairSource;
  goldScore?: number | null;
}

export interface Model {
  id: number;
  name: string;
  kind: ModelKind;
  architecture: string;
  /** Folder of the model files, relative to the data folder (e.g. `models/run-3-bi-c2`). */
  relDir: string;
  parentId: number | null;
  runId: number | null;
  cycle: number | null;
  config: unknown;
  createdAt: string;
}

export interface ModelInput {
  name: string;
  kind: ModelKind;
  architecture: string;
  relDir: string;
  parentId?: number | null;
  runId?: number | null;
  cycle?: number | null;
  config?: unknown;
}

export interface TrainingRun {
  id: number;
  corpusId: number | null;
  preset: string;
  settings: unknown;
  status: RunStatus;
  error: string | null;
  checkpoint: unknown | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface MetricPoint {
  stage: string;
  cycle?: number;
  step: number;
  name: string;
  /** NaN is stored as null (SQLite has no NaN); infinities are kept. */
  value: number | null;
  /** Unix ms; defaults to now. */
  atMs?: number;
}

export interface RunMetric {
  id: number;
  runId: number;
  stage: string;
  cycle: number;
  step: number;
  name: string;
  value: number | null;
  at: string;
}

export interface EvaluationInput {
  modelId: number;
  runId?: number | null;
  dataset: string;
  metric: string;
  value: number | null;
  n: number;
}

export interface Evaluation {
  id: number;
  modelId: number;
  runId: number | null;
  dataset: string;
  metric: string;
  value: number | null;
  n: number;
  at: string;
}

export interface DedupScan {
  id: number;
  roots: string[];
  settings: unknown;
  status: ScanStatus;
  stats: unknown | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Process that runs (or ran) the scan and its last sign of life (schema v5). */
  runnerPid: number | null;
  heartbeatAt: string | null;
}

export interface ClusterMemberInput {
  documentId: number;
  passageId?: number | null;
  score?: number | null;
  /** This member's own evidence against the group's keeper (schema v5; null for the keeper itself or older scans). */
  layer?: ClusterLayer | null;
  evidence?: unknown;
}

export interface ClusterInput {
  layer: ClusterLayer;
  score?: number | null;
  keepDocumentId?: number | null;
  /** Members may be ticked for moving before a person looks (exact and near file groups only). */
  preselect?: boolean;
  /** What holds the group together (JSON-serialisable). */
  evidence?: unknown;
  members: ClusterMemberInput[];
}

export interface ClusterMember {
  id: number;
  clusterId: number;
  documentId: number;
  passageId: number | null;
  score: number | null;
  layer: ClusterLayer | null;
  evidence: unknown | null;
}

export interface Cluster {
  id: number;
  scanId: number;
  layer: ClusterLayer;
  score: number | null;
  keepDocumentId: number | null;
  preselect: boolean;
  evidence: unknown | null;
  members: ClusterMember[];
}

export interface FileActionInput {
  scanId?: number | null;
  batchId: string;
  action: FileActionKind;
  sourcePath: string;
  destPath: string;
  contentHash: string;
  size: number;
  mtimeMs: number;
}

export interface FileAction {
  id: number;
  scanId: number | null;
  batchId: string;
  action: FileActionKind;
  sourcePath: string;
  destPath: string;
  contentHash: string;
  size: number;
  mtimeMs: number;
  at: string;
  undoneAt: string | null;
}

export interface FileActionBatch {
  batchId: string;
  scanId: number | null;
  actions: number;
  undone: number;
  firstAt: string;
  lastAt: string;
}

export interface StoredJob {
  id: string;
  kind: string;
  status: StoredJobStatus;
  params: unknown;
  progress: unknown | null;
  result: unknown | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LabelledPairInput {
  textA: string;
  textB: string;
  label: number;
  scale: LabelScale;
  corpusId?: number | null;
}

export interface LabelledPair {
  id: number;
  textA: string;
  textB: string;
  label: number;
  scale: LabelScale;
  corpusId: number | null;
  createdAt: string;
}
