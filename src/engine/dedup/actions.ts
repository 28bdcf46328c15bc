/**
 * Safe actions on duplicates: files are moved to a quarantine folder, never deleted, and every
 * move is logged (file_actions) so a whole batch can be undone.
 *
 * Layout: <quarantine>/<scan id>/<root folder name>/<path relative to the root>. A file is
 * refused (not moved) when it changed since the scan (size, modification time or content
 * hash differ), when it is gone, or when moving it would leave a duplicate cluster with no
 * member in place. Moves use rename, and across file systems copy + fsync + verify + unlink.
 */
import { createHash, randomUUID } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store';
import { contentHash } from '../text/normalize';
import { readDocument as defaultReadDocument } from '../text/readDocument';
import type { ReadDocumentFn } from './scan';
import { documentLocations } from './scanQueries';

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

export interface FileMoveOutcome {
  /** The scanned document (moves); null for restores, which work from the action log. */
  documentId: number | null;
  /** Where the file was (moves) or is to be restored to (undo). */
  sourcePath: string;
  destPath: string | null;
  ok: boolean;
  /** Why it was refused or failed (absent when ok). */
  message?: string;
}

export interface QuarantineResult {
  batchId: string;
  moved: FileMoveOutcome[];
  refused: FileMoveOutcome[];
}

/** File operations, replaceable in tests (e.g. to make rename fail with EXDEV). */
export interface FileOps {
  rename(from: string, to: string): Promise<void>;
}

const realOps: FileOps = { rename: (a, b) => fs.rename(a, b) };

export interface QuarantineOptions {
  store: Store;
  scanId: number;
  documentIds: readonly number[];
  quarantineDir: string;
  /** Replaces readDocument for the content check (tests). */
  readDocument?: ReadDocumentFn;
  fileOps?: FileOps;
}

/**
 * Moves the chosen duplicates of a scan into quarantine as one batch. Checks the quarantine
 * folder first (a read-only or otherwise unwritable folder throws QuarantineUnavailableError
 * before anything moves), then each file; refusals are reported, not thrown.
 */
export async function quarantineFiles(opts: QuarantineOptions): Promise<QuarantineResult> {
  const { store, scanId } = opts;
  const ops = opts.fileOps ?? realOps;
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
  const scanDir = path.join(quarantine, String(scanId));
  await ensureWritableFolder(scanDir, quarantine);

  const batchId = randomUUID();
  const result: QuarantineResult = { batchId, moved: [], refused: [] };
  const ids = [...new Set(opts.documentIds)];
  const locations = await documentLocations(store.db, ids);
  const rootNames = rootFolderNames(scan.roots);
  const lastCopy = await lastCopyGuard(store, scanId, ids);

  for (const id of ids) {
    const loc = locations.get(id);
    if (!loc) {
      result.refused.push({ documentId: id, sourcePath: '', destPath: null, ok: false, message: `document ${id} is not known` });
      continue;
    }
    const source = path.join(loc.root, loc.relPath);
    const refuse = (message: string) => result.refused.push({ documentId: id, sourcePath: source, destPath: null, ok: false, message });
    const rootName = rootNames.get(loc.root);
    if (rootName === undefined) {
      refuse(`${source} is not in a folder of scan ${scanId}`);
      continue;
    }
    const guard = lastCopy.get(id);
    if (guard) {
      refuse(guard);
      continue;
    }
    const changed = await changedSinceScan(source, loc, read);
    if (changed) {
      refuse(changed);
      continue;
    }
    const dest = await freeName(path.join(scanDir, rootName, loc.relPath));
    // Logged before the move so a crash midway leaves a trail; a failed move is marked undone.
    const [actionId] = await store.fileActions.log([
      { scanId, batchId, action: 'move', sourcePath: source, destPath: dest, contentHash: loc.contentHash ?? '', size: loc.size, mtimeMs: loc.mtimeMs },
    ]);
    try {
      await moveFile(source, dest, ops);
      result.moved.push({ documentId: id, sourcePath: source, destPath: dest, ok: true });
    } catch (err) {
      await store.fileActions.markUndone([actionId]);
      refuse(`could not be moved: ${describeError(err)}`);
    }
  }
  return result;
}

