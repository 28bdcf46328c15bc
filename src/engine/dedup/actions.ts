/**
 * Safe actions on duplicates: files are moved to a quarantine folder, never deleted, and every
 * move is logged so a whole batch can be undone.
 *
 * Layout: <quarantine>/<scan id>/<root folder name>/<path relative to the root>.
 *
 * A batch is written before its first move (a crash midway leaves a batch that can be listed
 * and undone), and each move is logged as pending, with the SHA-256 of the file's bytes, before
 * the file is touched. A file is refused (not moved), with the reason, when:
 * - it changed since the scan (size, modification time or content), or is gone;
 * - moving it would leave a duplicate group with no member in place;
 * - it is in no group of the layers asked for (semantic-only groups are for review);
 * - a member of its group left in place is a hard link to it (moving it frees nothing);
 * - the move itself fails or cannot keep owner, mode and modification time (see fs/safeMove).
 * Undo checks each quarantined file against its recorded hash and leaves a file that changed
 * in quarantine where it is unless asked to restore it anyway.
 */
import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { errorText, makeFolders, moveFile as safeMoveFile, pathExists, sha256File, type FileOps } from '../fs/safeMove';
import { displayPath, toFsPath } from '../fs/pathBytes';
import { specialFileSystemOf } from '../fs/specialFs';
import type { ClusterLayer, Store } from '../store';
import type { Cluster } from '../store';
import { contentHash } from '../text/normalize';
import { readDocument as defaultReadDocument } from '../text/readDocument';
import type { ReadDocumentFn } from './scan';
import { documentLocations, type DocumentLocation } from './scanQueries';
import { referenceRefusals } from './referenceFolders';

export type { FileOps } from '../fs/safeMove';
export { MoveRefusedError } from '../fs/safeMove';

/** The quarantine folder cannot be used; nothing was moved. */
export class QuarantineUnavailableError extends Error {
  constructor(
    readonly folder: string,
    readonly reason: string,
  ) {
    super(`The quarantine folder ${folder} cannot be written (${reason}). Nothing was moved.`);
    this.name = 'QuarantineUnavailableError';
  }
}

/** Why a file was refused, for a UI to act on; the message says it in words. */
export type RefusalCode =
  'unknown' | 'gone' | 'changed' | 'last-copy' | 'layer' | 'hard-link' | 'move-failed' | 'changed-in-quarantine' | 'occupied' | 'interrupted' | 'reference';

export interface FileMoveOutcome {
  /** The scanned document (moves); null for restores, which work from the action log. */
  documentId: number | null;
  /** Where the file was (moves) or is to be restored to (undo). */
  sourcePath: string;
  destPath: string | null;
  ok: boolean;
  /** Why it was refused or failed (absent when ok); for a restore made with force, what was overridden. */
  message?: string;
  code?: RefusalCode;
}

export interface QuarantineResult {
  batchId: string;
  moved: FileMoveOutcome[];
  refused: FileMoveOutcome[];
}

/** The layers a move acts on unless told otherwise: same text, or nearly the same. */
export const CONFIDENT_LAYERS: readonly ClusterLayer[] = ['exact', 'near'];

export interface QuarantineOptions {
  store: Store;
  scanId: number;
  documentIds: readonly number[];
  quarantineDir: string;
  /**
   * Move a file only when it is in a file-level group of one of these layers (default: any).
   * `tenc dedup --move-to` passes CONFIDENT_LAYERS.
   */
  layers?: readonly ClusterLayer[];
  /** Called with the batch id once the batch is written, before the first move. */
  onBatchStart?: (batchId: string) => void;
  /** The batch id to use (a caller that shows it before the move starts); a new one otherwise. */
  batchId?: string;
  /** Replaces readDocument for the content check (tests). */
  readDocument?: ReadDocumentFn;
  fileOps?: Partial<FileOps>;
}

/**
 * Moves the chosen duplicates of a scan into quarantine as one batch. Checks the quarantine
 * folder first (a special, read-only or otherwise unwritable folder throws
 * QuarantineUnavailableError before anything moves), then each file; refusals are reported,
 * not thrown.
 */
