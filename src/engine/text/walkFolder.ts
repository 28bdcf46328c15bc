import fs from 'node:fs/promises';
import path from 'node:path';
import { bytesToPathString, toFsPath } from '../fs/pathBytes';

export interface WalkedFile {
  /**
   * Paths as strings; a name that is not valid UTF-8 holds its raw bytes as escapes (see
   * fs/pathBytes): open it through toFsPath (readDocument does), show it through displayPath.
   */
  absPath: string;
  relPath: string;
  size: number;
  mtimeMs: number;
  /** Device and inode: two names with the same pair are one file (hard links). */
  dev: number;
  ino: number;
}

export interface SkippedEntry {
  relPath: string;
  reason: string;
}

/**
 * Lists the regular files under `root`, depth first in name order. Symbolic links are not
 * followed (a link can point outside the chosen folder or into a loop): they are reported as
 * skipped, as are entries that cannot be read. Names are read as bytes, so a name that is not
 * valid UTF-8 is listed (and opens) like any other.
 */
export async function* walkFolder(root: string, signal?: AbortSignal): AsyncGenerator<{ file: WalkedFile } | { skipped: SkippedEntry }> {
  const stack: string[] = [''];
  while (stack.length) {
    if (signal?.aborted) return;
    const rel = stack.pop()!;
    const dir = path.join(root, rel);
    let entries;
    try {
      entries = await fs.readdir(toFsPath(dir), { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      yield { skipped: { relPath: rel || '.', reason: describeFsError(err, 'folder cannot be read') } };
      continue;
    }
    // Names in byte order (the same for every name, whether it decodes as UTF-8 or not).
    entries.sort((a, b) => Buffer.compare(b.name, a.name));
    const subdirs: string[] = [];
    const files: string[] = [];
    for (const e of entries) {
      const name = bytesToPathString(e.name);
      const childRel = rel ? path.join(rel, name) : name;
      if (e.isSymbolicLink()) {
        yield { skipped: { relPath: childRel, reason: 'symbolic link (not followed)' } };
      } else if (e.isDirectory()) {
        subdirs.push(childRel);
      } else if (e.isFile()) {
        files.push(childRel);
      } else {
        yield { skipped: { relPath: childRel, reason: `not a regular file (${specialKind(e)})` } };
      }
    }
    for (const childRel of files.reverse()) {
      try {
        const st = await fs.stat(toFsPath(path.join(root, childRel)));
        yield { file: { absPath: path.join(root, childRel), relPath: childRel, size: st.size, mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino } };
      } catch (err) {
        yield { skipped: { relPath: childRel, reason: describeFsError(err, 'file disappeared or cannot be read') } };
      }
    }
    // Pushed in reverse name order so they pop in name order.
    stack.push(...subdirs);
  }
}

/** What a directory entry that is neither file, folder nor link is (it is never opened: a pipe would block). */
function specialKind(e: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (e.isFIFO()) return 'named pipe';
  if (e.isSocket()) return 'socket';
  if (e.isCharacterDevice() || e.isBlockDevice()) return 'device';
  return 'unknown type';
}

export function describeFsError(err: unknown, fallback: string): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'file was deleted during the scan';
    case 'EISDIR':
      return 'is a folder';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return code ? `${fallback} (${code})` : fallback;
  }
}