export interface UndoResult {
  batchId: string;
  restored: FileMoveOutcome[];
  refused: FileMoveOutcome[];
}

/**
 * Moves the files of a batch back to where they were (newest move first) and marks those
 * actions undone. A file whose original path is occupied again, or whose quarantined copy is
 * gone, is refused with a message and stays as it is.
 */
export async function undoBatch(store: Store, batchId: string, fileOps: FileOps = realOps): Promise<UndoResult> {
  const actions = await store.fileActions.listBatch(batchId);
  if (actions.length === 0) throw new Error(`there is no batch ${batchId}`);
  const result: UndoResult = { batchId, restored: [], refused: [] };
  for (const a of [...actions].reverse()) {
    if (a.action !== 'move' || a.undoneAt) continue;
    const outcome = { documentId: null, sourcePath: a.sourcePath, destPath: a.destPath };
    if (!(await exists(a.destPath))) {
      result.refused.push({ ...outcome, ok: false, message: `the quarantined file ${a.destPath} is no longer there` });
      continue;
    }
    if (await exists(a.sourcePath)) {
      result.refused.push({
        ...outcome,
        ok: false,
        message: `${a.sourcePath} is occupied by another file now; move or rename that file, then undo again`,
      });
      continue;
    }
    try {
      await moveFile(a.destPath, a.sourcePath, fileOps);
      await store.fileActions.markUndone([a.id]);
      result.restored.push({ ...outcome, ok: true });
    } catch (err) {
      result.refused.push({ ...outcome, ok: false, message: `could not be restored: ${describeError(err)}` });
    }
  }
  return result;
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

/**
 * mkdir -p, one level at a time. Node's recursive mkdir can loop forever where mkdir answers
 * ENOENT for a folder whose parent exists (procfs), and reports a read-only file system as
 * ENOENT; this surfaces the real error of the first level that cannot be made.
 */
async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let p = path.resolve(dir);
  for (;;) {
    try {
      const st = await fs.stat(p);
      if (!st.isDirectory()) throw Object.assign(new Error(`${p} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const parent = path.dirname(p);
      if (parent === p) throw err;
      missing.push(p);
      p = parent;
    }
  }
  for (const m of missing.reverse()) {
    try {
      await fs.mkdir(m);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The most telling reason a folder cannot be written: a file in the path, a read-only file system, permissions. */
async function explainWriteFailure(dir: string, err: unknown): Promise<string> {
  let p = path.resolve(dir);
  for (;;) {
    try {
      const st = await fs.stat(p);
      if (!st.isDirectory()) return describeError(Object.assign(new Error(''), { code: 'ENOTDIR' }));
      await fs.access(p, fsConstants.W_OK);
      // mkdir answered ENOENT inside an existing folder: a special file system such as /proc.
      if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return `folders cannot be created in ${p}`;
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return describeError(e);
      const parent = path.dirname(p);
      if (parent === p) break;
      p = parent;
    }
  }
  return describeError(err);
}

/** A message when the file differs from what the scan saw, else null. */
async function changedSinceScan(
  file: string,
  known: { size: number; mtimeMs: number; contentHash: string | null },
  read: ReadDocumentFn,
): Promise<string | null> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    return `${file} is no longer there (${describeError(err)})`;
  }
  if (!st.isFile()) return `${file} is no longer a regular file`;
  if (st.size !== known.size) return `${file} changed since the scan (size ${known.size} → ${st.size} bytes); scan again before moving it`;
  // Under a millisecond apart is the same time: copies across file systems keep mtimes to about that.
  if (Math.abs(st.mtimeMs - known.mtimeMs) >= 1) {
    return `${file} changed since the scan (modified ${new Date(st.mtimeMs).toISOString()}, scanned version from ${new Date(known.mtimeMs).toISOString()}); scan again before moving it`;
  }
  if (known.contentHash) {
    const r = await read(file, {});
    if (!r.ok) return `${file} can no longer be read (${r.reason})`;
    if (contentHash(r.text) !== known.contentHash) return `${file} changed since the scan (its content differs); scan again before moving it`;
  }
  return null;
}

/**
 * For each chosen document, a refusal message if moving the chosen set would empty one of its
 * file-level clusters in this scan (the last copy must stay). A file not chosen counts as a copy
 * left in place only if it is still there as scanned (same size and modification time).
 */
async function lastCopyGuard(store: Store, scanId: number, chosen: readonly number[]): Promise<Map<number, string>> {
  const chosenSet = new Set(chosen);
  const out = new Map<number, string>();
  // Files already in quarantine from earlier batches of this scan count as gone.
  const gone = new Set<number>();
  const moved = await store.db.all<{ source_path: string }>(
    "SELECT source_path FROM file_actions WHERE scan_id = ? AND action = 'move' AND undone_at IS NULL",
    [scanId],
  );
  const movedPaths = new Set(moved.map((m) => m.source_path));
  const clusters = await store.scans.listClusters(scanId);
  const memberIds = clusters.flatMap((c) => c.members.map((m) => m.documentId));
  const locs = await documentLocations(store.db, memberIds);
  for (const [id, loc] of locs) if (movedPaths.has(path.join(loc.root, loc.relPath))) gone.add(id);
  for (const c of clusters) {
    if (c.members.some((m) => m.passageId != null)) continue; // passage clusters do not hold whole files
    const docs = [...new Set(c.members.map((m) => m.documentId))];
    if (!docs.some((d) => chosenSet.has(d))) continue;
    let left = false;
    let changed = false;
    for (const d of docs) {
      if (chosenSet.has(d) || gone.has(d)) continue;
      const loc = locs.get(d);
      if (loc && (await inPlaceAsScanned(path.join(loc.root, loc.relPath), loc))) {
        left = true;
        break;
      }
      changed = true;
    }
    if (left) continue;
    const why = changed ? ' (its other files are gone or changed since the scan)' : '';
    for (const d of docs) {
      if (chosenSet.has(d) && !out.has(d)) out.set(d, `it would leave cluster ${c.id} without any file in place${why}; keep at least one of its files`);
    }
  }
  return out;
}

/** The file is still a regular file with the scanned size and modification time. */
async function inPlaceAsScanned(file: string, known: { size: number; mtimeMs: number }): Promise<boolean> {
  try {
    const st = await fs.stat(file);
    return st.isFile() && st.size === known.size && Math.abs(st.mtimeMs - known.mtimeMs) < 1;
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
  if (!(await exists(p))) return p;
  const ext = path.extname(p);
  const stem = p.slice(0, p.length - ext.length);
  for (let i = 2; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!(await exists(candidate))) return candidate;
  }
}

/**
 * Moves a file, creating the destination folder. Rename when source and destination share a
 * file system; otherwise copy (never overwriting), fsync, compare sizes and SHA-256, restore
 * the modification time, and only then remove the source.
 */
export async function moveFile(from: string, to: string, ops: FileOps = realOps): Promise<void> {
  await makeFolders(path.dirname(to));
  if (await exists(to)) throw new Error(`${to} already exists`);
  try {
    await ops.rename(from, to);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  const st = await fs.stat(from);
  await fs.copyFile(from, to, fsConstants.COPYFILE_EXCL);
  try {
    const h = await fs.open(to, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
    const [a, b] = await Promise.all([sha256File(from), sha256File(to)]);
    const copied = await fs.stat(to);
    if (copied.size !== st.size || a !== b) throw new Error(`the copy at ${to} does not match the original`);
    // Seconds as numbers keep sub-millisecond precision (Date objects would drop it).
    await fs.utimes(to, st.atimeMs / 1000, st.mtimeMs / 1000);
  } catch (err) {
    await fs.rm(to, { force: true });
    throw err;
  }
  await fs.unlink(from);
}

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'ENOENT':
      return 'the path does not exist';
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
