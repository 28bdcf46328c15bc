/**
 * Where the desktop app keeps its data when the person chose another folder in Settings: a small
 * pointer file in Electron's per-user folder (`data-location.json`), read at start. A pointer
 * that is unreadable, or names a folder that is not absolute, is ignored (the default is used).
 */
import fs from 'node:fs';
import path from 'node:path';

export const DATA_LOCATION_FILE = 'data-location.json';

export function readDataLocation(userDataDir: string): string | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(userDataDir, DATA_LOCATION_FILE), 'utf8'));
    const dir = (parsed as { dataDir?: unknown } | null)?.dataDir;
    return typeof dir === 'string' && path.isAbsolute(dir) && !dir.includes('\0') ? dir : null;
  } catch {
    return null;
  }
}

/** Writes the pointer atomically (temporary file, then rename). */
export function writeDataLocation(userDataDir: string, dataDir: string): void {
  if (!path.isAbsolute(dataDir) || dataDir.includes('\0')) throw new Error(`not an absolute folder path: ${dataDir}`);
  fs.mkdirSync(userDataDir, { recursive: true });
  const file = path.join(userDataDir, DATA_LOCATION_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ dataDir }, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
