import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { itWithData, sharedData } from '../../helpers/sharedData';
import { useSharedGlove } from '../../helpers/gloveDir';

/**
 * Kill a training process mid-cycle, start it again, and it finishes from its checkpoint with
 * the same steps, byte-identical weights and the same result as an uninterrupted run (the same
 * settings and pairs): what the docs claim for resume.
 */
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-crash-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
const child = path.resolve(import.meta.dirname, 'fixtures/trainChild.ts');

const pairsFile = path.join(base, 'pairs', 'pairs.tsv');
fs.mkdirSync(path.dirname(pairsFile));
if (sharedData) {
  const lines = fs.readFileSync(path.join(sharedData, 'sts', 'stsb-dev.tsv'), 'utf8').split('\n');
  fs.writeFileSync(pairsFile, lines.slice(0, 1 + 28).join('\n') + '\n');
}

interface Line {
  runId?: number;
  done?: number;
  total?: number;
  stage?: string;
  final?: string;
  error?: string;
  result?: { runId: number; cycles: unknown[] };
}

function runChild(dataDir: string, args: string[], killWhen?: (l: Line) => boolean): Promise<{ lines: Line[]; killed: boolean }> {
  // GloVe converted once for the tests (a run would convert it into each fresh data folder).
  useSharedGlove(dataDir);
  return new Promise((resolve, reject) => {
    // node itself (not the tsx CLI, which runs the script in a grandchild that SIGKILL would not reach).
    const p = spawn(process.execPath, ['--import', 'tsx', child, dataDir, pairsFile, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Line[] = [];
    let buf = '';
    let stderr = '';
    let killed = false;
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, nl)) as Line;
        buf = buf.slice(nl + 1);
        out.push(line);
        if (!killed && killWhen?.(line)) {
          killed = true;
          p.kill('SIGKILL');
        }
      }
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ lines: out, killed });
    });
  });
}

function readState(dataDir: string, runId: number) {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'runs', `run-${runId}`, 'state.json'), 'utf8')) as {
    globalStep: number;
    totalSteps: number;
    cycle: number;
    phase: string;
    history: unknown[];
  };
}

itWithData(
  'a killed run resumes from its checkpoint and ends with the same steps, weights and result as an uninterrupted run',
  async () => {
    const cleanDir = path.join(base, 'clean');
    const clean = await runChild(cleanDir, ['start']);
    const cleanRun = clean.lines.find((l) => l.runId)!.runId!;
    expect(clean.lines.at(-1)?.error ?? null).toBeNull();
    expect(clean.lines.at(-1)).toMatchObject({ final: 'done' });
    const cleanState = readState(cleanDir, cleanRun);
    expect(cleanState.globalStep).toBe(cleanState.totalSteps);
    expect(cleanState.totalSteps).toBeGreaterThan(8);

    const crashDir = path.join(base, 'crash');
    // Kill in the first cycle's cross->bi phase, after at least one checkpoint.
    const first = await runChild(
      crashDir,
      ['start'],
      (l) => (l.stage ?? '').includes('cycle 1/2: cross->bi') && (l.done ?? 0) >= 2 + cleanState.totalSteps / 4,
    );
    expect(first.killed).toBe(true);
    const runId = first.lines.find((l) => l.runId)!.runId!;
    // The killed process is really gone: nothing writes the run any more.
    const stateFile = path.join(crashDir, 'runs', `run-${runId}`, 'state.json');
    const before = fs.readFileSync(stateFile, 'utf8');
    await new Promise((r) => setTimeout(r, 3000));
    expect(fs.readFileSync(stateFile, 'utf8')).toBe(before);
    const mid = readState(crashDir, runId);
    expect(mid.globalStep).toBeGreaterThan(0);
    expect(mid.globalStep).toBeLessThan(cleanState.totalSteps);

    const second = await runChild(crashDir, ['resume', String(runId)]);
    expect(second.lines.at(-1)?.error ?? null).toBeNull();
    expect(second.lines.at(-1)).toMatchObject({ final: 'done' });
    // It went on from the checkpoint, not from scratch.
    const firstResumedStep = second.lines.find((l) => l.stage?.startsWith('cycle') && (l.done ?? 0) > 0)!.done!;
    expect(firstResumedStep).toBeGreaterThan(mid.globalStep - 1);
    const end = readState(crashDir, runId);
    expect(end.globalStep).toBe(cleanState.totalSteps);
    expect(end.totalSteps).toBe(cleanState.totalSteps);
    expect(end.history).toHaveLength(2);
    // The run's result covers both cycles, including the one done before the crash.
    expect(second.lines.at(-1)!.result!.cycles).toHaveLength(2);
    // What the docs claim: the resumed run ends where the uninterrupted one did, weight for weight.
    for (const c of [1, 2])
      for (const kind of ['bi', 'cross']) {
        const model = `cycle${c}-${kind}-0-use-lite`;
        const resumed = fs.readFileSync(path.join(crashDir, 'runs', `run-${runId}`, 'models', model, 'weights.safetensors'));
        const uninterrupted = fs.readFileSync(path.join(cleanDir, 'runs', `run-${cleanRun}`, 'models', model, 'weights.safetensors'));
        expect({ model, differingBytes: differingBytes(resumed, uninterrupted), size: resumed.length }).toEqual({
          model,
          differingBytes: 0,
          size: uninterrupted.length,
        });
      }
    expect(second.lines.at(-1)!.result).toEqual({ ...clean.lines.at(-1)!.result, runId });
  },
  600_000,
);

function differingBytes(a: Buffer, b: Buffer): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}
