// Fetches the two optional downloads of a normal install, the Electron binary and the
// ONNX Runtime CUDA provider, without letting an offline failure fail `npm install`.
// onnxruntime-node's own postinstall (which fails an offline install) is denied in package.json's
// `allowScripts` (npm 11.19+ skips a denied package's scripts silently; npm warns about unknown
// .npmrc keys, so the old `onnxruntime-node-install=skip` there is gone). This script is the one
// place that tries the download, and says plainly what is missing and how to get it later.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const offline = process.env.TENC_OFFLINE === '1' || process.env.CI === 'true';
const warn = (msg) => console.warn(`\n[transencoder-studio] warning: ${msg}\n`);

function tryStep(label, args, env, timeoutMs) {
  const res = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'pipe', timeout: timeoutMs, encoding: 'utf8' });
  return res.status === 0
    ? null
    : (res.error?.message ?? (res.stderr || res.stdout || '').trim().split('\n').slice(-2).join(' ')) || `${label} exited with ${res.status}`;
}

// Electron: the npm package downloads its binary lazily; fetch it now where we can.
const electronDir = path.join(root, 'node_modules', 'electron');
if (fs.existsSync(electronDir) && !fs.existsSync(path.join(electronDir, 'path.txt'))) {
  const err = offline ? 'skipped (offline or CI)' : tryStep('electron', [path.join(electronDir, 'install.js')], process.env, 180_000);
  if (err) {
    warn(
      `the Electron binary could not be downloaded (${err}).\n  The CLI (tenc), the browser mode (npm run serve) and the tests work without it.\n  To get the desktop app later: run \`npx install-electron\` with internet access, or set\n  ELECTRON_OVERRIDE_DIST_PATH to a folder holding an Electron ${readVersion(electronDir)} build.`,
    );
  }
}

// ONNX Runtime: the CPU build ships in the package; the CUDA provider is an extra download.
const ortDir = path.join(root, 'node_modules', 'onnxruntime-node');
if (fs.existsSync(ortDir) && process.platform === 'linux' && process.arch === 'x64') {
  const env = { ...process.env };
  delete env.npm_config_onnxruntime_node_install;
  delete env.ONNXRUNTIME_NODE_INSTALL;
  const err = offline ? 'skipped (offline or CI)' : tryStep('onnxruntime-node', [path.join(ortDir, 'script', 'install.js')], env, 180_000);
  if (err) warn(`the ONNX Runtime CUDA provider could not be downloaded (${err}).\n  Inference runs on the CPU provider, which is included.`);
}

function readVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return '';
  }
}
