/**
 * The deduplication scan: walks folders, reads documents, and finds duplicate files and
 * duplicate passages through the exact, near (MinHash) and semantic (embeddings, optionally
 * re-scored by a cross-encoder) layers, then stores the scan with its groups. The stages live
 * in scan/: listing and reading (listRead), passages, signatures, embeddings (embed), matching
 * (match), grouping (group) and saving (save); this module runs them in order.
 *
 * Groups mean what they say: identical files (same text up to Unicode composition, line ends
 * and whitespace) are one content; every other member is matched directly against the kept
 * file (never through a chain of intermediates) and carries that evidence; semantic matches
 * between long documents must hold passage by passage. Only exact and near members are
 * pre-selected for moving (cluster `preselect`, member `layer`).
 *
 * Incremental and resumable by construction:
 *  - documents and passages are stored per root folder (one corpus per root); a file whose
 *    size and mtime equal the stored ones is not read again;
 *  - MinHash signatures and embeddings are cached by content hash (minhash_cache,
 *    embedding_cache), so known texts are neither re-hashed nor re-embedded;
 *  - the semantic candidate pairs of each level are kept (semantic_pairs_cache), so a rescan
 *    of the same texts neither rebuilds the nearest-neighbour index nor gets other pairs;
 *  - documents are written in small batches (and the batch in hand when cancelled), so
 *    resuming a cancelled or interrupted scan (`resumeScanId`) redoes none of the documents
 *    already done. A scan whose process was killed is found by staleScans.ts and resumable.
 * Memory: no text is kept beyond the batch being processed; per item the scan holds one
 * signature (numPerm × 4 bytes) and one vector (dim × 4 bytes) in typed arrays.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store';
import { passageTextsByHash } from '../store/repositories/scanData';
import type { EvidencedMatch } from './keeperGroups';
import { numbersAgree } from './passageEvidence';
import { ScanContext } from './scan/context';
import { selectCandidates } from './scan/candidates';
import { embedAll } from './scan/embed';
import { fileGroups, keepChooser, passageGroups } from './scan/group';
import { listFiles, readFiles, separateHardLinks } from './scan/listRead';
import { fileMatches, nearMatches, semanticMatches } from './scan/match';
import { loadPassages } from './scan/passages';
import { saveGroups, PRESELECT_LAYERS } from './scan/save';
import { documentSignatures, passageSignatures } from './scan/signatures';
import { DedupScanCancelledError, type DedupScanOptions, type DedupScanResult, type DedupScanSettings, type DedupScanStats } from './scan/types';
import { failStaleScans } from './staleScans';
import { ignoredPairsAmong, withoutDismissed } from './ignoreList';
import { preferReference, referenceFolderOf, referenceFolders } from './referenceFolders';
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

export * from './scan/types';

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
  if (s.crossModelId != null) out.crossModelId = s.crossModelId;
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
    await failStaleScans(store);
    const scan = await store.scans.get(opts.resumeScanId);
    if (!scan) throw new Error(`there is no scan ${opts.resumeScanId} to resume`);
    if (scan.status === 'done') throw new Error(`scan ${scan.id} is already done; start a new scan instead`);
    if (scan.status === 'running') throw new Error(`scan ${scan.id} is still running (process ${scan.runnerPid ?? 'unknown'}); wait for it or cancel it`);
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
  const ctx = new ScanContext(scanId, roots, settings, opts, started);
  try {
    const stats = await runStages(ctx);
    await store.scans.updateStatus(scanId, 'done', { stats });
    return { scanId, stats };
  } catch (err) {
    if (signal?.aborted) {
      await store.scans.updateStatus(scanId, 'cancelled', { stats: { ...ctx.stats, elapsedMs: Date.now() - started } });
      throw new DedupScanCancelledError(scanId);
    }
    await store.scans.updateStatus(scanId, 'failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

async function runStages(ctx: ScanContext): Promise<DedupScanStats> {
  const { stats, settings } = ctx;
  await readFiles(ctx, await listFiles(ctx));
  const sameFile = separateHardLinks(ctx);
  stats.documents = ctx.docs.length;

  // Distinct contents: identical files are one item of the near and semantic layers.
  const contentIndex = new Map<string, number>();
  const contentDocs: number[][] = [];
  ctx.docs.forEach((d, i) => {
    let c = contentIndex.get(d.hash);
    if (c === undefined) {
      c = contentDocs.length;
      contentIndex.set(d.hash, c);
      contentDocs.push([]);
    }
    contentDocs[c].push(i);
  });
  const contentHashes = [...contentIndex.keys()];
  stats.distinctContents = contentHashes.length;

  const docSignatures = await documentSignatures(ctx, contentHashes, contentDocs);
  const passages = await loadPassages(ctx);
  // Near (MinHash) file pairs first: the candidate stage sends none of them to the transformer.
  const nearFiles = await nearMatches(ctx, docSignatures, true);
  const wanted = ctx.opts.embed && ctx.opts.candidates ? await selectCandidates(ctx, passages, contentDocs, ctx.opts.candidates, nearFiles) : null;
  const vectors = ctx.opts.embed ? await embedAll(ctx, passages, contentDocs, wanted) : null;
  const passageFuzzy = settings.passageLevel && passages.fuzzy;
  const passageSigs = passageFuzzy ? await passageSignatures(ctx, passages) : null;

  const matches = await fileMatches(ctx, contentHashes, contentDocs, nearFiles, vectors, passages);
  ctx.progress('clustering', 0, null);
  // Duplicates review (issue 13): files in reference folders are kept first.
  const refs = await referenceFolders(ctx.store);
  const keepOf = preferReference(await keepChooser(ctx), (i: number) => referenceFolderOf(ctx.docs[i].absPath, refs) !== null);
  const allFiles = fileGroups(contentDocs, matches, passages, keepOf);
  const fileGroupOf = new Int32Array(ctx.docs.length).fill(-1);
  allFiles.forEach((g, gi) => {
    fileGroupOf[g.keepDoc] = gi;
    for (const m of g.members) fileGroupOf[m.doc] = gi;
  });
  // Duplicates review (issue 13): members the person said are not duplicates of the kept file stay out.
  const side = (i: number) => ({ path: ctx.docs[i].absPath, hash: ctx.docs[i].hash });
  const ignored = await ignoredPairsAmong(
    ctx.store,
    ctx.docs.map((d) => d.absPath),
  );
  const { groups: files, hidden } = withoutDismissed(
    allFiles,
    ignored,
    (g) => side(g.keepDoc),
    (m) => side(m.doc),
  );
  stats.dismissedFiles = hidden;

  let passageOut: ReturnType<typeof passageGroups> = [];
  if (settings.passageLevel) {
    const pm: EvidencedMatch[] = passageSigs ? await nearMatches(ctx, passageSigs, false) : [];
    if (passageFuzzy && vectors?.passageVectors && passages.eligibleHashes.length > 1) {
      const textOf = async (e: number) => (await passageTextsByHash(ctx.store.db, [passages.eligibleHashes[e]])).get(passages.eligibleHashes[e]) ?? '';
      for (const m of await semanticMatches(ctx, 'passage', vectors.passageVectors, passages.eligibleHashes, textOf, vectors.passagesPresent)) {
        if (numbersAgree(await textOf(m.a), await textOf(m.b)).agree) pm.push(m);
      }
    }
    ctx.progress('clustering', 0, null, 'passages');
    passageOut = passageGroups(passages, pm, fileGroupOf, keepOf);
  }

  await saveGroups(ctx, sameFile, files, passageOut, passages);
  stats.fileClusters = files.length;
  stats.duplicateFiles = files.reduce((s, g) => s + g.members.length, 0);
  stats.preselectedFiles = files.reduce((s, g) => s + g.members.filter((m) => PRESELECT_LAYERS.has(m.layer)).length, 0);
  stats.passageClusters = passageOut.length;
  stats.elapsedMs = Date.now() - ctx.started;
  return stats;
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
export type { CandidateStage } from './scan/candidates';
