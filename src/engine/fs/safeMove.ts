/**
 * Moving one file without ever losing it: rename where source and destination share a file
 * system; across file systems copy, fsync, verify the bytes (SHA-256), keep owner, group,
 * permission bits and modification time, and only then remove the source. When the owner or
 * mode cannot be kept (not permitted on the destination), the move is refused with the reason
 * and the copy removed: the file stays where it was, as it was.
 *
 * Paths are strings as bytesToPathString gives them (names that are not UTF-8 work).
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { displayPath, toFsPath } from './pathBytes';

/** The few file operations a move makes that tests replace to inject faults (EXDEV, EPERM, a crash). */
export interface FileOps {
  rename(from: string, to: string): Promise<void>;
  chown(file: string, uid: number, gid: number): Promise<void>;
  unlink(file: string): Promise<void>;
}

export const realFileOps: FileOps = {
  rename: (a, b) => fs.rename(toFsPath(a), toFsPath(b)),
  chown: (f, uid, gid) => fs.chown(toFsPath(f), uid, gid),
  unlink: (f) => fs.unlink(toFsPath(f)),
};

/** A move that was not made, with the reason; the source is untouched. */
export class MoveRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveRefusedError';
  }
}

/**
 * Moves `from` to `to`, creating the destination folder; never overwrites. Throws
 * MoveRefusedError (or the file system's error) when it cannot; the source is then in place.
 */
export async function moveFile(from: string, to: string, ops: Partial<FileOps> = {}): Promise<void> {
  const o = { ...realFileOps, ...ops };
  await makeFolders(path.dirname(to));
  if (await pathExists(to)) throw new MoveRefusedError(`${displayPath(to)} already exists`);
  try {
    await o.rename(from, to);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  await copyAcrossFileSystems(from, to, o);
  try {
    await o.unlink(from);
  } catch (err) {
    // The original cannot be removed (its folder is read-only, say): take the copy back, so the
    // file is in one place only, and say why.
    await fs.rm(toFsPath(to), { force: true });
    throw new MoveRefusedError(
      `${displayPath(from)} was copied to another file system but cannot be removed from where it is (${errorText(err)}); it was left in place`,
    );
  }
}

/** Copy + fsync + verify + keep owner/mode/mtime; on any failure the copy is removed. */
async function copyAcrossFileSystems(from: string, to: string, o: FileOps): Promise<void> {
  const src = toFsPath(from);
  const dst = toFsPath(to);
  const st = await fs.lstat(src);
  if (!st.isFile()) throw new MoveRefusedError(`${displayPath(from)} is not a regular file`);
  await fs.copyFile(src, dst, fsConstants.COPYFILE_EXCL);
  try {
    const h = await fs.open(dst, 'r+');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
    const [a, b] = await Promise.all([sha256File(from), sha256File(to)]);
    if (a !== b) throw new MoveRefusedError(`the copy at ${displayPath(to)} does not match the original`);
    const copied = await fs.lstat(dst);
    if (copied.uid !== st.uid || copied.gid !== st.gid) {
      try {
        await o.chown(to, st.uid, st.gid);
      } catch (err) {
        throw new MoveRefusedError(
          `the destination is on another file system where its owner (user ${st.uid}, group ${st.gid}) cannot be kept (${errorText(err)}); it was left in place`,
        );
      }
    }
    // After chown, which clears set-user-id bits.
    await fs.chmod(dst, st.mode & 0o7777);
    // Seconds as numbers keep sub-millisecond precision (Date objects would drop it).
    await fs.utimes(dst, st.atimeMs / 1000, st.mtimeMs / 1000);
    const kept = await fs.lstat(dst);
    const lost = [
      kept.uid !== st.uid || kept.gid !== st.gid ? 'owner' : null,
      (kept.mode & 0o7777) !== (st.mode & 0o7777) ? 'permissions' : null,
      Math.abs(kept.mtimeMs - st.mtimeMs) >= 1 ? 'modification time' : null,
    ].filter(Boolean);
    if (lost.length) {
      throw new MoveRefusedError(`the destination is on another file system that does not keep the file's ${lost.join(' and ')}; it was left in place`);
    }
  } catch (err) {
    await fs.rm(dst, { force: true });
    throw err;
  }
}

/** SHA-256 of a file's bytes, hex. */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(toFsPath(file))
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

export async function pathExists(p: string): Promise<boolean> {
  try {
    await fs.lstat(toFsPath(p));
    return true;
  } catch {
    return false;
  }
}

/**
 * mkdir -p, one level at a time. Node's recursive mkdir can loop forever where mkdir answers
 * ENOENT for a folder whose parent exists (procfs), and reports a read-only file system as
 * ENOENT; this surfaces the real error of the first level that cannot be made.
 */
export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  let p = path.resolve(dir);
  for (;;) {
    try {
      const st = await fs.stat(toFsPath(p));
      if (!st.isDirectory()) throw Object.assign(new Error(`${displayPath(p)} is not a folder`), { code: 'ENOTDIR' });
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
      await fs.mkdir(toFsPath(m));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** A short reason for a file system error, in words. */
export function errorText(err: unknown): string {
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
    case 'EEXIST':
      return 'the destination exists';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
