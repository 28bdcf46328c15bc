/** Public types of the deduplication scan: settings, options, progress and statistics. */
import type { ScanSettings, ScanStats } from '../../../shared/api';
import type { Store } from '../../store';
import type { ReadDocumentResult } from '../../text/readDocument';
import type { DedupThresholds } from '../thresholds';
import type { PairJudge } from '../pairJudge';
import type { CandidateStage } from './candidates';
import type { CrossScoreFn, EmbedFn } from '../types';

export type DedupStage = 'listing' | 'reading' | 'signatures' | 'candidates' | 'embedding' | 'near' | 'semantic' | 'rescoring' | 'clustering' | 'saving';

export interface DedupProgress {
  stage: DedupStage;
  done: number;
  total: number | null;
  message?: string;
}

export type ReadDocumentFn = (absPath: string, opts: { signal?: AbortSignal }) => Promise<ReadDocumentResult>;

/** How a scan is configured: the API's type, defined once in src/shared. */
export type DedupScanSettings = ScanSettings;

export interface DedupScanOptions {
  /** Folders to scan (ignored when resuming: the scan's own roots are used). */
  roots?: readonly string[];
  store: Store;
  /** Bi-encoder; without it the semantic layer is skipped. */
  embed?: EmbedFn;
  /** Cross-encoder for borderline semantic candidates; without it there is no band. */
  score?: CrossScoreFn;
  /**
   * Pair judge for borderline semantic candidates when there is no cross-encoder (the built-in
   * one: loadBuiltinPairJudge): pairs from its candidate floor up to the semantic threshold are
   * accepted when it says so; from the threshold on the cosine alone accepts, as without it.
   * Without `score` or `judge` only cosine ≥ semantic counts.
   */
  judge?: PairJudge;
  /**
   * Cheap document vectors that choose which documents the bi-encoder reads (cheapVectors.ts:
   * gloveCandidateStage). Without it every passage is embedded.
   */
  candidates?: CandidateStage;
  thresholds?: Partial<DedupThresholds>;
  settings?: Partial<Omit<DedupScanSettings, 'thresholds'>>;
  /**
   * Continue this cancelled, failed or interrupted scan instead of starting one; its stored
   * roots and settings apply. Pass the same `embed` and `score` functions as the first run.
   */
  resumeScanId?: number;
  signal?: AbortSignal;
  progress?: (p: DedupProgress) => void;
  /** Replaces readDocument (tests count reads with it). */
  readDocument?: ReadDocumentFn;
  /** Texts per embed call (default 32) and pairs per cross-encoder call (default 32). */
  embedBatchSize?: number;
  crossBatchSize?: number;
}

/** A scan's figures: the API's type, defined once in src/shared. */
export type DedupScanStats = ScanStats;

export interface DedupScanResult {
  scanId: number;
  stats: DedupScanStats;
}

/** Thrown when a scan stops on its signal; the scan is stored as `cancelled` and can be resumed. */
export class DedupScanCancelledError extends Error {
  constructor(readonly scanId: number) {
    super(`Scan ${scanId} was cancelled; it can be resumed`);
    this.name = 'DedupScanCancelledError';
  }
}

export function emptyStats(): DedupScanStats {
  return {
    files: 0,
    read: 0,
    unchanged: 0,
    skipped: 0,
    documents: 0,
    hardLinks: 0,
    distinctContents: 0,
    passages: 0,
    distinctPassages: 0,
    signaturesComputed: 0,
    signaturesCached: 0,
    embedded: 0,
    embeddingsCached: 0,
    nearPairs: 0,
    semanticMethod: null,
    semanticPairs: 0,
    semanticFromCache: 0,
    crossScored: 0,
    crossAccepted: 0,
    semanticRejectedCoverage: 0,
    semanticRejectedNumbers: 0,
    fileClusters: 0,
    duplicateFiles: 0,
    preselectedFiles: 0,
    passageClusters: 0,
    passageFuzzySkipped: null,
    elapsedMs: 0,
  };
}
