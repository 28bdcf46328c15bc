/** The layout of the per-user data folder. */
import fs from 'node:fs';
import path from 'node:path';
import { assertOrdinaryFileSystem } from '../fs/specialFs';

export interface DataDirLayout {
  /** Absolute path of the data folder. */
  root: string;
  /** Trained and imported models, one sub-folder each (models.rel_dir is relative to `root`). */
  models: string;
  /** Files moved away by deduplication, kept until the user empties it (undo reads from here). */
  quarantine: string;
  logs: string;
  /** The SQLite database (`studio.sqlite`; SQLite adds `-wal` and `-shm` beside it). */
  databaseFile: string;
}

/** The paths of the layout under `dir`, without touching the disk. */
export function dataDirLayout(dir: string): DataDirLayout {
  const root = path.resolve(dir);
  return {
    root,
    models: path.join(root, 'models'),
    quarantine: path.join(root, 'quarantine'),
    logs: path.join(root, 'logs'),
    databaseFile: path.join(root, 'studio.sqlite'),
  };
}

/** Creates the data folder and its sub-folders where missing and returns their paths. */
export function resolveDataDir(dir: string): DataDirLayout {
  assertOrdinaryFileSystem(dir, 'data folder'); // under /proc, mkdir -p would spin forever
  const layout = dataDirLayout(dir);
  for (const folder of [layout.root, layout.models, layout.quarantine, layout.logs]) {
    fs.mkdirSync(folder, { recursive: true });
  }
  return layout;
}
