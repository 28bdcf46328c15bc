/**
 * The duplicates review methods (issue 13): what a move would do before it happens, a file's
 * text for a preview or comparison, reference folders, and the not-a-duplicate list. Also the
 * last step of every report: files in reference folders are marked (kept, never ticked) and
 * members dismissed as not duplicates are hidden.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { DedupReport, Dismissal, ReferenceFolder } from '../../shared/api';
import { dismissalPairs, ignoredPairsAmong, planQuarantine, referenceFolderOf, referenceFolders } from '../dedup';
import { toFsPath } from '../fs/pathBytes';
import type { Store } from '../store';
import { documentLocations } from '../store/repositories/scanData';
import { contentHash } from '../text/normalize';
import { readDocument } from '../text/readDocument';
import { skipReasonCode } from '../text/skipReason';
import type { Handlers } from './dispatch';
import type { Engine } from './engine';
import { ApiError } from './errors';

/** Duplicates review (issue 13). */
export type DedupReviewMethod =
  | 'dedup.plan'
  | 'dedup.document'
  | 'dedup.referenceFolders'
  | 'dedup.addReferenceFolder'
  | 'dedup.removeReferenceFolder'
  | 'dedup.dismiss'
  | 'dedup.dismissals'
  | 'dedup.undismiss';

const STRENGTH = { exact: 4, near: 3, semantic: 2, cross: 1, 'same-file': 0 } as const;

/** Marks members in reference folders and hides members dismissed as not duplicates of their kept file. */
export async function reviewReport(store: Store, report: DedupReport): Promise<DedupReport> {
  const refs = await referenceFolders(store);
  const fileClusters = report.clusters.filter((c) => c.level === 'file' && c.layer !== 'same-file');
  const ids = fileClusters.flatMap((c) => c.members.map((m) => m.documentId));
  const locs = await documentLocations(store.db, ids);
  const ignored = await ignoredPairsAmong(store, [...new Set(fileClusters.flatMap((c) => c.members.map((m) => m.path)))]);
  const side = (m: { documentId: number; path: string }) => ({ path: m.path, hash: locs.get(m.documentId)?.contentHash ?? '' });
  let hidden = 0;
  const clusters: DedupReport['clusters'] = [];
  for (const c of report.clusters) {
    let members = c.members.map((m) => {
      const reference = refs.length > 0 && referenceFolderOf(m.path, refs) !== null;
      return reference ? { ...m, reference, preselect: false } : m;
    });
    if (c.level === 'file' && c.layer !== 'same-file' && ignored.size > 0) {
      const keeper = members.find((m) => m.documentId === c.keepDocumentId) ?? members.find((m) => m.keep);
      if (keeper) {
        const kept = members.filter((m) => m === keeper || !ignored.has(side(keeper), side(m)));
        const dropped = members.length - kept.length;
        if (dropped > 0) {
          hidden += dropped;
          members = kept;
          const others = members.filter((m) => m !== keeper);
          if (others.length === 0) continue;
          let layer = others[0].layer;
          for (const m of others) if (STRENGTH[m.layer] < STRENGTH[layer]) layer = m.layer;
          const scores = others.filter((m) => m.layer === layer).map((m) => m.score ?? 1);
          clusters.push({
            ...c,
            members,
            layer,
            score: Math.min(...scores),
            confidence: layer === 'exact' || layer === 'near' ? 'high' : 'review',
          });
          continue;
        }
      }
    }
    clusters.push({ ...c, members });
  }
  return { ...report, clusters, dismissedFiles: hidden + (report.scan.stats?.dismissedFiles ?? 0) };
}

