import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { Engine } from '../../../src/engine/api/engine';
import { ApiError } from '../../../src/engine/api/errors';
import { datasetPath } from '../../../src/engine/eval/stsData';

/** train.estimate through the engine: validated like train.start, answered with measured costs, nothing started. */
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-estimate-api-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return err instanceof ApiError ? err.code : `not an ApiError: ${String(err)}`;
  }
  return undefined;
}

itWithData('validates its input, estimates a pairs file on the engine backend and keeps the measurements', async () => {
  const docs = path.join(dir, 'docs');
  fs.mkdirSync(docs);
  const pairsFile = path.join(docs, 'pairs.tsv');
  fs.writeFileSync(pairsFile, fs.readFileSync(datasetPath('stsb-dev'), 'utf8').split('\n').slice(0, 61).join('\n') + '\n');
  const dataDir = path.join(dir, 'data');
  const engine = await Engine.open({ dataDir, transport: 'direct', allowedRoots: [docs] });
  // Small shapes keep the measurement short.
  const overrides = { cycles: 1, biToCross: { batchSize: 4, maxLength: 16 }, crossToBi: { batchSize: 4, maxLength: 16 } };
  try {
    expect(await codeOf(engine.call('train.estimate', {}))).toBe('bad_request');
    expect(await codeOf(engine.call('train.estimate', { corpusId: 1, pairsFile }))).toBe('bad_request');
    expect(await codeOf(engine.call('train.estimate', { pairsFile, preset: 'huge' }))).toBe('bad_request');
    expect(await codeOf(engine.call('train.estimate', { pairsFile, extra: true }))).toBe('bad_request');
    expect(await codeOf(engine.call('train.estimate', { pairsFile, overrides: { mutualLabels: 'median' } }))).toBe('bad_request');
    expect(await codeOf(engine.call('train.estimate', { pairsFile, overrides: { biStartShare: 1.5 } }))).toBe('bad_request');
    expect(await codeOf(engine.call('train.estimate', { pairsFile: '/etc/hosts' }))).toBe('forbidden_path');
    expect(await codeOf(engine.call('train.estimate', { corpusId: 7 }))).toBe('not_found');

    const est = await engine.invoke('train.estimate', { pairsFile, preset: 'quick', overrides });
    expect(est.pairs).toMatchObject({ candidates: 60, exact: true });
    expect(est.pairs.train + est.pairs.heldOut).toBe(60);
    expect(est.seconds).toBeGreaterThan(0);
    expect(est.summary).toContain(`on ${est.backendLabel}`);
    expect(est.perMember[0]!.biToCrossStep).toMatchObject({ batch: 4 });
    expect(est.perMember[0]!.biToCrossStep.length).toBeLessThanOrEqual(16);
    // Mutual: two members, the same base measured once.
    const mutual = await engine.invoke('train.estimate', { pairsFile, preset: 'quick', overrides, mutual: { kind: 'builtin', name: 'use-lite' } });
    expect(mutual.members).toBe(2);
    expect(mutual.steps.total).toBe(2 * est.steps.total);
    const weighted = await engine.invoke('train.estimate', {
      pairsFile,
      preset: 'quick',
      overrides: { ...overrides, mutualLabels: 'fidelity', biStartShare: 0.3 },
      mutual: { kind: 'builtin', name: 'use-lite' },
    });
    expect(weighted.steps.total).toBe(mutual.steps.total);
    // Issue 14: random batches on request (length-grouped ones by default), never padded shorter.
    const random = await engine.invoke('train.estimate', { pairsFile, preset: 'quick', overrides: { ...overrides, lengthGrouped: false } });
    expect(random.steps.total).toBe(est.steps.total);
    expect(random.perMember[0]!.biToCrossStep.length).toBeGreaterThanOrEqual(est.perMember[0]!.biToCrossStep.length);
    expect(await codeOf(engine.call('train.estimate', { pairsFile, overrides: { lengthGrouped: 'no' } }))).toBe('bad_request');
    // Nothing was started, and the measurements are kept in the data folder.
    expect(await engine.invoke('runs.list', {})).toEqual([]);
    expect(engine.jobs.list()).toEqual([]);
    const cache = JSON.parse(fs.readFileSync(path.join(dataDir, 'cache', 'step-costs.json'), 'utf8')) as { entries: Record<string, { seconds: number }> };
    expect(Object.keys(cache.entries).some((k) => k.includes('train|cross|4x'))).toBe(true);
  } finally {
    await engine.close();
  }
});
