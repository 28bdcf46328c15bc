import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithData, itWithData, sharedData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { BUILTIN_BASE } from '../../../src/engine/models/modelFiles';
import { loadUseLiteBiEncoder } from '../../../src/engine/models/use-lite';
import { measureInProcess } from '../../../src/engine/train/costMeasurers';
import {
  distinctAmong,
  expectedBatchMax,
  expectedGroupedLength,
  lengthBucket,
  planPairs,
  roughDuration,
  TrainingEstimator,
  type Measurer,
  type TrainingEstimate,
} from '../../../src/engine/train/estimate';
import { mineCandidatePairs } from '../../../src/engine/train/mining';
import { splitPairs, usablePairs } from '../../../src/engine/train/pairPlan';
import { PRESETS } from '../../../src/engine/train/presets';
import { mergeSettings } from '../../../src/engine/train/settings';
import { planTotalSteps } from '../../../src/engine/train/transEncoder';

/**
 * The estimate of a run's time: real measurements on this machine's backend (each shape once:
 * later estimates reuse them), scaled by the run's counts.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-estimate-'));
const cacheFile = path.join(dir, 'cache', 'step-costs.json');
let measureCalls = 0;
const countingMeasurer: Measurer = (base, items) => {
  measureCalls++;
  return measureInProcess(base, items);
};
const estimator = new TrainingEstimator({ measure: countingMeasurer, backend: async () => (await initBackend('auto')).name, cacheFile });
let pairs: { kind: 'pairs'; a: string[]; b: string[] };
let quick: TrainingEstimate;

beforeAll(async () => {
  if (!sharedData) return;
  const dev = await loadScoredPairs('stsb-dev');
  pairs = { kind: 'pairs', a: dev.a.slice(0, 200), b: dev.b.slice(0, 200) };
  quick = await estimator.estimate({ settings: PRESETS.quick.settings, source: pairs, bases: [BUILTIN_BASE] });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describeWithData('measured costs', () => {
  it('are positive and finite, at the preset batch sizes, and add up to the estimate', () => {
    const m = quick.perMember[0]!;
    for (const cost of [m.biToCrossStep.seconds, m.crossToBiStep.seconds, m.scoring.perText, m.scoring.perPair]) {
      expect(Number.isFinite(cost)).toBe(true);
      expect(cost).toBeGreaterThan(0);
    }
    expect(m.biToCrossStep.batch).toBe(PRESETS.quick.settings.biToCross.batchSize);
    expect(m.crossToBiStep.batch).toBe(PRESETS.quick.settings.crossToBi.batchSize);
    expect(m.biToCrossStep.length).toBeLessThanOrEqual(PRESETS.quick.settings.biToCross.maxLength);
    // A training step does more than scoring one pair (forward + backward + Adam over a batch).
    expect(m.biToCrossStep.seconds).toBeGreaterThan(m.scoring.perPair);
    const parts = Object.values(quick.breakdown);
    for (const p of parts) expect(p).toBeGreaterThanOrEqual(0);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(quick.seconds, 6);
    expect(quick.seconds).toBeGreaterThan(quick.steps.total * Math.min(m.biToCrossStep.seconds, m.crossToBiStep.seconds));
    expect(quick.summary).toMatch(/^about \d+ (s|min) on /);
    expect(quick.basis.join('\n')).toContain('bi->cross step');
  });

  it('prices length-grouped batches (issue 14) at their shorter padded length, with the same steps', async () => {
    const random = await estimator.estimate({
      settings: mergeSettings(PRESETS.quick.settings, { lengthGrouped: false }),
      source: pairs,
      bases: [BUILTIN_BASE],
    });
    const grouped = quick.perMember[0]!;
    const plain = random.perMember[0]!;
    expect(PRESETS.quick.settings.lengthGrouped).toBe(true);
    expect(grouped.biToCrossStep.length).toBeLessThan(plain.biToCrossStep.length);
    expect(grouped.crossToBiStep.length).toBeLessThanOrEqual(plain.crossToBiStep.length);
    expect(quick.steps).toEqual(random.steps);
  });

  it('counts the pairs and steps a run of the file makes', () => {
    // The worker trains on each distinct pair once (stsb-dev repeats a few).
    const distinct = usablePairs(pairs).length;
    expect(distinct).toBeLessThan(200);
    const split = splitPairs(distinct, PRESETS.quick.settings);
    expect(quick.pairs).toMatchObject({ train: split.train, heldOut: split.heldOut, exact: true });
    expect(quick.pairs.train + quick.pairs.heldOut).toBe(quick.pairs.candidates);
    expect(quick.steps.total).toBe(planTotalSteps(quick.pairs.train, 1, PRESETS.quick.settings));
    expect(quick.steps.biToCross + quick.steps.crossToBi).toBe(quick.steps.total);
  });

  it('are reused: the same shapes are not measured again, also from the file by a new estimator', async () => {
    const before = measureCalls;
    const again = await estimator.estimate({ settings: PRESETS.quick.settings, source: pairs, bases: [BUILTIN_BASE] });
    expect(measureCalls).toBe(before);
    expect(again.seconds).toBeCloseTo(quick.seconds, 6);
    const fromFile = new TrainingEstimator({
      measure: () => Promise.reject(new Error('should have come from the cache file')),
      backend: async () => quick.backend,
      cacheFile,
    });
    expect((await fromFile.estimate({ settings: PRESETS.quick.settings, source: pairs, bases: [BUILTIN_BASE] })).seconds).toBeCloseTo(quick.seconds, 6);
  });
});

describeWithData('scaling', () => {
  it('more pairs take longer', async () => {
    const fewer = await estimator.estimate({ settings: mergeSettings(PRESETS.quick.settings, { maxPairs: 60 }), source: pairs, bases: [BUILTIN_BASE] });
    expect(fewer.pairs.train).toBe(60);
    expect(fewer.steps.total).toBeLessThan(quick.steps.total);
    expect(fewer.seconds).toBeLessThan(quick.seconds);
    // Training time follows the steps.
    const ratio = (fewer.breakdown.biToCross + fewer.breakdown.crossToBi) / (quick.breakdown.biToCross + quick.breakdown.crossToBi);
    expect(ratio).toBeGreaterThan(0.5 * (fewer.steps.total / quick.steps.total));
    expect(ratio).toBeLessThan(1.5 * (fewer.steps.total / quick.steps.total));
  });

  it('mutual training costs about twice the training of one model', async () => {
    const mutual = await estimator.estimate({ settings: PRESETS.quick.settings, source: pairs, bases: [BUILTIN_BASE, BUILTIN_BASE] });
    expect(mutual.members).toBe(2);
    expect(mutual.steps.total).toBe(2 * quick.steps.total);
    for (const part of ['biToCross', 'crossToBi', 'labelling'] as const) expect(mutual.breakdown[part]).toBeCloseTo(2 * quick.breakdown[part], 6);
    expect(mutual.seconds / quick.seconds).toBeGreaterThan(1.6);
    expect(mutual.seconds / quick.seconds).toBeLessThanOrEqual(2);
  });

  it('a raw masked-LM base adds its SimCSE step', async () => {
    const fixture = path.resolve('tests/fixtures/hf/bert-vocab');
    const raw = path.join(dir, 'raw-bert');
    fs.mkdirSync(raw, { recursive: true });
    for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json']) fs.copyFileSync(path.join(fixture, f), path.join(raw, f));
    const asEncoder = await estimator.estimate({ settings: PRESETS.quick.settings, source: pairs, bases: [{ kind: 'hf', dir: fixture }] });
    const asRaw = await estimator.estimate({ settings: PRESETS.quick.settings, source: pairs, bases: [{ kind: 'hf', dir: raw }] });
    expect(asEncoder.basis.join(' ')).not.toMatch(/SimCSE/);
    expect(asRaw.basis.join(' ')).toMatch(/SimCSE first for 1 raw masked-LM/);
    expect(asRaw.steps.total).toBeGreaterThan(asEncoder.steps.total);
    expect(asRaw.breakdown.setup).toBeGreaterThan(asEncoder.breakdown.setup);
  });

  it('Standard trains twice the pairs Quick takes from a large source, in one cycle of batches of 32 (its own shapes measured)', async () => {
    // Per-step costs measured on a loaded machine are too noisy to order the two presets' seconds
    // (one cycle each, the same step counts); the plan is exact.
    const train = await loadScoredPairs('stsb-train');
    const large = { kind: 'pairs' as const, a: train.a, b: train.b };
    const standard = await estimator.estimate({ settings: PRESETS.standard.settings, source: large, bases: [BUILTIN_BASE] });
    const quickLarge = await estimator.estimate({ settings: PRESETS.quick.settings, source: large, bases: [BUILTIN_BASE] });
    expect(standard.pairs.train).toBe(4000);
    expect(quickLarge.pairs.train).toBe(2000);
    expect(standard.steps.total).toBe(planTotalSteps(4000, 1, PRESETS.standard.settings));
    expect(standard.perMember[0]!.biToCrossStep.batch).toBe(32);
    expect(standard.perMember[0]!.crossToBiStep.batch).toBe(32);
    expect(Number.isFinite(standard.seconds) && standard.seconds > 0).toBe(true);
  }, 300_000);
});

describe('pieces', () => {
  itWithData('a corpus: the mined pair count is close to what mining finds', async () => {
    const dev = await loadScoredPairs('sickr-trial');
    const texts = [...new Set([...dev.a, ...dev.b])].slice(0, 300);
    const settings = mergeSettings(PRESETS.quick.settings, { maxPairs: 100_000 });
    const plan = planPairs({ kind: 'texts', texts }, settings);
    expect(plan.exact).toBe(false);
    const vectors = await loadUseLiteBiEncoder().embed(texts, { maxLength: 32 });
    const real = mineCandidatePairs(texts, vectors, { seed: settings.seed, maxPairs: 1e9 }).length;
    expect(plan.candidates / real).toBeGreaterThan(0.85);
    expect(plan.candidates / real).toBeLessThan(1.15);
    // 800 sentences: the fewest kNN pairs (3 x 800 / 2) already fill a 1,000-pair cap, so the count is exact.
    const more = [...new Set([...dev.a, ...dev.b])].slice(0, 800);
    expect(planPairs({ kind: 'texts', texts: more }, mergeSettings(PRESETS.quick.settings, { maxPairs: 1000 }))).toMatchObject({ exact: true, train: 1000 });
  });

  it('batch padding, length buckets, distinct texts and durations', () => {
    const lengths = [10, 10, 10, 10, 40];
    expect(expectedBatchMax(lengths, 1)).toBeLessThan(expectedBatchMax(lengths, 16));
    expect(expectedBatchMax(lengths, 64)).toBeCloseTo(40, 0);
    // Grouped (issue 14): batches cut from sorted megabatches pad to about the mean (16), random ones to about 28.
    for (const participants of [1, 2]) {
      const grouped = expectedGroupedLength([lengths], 4, { participants });
      expect(grouped).toBeGreaterThanOrEqual(16);
      expect(grouped).toBeLessThan(20);
    }
    expect(expectedBatchMax(lengths, 4)).toBeGreaterThan(25);
    // A bi-encoder pair is grouped by its longer side; each side pads to its own longest text.
    expect(expectedGroupedLength([lengths, [...lengths].reverse()], 4)).toBeLessThan(expectedBatchMax(lengths, 4));
    expect(lengthBucket(45, 48)).toBe(48);
    expect(lengthBucket(3, 32)).toBe(8);
    expect(lengthBucket(70, 64)).toBe(64);
    expect(distinctAmong(100, 100, 150)).toBeCloseTo(150, 6);
    expect(distinctAmong(50, 100, 200)).toBeCloseTo(100, 6);
    expect(roughDuration(42)).toBe('about 40 s');
    expect(roughDuration(12 * 60 + 10)).toBe('about 12 min');
    expect(roughDuration(2 * 3600 + 4 * 60)).toBe('about 2 h 05 min');
  });
});
