/**
 * The folders a person chose in the app's native dialog, remembered in the data folder so that
 * their scans, corpora and runs stay reachable after a restart (the path policy hides stored
 * items outside the granted folders). Only trusted code writes it: the dialog's result.
 */
import fs from 'node:fs';
import path from 'node:path';

const FILE = 'allowed-folders.json';

export function readGrants(dataDir: string): string[] {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dataDir, FILE), 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)) : [];
  } catch {
    return [];
  }
}

export function rememberGrant(dataDir: string, root: string): void {
  const grants = new Set(readGrants(dataDir));
  if (grants.has(root)) return;
  grants.add(root);
  const file = path.join(dataDir, FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify([...grants].sort(), null, 2) + '\n');
  fs.renameSync(tmp, file);
}
