/**
 * Reference folders (issue 13): folders whose files are the originals. Their files are always
 * kept and never moved, whatever a caller asks: a scan prefers them as the file to keep, a
 * report marks them, and a move refuses them (the guard in actions.ts calls `referenceRefusals`).
 * The list is stored with the data folder (store.dedupReview).
 */
import path from 'node:path';
import { displayPath } from '../fs/pathBytes';
import type { Store } from '../store';

/** Whether `file` is `folder` or lies inside it (both absolute). */
export function isInsideFolder(file: string, folder: string): boolean {
  const rel = path.relative(path.resolve(folder), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The reference folder holding `file`, or null. */
export function referenceFolderOf(file: string, folders: readonly string[]): string | null {
  return folders.find((f) => isInsideFolder(file, f)) ?? null;
}

export async function referenceFolders(store: Store): Promise<string[]> {
  return (await store.dedupReview.listReferenceFolders()).map((r) => r.path);
}

/**
 * Wraps a keep rule so that, among candidates, those in reference folders win: the rule then
 * picks among them only (and among all when none is in a reference folder).
 */
export function preferReference<T>(keepOf: (candidates: readonly T[]) => T, isReference: (candidate: T) => boolean): (candidates: readonly T[]) => T {
  return (candidates) => {
    const refs = candidates.filter(isReference);
    return keepOf(refs.length > 0 ? refs : candidates);
  };
}

/**
 * Refusals for chosen documents that lie in a reference folder: they stay where they are (so
 * they also count as a copy left in place when the "last copy" rule is checked).
 */
export async function referenceRefusals(
  store: Store,
  chosen: readonly number[],
  pathOf: (documentId: number) => string | null,
): Promise<Map<number, { message: string; code: 'reference' }>> {
  const out = new Map<number, { message: string; code: 'reference' }>();
  const folders = await referenceFolders(store);
  if (folders.length === 0) return out;
  for (const d of chosen) {
    const p = pathOf(d);
    const folder = p ? referenceFolderOf(p, folders) : null;
    if (folder) {
      out.set(d, {
        code: 'reference',
        message: `${displayPath(p!)} is in the reference folder ${displayPath(folder)}, whose files are always kept; remove the folder from the reference list to move it`,
      });
    }
  }
  return out;
}
