import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { readRunState, runTransEncoder, type RunState } from '../../../src/engine/train/transEncoder';

/**
 * A crash can land between any two writes of a run. This replays the one found by the crash
 * test (after a phase's in-progress files were removed, before its state was written) and
 * checks the resumed run still counts each step once.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-resume-edges-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
});

itWithData(
  'a phase whose in-progress files are gone restarts and still ends with the planned number of steps',
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 12), b: dev.b.slice(0, 12) };
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      checkpointEverySteps: 2,
      biToCross: { batchSize: 4, maxLength: 16 },
      crossToBi: { batchSize: 4, maxLength: 16, epochs: 1 },
    });
    const runDir = path.join(dir, 'run');
    const members = () => [{ name: 'm', bi: loadUseLiteBiEncoder(), cross: loadUseLiteCrossEncoder() }];
    // First run: stop it (like a crash) at the first checkpoint of the cross->bi phase.
    const controller = new AbortController();
    await expect(
      runTransEncoder({
        members: members(),
        pairs,
        settings,
        runDir,
        signal: controller.signal,
        onStep: (p) => {
          if (p.phase === 'cross->bi' && p.step >= 6 + 2) controller.abort();
        },
      }),
    ).rejects.toThrow(/Cancelled/);
    const mid = readRunState(runDir)!;
    expect(mid.phase).toBe('cross->bi');
    expect(mid.step).toBeGreaterThan(0);
    // The crash window: in-progress files removed, state not yet updated.
    for (const f of fs.readdirSync(runDir)) if (f.startsWith('progress-') || f.startsWith('optimizer-')) fs.rmSync(path.join(runDir, f));
    const end: RunState = await runTransEncoder({ members: members(), pairs, settings, runDir });
    expect(end.globalStep).toBe(end.totalSteps);
    expect(end.history).toHaveLength(1);
  },
  300_000,
);
