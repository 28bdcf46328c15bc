/**
 * What a move to quarantine would do now (issue 13's summary before applying): the same checks
 * as quarantineFiles (reference folders, layers, hard links, the last copy of a group, changes
 * since the scan), without moving anything or writing a batch. The move itself checks again.
 */
import path from 'node:path';
import type { ClusterLayer, Store } from '../store';
import { readDocument as defaultReadDocument } from '../text/readDocument';
import { changedSinceScan, planGuards } from './actions';
import type { ReadDocumentFn } from './scan';
import { documentLocations } from './scanQueries';

export interface MovePlanResult {
  willMove: { documentId: number; path: string }[];
  refused: { documentId: number; path: string; reason: string; code: string }[];
}

export async function planQuarantine(opts: {
  store: Store;
  scanId: number;
  documentIds: readonly number[];
  layers?: readonly ClusterLayer[];
  readDocument?: ReadDocumentFn;
}): Promise<MovePlanResult> {
  const { store, scanId } = opts;
  const read = opts.readDocument ?? ((p, o) => defaultReadDocument(p, o));
  const ids = [...new Set(opts.documentIds)];
  const locations = await documentLocations(store.db, ids);
  const clusters = (await store.scans.listClusters(scanId)).filter((c) => !c.members.some((m) => m.passageId != null));
  const guards = await planGuards(store, scanId, ids, clusters, opts.layers);
  const out: MovePlanResult = { willMove: [], refused: [] };
  for (const id of ids) {
    const loc = locations.get(id);
    if (!loc) {
      out.refused.push({ documentId: id, path: '', reason: `document ${id} is not known`, code: 'unknown' });
      continue;
    }
    const file = path.join(loc.root, loc.relPath);
    const guard = guards.get(id);
    if (guard) {
      out.refused.push({ documentId: id, path: file, reason: guard.message, code: guard.code });
      continue;
    }
    const changed = await changedSinceScan(file, loc, read);
    if (changed) {
      out.refused.push({ documentId: id, path: file, reason: changed, code: changed.includes('no longer there') ? 'gone' : 'changed' });
      continue;
    }
    out.willMove.push({ documentId: id, path: file });
  }
  return out;
}