export async function quarantineFiles(opts: QuarantineOptions): Promise<QuarantineResult> {
  const { store, scanId } = opts;
  const read = opts.readDocument ?? ((p, o) => defaultReadDocument(p, o));
  const scan = await store.scans.get(scanId);
  if (!scan) throw new Error(`there is no scan ${scanId}`);
  const quarantine = path.resolve(opts.quarantineDir);
  for (const root of scan.roots) {
    if (isInside(quarantine, root)) {
      // The next scan would find the quarantined files as duplicates all over again.
      throw new QuarantineUnavailableError(quarantine, `it is inside the scanned folder ${root}; choose a folder outside it`);
    }
  }
  const special = specialFileSystemOf(quarantine);
  if (special)
    throw new QuarantineUnavailableError(
      quarantine,
      `it is on a special file system (${special}), a view of the kernel where files cannot be kept; choose a folder on a disk`,
    );
  const scanDir = path.join(quarantine, String(scanId));
  await ensureWritableFolder(scanDir, quarantine);

  const batchId = opts.batchId ?? randomUUID();
  if (await store.quarantine.batchExists(batchId)) throw new Error(`batch ${batchId} exists already; moves are never added to an earlier batch`);
  const result: QuarantineResult = { batchId, moved: [], refused: [] };
  const ids = [...new Set(opts.documentIds)];
  const locations = await documentLocations(store.db, ids);
  const rootNames = rootFolderNames(scan.roots);
  const clusters = (await store.scans.listClusters(scanId)).filter((c) => !c.members.some((m) => m.passageId != null));
  const guards = await planGuards(store, scanId, ids, clusters, opts.layers);

  await store.quarantine.startBatch({ id: batchId, scanId, quarantineDir: quarantine, planned: ids.length });
  opts.onBatchStart?.(batchId);
  try {
    for (const id of ids) {
      const loc = locations.get(id);
      if (!loc) {
        result.refused.push({ documentId: id, sourcePath: '', destPath: null, ok: false, message: `document ${id} is not known`, code: 'unknown' });
        continue;
      }
      const source = path.join(loc.root, loc.relPath);
      const refuse = (message: string, code: RefusalCode) =>
        result.refused.push({ documentId: id, sourcePath: source, destPath: null, ok: false, message, code });
      const rootName = rootNames.get(path.resolve(loc.root));
      if (rootName === undefined) {
        refuse(`${displayPath(source)} is not in a folder of scan ${scanId}`, 'unknown');
        continue;
      }
      const guard = guards.get(id);
      if (guard) {
        refuse(guard.message, guard.code);
        continue;
      }
      const changed = await changedSinceScan(source, loc, read);
      if (changed) {
        refuse(changed, changed.includes('no longer there') ? 'gone' : 'changed');
        continue;
      }
      const sha256 = await sha256File(source).catch(() => null);
      if (sha256 === null) {
        refuse(`${displayPath(source)} can no longer be read`, 'changed');
        continue;
      }
      const dest = await freeName(path.join(scanDir, rootName, loc.relPath));
      // Logged before the move so a crash midway leaves a trail that undo can sort out.
      const actionId = await store.quarantine.logPendingMove({
        batchId,
        scanId,
        sourcePath: source,
        destPath: dest,
        contentHash: loc.contentHash ?? '',
        sha256,
        size: loc.size,
        mtimeMs: loc.mtimeMs,
      });
      try {
        await safeMoveFile(source, dest, opts.fileOps);
        await store.quarantine.setMoveState(actionId, 'done');
        result.moved.push({ documentId: id, sourcePath: source, destPath: dest, ok: true });
      } catch (err) {
        await store.quarantine.setMoveState(actionId, 'failed');
        refuse(`${displayPath(source)} could not be moved: ${errorText(err)}`, 'move-failed');
      }
    }
  } finally {
    await store.quarantine.finishBatch(batchId);
  }
  return result;
}

export interface UndoOptions {
  /** Restore files that changed in quarantine as they are now (default: leave them there and say so). */
  force?: boolean;
  fileOps?: Partial<FileOps>;
}

export interface UndoResult {
  batchId: string;
  restored: FileMoveOutcome[];
  refused: FileMoveOutcome[];
  /** Files of an interrupted batch that had not been moved: they are in place, nothing to do. */
  notMoved: FileMoveOutcome[];
}

/**
 * Moves the files of a batch back to where they were (newest move first) and marks them
 * restored. Refused, with the reason, and left as they are: a file whose original path is
 * occupied again, a quarantined file that is gone, and (unless `force`) one whose bytes differ
 * from those moved. Moves an interrupted batch left pending are sorted out: a file still in
 * place is marked not moved (an unfinished copy of it in quarantine is removed once the
 * original is proven intact), a file found in quarantine is restored.
 */
