import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { createBiEncoder, createCrossEncoder } from '../../../src/engine/models/modelFiles';
import type { ForwardOptions, TextPair } from '../../../src/engine/models/encoder';
import { planBatches } from '../../../src/engine/train/schedule';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { distinctTexts, runTransEncoder } from '../../../src/engine/train/transEncoder';

/**
 * Issue 14, through the training loop: bi->cross and cross->bi train on length-grouped batches,
 * SimCSE on random ones. Every training forward pass of a raw BERT member is recorded (a
 * Hugging Face model trains single-threaded, so a pass sees the whole batch).
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-length-grouped-'));
const fixture = path.resolve('tests/fixtures/hf/bert-vocab');
const rawDir = path.join(dir, 'raw-bert');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
  fs.mkdirSync(rawDir);
  for (const f of ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json']) fs.copyFileSync(path.join(fixture, f), path.join(rawDir, f));
});

type Pass = { phase: string; texts: string[] };

async function recordedRun(lengthGrouped: boolean, pairs: { a: string[]; b: string[] }) {
  const settings = mergeSettings(PAPER_SETTINGS, {
    cycles: 1,
    lengthGrouped,
    simcse: { batchSize: 8, epochs: 1, learningRate: 1e-4, maxLength: 32 },
    biToCross: { batchSize: 8, maxLength: 64 },
    crossToBi: { batchSize: 8, maxLength: 32, epochs: 1 },
  });
  const base = { kind: 'hf' as const, dir: rawDir };
  const bi = await createBiEncoder(base);
  const cross = await createCrossEncoder(base);
  const passes: Pass[] = [];
  let phase = 'simcse';
  const biForward = bi.forward.bind(bi);
  bi.forward = (texts: readonly string[], o?: ForwardOptions) => {
    if (o?.training) passes.push({ phase, texts: [...texts] });
    return biForward(texts, o);
  };
  const crossForward = cross.forward.bind(cross);
  cross.forward = (ps: readonly TextPair[], o?: ForwardOptions) => {
    if (o?.training) passes.push({ phase: 'bi->cross', texts: ps.map(([a, b]) => `${a}\u0000${b}`) });
    return crossForward(ps, o);
  };
  await runTransEncoder({
    members: [{ name: 'raw', bi, cross, simcse: true }],
    pairs,
    settings,
    runDir: path.join(dir, `run-${lengthGrouped}`),
    // Training bi-encoder passes are SimCSE's until the first event of another phase (a labelling
    // one precedes cross->bi); bi->cross makes cross-encoder passes only.
    onProgress: (p) => void (p.phase !== 'simcse' && (phase = 'cross->bi')),
  });
  return {
    passes,
    settings,
    tokenizer: (bi as unknown as { tokenizer: { encode(t: string, o: { maxLength: number }): { ids: ArrayLike<number> } } }).tokenizer,
  };
}

itWithData(
  'bi->cross and cross->bi train on length-grouped batches, SimCSE on random ones; off, all are random',
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    // 64 pairs with lengths that vary, so random batches pad a lot.
    const pairs = { a: dev.a.slice(0, 64), b: dev.b.slice(0, 64) };
    const n = pairs.a.length;
    const grouped = await recordedRun(true, pairs);
    const random = await recordedRun(false, pairs);
    const s = grouped.settings;
    const tokens = (t: string) => grouped.tokenizer.encode(t, { maxLength: 32 }).ids.length;

    // SimCSE: exactly the random plan (two passes of the same sentences per step), on or off.
    const sentences = distinctTexts(pairs);
    const simcsePlan = planBatches(sentences.length, 8, 1, s.seed + 7);
    const simcseExpected = Array.from({ length: simcsePlan.totalSteps }, (_, k) => Array.from(simcsePlan.batchAt(k), (i) => sentences[i]!));
    for (const run of [grouped, random]) {
      const simcse = run.passes.filter((p) => p.phase === 'simcse').map((p) => p.texts);
      expect(simcse.filter((_, k) => k % 2 === 0)).toEqual(simcseExpected);
    }

    // Padded tokens of a phase's passes (each pass padded to its longest text) against its real ones.
    const share = (passes: Pass[], phase: string) => {
      let real = 0;
      let padded = 0;
      for (const p of passes.filter((x) => x.phase === phase)) {
        const ls = p.texts.map((t) => (phase === 'bi->cross' ? t.split('\u0000').reduce((x, y) => x + tokens(y), 0) : tokens(t)));
        real += ls.reduce((x, y) => x + y, 0);
        padded += ls.length * Math.max(...ls);
      }
      return real / padded;
    };
    for (const phase of ['bi->cross', 'cross->bi']) {
      const g = share(grouped.passes, phase);
      const r = share(random.passes, phase);
      console.log(`${phase}: real / padded tokens ${r.toFixed(3)} random, ${g.toFixed(3)} grouped`);
      expect(g).toBeGreaterThan(r + 0.15);
    }

    // Off: the random plans exactly; on: every example still once per epoch.
    const b2cPlan = planBatches(2 * n, 8, 1, s.seed);
    const pairText = (i: number) => (i < n ? `${pairs.a[i]}\u0000${pairs.b[i]}` : `${pairs.b[i - n]}\u0000${pairs.a[i - n]}`);
    const b2cRandom = Array.from({ length: b2cPlan.totalSteps }, (_, k) => Array.from(b2cPlan.batchAt(k), pairText));
    expect(random.passes.filter((p) => p.phase === 'bi->cross').map((p) => p.texts)).toEqual(b2cRandom);
    const b2cGrouped = grouped.passes.filter((p) => p.phase === 'bi->cross').map((p) => p.texts);
    expect(b2cGrouped).toHaveLength(b2cPlan.totalSteps);
    expect(b2cGrouped.flat().sort()).toEqual(b2cRandom.flat().sort());
    const c2bGrouped = grouped.passes.filter((p) => p.phase === 'cross->bi').map((p) => p.texts);
    expect(
      c2bGrouped
        .filter((_, k) => k % 2 === 0)
        .flat()
        .sort(),
    ).toEqual([...pairs.a].sort());
    expect(
      c2bGrouped
        .filter((_, k) => k % 2 === 1)
        .flat()
        .sort(),
    ).toEqual([...pairs.b].sort());
  },
  300_000,
);
