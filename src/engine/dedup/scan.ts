/**
 * The deduplication scan: walks folders, reads documents, and finds duplicate files and
 * duplicate passages through the exact, near (MinHash) and semantic (embeddings, optionally
 * re-scored by a cross-encoder) layers, then stores the scan with its clusters.
 *
 * Incremental and resumable by construction:
 *  - documents and passages are stored per root folder (one corpus per root); a file whose
 *    size and mtime equal the stored ones is not read again;
 *  - MinHash signatures and embeddings are cached by content hash (minhash_cache,
 *    embedding_cache), so known texts are neither re-hashed nor re-embedded;
 *  - the semantic candidate pairs of each level are kept (semantic_pairs_cache), so a rescan
 *    of the same texts neither rebuilds the nearest-neighbour index nor gets other pairs;
 *  - documents are written in small batches (and the batch in hand when cancelled), so
 *    resuming a cancelled scan (`resumeScanId`) redoes none of the documents already done.
 * Memory: no text is kept beyond the batch being processed; per item the scan holds one
 * signature (numPerm × 4 bytes) and one vector (dim × 4 bytes) in typed arrays.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store';
import type { SemanticLevel } from '../store/repositories/caches';
import type { ClusterInput, DocumentInput, PassageInput, StoredDocument } from '../store/types';
import { contentHash } from '../text/normalize';
import { readDocument as defaultReadDocument, isRetryableSkipReason, type ReadDocumentResult } from '../text/readDocument';
import { splitPassages } from '../text/segment';
import { walkFolder, type WalkedFile } from '../text/walkFolder';
import { clusterMatches, type MatchCluster } from './clustering';
import { rescoreBorderline, splitByBand, candidateFloor } from './crossRescore';
import { exactMatchesFromGroups } from './exactLayer';
import { suggestKeep } from './keepRule';
import { findNearDuplicatePairs, MinHasher, SignaturePool } from './minhash';
import { deleteScanClusters, documentTextStart, passageMetaForDocuments, passageTextsByHash } from './scanQueries';
import { searchSemanticPairsCached } from './semanticCache';
import { searchSemanticPairs } from './semantic';
import {
  DEFAULT_MAX_PASSAGES_FOR_FUZZY,
  DEFAULT_MIN_PASSAGE_CHARS,
  DEFAULT_NUM_PERM,
  DEFAULT_SEMANTIC_K,
  DEFAULT_SHINGLE_SIZE,
  EXACT_SEARCH_MAX_ITEMS,
  resolveThresholds,
  type DedupThresholds,
} from './thresholds';
import type { CrossScoreFn, EmbedFn, Match } from './types';
import { normalizeInPlace } from './vectors';

export type DedupStage =
  | 'listing'
  | 'reading'
  | 'signatures'
  | 'embedding'
  | 'near'
  | 'semantic'
  | 'rescoring'
  | 'clustering'
  | 'saving';

export interface DedupProgress {
  stage: DedupStage;
  done: number;
  total: number | null;
  message?: string;
}

export type ReadDocumentFn = (absPath: string, opts: { signal?: AbortSignal }) => Promise<ReadDocumentResult>;

export interface DedupScanSettings {
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
}

export interface DedupScanOptions {
  /** Folders to scan (ignored when resuming: the scan's own roots are used). */
  roots?: readonly string[];
  store: Store;
  /** Bi-encoder; without it the semantic layer is skipped. */
  embed?: EmbedFn;
  /** Cross-encoder for borderline semantic candidates; without it there is no band. */
  score?: CrossScoreFn;
  thresholds?: Partial<DedupThresholds>;
  settings?: Partial<Omit<DedupScanSettings, 'thresholds'>>;
  /**
   * Continue this cancelled (or failed) scan instead of starting one; its stored roots and
   * settings apply. Pass the same `embed` and `score` functions as the first run.
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

export interface DedupScanStats {
  files: number;
  /** Files read this run. */
  read: number;
  /** Files not read because size and mtime were unchanged. */
  unchanged: number;
  /** Entries not usable as text (binary, unreadable, empty, links), this run and before. */
  skipped: number;
  /** Documents with text in the scan. */
  documents: number;
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
  fileClusters: number;
  /** Files that could go: cluster members beyond one per cluster. */
  duplicateFiles: number;
  passageClusters: number;
  /** Why passage-level near/semantic matching did not run, if it did not. */
  passageFuzzySkipped: string | null;
  elapsedMs: number;
}

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

const WRITE_BATCH = 25;
const CACHE_CHUNK = 256;
const CROSS_TEXT_CHARS = 2000;
/**
 * Hash of a text with no words (only punctuation, whitespace or invisible characters): such
 * texts all normalise to the empty string, so they would all be "identical" to each other.
 */
const NO_WORDS_HASH = contentHash('');

