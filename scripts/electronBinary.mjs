// Finds the Electron executable without triggering the electron package's lazy download.
import fs from 'node:fs';
import path from 'node:path';

export function findElectronBinary(root = path.resolve(import.meta.dirname, '..')) {
  const dir = path.join(root, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = path.join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH,
      process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron',
    );
    return fs.existsSync(p) ? p : null;
  }
  try {
    const rel = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const p = path.join(dir, 'dist', rel);
    return fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

export const HOW_TO_GET_ELECTRON =
  'No Electron binary is installed (it is downloaded separately from the npm package).\n' +
  'Get one with `npx install-electron` on a machine with internet access, or set ELECTRON_OVERRIDE_DIST_PATH\n' +
  'to a folder that holds an Electron build. Without it you can use `npm run serve` (the same UI in your browser)\n' +
  'or the `tenc` command line.';
