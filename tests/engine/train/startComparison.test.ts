import { itWithData } from '../../helpers/sharedData';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { ApiError } from '../../../src/engine/api/errors';
import { writeDevPairsFile } from '../../helpers/devPairs';
import { useSharedGlove } from '../../helpers/gloveDir';
import { jobResultOf } from '../../../src/shared/api';
import { describeTrainOutcome } from '../../../src/cli/trainOutcome';

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-start-cmp-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Without labels a run answers "better / same / worse than the start" by agreement with its
 * strongest teacher on held-out pairs, ranks the start with the cycles, and hands back the
 * start model when the trained one is worse (issue 10).
 */
itWithData(
  'a run without labels ranks the start with every cycle, says better/same/worse, and hands back a model that is not worse',
  async () => {
    const pairsDir = path.join(dir, 'pairs');
    await writeDevPairsFile(path.join(pairsDir, 'pairs.tsv'), 0, 36);
    useSharedGlove(path.join(dir, 'data'));
    const engine = await Engine.open({ dataDir: path.join(dir, 'data'), transport: 'direct', allowedRoots: [pairsDir] });
    try {
      const overrides = { cycles: 2, maxPairs: 24, biToCross: { batchSize: 8, maxLength: 16 }, crossToBi: { batchSize: 8, maxLength: 16 } };
      // A bad evidence weight is refused by the API before anything starts.
      await expect(
        engine.call('train.start', { preset: 'quick', pairsFile: path.join(pairsDir, 'pairs.tsv'), overrides: { ...overrides, teacher: { alignment: -1 } } }),
      ).rejects.toBeInstanceOf(ApiError);
      const { jobId, runId } = await engine.invoke('train.start', { preset: 'quick', pairsFile: path.join(pairsDir, 'pairs.tsv'), overrides });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status).toBe('done');
      const result = job!.result as {
        selection: { rule: string; cycle: number; values: { cycle: number; value: number }[] };
        comparison: { verdict: string; confidence: number; recommended: string; startValue: number; chosenValue: number };
        handBack: { which: string; biModelId: number };
        selected: { biModelId: number };
      };
      expect(result.selection.rule).toBe('teacher-agreement');
      // The start (cycle 0) is ranked with the two cycles; the chosen cycle is the best trained one.
      expect(result.selection.values.map((v) => v.cycle)).toEqual([0, 1, 2]);
      const trained = result.selection.values.filter((v) => v.cycle > 0);
      expect(result.selection.cycle).toBe(trained.reduce((a, b) => (b.value > a.value ? b : a)).cycle);
      expect(['better', 'same', 'worse']).toContain(result.comparison.verdict);
      expect(result.comparison.startValue).toBeCloseTo(result.selection.values[0]!.value, 10);
      expect(result.comparison.confidence).toBeGreaterThanOrEqual(0);
      expect(result.comparison.confidence).toBeLessThanOrEqual(1);
      // Never a worse model without saying so: the start is handed back when the verdict is worse, or
      // when it is 'same' and the start agrees at least as much with the teacher.
      const models = await engine.invoke('models.list', {});
      const handed = models.find((m: { id: number }) => m.id === result.handBack.biModelId) as { kind: string } | undefined;
      const { verdict, startValue, chosenValue } = result.comparison;
      if (verdict === 'worse' || (verdict === 'same' && startValue >= chosenValue)) {
        expect(result.handBack.which).toBe('start');
        expect(handed?.kind).toBe('base');
      } else {
        expect(result.handBack).toEqual({ which: 'trained', biModelId: result.selected.biModelId });
      }
      // Teacher against student and start, per cycle, in the run's metrics.
      const details = await engine.invoke('runs.get', { runId });
      for (const name of ['teacher_agreement_student', 'teacher_agreement_start']) {
        expect(details.metrics.filter((m) => m.name === name).map((m) => m.cycle)).toEqual([1, 2]);
      }
    } finally {
      await engine.close();
    }
  },
  1_500_000,
);

/**
 * A run whose trained bi-encoder is not better than the start: with the start's share at 1 every
 * cycle's bi-encoder is the start model again, so it agrees exactly as much with the teacher. The
 * verdict is "same" and the app hands back the start (issue 10), and the API says which.
 */
itWithData(
  "a run that does not beat the start hands back the start and says 'same'",
  async () => {
    const pairsDir = path.join(dir, 'pairs-same');
    await writeDevPairsFile(path.join(pairsDir, 'pairs.tsv'), 40, 36);
    useSharedGlove(path.join(dir, 'data-same'));
    const engine = await Engine.open({ dataDir: path.join(dir, 'data-same'), transport: 'direct', allowedRoots: [pairsDir] });
    try {
      const overrides = {
        cycles: 1,
        maxPairs: 24,
        biStartShare: 1,
        biToCross: { batchSize: 8, maxLength: 16 },
        crossToBi: { batchSize: 8, maxLength: 16 },
      };
      const { jobId } = await engine.invoke('train.start', { preset: 'quick', pairsFile: path.join(pairsDir, 'pairs.tsv'), overrides });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status).toBe('done');
      const result = jobResultOf(job!, 'train')!;
      expect(result.comparison).toMatchObject({ verdict: 'same', recommended: 'start' });
      expect(result.comparison!.chosenValue).toBe(result.comparison!.startValue);
      // The start model is handed back, not the run's own (unchanged) bi-encoder.
      const models = await engine.invoke('models.list', {});
      const handed = models.find((m) => m.id === result.handBack?.biModelId);
      expect(result.handBack?.which).toBe('start');
      expect(handed?.kind).toBe('base');
      expect(result.handBack?.biModelId).not.toBe(result.selected.biModelId);
      // What the terminal prints after the run.
      expect(describeTrainOutcome(result)).toMatch(/^not better than the start .*; the start is kept and offered instead$/);
    } finally {
      await engine.close();
    }
  },
  600_000,
);
