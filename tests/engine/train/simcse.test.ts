import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { createBiEncoder, createCrossEncoder, isSentenceEncoderBase } from '../../../src/engine/models/modelFiles';
import { loadWeights } from '../../../src/engine/models/io/weightsFile';
import { simcseLoss } from '../../../src/engine/train/losses';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { distinctTexts, planTotalSteps, readRunState, runTransEncoder } from '../../../src/engine/train/transEncoder';
import { useSharedGlove } from '../../helpers/gloveDir';
import { writeDevPairsFile } from '../../helpers/devPairs';

/**
 * The SimCSE step for a raw masked-LM base: a Hugging Face folder without a sentence-transformers
 * pooling config is contrastively tuned on the run's sentences before the first cycle, and that
 * model is the start every cycle re-initialises its bi-encoder from.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-simcse-'));
const fixture = path.resolve('tests/fixtures/hf/bert-vocab');
const rawDir = path.join(dir, 'raw-bert');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
  // The same BERT as a raw masked-LM: only config, weights and vocabulary.
  fs.mkdirSync(rawDir);
  for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json']) fs.copyFileSync(path.join(fixture, f), path.join(rawDir, f));
});

it('tells sentence encoders from raw masked-LMs', () => {
  expect(isSentenceEncoderBase({ kind: 'builtin', name: 'use-lite' })).toBe(true);
  expect(isSentenceEncoderBase({ kind: 'hf', dir: fixture })).toBe(true);
  expect(isSentenceEncoderBase({ kind: 'hf', dir: rawDir })).toBe(false);
});

itWithData(
  'runs SimCSE first for a raw masked-LM, resumes inside it, and starts the cycles from its result',
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 24), b: dev.b.slice(0, 24) };
    const sentences = distinctTexts(pairs);
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      checkpointEverySteps: 2,
      simcse: { batchSize: 8, epochs: 2, learningRate: 1e-3, maxLength: 24 },
      biToCross: { batchSize: 8, maxLength: 24 },
      crossToBi: { batchSize: 8, maxLength: 24, epochs: 1 },
    });
    const base = { kind: 'hf' as const, dir: rawDir };
    const members = async () => [{ name: 'raw', bi: await createBiEncoder(base), cross: await createCrossEncoder(base), simcse: true }];
    const runDir = path.join(dir, 'run');
    const simcseSteps = 2 * Math.ceil(sentences.length / 8);

    // The contrastive loss on a fixed batch before training, to compare with after.
    const probe = sentences.slice(0, 8);
    const lossOf = async (bi: Awaited<ReturnType<typeof members>>[0]['bi']) => {
      const l = tf.tidy(() => simcseLoss(bi.forward(probe, { maxLength: 24 }).embeddings, bi.forward(probe.slice(0), { maxLength: 24 }).embeddings, 0.05));
      const v = (await l.data())[0]!;
      l.dispose();
      return v;
    };
    const before = await lossOf((await members())[0]!.bi);

    // Stop inside the SimCSE step, as a crash would.
    const controller = new AbortController();
    const phases = new Set<string>();
    await expect(
      runTransEncoder({
        members: await members(),
        pairs,
        settings,
        runDir,
        signal: controller.signal,
        onStep: (p) => {
          phases.add(p.phase);
          if (p.phase === 'simcse' && p.step >= 4) controller.abort();
        },
      }),
    ).rejects.toThrow(/Cancelled/);
    expect([...phases]).toEqual(['simcse']);
    const mid = readRunState(runDir)!;
    expect(mid.phase).toBe('simcse');
    expect(mid.totalSteps).toBe(planTotalSteps(pairs.a.length, 1, settings, { members: 1, sentences: sentences.length }));
    expect(mid.totalSteps).toBe(simcseSteps + planTotalSteps(pairs.a.length, 1, settings));
    expect(fs.existsSync(path.join(runDir, 'start-bi-raw.safetensors'))).toBe(false);

    const seen: string[] = [];
    const end = await runTransEncoder({
      members: await members(),
      pairs,
      settings,
      runDir,
      onStep: (p) => void (seen.at(-1) !== p.phase && seen.push(p.phase)),
    });
    expect(seen).toEqual(['simcse', 'bi->cross', 'cross->bi']);
    expect(end.globalStep).toBe(end.totalSteps);

    // The start weights of the cycles are the SimCSE-tuned model, not the raw one.
    const raw = await loadWeights(path.join(runDir, 'base-bi-raw.safetensors'));
    const start = await loadWeights(path.join(runDir, 'start-bi-raw.safetensors'));
    let moved = 0;
    for (const [name, t] of raw) moved += tf.tidy(() => tf.sum(tf.abs(tf.sub(t, start.get(name)!))).dataSync()[0]!);
    expect(moved).toBeGreaterThan(0);
    const tuned = (await members())[0]!.bi;
    tuned.setWeights(start);
    // SimCSE makes the same sentences' two views closer than the other sentences: its loss falls.
    expect(await lossOf(tuned)).toBeLessThan(before);
  },
  300_000,
);

itWithData(
  'through the API: a run on an imported raw BERT folder goes through SimCSE first and ends with its models',
  async () => {
    const { Engine } = await import('../../../src/engine/api/engine');
    const root = fs.realpathSync(dir);
    const pairsFile = await writeDevPairsFile(path.join(root, 'pairs.tsv'), 0, 20);
    // Quick's teachers want GloVe SIF: use the tests' converted copy, not a fresh 307 MB conversion.
    useSharedGlove(path.join(root, 'data'));
    const engine = await Engine.open({ dataDir: path.join(root, 'data'), transport: 'direct', allowedRoots: [root] });
    const stages = new Set<string>();
    const onEvent = (e: { job?: { stage?: string | null } }) => void (e.job?.stage && stages.add(e.job.stage));
    engine.events.on('event', onEvent);
    try {
      const { jobId } = await engine.invoke('train.start', {
        preset: 'quick',
        pairsFile,
        base: { kind: 'hf', dir: path.join(root, 'raw-bert') },
        overrides: { cycles: 1, biToCross: { batchSize: 8, maxLength: 16 }, crossToBi: { batchSize: 8, maxLength: 16, epochs: 1 } },
      });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status, job?.error ?? '').toBe('done');
      expect([...stages].some((s) => s.startsWith('SimCSE'))).toBe(true);
      const result = job!.result as { selected: { biModelId: number; crossModelId: number } };
      expect(result.selected.biModelId).toBeGreaterThan(0);
    } finally {
      engine.events.off('event', onEvent);
      await engine.close();
    }
  },
  300_000,
);
