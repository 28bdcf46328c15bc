// `npm start`: builds the app and opens it in Electron, or says how to get Electron.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { findElectronBinary, HOW_TO_GET_ELECTRON } from './electronBinary.mjs';

const root = path.resolve(import.meta.dirname, '..');
const electron = findElectronBinary(root);
if (!electron) {
  console.error(HOW_TO_GET_ELECTRON);
  process.exit(1);
}
const build = spawnSync(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(electron, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 0);
