/** The dedup methods of the API: scans as jobs, reports, quarantine moves and their undo. */
import type { Handlers } from './dispatch';
import { ApiError } from './errors';
import type { Engine } from './engine';
import {
  DedupScanCancelledError,
  QuarantineUnavailableError,
  failStaleScans,
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
import { BUILTIN_BASE } from '../models/modelFiles';

type DedupMethods = 'dedup.scan' | 'dedup.resume' | 'dedup.scans' | 'dedup.report' | 'dedup.export' | 'dedup.quarantine' | 'dedup.undo' | 'dedup.actions';

const outcome = (batchId: string, done: FileMoveOutcome[], refused: FileMoveOutcome[]) => ({
  batchId,
  done: done.map((o) => ({ sourcePath: o.sourcePath, destPath: o.destPath ?? '' })),
  refused: refused.map((o) => ({ sourcePath: o.sourcePath, reason: o.message ?? 'refused' })),
});

export function dedupHandlers(engine: Engine): Pick<Handlers, DedupMethods> {
  const { store, jobs, policy, models } = engine;

  /** The model functions a scan uses; the embedding cache is keyed by the bi-encoder's model id. */
  const modelFns = async (biModelId: number | null, crossModelId: number | null, semantic: boolean) => {
    if (!semantic) return { embedModelId: null };
    const bi = await models.bulkBi(biModelId).catch((err: Error) => {
      throw new ApiError('not_found', err.message);
    });
    const cross = crossModelId !== null ? await models.bulkCross(crossModelId).catch((err: Error) => { throw new ApiError('not_found', err.message); }) : null;
    return {
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
      const fns = await modelFns(biModelId, crossModelId, semantic);
      const job = runScan({
        roots: allowed,
        embed: fns.embed,
        score: fns.score,
        thresholds,
        settings: { passageLevel, embedModelId: fns.embedModelId },
      });
      return { jobId: job.id };
    },
    'dedup.resume': async ({ scanId }) => {
      await failStaleScans(store);
      const scan = await store.scans.get(scanId);
      if (!scan) throw new ApiError('not_found', `No scan with id ${scanId}.`);
      if (!['cancelled', 'failed'].includes(scan.status)) throw new ApiError('conflict', `Scan ${scanId} is ${scan.status}; only a cancelled or failed scan can be resumed.`);
      const settings = scan.settings as { embedModelId?: number | null } | null;
      const embedModelId = settings?.embedModelId ?? null;
      const builtinId = await baseModelId(store, BUILTIN_BASE);
      const fns = await modelFns(embedModelId === builtinId ? null : embedModelId, null, embedModelId !== null);
      const job = runScan({ resumeScanId: scanId, embed: fns.embed, score: fns.score });
      return { jobId: job.id };
    },
    'dedup.scans': async () => {
      // A scan whose process died shows as interrupted (failed, resumable), not running forever.
      await failStaleScans(store);
      return (await store.scans.list()).map((s) => ({ id: s.id, roots: s.roots, status: s.status, stats: s.stats, createdAt: s.createdAt, finishedAt: s.finishedAt }));
    },
    'dedup.report': async ({ scanId }) => {
      if (!(await store.scans.get(scanId))) throw new ApiError('not_found', `No scan with id ${scanId}.`);
      const r = await loadScanReport(store, scanId);
      return {
        scan: r.scan,
        clusters: r.clusters.map((c) => ({
          id: c.id, level: c.level, layer: c.layer, confidence: c.confidence, score: c.score, keepDocumentId: c.keepDocumentId, keepPath: c.keepPath,
          members: c.members.map((m) => ({
            documentId: m.documentId, path: m.path, relPath: m.relPath, size: m.size, modified: m.modified,
            layer: m.layer, score: m.score, keep: m.keep, preselect: m.preselect, passageText: m.passageText, evidence: m.evidence,
          })),
        })),
      };
    },
    'dedup.export': async ({ scanId, format }) => {
      if (!(await store.scans.get(scanId))) throw new ApiError('not_found', `No scan with id ${scanId}.`);
      const mimeType = { csv: 'text/csv', json: 'application/json', html: 'text/html' }[format];
      return { content: await renderScanReport(store, scanId, format), mimeType };
    },
    'dedup.quarantine': async ({ scanId, documentIds }) => {
      if (!(await store.scans.get(scanId))) throw new ApiError('not_found', `No scan with id ${scanId}.`);
      try {
        const r = await quarantineFiles({ store, scanId, documentIds, quarantineDir: engine.layout.quarantine });
        return outcome(r.batchId, r.moved, r.refused);
      } catch (err) {
        if (err instanceof QuarantineUnavailableError) throw new ApiError('conflict', err.message);
        throw err;
      }
    },
    'dedup.undo': async ({ batchId }) => {
      const actions = await store.fileActions.listBatch(batchId);
      if (actions.length === 0) throw new ApiError('not_found', `No file actions with batch id ${batchId}.`);
      const r = await undoBatch(store, batchId);
      return outcome(r.batchId, r.restored, r.refused);
    },
    'dedup.actions': async ({ scanId }) => {
      const rows = await store.db.all<{ id: number; scan_id: number | null; batch_id: string; action: string; source_path: string; dest_path: string; at: number; undone_at: number | null }>(
        `SELECT id, scan_id, batch_id, action, source_path, dest_path, at, undone_at FROM file_actions${scanId !== undefined ? ' WHERE scan_id = ?' : ''} ORDER BY id DESC LIMIT 10000`,
        scanId !== undefined ? [scanId] : [],
      );
      return rows.map((r) => ({
        id: r.id, scanId: r.scan_id, batchId: r.batch_id, action: r.action, sourcePath: r.source_path, destPath: r.dest_path,
        at: new Date(r.at).toISOString(), undoneAt: r.undone_at !== null ? new Date(r.undone_at).toISOString() : null,
      }));
    },
  };
}
