// Builds the browser UI (out/renderer) when it is missing or older than its sources, so that
// `npm ci && npm run serve` shows the app instead of "the user interface has not been built".
// The build takes a few seconds (3 s measured on this 2-core machine), so it runs on demand at
// `tenc serve` rather than on every install. Usable as a module or as `node scripts/ensure-renderer.mjs`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
/** What the renderer bundle is made from. */
const SOURCES = ['src/renderer', 'src/shared', 'vite.renderer.config.ts', 'package-lock.json'];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** Why the built UI must be (re)built, or null when it is current. */
export function rendererBuildReason(dir = root) {
  const built = path.join(dir, 'out', 'renderer', 'index.html');
  if (!fs.existsSync(built)) return 'it has not been built yet';
  const builtAt = fs.statSync(built).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(dir, s)) > builtAt);
  return changed ? `${changed} changed since the last build` : null;
}

/**
 * Builds out/renderer when needed. Returns true when a current build is there afterwards;
 * never throws (the server still starts and says what is missing).
 */
export function ensureRenderer({ log = (msg) => process.stderr.write(msg + '\n'), dir = root } = {}) {
  const reason = rendererBuildReason(dir);
  if (!reason) return true;
  const viteBin = path.join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!fs.existsSync(viteBin)) {
    log(`The user interface needs building (${reason}), but vite is not installed. Run \`npm ci\` (with dev dependencies), then start again.`);
    return false;
  }
  log(`Building the user interface (${reason}); this takes a few seconds…`);
  const started = Date.now();
  const res = spawnSync(process.execPath, [viteBin, 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (res.status !== 0) {
    const detail = (res.stderr || res.stdout || res.error?.message || '').trim().split('\n').slice(-5).join('\n');
    log(`Building the user interface failed:\n${detail}\nRun \`npm run build:renderer\` to see the whole output.`);
    return false;
  }
  log(`User interface built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = ensureRenderer() ? 0 : 1;
}
