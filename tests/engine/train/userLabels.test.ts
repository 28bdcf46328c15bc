import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { Engine } from '../../../src/engine/api/engine';
import { useSharedGlove } from '../../helpers/gloveDir';
import { writeDevPairsFile } from '../../helpers/devPairs';
import { ApiError } from '../../../src/engine/api/errors';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-labels-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

itWithData(
  'pairs the user labelled pick the model of a run and give its in-domain score before and after',
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairsDir = path.join(dir, 'pairs');
    await writeDevPairsFile(path.join(pairsDir, 'pairs.tsv'), 0, 24);
    useSharedGlove(path.join(dir, 'data'));
    const engine = await Engine.open({ dataDir: path.join(dir, 'data'), transport: 'direct', allowedRoots: [pairsDir] });
    try {
      // Bad labels are refused and change nothing.
      await expect(engine.call('labels.add', { a: 'x', b: 'y', label: 3, scale: 'binary' })).rejects.toBeInstanceOf(ApiError);
      await expect(engine.call('labels.add', { a: '', b: 'y', label: 1, scale: 'binary' })).rejects.toBeInstanceOf(ApiError);
      expect(await engine.invoke('labels.list', {})).toEqual([]);
      // The user grades 12 other pairs 0-5.
      for (let i = 100; i < 112; i++) await engine.invoke('labels.add', { a: dev.a[i]!, b: dev.b[i]!, label: dev.gold[i]!, scale: '0-5' });
      expect(await engine.invoke('labels.list', {})).toHaveLength(12);

      const { jobId, runId } = await engine.invoke('train.start', {
        preset: 'quick',
        pairsFile: path.join(pairsDir, 'pairs.tsv'),
        overrides: { cycles: 2, biToCross: { batchSize: 8, maxLength: 16 }, crossToBi: { batchSize: 8, maxLength: 16 } },
      });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status).toBe('done');
      const result = job!.result as {
        selection: { rule: string; cycle: number; values: { cycle: number; value: number }[] };
        startUserScore: number | null;
        cycles: { userScore: number | null }[];
      };
      expect(result.selection.rule).toBe('user-labels');
      expect(result.startUserScore).not.toBeNull();
      expect(result.cycles.every((c) => typeof c.userScore === 'number')).toBe(true);
      // The chosen cycle is the one with the best score on the user's labels.
      const best = result.selection.values.reduce((a, b) => (b.value > a.value ? b : a));
      expect(result.selection.cycle).toBe(best.cycle);
      // runs.get does not ship the training data back.
      const details = await engine.invoke('runs.get', { runId });
      expect(details.settings?.source).toEqual({ kind: 'pairs', count: 24 });
      expect(details.metrics.some((m) => m.name === 'user_labels_score')).toBe(true);
    } finally {
      await engine.close();
    }
  },
  600_000,
);
