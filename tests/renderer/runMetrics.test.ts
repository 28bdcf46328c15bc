/**
 * The Run panel's reading of a run, fed with what the engine really returns from runs.get
 * (a run created through the training service, not started), so the renderer and the engine
 * cannot drift apart again: the panel once read `source.a` where the engine sends a count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/api/engine';
import { BUILTIN_BASE } from '../../src/engine/models/modelFiles';
import { createRun } from '../../src/engine/train/trainingService';
import type { RunDetails, TrainRunResult } from '../../src/shared/api';
import { cycleRows, describeRule, judgeRun, lossPoints, mergeLossPoints, pairCounts, runSpec } from '../../src/renderer/src/lib/runMetrics';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function withEngine<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-runmetrics-'));
  dirs.push(dir);
  const engine = await Engine.open({ dataDir: dir, transport: 'direct' });
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

describe('runSpec on runs.get', () => {
  it('shows how many pairs came from a file and recognises the user labels', async () => {
    await withEngine(async (engine) => {
      const runId = await createRun(
        { store: engine.store, layout: engine.layout },
        {
          preset: 'quick',
          overrides: { cycles: 2, maxPairs: 500 },
          bases: [BUILTIN_BASE],
          source: { kind: 'pairs', a: ['a1', 'a2', 'a3'], b: ['b1', 'b2', 'b3'] },
          userLabels: { a: ['x', 'y'], b: ['z', 'w'], labels: [1, 0], scale: 'binary' },
        },
      );
      const details = await engine.invoke('runs.get', { runId });
      const spec = runSpec(details.settings);
      expect(spec.source).toEqual({ kind: 'pairs', count: 3 });
      expect(spec.userLabels).toEqual({ count: 2, scale: 'binary' });
      expect(spec).toMatchObject({ preset: 'quick', cycles: 2, maxPairs: 500, bases: [BUILTIN_BASE] });
      expect(spec.batchBiToCross).toBeGreaterThan(0);
      // The training data itself never travels back to a client.
      expect(JSON.stringify(details.settings)).not.toContain('a2');
    });
  });

  it('counts the sentences of a corpus run and has no user labels without them', async () => {
    await withEngine(async (engine) => {
      const runId = await createRun(
        { store: engine.store, layout: engine.layout },
        { preset: 'standard', bases: [BUILTIN_BASE], source: { kind: 'texts', texts: ['one', 'two', 'three', 'four'] } },
      );
      const spec = runSpec((await engine.invoke('runs.get', { runId })).settings);
      expect(spec.source).toEqual({ kind: 'texts', count: 4 });
      expect(spec.userLabels).toBeNull();
      expect(spec.preset).toBe('standard');
    });
  });

  it('reads an unreadable stored spec as unknown rather than failing', () => {
    expect(runSpec(null)).toMatchObject({ preset: null, source: null, userLabels: null, bases: [] });
  });
});

type Metric = RunDetails['metrics'][number];
const m = (stage: string, name: string, value: number | null, step: number | null = null, cycle: number | null = null): Metric => ({
  stage,
  name,
  value,
  step,
  cycle,
});

describe('loss curves and cycle rows', () => {
  it('keeps the later value of a step redone after a resume, in step order', () => {
    const points = lossPoints([
      m('bi->cross', 'loss', 0.9, 2),
      m('bi->cross', 'loss', 1.0, 1),
      m('bi->cross', 'loss', 0.7, 2),
      m('cycle', 'loss', 5, 3),
      m('cross->bi', 'loss', NaN, 4),
    ]);
    expect(points).toEqual([
      { step: 1, phase: 'bi->cross', loss: 1.0 },
      { step: 2, phase: 'bi->cross', loss: 0.7 },
    ]);
    const merged = mergeLossPoints(points, [
      { step: 2, phase: 'bi->cross', loss: 0.5 },
      { step: 3, phase: 'cross->bi', loss: 0.4 },
    ]);
    expect(merged.map((p) => p.loss)).toEqual([1.0, 0.5, 0.4]);
  });

  it('gathers per-cycle figures and the last pair counts', () => {
    const metrics = [
      m('cycle', 'heldout_agreement', 0.6, null, 2),
      m('cycle', 'heldout_agreement', 0.5, null, 1),
      m('cycle', 'user_labels_score', 0.8, null, 1),
      m('cycle', 'mean_loss_bi_to_cross', 0.3, null, 1),
      m('pairs', 'train_pairs', 100),
      m('pairs', 'train_pairs', 120),
      m('pairs', 'heldout_pairs', 6),
    ];
    expect(cycleRows(metrics)).toEqual([
      { cycle: 1, agreement: 0.5, userScore: 0.8, meanLossBiToCross: 0.3, meanLossCrossToBi: null },
      { cycle: 2, agreement: 0.6, userScore: null, meanLossBiToCross: null, meanLossCrossToBi: null },
    ]);
    expect(pairCounts(metrics)).toEqual({ train: 120, heldOut: 6 });
  });
});

describe('judgeRun', () => {
  const result = (startUserScore: number | null, rule: 'agreement' | 'user-labels' = 'user-labels'): TrainRunResult => ({
    runId: 1,
    status: 'done',
    selection: {
      rule,
      cycle: 2,
      values: [
        { cycle: 1, value: 0.5 },
        { cycle: 2, value: 0.7 },
      ],
    },
    selected: { biModelId: 10, crossModelId: 11 },
    startUserScore,
    cycles: [
      { cycle: 1, agreement: 0.5, userScore: 0.6 },
      { cycle: 2, agreement: 0.7, userScore: 0.75 },
    ],
  });
  const rows = [
    { cycle: 1, agreement: 0.5, userScore: 0.6, meanLossBiToCross: null, meanLossCrossToBi: null },
    { cycle: 2, agreement: 0.7, userScore: 0.75, meanLossBiToCross: null, meanLossCrossToBi: null },
  ];
  const spec = { ...runSpec(null), userLabels: { count: 12, scale: 'binary' as const } };

  it('measures against the user labels when the run had them', () => {
    expect(judgeRun(result(0.7), rows, spec, 6)).toMatchObject({ kind: 'measured', answer: 'better' });
    expect(judgeRun(result(0.8), rows, spec, 6)).toMatchObject({ kind: 'measured', answer: 'worse' });
    expect(judgeRun(result(0.748), rows, spec, 6)).toMatchObject({ kind: 'measured', answer: 'same' });
    expect(judgeRun(result(0.7), rows, spec, 6).details[0]).toContain('ROC-AUC');
    expect(describeRule(result(0.7), 6, spec)).toContain('(12)');
  });

  it('only indicates without labels, and says so for few held-out pairs', () => {
    const j = judgeRun(result(null, 'agreement'), rows, runSpec(null), 6);
    expect(j).toMatchObject({ kind: 'indication', answer: 'unknown' });
    expect(j.details.join(' ')).toContain('only 6 held-out pairs');
    expect(describeRule(result(null, 'agreement'), 6, runSpec(null))).toContain('6 held-out pairs');
    expect(judgeRun(null, [], runSpec(null), null).kind).toBe('pending');
  });
});
