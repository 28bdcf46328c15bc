/**
 * The CLI the way a person runs it: `tenc check --pairs` in batched API calls with plain progress
 * lines on a pipe, and `builtin` accepted wherever a model is (`tenc eval --model builtin`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { main as tenc } from '../../src/cli/main';
import { Engine } from '../../src/engine/api/engine';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-cli-')));
const dataDir = path.join(base, 'data');
const pairsFile = path.join(base, 'pairs.tsv');
const scoredFile = path.join(base, 'scored.tsv');
let sentences: string[] = [];

/** Runs `tenc` in this process with stdout and stderr captured (not a terminal). */
async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const tty = process.stderr.isTTY;
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), true)) as typeof process.stderr.write;
  process.stderr.isTTY = false;
  try {
    return { code: await tenc(args), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.stderr.isTTY = tty;
  }
}

beforeAll(() => {
  const corpus = path.join(repoRoot, 'resources/sample-corpus');
  sentences = fs
    .readdirSync(corpus)
    .flatMap((f) => fs.readFileSync(path.join(corpus, f), 'utf8').split(/(?<=[.!?])\s+|\n+/))
    .map((s) => s.replace(/[#*_\t]/g, ' ').trim())
    .filter((s) => s.length > 20);
  const rows = Array.from({ length: 300 }, (_, i) => `${sentences[i % sentences.length]}\t${sentences[(i * 7 + 3) % sentences.length]}`);
  fs.writeFileSync(pairsFile, rows.join('\n') + '\n');
  const scored = Array.from(
    { length: 40 },
    (_, i) => `${(i % 6).toFixed(1)}\t${sentences[i % sentences.length]}\t${sentences[(i * 3 + (i % 6)) % sentences.length]}`,
  );
  fs.writeFileSync(scoredFile, ['score\tsentence1\tsentence2', ...scored].join('\n') + '\n');
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

it('checks a file of pairs in batched calls, prints plain progress lines on a pipe, and matches the single check', async () => {
  const calls = vi.spyOn(Engine.prototype, 'call');
  const out = path.join(base, 'checked.tsv');
  const started = Date.now();
  const r = await runCli(['check', '--pairs', pairsFile, '--out', out, '--data-dir', dataDir]);
  const seconds = (Date.now() - started) / 1000;
  const methods = calls.mock.calls.map((c) => c[0]);
  calls.mockRestore();
  expect(r.code, r.stderr).toBe(0);
  expect(methods.filter((m) => m === 'check.pairs')).toHaveLength(3);
  expect(methods).not.toContain('check.pair');
  expect(r.stderr).not.toContain('\r');
  expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('checked 300/300 100%');
  const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
  expect(lines).toHaveLength(301);
  console.log(`tenc check --pairs: 300 pairs in ${seconds.toFixed(1)} s`);

  // The same verdict and scores as one pair at a time.
  const engine = await Engine.open({ dataDir, transport: 'direct' });
  try {
    for (const i of [0, 137, 299]) {
      const [bi, , verdict, a, b] = lines[i + 1]!.split('\t');
      const single = await engine.invoke('check.pair', { a: a!, b: b! });
      expect(Number(bi)).toBeCloseTo(single.biScore, 3);
      expect(verdict).toBe(single.verdict);
    }
  } finally {
    await engine.close();
  }
}, 300_000);

it('accepts builtin as the model of tenc eval and tenc check, and explains a model that does not exist', async () => {
  const evaluated = await runCli(['eval', scoredFile, '--model', 'builtin', '--data-dir', dataDir]);
  expect(evaluated.code, evaluated.stderr).toBe(0);
  const result = JSON.parse(evaluated.stdout) as { spearman: number; n: number };
  expect(result.n).toBe(40);
  expect(Number.isFinite(result.spearman)).toBe(true);

  const checked = await runCli(['check', 'A man is playing a guitar.', 'A man plays the guitar.', '--model', 'builtin', '--data-dir', dataDir]);
  expect(checked.code, checked.stderr).toBe(0);
  expect(checked.stdout).toMatch(/^paraphrase \(bi score 0\.\d+/);

  const missing = await runCli(['eval', scoredFile, '--model', 'no-such-model', '--data-dir', dataDir]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/no model "no-such-model".*builtin/);
  const noCross = await runCli(['check', 'a', 'b', '--cross', 'builtin', '--data-dir', dataDir]);
  expect(noCross.code).toBe(1);
  expect(noCross.stderr).toMatch(/no built-in cross-encoder/);
}, 300_000);
