import { itWithData } from '../../helpers/sharedData';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { writeDevPairsFile } from '../../helpers/devPairs';
import { glovePackageJson, GloveUnavailableError } from '../../../src/engine/models/glove';
import { loadArrays } from '../../../src/engine/models/io/weightsFile';

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-glove-evidence-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let packageMissing = '';
try {
  glovePackageJson();
} catch (err) {
  if (!(err instanceof GloveUnavailableError)) throw err;
  packageMissing = err.message;
}

/**
 * Quick's teachers mix in GloVe SIF. A data folder that never used GloVe has no converted copy;
 * the run converts it once, as a stage of its own, instead of silently training without SIF
 * (issue 10: headlines in-domain, teacher 67.13 without SIF, 69.24 with it). Converting the real
 * 307 MB package takes 40-140 s of one core.
 */
(packageMissing ? (name: string, fn: () => unknown, t?: number) => it.skip(`${name} [${packageMissing}]`, fn, t) : itWithData)(
  'a Quick run in a data folder without GloVe converts it once and teaches with SIF',
  async () => {
    const pairsDir = path.join(dir, 'pairs');
    await writeDevPairsFile(path.join(pairsDir, 'pairs.tsv'), 0, 36);
    const dataDir = path.join(dir, 'data');
    const engine = await Engine.open({ dataDir, transport: 'direct', allowedRoots: [pairsDir] });
    const stages = new Set<string>();
    engine.events.on('event', (e: { job?: { stage?: string | null } }) => {
      if (e.job?.stage) stages.add(e.job.stage);
    });
    try {
      expect(fs.existsSync(path.join(dataDir, 'models', 'glove-6b-100d', 'meta.json'))).toBe(false);
      const overrides = { cycles: 1, maxPairs: 24, biToCross: { batchSize: 8, maxLength: 16 }, crossToBi: { batchSize: 8, maxLength: 16 } };
      const { jobId, runId } = await engine.invoke('train.start', { preset: 'quick', pairsFile: path.join(pairsDir, 'pairs.tsv'), overrides });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status).toBe('done');
      // Converted into the data folder, and the stage said so.
      expect(fs.existsSync(path.join(dataDir, 'models', 'glove-6b-100d', 'meta.json'))).toBe(true);
      expect([...stages].some((s) => s.startsWith('preparing the GloVe word vectors'))).toBe(true);
      // The run's teachers hold SIF evidence, and nothing was skipped.
      const runDir = path.join(dataDir, 'runs', `run-${runId}`);
      expect(fs.existsSync(path.join(runDir, 'evidence-skipped.json'))).toBe(false);
      const evidence = await loadArrays(path.join(runDir, 'evidence.safetensors'));
      expect([...evidence.keys()].sort()).toEqual(['alignment', 'negation', 'sif']);
      const sif = evidence.get('sif')!.data;
      expect(sif.length).toBe(evidence.get('alignment')!.data.length);
      expect(new Set(sif).size).toBeGreaterThan(sif.length / 2);
    } finally {
      await engine.close();
    }
  },
  900_000,
);
