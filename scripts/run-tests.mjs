// `npm test`: static checks (typecheck per layer, lint with the layer rules, prettier
// formatting), unit tests (vitest), then the renderer build and the
// browser/Electron end-to-end tests (Playwright with Debian's Chromium). Each static check counts
// as one test. Prints the wall time of each step and one closing line: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
fs.mkdirSync(results, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const timings = [];
const run = (cmd, args, env = {}) => {
  const started = Date.now();
  const status = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
  timings.push(
    `${path.basename(cmd)} ${args
      .filter((a) => !a.startsWith('-'))
      .slice(0, 2)
      .join(' ')}`.trim() + `: ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return status;
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

ensureChromium();

let failedSteps = 0;
// Static checks: each is one test in the closing line.
const checks = { passed: 0, failed: 0, skipped: 0 };
const check = (name, script) => {
  console.log(`\n== ${name} (npm run ${script})`);
  const ok = run(npm, ['run', '--silent', script]) === 0;
  checks[ok ? 'passed' : 'failed']++;
  if (!ok) console.error(`${name} failed`);
};
check('typecheck, one tsconfig per layer', 'typecheck');
check('lint with the layer rules', 'lint');
check('formatting (prettier)', 'format:check');

const vitestJson = path.join(results, 'vitest.json');
fs.rmSync(vitestJson, { force: true });
failedSteps += run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]) === 0 ? 0 : 1;

const buildStatus = run(bin('vite'), ['build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn']);
failedSteps += buildStatus === 0 ? 0 : 1;

const pwJson = path.join(results, 'playwright.json');
fs.rmSync(pwJson, { force: true });
if (buildStatus === 0) {
  failedSteps += run(bin('playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson }) === 0 ? 0 : 1;
}

const counts = { ...checks };
try {
  const v = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  counts.passed += v.numPassedTests ?? 0;
  counts.failed += v.numFailedTests ?? 0;
  counts.skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} catch {
  counts.failed += 1;
  console.error('vitest wrote no results');
}
if (buildStatus === 0) {
  try {
    const p = JSON.parse(fs.readFileSync(pwJson, 'utf8'));
    counts.passed += p.stats?.expected ?? 0;
    counts.failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
    counts.skipped += p.stats?.skipped ?? 0;
  } catch {
    counts.failed += 1;
    console.error('playwright wrote no results');
  }
}
if (failedSteps > 0 && counts.failed === checks.failed) counts.failed += failedSteps;
console.log(`\nWall time per step: ${timings.join('; ')}`);
console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(counts.failed > 0 ? 1 : 0);

function ensureChromium() {
  const exe = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (fs.existsSync(exe)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && fs.existsSync('/usr/bin/apt-get')) {
    console.log("Installing Debian's chromium for the browser tests (apt-get install chromium)...");
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium'], { DEBIAN_FRONTEND: 'noninteractive' });
  }
  if (!fs.existsSync(exe)) {
    console.error(`Chromium not found at ${exe}: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`);
  }
}