export async function undoBatch(store: Store, batchId: string, opts: UndoOptions = {}): Promise<UndoResult> {
  const moves = await store.quarantine.moves(batchId);
  if (moves.length === 0 && !(await store.quarantine.batchExists(batchId))) throw new Error(`there is no batch ${batchId}`);
  if (await store.quarantine.isMoving(batchId)) throw new Error(`batch ${batchId} is still moving files; undo it once it has finished`);
  const result: UndoResult = { batchId, restored: [], refused: [], notMoved: [] };
  for (const a of [...moves].reverse()) {
    if (a.undoneAt || a.state === 'failed') continue;
    const outcome = { documentId: null, sourcePath: a.sourcePath, destPath: a.destPath };
    const refuse = (message: string, code: RefusalCode) => result.refused.push({ ...outcome, ok: false, message, code });
    const inQuarantine = await pathExists(a.destPath);
    const inPlace = await pathExists(a.sourcePath);
    if (a.state === 'pending') {
      if (inPlace) {
        const settled = await settleUnfinishedMove(a, inQuarantine);
        if (settled) {
          await store.quarantine.setMoveState(a.id, 'failed');
          result.notMoved.push({ ...outcome, ok: true });
        } else {
          refuse(
            `the move of ${displayPath(a.sourcePath)} was interrupted and both it and ${displayPath(a.destPath)} exist with different contents; both were left as they are`,
            'interrupted',
          );
        }
        continue;
      }
      if (!inQuarantine) {
        refuse(`the move of ${displayPath(a.sourcePath)} was interrupted and the file is neither in place nor in quarantine`, 'gone');
        continue;
      }
      // Moved, but the process stopped before it could say so: restore it like any other.
    }
    // An undo that stopped midway: the file is back (and, across file systems, maybe still in quarantine too).
    if (inPlace && a.sha256 !== null && (await sha256File(a.sourcePath).catch(() => null)) === a.sha256) {
      if (!inQuarantine || (await sha256File(a.destPath).catch(() => null)) === a.sha256) {
        if (inQuarantine) await fs.rm(toFsPath(a.destPath), { force: true });
        await store.quarantine.markRestored(a.id);
        result.restored.push({ ...outcome, ok: true, message: 'was already back in place (an earlier undo stopped midway)' });
        continue;
      }
    }
    if (!inQuarantine) {
      refuse(`the quarantined file ${displayPath(a.destPath)} is no longer there`, 'gone');
      continue;
    }
    if (inPlace) {
      refuse(`${displayPath(a.sourcePath)} is occupied by another file now; move or rename that file, then undo again`, 'occupied');
      continue;
    }
    const change = await changedInQuarantine(a);
    if (change && !opts.force) {
      refuse(
        `${displayPath(a.destPath)} changed in quarantine since it was moved (${change}); it was left there. Look at it, then restore it as it is now with undo --force`,
        'changed-in-quarantine',
      );
      continue;
    }
    try {
      await safeMoveFile(a.destPath, a.sourcePath, opts.fileOps);
      await store.quarantine.markRestored(a.id);
      result.restored.push({
        ...outcome,
        ok: true,
        ...(change ? { message: `restored although it changed in quarantine (${change})`, code: 'changed-in-quarantine' as const } : {}),
      });
    } catch (err) {
      refuse(`${displayPath(a.destPath)} could not be restored: ${errorText(err)}`, 'move-failed');
    }
  }
  // An interrupted batch whose every move is now sorted out is closed (listed as restored, not interrupted).
  if ((await store.quarantine.moves(batchId)).every((m) => m.state !== 'pending' || m.undoneAt)) await store.quarantine.finishBatch(batchId);
  return result;
}

/** How a quarantined file differs from the bytes moved, or null when it is the same. */
async function changedInQuarantine(a: { destPath: string; sha256: string | null; size: number }): Promise<string | null> {
  let size: number;
  try {
    size = (await fs.stat(toFsPath(a.destPath))).size;
  } catch (err) {
    return `it cannot be read: ${errorText(err)}`;
  }
  if (size !== a.size) return `size ${a.size} → ${size} bytes`;
  // Moves logged before file hashes were recorded can only be checked by size.
  if (a.sha256 === null) return null;
  const now = await sha256File(a.destPath).catch(() => null);
  if (now === null) return 'it cannot be read';
  return now === a.sha256 ? null : 'its content differs from the file that was moved';
}

