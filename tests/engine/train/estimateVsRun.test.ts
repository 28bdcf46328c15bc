import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { BUILTIN_BASE } from '../../../src/engine/models/modelFiles';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';
import { measureInProcess } from '../../../src/engine/train/costMeasurers';
import { TrainingEstimator } from '../../../src/engine/train/estimate';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { runTransEncoder } from '../../../src/engine/train/transEncoder';

/**
 * End to end: the estimate of a short run against the wall time of that run (20 steps on 40
 * pairs). The machine is shared with other work, so the two only have to agree within 3x.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-estimate-run-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

itWithData(
  'the estimate of a short run is within 3x of its wall time',
  async () => {
    const backend = await initBackend('auto');
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(10, 50), b: dev.b.slice(10, 50) };
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      dropout: 0,
      checkpointEverySteps: 5,
      biToCross: { batchSize: 8, maxLength: 32 },
      crossToBi: { batchSize: 4, maxLength: 32, epochs: 1 },
    });
    const estimator = new TrainingEstimator({ measure: measureInProcess, backend: async () => backend.name });
    // A run of 50 pairs keeps 10 out and trains on 40 (maxPairs): these 40.
    const source = { kind: 'pairs' as const, a: dev.a.slice(0, 50), b: dev.b.slice(0, 50) };
    const est = await estimator.estimate({ settings: { ...settings, maxPairs: 40 }, source, bases: [BUILTIN_BASE] });
    expect(est.pairs).toMatchObject({ train: 40, heldOut: 10 });
    const expected = est.seconds - est.breakdown.evaluation;

    const t = performance.now();
    const members = [{ name: 'm', bi: loadUseLiteBiEncoder(), cross: loadUseLiteCrossEncoder() }];
    const state = await runTransEncoder({ members, pairs, settings, runDir: path.join(dir, 'run') });
    const wall = (performance.now() - t) / 1000;
    members[0]!.bi.dispose();
    members[0]!.cross.dispose();

    console.log(
      `estimate ${expected.toFixed(1)} s (${est.summary}), real ${wall.toFixed(1)} s, ratio ${(expected / wall).toFixed(2)}; ${est.basis.join(' | ')}`,
    );
    expect(state.totalSteps).toBe(20);
    expect(est.steps.total).toBe(state.totalSteps);
    expect(expected / wall).toBeGreaterThan(0.33);
    expect(expected / wall).toBeLessThan(3);
  },
  120_000,
);
