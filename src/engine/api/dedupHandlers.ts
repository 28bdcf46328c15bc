/** The dedup methods of the API: scans as jobs, reports, quarantine moves and their undo. */
import type { Handlers } from './dispatch';
import { storedScanSettings, storedScanStats } from './storedShapes';
import { ApiError } from './errors';
import type { Engine } from './engine';
import {
  DedupScanCancelledError,
  QuarantineUnavailableError,
  failStaleScans,
  gloveCandidateStage,
  loadBuiltinPairJudge,
  loadScanReport,
  quarantineFiles,
  renderScanReport,
  runDedupScan,
  undoBatch,
  type DedupScanOptions,
  type FileMoveOutcome,
} from '../dedup';
import type { JobContext } from '../jobs/jobRunner';
import { CancelledError } from '../jobs/jobRunner';
import { baseModelId } from '../train/trainingService';
import { dedupReviewHandlers, reviewReport, type DedupReviewMethod } from './dedupReview';
import { BUILTIN_BASE } from '../models/modelFiles';

type DedupMethods =
  | 'dedup.scan'
  | 'dedup.resume'
  | 'dedup.scans'
  | 'dedup.report'
  | 'dedup.export'
  | 'dedup.quarantine'
  | 'dedup.undo'
  | 'dedup.actions'
  | 'dedup.batches'
  | DedupReviewMethod;

const outcome = (batchId: string, done: FileMoveOutcome[], refused: FileMoveOutcome[], notMoved?: FileMoveOutcome[]) => ({
  batchId,
  done: done.map((o) => ({ sourcePath: o.sourcePath, destPath: o.destPath ?? '' })),
  refused: refused.map((o) => ({ sourcePath: o.sourcePath, reason: o.message ?? 'refused', ...(o.code ? { code: o.code } : {}) })),
  ...(notMoved ? { notMoved: notMoved.map((o) => ({ sourcePath: o.sourcePath })) } : {}),
});