/**
 * A pending move whose source is still in place was never finished. True when nothing is left
 * to do: no copy in quarantine, or the original is intact (its recorded hash) and the copy in
 * quarantine, made by the unfinished move, has been removed.
 */
async function settleUnfinishedMove(a: { sourcePath: string; destPath: string; sha256: string | null }, copyExists: boolean): Promise<boolean> {
  if (!copyExists) return true;
  if (a.sha256 === null) return false;
  const original = await sha256File(a.sourcePath).catch(() => null);
  if (original !== a.sha256) return false;
  await fs.rm(toFsPath(a.destPath), { force: true });
  return true;
}

/** Names each root's folder in the quarantine: its base name, numbered when two roots share one. */
export function rootFolderNames(roots: readonly string[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const r of roots) counts.set(baseName(r), (counts.get(baseName(r)) ?? 0) + 1);
  return new Map(roots.map((r, i) => [path.resolve(r), counts.get(baseName(r))! > 1 ? `${baseName(r)}-${i + 1}` : baseName(r)]));
}

function baseName(root: string): string {
  return path.basename(path.resolve(root)) || 'root';
}

/** Creates the folder if needed and proves it writable with a probe file; throws QuarantineUnavailableError otherwise. */
async function ensureWritableFolder(dir: string, shown: string): Promise<void> {
  try {
    await makeFolders(dir);
    const probe = path.join(dir, `.write-test-${randomUUID()}`);
    const h = await fs.open(probe, 'wx');
    await h.close();
    await fs.unlink(probe);
  } catch (err) {
    throw new QuarantineUnavailableError(shown, await explainWriteFailure(dir, err));
  }
}

/** The most telling reason a folder cannot be written: a file in the path, a read-only file system, permissions. */
async function explainWriteFailure(dir: string, err: unknown): Promise<string> {
  let p = path.resolve(dir);
  for (;;) {
    try {
      const st = await fs.stat(p);
      if (!st.isDirectory()) return errorText(Object.assign(new Error(''), { code: 'ENOTDIR' }));
      await fs.access(p, fsConstants.W_OK);
      // mkdir answered ENOENT inside an existing folder: a special file system.
      if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return `folders cannot be created in ${p}`;
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return errorText(e);
      const parent = path.dirname(p);
      if (parent === p) break;
      p = parent;
    }
  }
  return errorText(err);
}

/** A message when the file differs from what the scan saw, else null. */
export async function changedSinceScan(
  file: string,
  known: { size: number; mtimeMs: number; contentHash: string | null },
  read: ReadDocumentFn,
): Promise<string | null> {
  const shown = displayPath(file);
  let st;
  try {
    st = await fs.stat(toFsPath(file));
  } catch (err) {
    return `${shown} is no longer there (${errorText(err)})`;
  }
  if (!st.isFile()) return `${shown} is no longer a regular file`;
  if (st.size !== known.size) return `${shown} changed since the scan (size ${known.size} → ${st.size} bytes); scan again before moving it`;
  // Under a millisecond apart is the same time: copies across file systems keep mtimes to about that.
  if (Math.abs(st.mtimeMs - known.mtimeMs) >= 1) {
    return `${shown} changed since the scan (modified ${new Date(st.mtimeMs).toISOString()}, scanned version from ${new Date(known.mtimeMs).toISOString()}); scan again before moving it`;
  }
  if (known.contentHash) {
    const r = await read(file, {});
    if (!r.ok) return `${shown} can no longer be read (${r.reason})`;
    if (contentHash(r.text) !== known.contentHash) return `${shown} changed since the scan (its content differs); scan again before moving it`;
  }
  return null;
}

export interface Guard {
  message: string;
  code: RefusalCode;
}

/**
 * Refusals known before any file is touched, per chosen document: outside the layers asked
 * for; a hard link of a group member that stays (the same file under another name); or moving
 * the chosen set would empty one of its file-level groups (the last copy must stay). A file not
 * chosen counts as a copy left in place only if it is still there as scanned.
 */