export function dedupReviewHandlers(engine: Engine): Pick<Handlers, DedupReviewMethod> {
  const { store, policy, access } = engine;

  const referenceList = async (): Promise<ReferenceFolder[]> => store.dedupReview.listReferenceFolders();

  /** A document of one of the scan's groups, with its path checked against the chosen folders. */
  const scannedFile = async (scanId: number, documentId: number) => {
    await access.scan(scanId);
    const clusters = await store.scans.listClusters(scanId);
    if (!clusters.some((c) => c.members.some((m) => m.documentId === documentId))) {
      throw new ApiError('not_found', `File ${documentId} is in no group of scan ${scanId}.`);
    }
    const loc = (await documentLocations(store.db, [documentId])).get(documentId);
    if (!loc) throw new ApiError('not_found', `File ${documentId} is no longer stored.`);
    const file = path.join(loc.root, loc.relPath);
    if (!access.actionVisible({ sourcePath: file })) {
      throw new ApiError('forbidden_path', `${file} is outside the folders you have chosen here; add its folder first.`);
    }
    return { loc, file };
  };

  return {
    'dedup.plan': async ({ scanId, documentIds }) => {
      await access.scan(scanId);
      return planQuarantine({ store, scanId, documentIds });
    },

    'dedup.document': async ({ scanId, documentId, text, maxChars }) => {
      const { loc, file } = await scannedFile(scanId, documentId);
      const base = { documentId, path: file, relPath: loc.relPath };
      const exists = await fs
        .stat(toFsPath(file))
        .then((st) => st.isFile())
        .catch(() => false);
      if (!exists) return { ...base, text: null, truncated: false, problem: 'gone', reason: null };
      if (!text) return { ...base, text: null, truncated: false, problem: null, reason: null };
      const r = await readDocument(file, { maxChars });
      if (!r.ok) return { ...base, text: null, truncated: false, problem: 'unreadable', reason: r.reason, reasonCode: skipReasonCode(r.reason) };
      const changed = !r.truncated && loc.contentHash !== null && contentHash(r.text) !== loc.contentHash;
      return { ...base, text: r.text, truncated: r.truncated, problem: changed ? 'changed' : null, reason: null };
    },

    'dedup.referenceFolders': async () => referenceList(),

    'dedup.addReferenceFolder': async ({ path: p }) => {
      const folder = policy.resolveAllowed(p);
      const st = await fs.stat(toFsPath(folder)).catch(() => null);
      if (!st?.isDirectory()) throw new ApiError('bad_request', `${p} is not a folder; choose a folder whose files are the originals.`);
      await store.dedupReview.addReferenceFolder(folder);
      return referenceList();
    },

    'dedup.removeReferenceFolder': async ({ path: p }) => {
      const listed = (await referenceList()).map((r) => r.path);
      const match = listed.find((f) => f === p || f === path.resolve(p));
      if (!match) throw new ApiError('not_found', `${p} is not a reference folder.`);
      await store.dedupReview.removeReferenceFolder(match);
      return referenceList();
    },

    'dedup.dismiss': async ({ scanId, clusterId, documentIds }): Promise<Dismissal> => {
      await access.scan(scanId);
      const cluster = (await store.scans.listClusters(scanId)).find((c) => c.id === clusterId);
      if (!cluster) throw new ApiError('not_found', `Scan ${scanId} has no group ${clusterId}.`);
      if (cluster.layer === 'same-file' || cluster.members.some((m) => m.passageId != null)) {
        throw new ApiError(
          'bad_request',
          'Only groups of whole files can be marked as not duplicates (repeated passages and hard links are shown for information).',
        );
      }
      const docIds = [...new Set(cluster.members.map((m) => m.documentId))];
      if (documentIds?.some((d) => !docIds.includes(d))) throw new ApiError('bad_request', `Some of those files are not in group ${clusterId}.`);
      const locs = await documentLocations(store.db, docIds);
      const sides = docIds.flatMap((d) => {
        const loc = locs.get(d);
        return loc ? [{ id: d, path: path.join(loc.root, loc.relPath), relPath: loc.relPath, hash: loc.contentHash ?? '' }] : [];
      });
      const only = documentIds ? new Set(sides.filter((s) => documentIds.includes(s.id)).map((s) => s.path)) : undefined;
      const pairs = dismissalPairs(sides, only);
      if (pairs.length === 0) throw new ApiError('bad_request', `Group ${clusterId} has fewer than two stored files; nothing to dismiss.`);
      const files = new Set(pairs.flatMap(([a, b]) => [a.path, b.path])).size;
      const first = documentIds ? sides.find((s) => documentIds.includes(s.id)) : (sides.find((s) => s.id === cluster.keepDocumentId) ?? sides[0]);
      const label = first!.relPath;
      const id = await store.dedupReview.addDismissal({ scanId, label, files, pairs });
      return (await store.dedupReview.listDismissals()).find((d) => d.id === id)!;
    },

    'dedup.dismissals': async () => store.dedupReview.listDismissals(),

    'dedup.undismiss': async ({ ids }) => ({ removed: await store.dedupReview.removeDismissals(ids) }),
  };
}