export function dedupHandlers(engine: Engine): Pick<Handlers, DedupMethods> {
  const { store, jobs, policy, models, access } = engine;

  /** The model functions a scan uses; the embedding cache is keyed by the bi-encoder's model id. */
  const modelFns = async (biModelId: number | null, crossModelId: number | null, semantic: boolean) => {
    if (!semantic) return { embedModelId: null };
    const bi = await models.bulkBi(biModelId).catch((err: Error) => {
      throw new ApiError('not_found', err.message);
    });
    const cross =
      crossModelId !== null
        ? await models.bulkCross(crossModelId).catch((err: Error) => {
            throw new ApiError('not_found', err.message);
          })
        : null;
    // The built-in model without a cross-encoder: borderline pairs go to the built-in pair judge,
    // fitted on its cosines (GloVe word vectors, converted once into the data folder on first use).
    const judge = cross || biModelId !== null ? undefined : loadBuiltinPairJudge();
    return {
      judge,
      // Cheap SIF document vectors choose which documents the bi-encoder reads (issue 11: speed).
      candidates: gloveCandidateStage(),
      embedModelId: biModelId ?? (await baseModelId(store, BUILTIN_BASE)),
      embed: (texts: string[]) => bi.embed(texts, { maxLength: 128, batchSize: 32 }),
      score: cross ? async (pairs: [string, string][]) => Array.from(await cross.score(pairs, { maxLength: 128 })) : undefined,
    };
  };

  const runScan = (opts: Omit<DedupScanOptions, 'signal' | 'progress' | 'store'>) =>
    jobs.start('dedup', async (ctx: JobContext) => {
      try {
        return await runDedupScan({
          ...opts,
          store,
          signal: ctx.signal,
          progress: (p) => ctx.progress({ stage: p.stage, done: p.done, total: p.total, message: p.message ?? null }),
        });
      } catch (err) {
        if (err instanceof DedupScanCancelledError) throw new CancelledError();
        throw err;
      }
    });

  return {
    'dedup.scan': async ({ roots, semantic, biModelId, crossModelId, passageLevel, thresholds }) => {
      const allowed = roots.map((r) => policy.resolveAllowed(r));
      await access.model(biModelId);
      await access.model(crossModelId);
      const fns = await modelFns(biModelId, crossModelId, semantic);
      const job = runScan({
        roots: allowed,
        embed: fns.embed,
        score: fns.score,
        judge: fns.judge,
        candidates: fns.candidates,
        // Thresholds not given take the person's defaults from the settings, then the calibrated ones.
        thresholds: { ...engine.settings.dedupThresholds(), ...thresholds },
        settings: { passageLevel, embedModelId: fns.embedModelId, crossModelId: semantic ? crossModelId : null },
      });
      return { jobId: job.id };
    },
    'dedup.resume': async ({ scanId }) => {
      await failStaleScans(store);
      const scan = await access.scan(scanId);
      if (!['cancelled', 'failed'].includes(scan.status))
        throw new ApiError('conflict', `Scan ${scanId} is ${scan.status}; only a cancelled or failed scan can be resumed.`);
      const settings = scan.settings as { embedModelId?: number | null; crossModelId?: number | null } | null;
      const embedModelId = settings?.embedModelId ?? null;
      // The cross-encoder the person chose for the scan decides its borderline pairs after a resume too.
      const crossModelId = embedModelId !== null ? (settings?.crossModelId ?? null) : null;
      await access.model(crossModelId);
      const builtinId = await baseModelId(store, BUILTIN_BASE);
      const fns = await modelFns(embedModelId === builtinId ? null : embedModelId, crossModelId, embedModelId !== null);
      const job = runScan({ resumeScanId: scanId, embed: fns.embed, score: fns.score, judge: fns.judge, candidates: fns.candidates });
      return { jobId: job.id };
    },
    'dedup.scans': async () => {
      // A scan whose process died shows as interrupted (failed, resumable), not running forever.
      await failStaleScans(store);
      return (await access.filter(await store.scans.list(), (s) => access.scanVisible(s))).map((s) => ({
        id: s.id,
        roots: s.roots,
        status: s.status,
        stats: storedScanStats(s.stats),
        createdAt: s.createdAt,
        finishedAt: s.finishedAt,
      }));
    },
    'dedup.report': async ({ scanId }) => {
      await access.scan(scanId);
      const r = await loadScanReport(store, scanId);
      // Duplicates review: reference folders marked, dismissed members hidden.
      return reviewReport(store, {
        scan: { ...r.scan, settings: storedScanSettings(r.scan.settings), stats: storedScanStats(r.scan.stats) },
        clusters: r.clusters.map((c) => ({
          id: c.id,
          level: c.level,
          layer: c.layer,
          confidence: c.confidence,
          score: c.score,
          keepDocumentId: c.keepDocumentId,
          keepPath: c.keepPath,
          members: c.members.map((m) => ({
            documentId: m.documentId,
            path: m.path,
            relPath: m.relPath,
            size: m.size,
            modified: m.modified,
            layer: m.layer,
            score: m.score,
            keep: m.keep,
            preselect: m.preselect,
            passageText: m.passageText,
            evidence: m.evidence,
            reference: false,
          })),
        })),
        dismissedFiles: 0,
      });
    },
    'dedup.export': async ({ scanId, format }) => {
      await access.scan(scanId);
      const mimeType = { csv: 'text/csv', json: 'application/json', html: 'text/html' }[format];
      return { content: await renderScanReport(store, scanId, format), mimeType };
    },
    'dedup.quarantine': async ({ scanId, documentIds, destDir, layers, batchId }) => {
      await access.scan(scanId);
      const quarantineDir = destDir !== undefined ? policy.resolveAllowed(destDir) : engine.layout.quarantine;
      try {
        const r = await quarantineFiles({ store, scanId, documentIds, layers, quarantineDir, batchId });
        return outcome(r.batchId, r.moved, r.refused);
      } catch (err) {
        if (err instanceof QuarantineUnavailableError) throw new ApiError('conflict', err.message);
        throw err;
      }
    },
    'dedup.undo': async ({ batchId, force }) => {
      if (!(await store.quarantine.batchExists(batchId))) throw new ApiError('not_found', `No quarantine batch with id ${batchId}.`);
      const moves = await store.quarantine.moves(batchId);
      if (!moves.every((m) => access.actionVisible(m))) {
        throw new ApiError('forbidden_path', `Batch ${batchId} moved files from a folder outside the folders you have chosen here; add that folder first.`);
      }
      if (await store.quarantine.isMoving(batchId)) throw new ApiError('conflict', `Batch ${batchId} is still moving files; undo it once it has finished.`);
      const r = await undoBatch(store, batchId, { force });
      return outcome(r.batchId, r.restored, r.refused, r.notMoved);
    },
    'dedup.batches': async ({ scanId, limit }) => store.quarantine.listBatches({ scanId, limit }),
    'dedup.actions': async ({ scanId }) => {
      if (scanId !== undefined) await access.scan(scanId);
      const rows = await store.fileActions.listRecent({ scanId, limit: 10_000 });
      const visible = await access.filter(rows, (r) => access.actionVisible(r));
      return visible.map((r) => ({
        id: r.id,
        scanId: r.scanId,
        batchId: r.batchId,
        action: r.action,
        sourcePath: r.sourcePath,
        destPath: r.destPath,
        at: r.at,
        undoneAt: r.undoneAt,
      }));
    },
    ...dedupReviewHandlers(engine),
  };
}