export async function planGuards(
  store: Store,
  scanId: number,
  chosen: readonly number[],
  clusters: readonly Cluster[],
  layers: readonly ClusterLayer[] | undefined,
): Promise<Map<number, Guard>> {
  const chosenSet = new Set(chosen);
  const out = new Map<number, Guard>();
  const memberIds = clusters.flatMap((c) => c.members.map((m) => m.documentId));
  const locs = await documentLocations(store.db, [...memberIds, ...chosen]);
  const pathOf = (d: number) => {
    const loc = locs.get(d);
    return loc ? path.join(loc.root, loc.relPath) : null;
  };

  if (layers) {
    const allowed = new Set(layers);
    const layersOf = new Map<number, Set<ClusterLayer>>();
    // A member's own evidence against its keeper counts (an identical copy inside a group held
    // together by meaning is still identical); rows from before members had a layer use the group's.
    for (const c of clusters) for (const m of c.members) layersOf.set(m.documentId, (layersOf.get(m.documentId) ?? new Set()).add(m.layer ?? c.layer));
    for (const d of chosen) {
      const own = [...(layersOf.get(d) ?? [])];
      if (own.some((l) => allowed.has(l))) continue;
      out.set(d, {
        code: 'layer',
        message: own.length
          ? `${displayPath(pathOf(d) ?? `document ${d}`)} is only in ${own.join('/')} groups (alike in meaning, not the same text); review it, and move it yourself or ask for those groups too`
          : `${displayPath(pathOf(d) ?? `document ${d}`)} is in no group of whole files of this scan`,
      });
    }
  }

  // Duplicates review (issue 13): files in reference folders are always kept (they count as staying).
  for (const [d, g] of await referenceRefusals(store, chosen, pathOf)) out.set(d, g);

  // Hard links: the same inode as a scanned file that stays where it is (in its group or not:
  // the grouping may report hard links apart). Only files with more than one link are looked at,
  // against the scanned files of the same size.
  const scan = (await store.scans.get(scanId))!;
  for (const d of chosen) {
    if (out.has(d)) continue;
    const p = pathOf(d);
    const st = p ? await fs.lstat(toFsPath(p)).catch(() => null) : null;
    if (!st || !st.isFile() || st.nlink < 2) continue;
    const sameSize = await store.documents.withSizeUnderRoots(st.size, scan.roots);
    for (const other of sameSize) {
      if (other.id === d || chosenSet.has(other.id)) continue;
      const otherPath = path.join(other.rootPath, other.relPath);
      const ost = await fs.lstat(toFsPath(otherPath)).catch(() => null);
      if (ost && ost.dev === st.dev && ost.ino === st.ino) {
        out.set(d, {
          code: 'hard-link',
          message: `${displayPath(p!)} is a hard link of ${displayPath(otherPath)}: the same file under two names, so moving it frees no space`,
        });
        break;
      }
    }
  }

  // Files already in quarantine from earlier batches of this scan count as gone.
  const movedPaths = new Set(await store.fileActions.activeMoveSources(scanId));
  const gone = new Set(memberIds.filter((d) => movedPaths.has(pathOf(d) ?? '')));
  for (const c of clusters) {
    const docs = [...new Set(c.members.map((m) => m.documentId))];
    if (!docs.some((d) => chosenSet.has(d))) continue;
    let left = false;
    let changed = false;
    for (const d of docs) {
      // A chosen file refused for another reason (a hard link, another layer) stays in place.
      if ((chosenSet.has(d) && !out.has(d)) || gone.has(d)) continue;
      const loc = locs.get(d);
      if (loc && (await inPlaceAsScanned(loc))) {
        left = true;
        break;
      }
      changed = true;
    }
    if (left) continue;
    const why = changed ? ' (its other files are gone or changed since the scan)' : '';
    for (const d of docs) {
      if (chosenSet.has(d) && !out.has(d)) {
        out.set(d, { code: 'last-copy', message: `it would leave cluster ${c.id} without any file in place${why}; keep at least one of its files` });
      }
    }
  }
  return out;
}

/** The file is still a regular file with the scanned size and modification time. */
async function inPlaceAsScanned(loc: DocumentLocation): Promise<boolean> {
  try {
    const st = await fs.stat(toFsPath(path.join(loc.root, loc.relPath)));
    return st.isFile() && st.size === loc.size && Math.abs(st.mtimeMs - loc.mtimeMs) < 1;
  } catch {
    return false;
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `p`, or `name (2).ext`, `name (3).ext`, ... if taken. */
async function freeName(p: string): Promise<string> {
  if (!(await pathExists(p))) return p;
  const ext = path.extname(p);
  const stem = p.slice(0, p.length - ext.length);
  for (let i = 2; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!(await pathExists(candidate))) return candidate;
  }
}

/** Moves one file safely (see fs/safeMove); kept here for callers of the dedup module. */
export const moveFile = safeMoveFile;
