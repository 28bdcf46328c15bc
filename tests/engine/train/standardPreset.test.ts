import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';
import { loadArrays, loadWeights } from '../../../src/engine/models/io/weightsFile';
import { PRESETS } from '../../../src/engine/train/presets';
import { biScores, crossScores, toProbabilities } from '../../../src/engine/train/scoring';
import { weightOf } from '../../../src/engine/train/teachers/evidence';
import { pairLengths } from '../../../src/engine/train/teachers/groups';
import { ensembleLabels, teacherScores, type Evidence } from '../../../src/engine/train/teachers/teacher';
import { planTotalSteps, runTransEncoder } from '../../../src/engine/train/transEncoder';

/**
 * Standard as a user runs it (issue 10, session 7): one cycle; the bi->cross teacher is the residual
 * evidence teacher and the cross->bi labels the ensemble of the cross-encoder with it.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-standard-'));
beforeAll(async () => {
  await initBackend('auto');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

itWithData(
  'Standard trains one cycle whose cross->bi labels mix the cross-encoder with the residual evidence teacher',
  async () => {
    const settings = PRESETS.standard.settings;
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 32), b: dev.b.slice(0, 32) };
    const runDir = fs.mkdtempSync(path.join(dir, 'run-'));
    const bi = loadUseLiteBiEncoder();
    const cross = loadUseLiteCrossEncoder();
    const startCos = await biScores(bi, pairs, { maxLength: settings.crossToBi.maxLength });
    const state = await runTransEncoder({ members: [{ name: 'use-lite', bi, cross }], pairs, settings, runDir });
    expect(state).toMatchObject({ phase: 'done', cycle: 1, totalSteps: planTotalSteps(32, 1, settings) });
    expect(state.history).toHaveLength(1);

    const labels = async (name: string) => (await loadArrays(path.join(runDir, name))).get('labels')!.data;
    const saved = await loadArrays(path.join(runDir, 'evidence.safetensors'));
    const evidence: Evidence[] = [...saved].map(([name, a]) => ({
      name: name as Evidence['name'],
      scores: a.data,
      weight: weightOf(name as Evidence['name'], settings),
    }));
    expect(evidence.map((e) => e.name)).toContain('alignment');
    const residual = { lengths: pairLengths(pairs) };
    // bi->cross: the start cosines with the residual evidence teacher.
    const b2c = await labels('labels-c0-b2c.safetensors');
    const expectedB2c = toProbabilities(teacherScores(startCos, evidence, residual));
    Array.from(b2c).forEach((v, i) => expect(v).toBeCloseTo(expectedB2c[i]!, 5));
    // cross->bi: the trained cross-encoder's teacher, half and half with the bi->cross teacher.
    const trained = loadUseLiteCrossEncoder();
    trained.setWeights(await loadWeights(path.join(runDir, 'cycle0-cross-use-lite.safetensors')));
    const crossLabels = teacherScores(await crossScores(trained, pairs, { maxLength: settings.biToCross.maxLength }), evidence, residual);
    const c2b = await labels('labels-c0-c2b.safetensors');
    const expected = ensembleLabels(crossLabels, b2c, 0.5);
    Array.from(c2b).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(Array.from(c2b)).not.toEqual(Array.from(crossLabels));
    [bi, cross, trained].forEach((m) => m.dispose());
  },
  300_000,
);