/** One document of the scan (status ok). */
interface ScanDoc {
  id: number;
  absPath: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

export function resolveScanSettings(
  thresholds: Partial<DedupThresholds> | undefined,
  s: Partial<Omit<DedupScanSettings, 'thresholds'>> = {},
): DedupScanSettings {
  const out: DedupScanSettings = {
    thresholds: resolveThresholds(thresholds),
    numPerm: s.numPerm ?? DEFAULT_NUM_PERM,
    shingleSize: s.shingleSize ?? DEFAULT_SHINGLE_SIZE,
    semanticK: s.semanticK ?? DEFAULT_SEMANTIC_K,
    minPassageChars: s.minPassageChars ?? DEFAULT_MIN_PASSAGE_CHARS,
    passageLevel: s.passageLevel ?? true,
    maxPassagesForFuzzy: s.maxPassagesForFuzzy ?? DEFAULT_MAX_PASSAGES_FOR_FUZZY,
    exactMaxItems: s.exactMaxItems ?? EXACT_SEARCH_MAX_ITEMS,
    embedModelId: s.embedModelId ?? null,
  };
  if (!Number.isInteger(out.semanticK) || out.semanticK < 1) throw new RangeError(`semanticK must be a positive integer, got ${out.semanticK}`);
  if (!Number.isInteger(out.shingleSize) || out.shingleSize < 1) throw new RangeError(`shingleSize must be a positive integer, got ${out.shingleSize}`);
  return out;
}

/**
 * Runs (or resumes) a scan. Resolves with the scan id and statistics when done; on
 * cancellation stores the scan as `cancelled` and rejects with DedupScanCancelledError; on any
 * other error stores it as `failed` with the message and rethrows.
 */
export async function runDedupScan(opts: DedupScanOptions): Promise<DedupScanResult> {
  const { store, signal } = opts;
  const started = Date.now();
  let scanId: number;
  let roots: string[];
  let settings: DedupScanSettings;
  if (opts.resumeScanId != null) {
    const scan = await store.scans.get(opts.resumeScanId);
    if (!scan) throw new Error(`there is no scan ${opts.resumeScanId} to resume`);
    if (scan.status === 'done') throw new Error(`scan ${scan.id} is already done; start a new scan instead`);
    scanId = scan.id;
    roots = scan.roots;
    const stored = (scan.settings ?? {}) as Partial<DedupScanSettings>;
    settings = resolveScanSettings(stored.thresholds, stored);
  } else {
    if (!opts.roots || opts.roots.length === 0) throw new Error('choose at least one folder to scan');
    roots = await checkRoots(opts.roots);
    settings = resolveScanSettings(opts.thresholds, opts.settings);
    await checkModel(store, settings);
    scanId = (await store.scans.create({ roots, settings })).id;
  }
  if (opts.resumeScanId != null) await checkModel(store, settings);
  await store.scans.updateStatus(scanId, 'running');
  const scan = new ScanRun(scanId, roots, settings, opts, started);
  try {
    const stats = await scan.run();
    await store.scans.updateStatus(scanId, 'done', { stats });
    return { scanId, stats };
  } catch (err) {
    if (signal?.aborted) {
      await store.scans.updateStatus(scanId, 'cancelled', { stats: { ...scan.stats, elapsedMs: Date.now() - started } });
      throw new DedupScanCancelledError(scanId);
    }
    await store.scans.updateStatus(scanId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

async function checkModel(store: Store, settings: DedupScanSettings): Promise<void> {
  if (settings.embedModelId != null && !(await store.models.get(settings.embedModelId))) {
    throw new Error(`embedding model ${settings.embedModelId} is not in the model list; its vectors cannot be cached`);
  }
}

/** Absolute, existing, distinct folders, none inside another. */
async function checkRoots(input: readonly string[]): Promise<string[]> {
  const roots = [...new Set(input.map((r) => path.resolve(r)))];
  for (const r of roots) {
    let st;
    try {
      st = await fs.stat(r);
    } catch {
      throw new Error(`folder not found: ${r}`);
    }
    if (!st.isDirectory()) throw new Error(`not a folder: ${r}`);
  }
  for (const a of roots) {
    for (const b of roots) {
      if (a !== b && (b + path.sep).startsWith(a.endsWith(path.sep) ? a : a + path.sep)) {
        throw new Error(`the folders overlap: ${b} is inside ${a}; choose one of them`);
      }
    }
  }
  return roots;
}

class ScanRun {
  readonly stats: DedupScanStats = {
    files: 0, read: 0, unchanged: 0, skipped: 0, documents: 0, distinctContents: 0, passages: 0, distinctPassages: 0,
    signaturesComputed: 0, signaturesCached: 0, embedded: 0, embeddingsCached: 0, nearPairs: 0, semanticMethod: null,
    semanticPairs: 0, semanticFromCache: 0, crossScored: 0, crossAccepted: 0, fileClusters: 0, duplicateFiles: 0, passageClusters: 0,
    passageFuzzySkipped: null, elapsedMs: 0,
  };
  private readonly store: Store;
  private readonly hasher: MinHasher;
  private readonly read: ReadDocumentFn;
  private readonly docs: ScanDoc[] = [];

  constructor(
    private readonly scanId: number,
    private readonly roots: string[],
    private readonly settings: DedupScanSettings,
    private readonly opts: DedupScanOptions,
    private readonly started: number,
  ) {
    this.store = opts.store;
    this.hasher = new MinHasher({ numPerm: settings.numPerm, shingleSize: settings.shingleSize });
    this.read = opts.readDocument ?? ((p, o) => defaultReadDocument(p, o));
  }

  private progress(stage: DedupStage, done: number, total: number | null, message?: string): void {
    this.opts.progress?.({ stage, done, total, message });
  }

  private check(): void {
    this.opts.signal?.throwIfAborted();
  }

  async run(): Promise<DedupScanStats> {
    const listed = await this.listFiles();
    await this.readFiles(listed);
    this.stats.documents = this.docs.length;

    // Distinct contents: the near and semantic layers compare each text once.
    const contentIndex = new Map<string, number>();
    const contentDocs: number[][] = [];
    this.docs.forEach((d, i) => {
      let c = contentIndex.get(d.hash);
      if (c === undefined) {
        c = contentDocs.length;
        contentIndex.set(d.hash, c);
        contentDocs.push([]);
      }
      contentDocs[c].push(i);
    });
    const contentHashes = [...contentIndex.keys()];
    this.stats.distinctContents = contentHashes.length;

    const docSignatures = await this.documentSignatures(contentHashes, contentDocs);
    const passages = await this.loadPassages();
    const vectors = this.opts.embed ? await this.embedAll(passages, contentDocs) : null;
    const passageSignatures = passages.fuzzy ? await this.passageSignatures(passages) : null;

    // File level.
    const fileMatches: Match[] = exactMatchesFromGroups(contentDocs.filter((g) => g.length > 1));
    const rep = (c: number) => contentDocs[c][0];
    this.check();
    this.progress('near', 0, null);
    const near = await findNearDuplicatePairs(docSignatures, {
      threshold: this.settings.thresholds.near,
      signal: this.opts.signal,
      onProgress: (d, t) => this.progress('near', d, t),
    });
    this.stats.nearPairs += near.length;
    for (const p of near) fileMatches.push({ a: rep(p.a), b: rep(p.b), layer: 'near', score: p.jaccard });
    if (vectors) {
      const sem = await this.semanticMatches('file', vectors.docVectors, contentHashes, (c) =>
        documentTextStart(this.store.db, this.docs[rep(c)].id, CROSS_TEXT_CHARS),
      );
      for (const m of sem) fileMatches.push({ ...m, a: rep(m.a), b: rep(m.b) });
    }
    this.progress('clustering', 0, null);
    const fileClusters = clusterMatches(this.docs.length, fileMatches);
    const fileComponent = new Int32Array(this.docs.length).fill(-1);
    fileClusters.forEach((c, ci) => c.items.forEach((i) => (fileComponent[i] = ci)));

    // Passage level.
    const passageClusters = settingsPassageLevel(this.settings)
      ? await this.passageClusters(passages, passageSignatures, vectors?.passageVectors ?? null, fileComponent)
      : [];

    await this.save(fileClusters, passageClusters, passages);
    this.stats.fileClusters = fileClusters.length;
    this.stats.duplicateFiles = fileClusters.reduce((s, c) => s + c.items.length - 1, 0);
    this.stats.passageClusters = passageClusters.length;
    this.stats.elapsedMs = Date.now() - this.started;
    return this.stats;
  }

  // ---- listing and reading ------------------------------------------------------------

  private async listFiles(): Promise<{ corpusId: number; files: WalkedFile[]; known: Map<string, StoredDocument> }[]> {
    const out = [];
    let n = 0;
    this.progress('listing', 0, null);
    for (const root of this.roots) {
      const corpusId = await this.corpusFor(root);
      const files: WalkedFile[] = [];
      const skipped: DocumentInput[] = [];
      for await (const entry of walkFolder(root, this.opts.signal)) {
        if ('file' in entry) files.push(entry.file);
        else skipped.push({ relPath: entry.skipped.relPath, size: 0, mtimeMs: 0, status: 'skipped', skipReason: entry.skipped.reason });
        if (++n % 500 === 0) this.progress('listing', n, null);
      }
      this.check();
      if (skipped.length) await this.store.documents.upsertMany(corpusId, skipped);
      this.stats.skipped += skipped.length;
      const known = new Map<string, StoredDocument>();
      for (let offset = 0; ; offset += 5000) {
        const page = await this.store.documents.listByCorpus(corpusId, { limit: 5000, offset });
        for (const d of page) known.set(d.relPath, d);
        if (page.length < 5000) break;
      }
      out.push({ corpusId, files, known });
    }
    this.stats.files = out.reduce((s, r) => s + r.files.length, 0);
    this.progress('listing', n, n);
    return out;
  }

  /** The folder corpus of this root: an existing one with the same path, else a new one. */
  private async corpusFor(root: string): Promise<number> {
    const existing = (await this.store.corpora.list()).find((c) => c.kind === 'folder' && c.rootPath === root);
    if (existing) return existing.id;
    const base = `dedup: ${root}`;
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base} (${i})`;
      if (!(await this.store.corpora.getByName(name))) return (await this.store.corpora.create({ name, rootPath: root, kind: 'folder' })).id;
    }
  }

  private async readFiles(listed: { corpusId: number; files: WalkedFile[]; known: Map<string, StoredDocument> }[]): Promise<void> {
    const total = this.stats.files;
    let done = 0;
    this.progress('reading', 0, total);
    for (const { corpusId, files, known } of listed) {
      let batch: { file: WalkedFile; doc: DocumentInput; passages: PassageInput[] | null; signature: Uint32Array | null }[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const current = batch;
        batch = [];
        await this.writeBatch(corpusId, current);
      };
      try {
        for (const file of files) {
          this.check();
          const prev = known.get(file.relPath);
          // A skip for a passing reason (permission denied, deleted mid-scan) is tried again.
          if (prev && prev.size === file.size && prev.mtimeMs === file.mtimeMs && !(prev.status === 'skipped' && isRetryableSkipReason(prev.skipReason))) {
            // Unchanged since it was last read: use what the store knows.
            this.stats.unchanged++;
            if (prev.status === 'ok' && prev.contentHash) {
              this.docs.push({ id: prev.id, absPath: file.absPath, size: file.size, mtimeMs: file.mtimeMs, hash: prev.contentHash });
            } else this.stats.skipped++;
          } else {
            batch.push(await this.readOne(file));
            if (batch.length >= WRITE_BATCH) await flush();
          }
          if (++done % 10 === 0 || done === total) this.progress('reading', done, total);
        }
      } finally {
        // Also on cancellation: what was read is kept, so a resumed scan does not read it again.
        await flush();
      }
    }
  }

  private async readOne(file: WalkedFile) {
    this.stats.read++;
    const r = await this.read(file.absPath, { signal: this.opts.signal });
    if (!r.ok) {
      return {
        file,
        doc: { relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs, status: 'skipped' as const, skipReason: r.reason, format: r.format ?? null },
        passages: null,
        signature: null,
      };
    }
    const hash = contentHash(r.text);
    const noWords = hash === NO_WORDS_HASH;
    const spans = noWords ? [] : splitPassages(r.text);
    if (spans.length === 0) {
      const skipReason = noWords ? 'no words in the file (only punctuation or invisible characters)' : 'no text in the file';
      return {
        file,
        doc: { relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs, status: 'skipped' as const, skipReason, format: r.format },
        passages: null,
        signature: null,
      };
    }
    const passages: PassageInput[] = spans.map((p, index) => ({
      index,
      text: p.text,
      charStart: p.start,
      charEnd: p.end,
      contentHash: contentHash(p.text),
    }));
    this.stats.signaturesComputed++;
    return {
      file,
      // Size and mtime as walked (not as read): the next walk compares against these.
      doc: { relPath: file.relPath, size: file.size, mtimeMs: file.mtimeMs, status: 'ok' as const, contentHash: hash, encoding: r.encoding, format: r.format },
      passages,
      signature: this.hasher.signText(r.text),
    };
  }

  private async writeBatch(
    corpusId: number,
    batch: { file: WalkedFile; doc: DocumentInput; passages: PassageInput[] | null; signature: Uint32Array | null }[],
  ): Promise<void> {
    const { store } = this;
    const sigs = batch.filter((b) => b.signature).map((b) => ({ contentHash: b.doc.contentHash!, signature: b.signature! }));
    await store.db.transaction(async () => {
      await store.minhashCache.putMany(this.hasher.numPerm, this.hasher.settingsKey, sigs);
      const written = await store.documents.upsertMany(corpusId, batch.map((b) => b.doc));
      for (let i = 0; i < written.length; i++) {
        const b = batch[i];
        if (!b.passages) continue;
        // Same content as stored: keep the passage rows (older scans' clusters point at them).
        if (written[i].changed || (await store.passages.countForDocument(written[i].id)) === 0) {
          await store.passages.replaceForDocument(written[i].id, b.passages);
        }
      }
      written.forEach((w, i) => {
        const b = batch[i];
        if (b.doc.status === 'ok') this.docs.push({ id: w.id, absPath: b.file.absPath, size: b.file.size, mtimeMs: b.file.mtimeMs, hash: b.doc.contentHash! });
        else this.stats.skipped++;
      });
    });
  }

  // ---- signatures and vectors ---------------------------------------------------------

  private async documentSignatures(contentHashes: string[], contentDocs: number[][]): Promise<SignaturePool> {
    const pool = new SignaturePool(this.hasher.numPerm, contentHashes.length);
    const total = contentHashes.length;
    this.progress('signatures', 0, total);
    for (let start = 0; start < total; start += CACHE_CHUNK) {
      this.check();
      const part = contentHashes.slice(start, start + CACHE_CHUNK);
      const cached = await this.store.minhashCache.getMany(this.hasher.numPerm, this.hasher.settingsKey, part);
      for (let i = 0; i < part.length; i++) {
        let sig = cached.get(part[i]);
        if (sig) this.stats.signaturesCached++;
        else sig = await this.signatureFromFile(part[i], contentDocs[start + i]);
        pool.push(sig);
      }
      this.progress('signatures', Math.min(total, start + CACHE_CHUNK), total);
    }
    return pool;
  }

  /** A document signature missing from the cache (settings changed, cache cleared): read the file again. */
  private async signatureFromFile(hash: string, docIndexes: number[]): Promise<Uint32Array> {
    for (const i of docIndexes) {
      this.stats.read++;
      const r = await this.read(this.docs[i].absPath, { signal: this.opts.signal });
      if (r.ok && contentHash(r.text) === hash) {
        const sig = this.hasher.signText(r.text);
        this.stats.signaturesComputed++;
        await this.store.minhashCache.putMany(this.hasher.numPerm, this.hasher.settingsKey, [{ contentHash: hash, signature: sig }]);
        return sig;
      }
    }
    // Every copy changed since it was listed: fall back to the stored passages.
    const texts = await this.store.db.all<{ text: string }>(
      'SELECT text FROM passages WHERE document_id = ? ORDER BY idx',
      [this.docs[docIndexes[0]].id],
    );
    this.stats.signaturesComputed++;
    return this.hasher.signText(texts.map((t) => t.text).join('\n\n'));
  }

  private async loadPassages(): Promise<PassageSet> {
    const metas = await passageMetaForDocuments(this.store.db, this.docs.map((d) => d.id));
    const docIndexById = new Map(this.docs.map((d, i) => [d.id, i]));
    const set: PassageSet = {
      count: metas.length,
      id: new Int32Array(metas.length),
      doc: new Int32Array(metas.length),
      length: new Int32Array(metas.length),
      hashIndex: new Int32Array(metas.length),
      hashes: [],
      eligible: new Uint8Array(0),
      eligibleIndex: new Int32Array(0),
      eligibleHashes: [],
      fuzzy: false,
    };
    const hashIndex = new Map<string, number>();
    metas.forEach((m, i) => {
      set.id[i] = m.id;
      set.doc[i] = docIndexById.get(m.documentId)!;
      set.length[i] = m.length;
      let h = hashIndex.get(m.contentHash);
      if (h === undefined) {
        h = set.hashes.length;
        hashIndex.set(m.contentHash, h);
        set.hashes.push(m.contentHash);
      }
      set.hashIndex[i] = h;
    });
    set.eligible = new Uint8Array(set.hashes.length);
    // Passages without words (separator lines of dashes) would all be "identical": not matched.
    for (let i = 0; i < set.count; i++) {
      if (set.length[i] >= this.settings.minPassageChars && set.hashes[set.hashIndex[i]] !== NO_WORDS_HASH) set.eligible[set.hashIndex[i]] = 1;
    }
    set.eligibleIndex = new Int32Array(set.hashes.length).fill(-1);
    set.hashes.forEach((h, i) => {
      if (set.eligible[i]) {
        set.eligibleIndex[i] = set.eligibleHashes.length;
        set.eligibleHashes.push(h);
      }
    });
    this.stats.passages = set.count;
    this.stats.distinctPassages = set.hashes.length;
    if (settingsPassageLevel(this.settings)) {
      if (set.eligibleHashes.length > this.settings.maxPassagesForFuzzy) {
        this.stats.passageFuzzySkipped = `${set.eligibleHashes.length} distinct passages exceed the limit of ${this.settings.maxPassagesForFuzzy}; only identical passages were matched`;
      } else set.fuzzy = true;
    }
    return set;
  }

  private async passageSignatures(passages: PassageSet): Promise<SignaturePool> {
    const hashes = passages.eligibleHashes;
    const pool = new SignaturePool(this.hasher.numPerm, hashes.length);
    const total = hashes.length;
    for (let start = 0; start < total; start += CACHE_CHUNK) {
      this.check();
      const part = hashes.slice(start, start + CACHE_CHUNK);
      const cached = await this.store.minhashCache.getMany(this.hasher.numPerm, this.hasher.settingsKey, part);
      const missing = part.filter((h) => !cached.has(h));
      if (missing.length) {
        const texts = await passageTextsByHash(this.store.db, missing);
        const fresh = missing.map((h) => ({ contentHash: h, signature: this.hasher.signText(texts.get(h) ?? '') }));
        this.stats.signaturesComputed += fresh.length;
        await this.store.minhashCache.putMany(this.hasher.numPerm, this.hasher.settingsKey, fresh);
        for (const f of fresh) cached.set(f.contentHash, f.signature);
      }
      this.stats.signaturesCached += part.length - missing.length;
      for (const h of part) pool.push(cached.get(h)!);
      this.progress('signatures', start + part.length, total, 'passages');
    }
    return pool;
  }

  /**
   * Embeds every distinct passage (cached ones are looked up), and makes each document's vector
   * the length-weighted mean of its passage vectors, so the whole text counts, not only the
   * first few hundred tokens a bi-encoder reads.
   * Memory: each passage vector is added into the document vectors as it arrives and kept only
   * if passage-level matching needs it; keeping every one (distinct passages × dim × 4 bytes)
   * took 1.1 GB at 100,000 files of 1 KB (bench/dedup-scale.ts).
   */
  private async embedAll(passages: PassageSet, contentDocs: number[][]): Promise<{ docVectors: Float32Array; passageVectors: Float32Array | null; dim: number }> {
    const embed = this.opts.embed!;
    const modelId = this.settings.embedModelId;
    const hashes = passages.hashes;
    const total = hashes.length;
    const batchSize = this.opts.embedBatchSize ?? 32;
    // Which document vectors (one per distinct content: its first document's passages) each
    // distinct passage adds to, and with what weight (its length), as rows by passage hash.
    const firstPassage = new Int32Array(this.docs.length).fill(-1);
    const passageCount = new Int32Array(this.docs.length);
    for (let p = 0; p < passages.count; p++) {
      const doc = passages.doc[p];
      if (firstPassage[doc] < 0) firstPassage[doc] = p;
      passageCount[doc]++;
    }
    const eachUse = (fn: (p: number, c: number) => void) =>
      contentDocs.forEach((docs, c) => {
        const doc = docs[0];
        for (let p = firstPassage[doc]; p >= 0 && p < firstPassage[doc] + passageCount[doc]; p++) fn(p, c);
      });
    const useStart = new Int32Array(total + 1);
    eachUse((p) => useStart[passages.hashIndex[p] + 1]++);
    for (let h = 0; h < total; h++) useStart[h + 1] += useStart[h];
    const useContent = new Int32Array(useStart[total]);
    const useWeight = new Float32Array(useStart[total]);
    const next = useStart.slice(0, total);
    eachUse((p, c) => {
      const u = next[passages.hashIndex[p]]++;
      useContent[u] = c;
      useWeight[u] = Math.max(1, passages.length[p]);
    });

    let dim = -1;
    let docVectors = new Float32Array(0);
    let passageVectors: Float32Array | null = null;
    let row = new Float32Array(0);
    const put = (h: number, v: Float32Array) => {
      if (dim < 0) {
        dim = v.length;
        docVectors = new Float32Array(contentDocs.length * dim);
        if (passages.fuzzy && dim > 0) passageVectors = new Float32Array(passages.eligibleHashes.length * dim);
        row = new Float32Array(dim);
      }
      if (v.length !== dim) throw new Error(`the embedding model returned ${v.length} dimensions after ${dim}`);
      row.set(v);
      normalizeInPlace(row);
      for (let u = useStart[h]; u < useStart[h + 1]; u++) {
        const out = useContent[u] * dim;
        const w = useWeight[u];
        for (let k = 0; k < dim; k++) docVectors[out + k] += w * row[k];
      }
      const e = passages.eligibleIndex[h];
      if (passageVectors && e >= 0) passageVectors.set(row, e * dim);
    };
    this.progress('embedding', 0, total);
    for (let start = 0; start < total; start += CACHE_CHUNK) {
      this.check();
      const part = hashes.slice(start, start + CACHE_CHUNK);
      const cached = modelId != null ? await this.store.embeddingCache.getMany(modelId, part) : new Map<string, Float32Array>();
      const missing: number[] = [];
      part.forEach((h, i) => {
        const v = cached.get(h);
        if (v) put(start + i, v);
        else missing.push(start + i);
      });
      this.stats.embeddingsCached += part.length - missing.length;
      if (missing.length) {
        const texts = await passageTextsByHash(this.store.db, missing.map((i) => hashes[i]));
        // Batches of similar length: every text of a batch is padded to its longest, and on
        // passages of ~1 KB files this ordering cut the embedding CPU time by about 1.6x.
        const lengthOf = (i: number) => texts.get(hashes[i])?.length ?? 0;
        missing.sort((x, y) => lengthOf(x) - lengthOf(y));
        for (let b = 0; b < missing.length; b += batchSize) {
          this.check();
          const ids = missing.slice(b, b + batchSize);
          const vecs = await embed(ids.map((i) => texts.get(hashes[i]) ?? ''));
          if (!Array.isArray(vecs) || vecs.length !== ids.length) throw new Error(`the embedding model returned ${vecs?.length ?? 'no'} vectors for ${ids.length} texts`);
          ids.forEach((i, k) => put(i, vecs[k]));
          this.stats.embedded += ids.length;
          if (modelId != null) await this.store.embeddingCache.putMany(modelId, ids.map((i, k) => ({ contentHash: hashes[i], vector: vecs[k] })));
        }
      }
      this.progress('embedding', Math.min(total, start + CACHE_CHUNK), total);
    }
    if (dim < 0) dim = 0;
    for (let c = 0; c < contentDocs.length && dim > 0; c++) normalizeInPlace(docVectors.subarray(c * dim, (c + 1) * dim));
    return { docVectors, passageVectors, dim };
  }

  /** Semantic candidates among `count` rows, split by the cross-encoder band and re-scored. */
  private async semanticMatches(
    level: SemanticLevel,
    data: Float32Array,
    hashes: readonly string[],
    textOf: (i: number) => Promise<string>,
  ): Promise<Match[]> {
    const count = hashes.length;
    if (count < 2 || data.length === 0) return [];
    const t = this.settings.thresholds;
    const scorer = this.opts.score;
    const dim = data.length / count;
    this.check();
    this.progress('semantic', 0, null);
    const matrix = { data, dim, count };
    const searchOpts = {
      threshold: candidateFloor(t.semantic, t.crossBand, !!scorer),
      k: this.settings.semanticK,
      exactMaxItems: this.settings.exactMaxItems,
      signal: this.opts.signal,
      onProgress: (d: number, n: number) => this.progress('semantic', d, n),
    };
    const modelId = this.settings.embedModelId;
    const found =
      modelId == null
        ? await searchSemanticPairs(matrix, searchOpts)
        : await searchSemanticPairsCached(matrix, searchOpts, { cache: this.store.semanticPairsCache, modelId, level, hashes });
    if ('fromCache' in found && found.fromCache) this.stats.semanticFromCache++;
    this.stats.semanticMethod = this.stats.semanticMethod === 'ann' ? 'ann' : found.method;
    const split = splitByBand(found.pairs, t.semantic, t.crossBand, !!scorer);
    this.stats.semanticPairs += split.confident.length;
    const out: Match[] = split.confident.map((p) => ({ a: p.a, b: p.b, layer: 'semantic', score: p.similarity }));
    if (scorer && split.borderline.length) {
      this.progress('rescoring', 0, split.borderline.length);
      const r = await rescoreBorderline(split.borderline, textOf, scorer, {
        accept: t.cross,
        batchSize: this.opts.crossBatchSize,
        signal: this.opts.signal,
        onProgress: (d, n) => this.progress('rescoring', d, n),
      });
      this.stats.crossScored += split.borderline.length;
      this.stats.crossAccepted += r.accepted.length;
      out.push(...r.accepted);
    }
    return out;
  }

  // ---- passage level ------------------------------------------------------------------

  /**
   * Clusters of passages that recur across files. Items are passage occurrences of eligible
   * length; a cluster is kept only if its passages lie in two or more files that are not
   * already one file-level cluster (otherwise the file cluster says it all).
   */
  private async passageClusters(
    passages: PassageSet,
    signatures: SignaturePool | null,
    vectors: Float32Array | null,
    fileComponent: Int32Array,
  ): Promise<PassageCluster[]> {
    const occ: number[] = [];
    for (let p = 0; p < passages.count; p++) if (passages.eligible[passages.hashIndex[p]]) occ.push(p);
    // Occurrences by eligible distinct passage.
    const byEligible: number[][] = passages.eligibleHashes.map(() => []);
    occ.forEach((p, o) => byEligible[passages.eligibleIndex[passages.hashIndex[p]]].push(o));
    const matches: Match[] = exactMatchesFromGroups(byEligible.filter((g) => g.length > 1));
    const rep = (e: number) => byEligible[e][0];
    if (signatures && signatures.size > 1) {
      const near = await findNearDuplicatePairs(signatures, { threshold: this.settings.thresholds.near, signal: this.opts.signal });
      this.stats.nearPairs += near.length;
      for (const p of near) matches.push({ a: rep(p.a), b: rep(p.b), layer: 'near', score: p.jaccard });
    }
    if (vectors && passages.eligibleHashes.length > 1) {
      const sem = await this.semanticMatches('passage', vectors, passages.eligibleHashes, async (e) =>
        (await passageTextsByHash(this.store.db, [passages.eligibleHashes[e]])).get(passages.eligibleHashes[e]) ?? '',
      );
      for (const m of sem) matches.push({ ...m, a: rep(m.a), b: rep(m.b) });
    }
    this.progress('clustering', 0, null, 'passages');
    const clusters = clusterMatches(occ.length, matches);
    const out: PassageCluster[] = [];
    for (const c of clusters) {
      const groups = new Set<number>();
      for (const o of c.items) {
        const doc = passages.doc[occ[o]];
        groups.add(fileComponent[doc] >= 0 ? fileComponent[doc] : -1 - doc);
      }
      if (groups.size < 2) continue;
      out.push({ cluster: c, occurrences: c.items.map((o) => occ[o]) });
    }
    return out;
  }

  // ---- saving -------------------------------------------------------------------------

  private async save(fileClusters: MatchCluster[], passageClusters: PassageCluster[], passages: PassageSet): Promise<void> {
    const { store } = this;
    // "Most text" is a property of the content: copies with the same content hash tie on it
    // (their raw lengths may differ in whitespace or case) and the older or shorter-path one wins.
    const textLength = await this.documentTextLengths();
    const contentLength = new Map<string, number>();
    this.docs.forEach((d, i) => contentLength.set(d.hash, Math.max(contentLength.get(d.hash) ?? 0, textLength[i])));
    const keepOf = (docIdx: number[]) =>
      suggestKeep(docIdx.map((i) => ({ i, textLength: contentLength.get(this.docs[i].hash)!, mtimeMs: this.docs[i].mtimeMs, path: this.docs[i].absPath }))).i;
    const inputs: ClusterInput[] = [];
    for (const c of fileClusters) {
      inputs.push({
        layer: c.layer,
        score: c.score,
        keepDocumentId: this.docs[keepOf(c.items)].id,
        members: c.members.map((m) => ({ documentId: this.docs[m.item].id, score: m.score })),
      });
    }
    for (const { cluster, occurrences } of passageClusters) {
      const docIdx = [...new Set(occurrences.map((p) => passages.doc[p]))];
      inputs.push({
        layer: cluster.layer,
        score: cluster.score,
        keepDocumentId: this.docs[keepOf(docIdx)].id,
        members: cluster.members.map((m, k) => ({
          documentId: this.docs[passages.doc[occurrences[k]]].id,
          passageId: passages.id[occurrences[k]],
          score: m.score,
        })),
      });
    }
    this.check();
    this.progress('saving', 0, inputs.length);
    await store.db.transaction(async () => {
      await deleteScanClusters(store.db, this.scanId);
      for (let i = 0; i < inputs.length; i += 500) {
        await store.scans.addClusters(this.scanId, inputs.slice(i, i + 500));
      }
    });
    this.progress('saving', inputs.length, inputs.length);
  }

  /** Characters of text per scan document (end of its last passage). */
  private async documentTextLengths(): Promise<Float64Array> {
    const out = new Float64Array(this.docs.length);
    const ends = new Map<number, number>();
    const ids = this.docs.map((d) => d.id);
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const rows = await this.store.db.all<{ document_id: number; end: number }>(
        `SELECT document_id, MAX(char_end) AS end FROM passages WHERE document_id IN (${part.map(() => '?').join(', ')}) GROUP BY document_id`,
        part,
      );
      for (const r of rows) ends.set(r.document_id, r.end);
    }
    this.docs.forEach((d, i) => (out[i] = ends.get(d.id) ?? d.size));
    return out;
  }
}

interface PassageSet {
  count: number;
  /** Per passage occurrence: passage row id, scan document index, length, distinct-hash index. */
  id: Int32Array;
  doc: Int32Array;
  length: Int32Array;
  hashIndex: Int32Array;
  /** Distinct passage hashes. */
  hashes: string[];
  /** Per distinct hash: long enough for passage-level matching. */
  eligible: Uint8Array;
  /** Per distinct hash: its index among the eligible ones, or -1. */
  eligibleIndex: Int32Array;
  eligibleHashes: string[];
  /** Passage-level near and semantic layers run. */
  fuzzy: boolean;
}

interface PassageCluster {
  cluster: MatchCluster;
  /** Passage occurrence per cluster member (same order as cluster.items/members). */
  occurrences: number[];
}

function settingsPassageLevel(s: DedupScanSettings): boolean {
  return s.passageLevel;
}
