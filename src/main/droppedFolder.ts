import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder a renderer says was dropped, checked before the person is asked: a string, an
 * absolute path without NUL bytes, an existing folder (a dropped file gives its folder). Null
 * for anything else.
 */
export function droppedFolderPath(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096 || raw.includes('\0') || !path.isAbsolute(raw)) return null;
  try {
    const stat = fs.statSync(raw);
    if (stat.isDirectory()) return path.resolve(raw);
    if (stat.isFile()) return path.dirname(path.resolve(raw));
  } catch {
    return null;
  }
  return null;
}
