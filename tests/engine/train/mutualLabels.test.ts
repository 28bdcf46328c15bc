import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { spearman } from '../../../src/engine/eval/metrics';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { createBiEncoder, createCrossEncoder } from '../../../src/engine/models/modelFiles';
import { loadArrays, loadWeights } from '../../../src/engine/models/io/weightsFile';
import { crossScores, meanScores, weightedMeanScores } from '../../../src/engine/train/scoring';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { labelWeights, runTransEncoder, type CycleResult, type LabelWeight } from '../../../src/engine/train/transEncoder';
import { seededRandom } from '../../../src/engine/random';

/**
 * Mutual runs with mutualLabels 'fidelity': a member's cross-encoder counts in the cross->bi
 * labels as much as it learned its teacher, so one that learned nothing adds no noise.
 */
describe('labelWeights', () => {
  const rand = seededRandom(3);
  const teacher = Float32Array.from({ length: 200 }, () => rand());

  it('gives a faithful cross-encoder the labels and one that learned nothing (or the reverse) none', () => {
    const faithful = teacher.map((t) => 0.5 * t + 0.2); // same order, other scale
    const anti = teacher.map((t) => 1 - t);
    const w = labelWeights(['good', 'anti'], [faithful, anti], teacher);
    expect(w[0]).toMatchObject({ member: 'good', weight: 1 });
    expect(w[0]!.fidelity).toBeCloseTo(1, 6);
    expect(w[1]!.fidelity).toBeCloseTo(-1, 6);
    expect(w[1]!.weight).toBe(0);

    const noise = Float32Array.from({ length: 200 }, () => rand());
    const w2 = labelWeights(['good', 'noise'], [faithful, noise], teacher);
    expect(w2[1]!.weight).toBeLessThan(0.15);
    expect(w2[0]!.weight + w2[1]!.weight).toBeCloseTo(1, 6);
    // A constant scorer has no rank correlation at all.
    const flat = labelWeights(['flat', 'good'], [new Float32Array(200).fill(0.3), faithful], teacher);
    expect(flat[0]).toMatchObject({ fidelity: 0, weight: 0 });
  });

  it('falls back to equal shares when no member can be trusted', () => {
    const anti = teacher.map((t) => 1 - t);
    expect(labelWeights(['a', 'b'], [anti, anti], teacher).map((w) => w.weight)).toEqual([0.5, 0.5]);
    expect(Array.from(weightedMeanScores([Float32Array.of(0, 1), Float32Array.of(1, 1)], [0, 0]))).toEqual(
      Array.from(meanScores([Float32Array.of(0, 1), Float32Array.of(1, 1)])),
    );
    expect(Array.from(weightedMeanScores([Float32Array.of(0, 1), Float32Array.of(1, 0)], [3, 1]))).toEqual([0.25, 0.75]);
  });
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-mutual-labels-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
});

itWithData(
  "a mutual run weights the cross->bi labels by each cross-encoder's fidelity, records the weights, and the labels are that weighted mean",
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 16), b: dev.b.slice(0, 16) };
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      mutualLabels: 'fidelity',
      biToCross: { batchSize: 8, maxLength: 24 },
      crossToBi: { batchSize: 8, maxLength: 24, epochs: 1 },
    });
    const bases = [
      { name: 'use-lite', base: { kind: 'builtin' as const, name: 'use-lite' as const } },
      { name: 'bert', base: { kind: 'hf' as const, dir: path.resolve('tests/fixtures/hf/bert-vocab') } },
    ];
    const members = [];
    for (const b of bases) members.push({ name: b.name, bi: await createBiEncoder(b.base), cross: await createCrossEncoder(b.base) });
    const runDir = path.join(dir, 'run');
    const cycles: CycleResult[] = [];
    await runTransEncoder({ members, pairs, settings, runDir, onCycleEnd: async (r) => void cycles.push(r) });

    const recorded = JSON.parse(fs.readFileSync(path.join(runDir, 'label-weights-c0.json'), 'utf8')) as LabelWeight[];
    expect(recorded.map((w) => w.member)).toEqual(['use-lite', 'bert']);
    expect(recorded[0]!.weight + recorded[1]!.weight).toBeCloseTo(1, 6);
    expect(cycles[0]!.labelWeights).toEqual(recorded);

    // Recompute from the cycle's cross-encoders: fidelity to the bi->cross labels, and the labels.
    const teacher = (await loadArrays(path.join(runDir, 'labels-c0-b2c.safetensors'))).get('labels')!.data;
    const perMember: Float32Array[] = [];
    for (const [k, b] of bases.entries()) {
      const cross = await createCrossEncoder(b.base);
      cross.setWeights(await loadWeights(path.join(runDir, `cycle0-cross-${b.name}.safetensors`)));
      const sc = await crossScores(cross, pairs, { maxLength: 24 });
      expect(recorded[k]!.fidelity).toBeCloseTo(spearman(sc, teacher), 5);
      perMember.push(sc);
    }
    const expected = weightedMeanScores(
      perMember,
      recorded.map((w) => w.weight),
    );
    const labels = (await loadArrays(path.join(runDir, 'labels-c0-c2b.safetensors'))).get('labels')!.data;
    for (let i = 0; i < labels.length; i++) expect(labels[i]).toBeCloseTo(expected[i]!, 4);
    // Not the paper's plain mean, unless the two happened to be trusted equally.
    if (Math.abs(recorded[0]!.weight - 0.5) > 0.01) expect(Array.from(labels)).not.toEqual(Array.from(meanScores(perMember)));
  },
  300_000,
);
