/** What every stage of one scan run shares: the store, settings, statistics and the documents found. */
import type { Store } from '../../store';
import { readDocument as defaultReadDocument } from '../../text/readDocument';
import { MinHasher } from '../minhash';
import type { DedupScanOptions, DedupScanSettings, DedupScanStats, DedupStage, ReadDocumentFn } from './types';
import { emptyStats } from './types';

/** One document of the scan (status ok). */
export interface ScanDoc {
  id: number;
  absPath: string;
  size: number;
  mtimeMs: number;
  hash: string;
  dev: number;
  ino: number;
}

/** How often a running scan tells the store it is alive. */
const HEARTBEAT_MS = 15_000;

export class ScanContext {
  readonly stats: DedupScanStats = emptyStats();
  readonly store: Store;
  readonly hasher: MinHasher;
  readonly read: ReadDocumentFn;
  /** Documents with text, in listing order (hard links to an earlier one left out). */
  docs: ScanDoc[] = [];
  private lastBeat = Date.now();

  constructor(
    readonly scanId: number,
    readonly roots: string[],
    readonly settings: DedupScanSettings,
    readonly opts: DedupScanOptions,
    readonly started: number,
  ) {
    this.store = opts.store;
    this.hasher = new MinHasher({ numPerm: settings.numPerm, shingleSize: settings.shingleSize });
    this.read = opts.readDocument ?? ((p, o) => defaultReadDocument(p, o));
  }

  progress(stage: DedupStage, done: number, total: number | null, message?: string): void {
    this.opts.progress?.({ stage, done, total, message });
    if (Date.now() - this.lastBeat >= HEARTBEAT_MS) {
      this.lastBeat = Date.now();
      // A missed beat only makes the scan look idle a little longer; never fail the scan on it.
      void this.store.scans.heartbeat(this.scanId).catch(() => undefined);
    }
  }

  check(): void {
    this.opts.signal?.throwIfAborted();
  }
}
