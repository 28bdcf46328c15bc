/**
 * Bulk cross-encoder scoring on the ONNX worker pool (issue 14): ParallelOnnxCrossEncoder gives
 * the single session's logits on real STS pairs, in input order; and `check.pairs` with a
 * trained cross-encoder saved in the data folder (what `tenc check --pairs --cross ID` calls)
 * scores on the pool, with the TF.js model's scores.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { initBackend } from '../../../src/engine/backend';
import type { TextPair } from '../../../src/engine/models/encoder';
import { BUILTIN_BASE, saveModel } from '../../../src/engine/models/modelFiles';
import { OnnxCrossEncoder, ParallelOnnxCrossEncoder } from '../../../src/engine/models/onnx';
import { type UseLiteCrossEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';
import { generateSentences, sharedDataSentences } from './use-lite-fixtures';

const fromData = sharedDataSentences(80, 23);
const texts = fromData.length >= 40 ? fromData : generateSentences(80, 23);
const PAIRS: TextPair[] = [
  ...Array.from({ length: texts.length / 2 }, (_, i) => [texts[2 * i]!, texts[2 * i + 1]!] as const),
  ['', 'an empty first text'],
  ['a very long sentence that goes on '.repeat(30), texts[0]!],
];

let cross: UseLiteCrossEncoder;
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-cross-pool-')));

/** The built-in cross-encoder with a score head that is no longer the untrained zeros. */
function trainedLikeCross(): UseLiteCrossEncoder {
  const model = loadUseLiteCrossEncoder();
  const weights = model.getWeights();
  const kernel = weights.get('score_head/kernel')!;
  const trained = new Map([['score_head/kernel', tf.randomNormal(kernel.shape, 0, 0.05, 'float32', 7)]]);
  model.setWeights(trained);
  tf.dispose([...weights.values(), ...trained.values()]);
  return model;
}

beforeAll(async () => {
  expect((await initBackend('wasm')).name).toBe('wasm');
  cross = trainedLikeCross();
});

afterAll(() => {
  cross.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(b.length).toBe(a.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

describe('cross-encoder scoring on the ONNX worker pool', () => {
  it('gives the single session logits, in input order, for any call size', async () => {
    const single = await OnnxCrossEncoder.fromModel(cross, { intraOpNumThreads: 1, verify: false });
    const pool = await ParallelOnnxCrossEncoder.fromModel(cross, { workers: 2, verify: false });
    try {
      const a = await single.logitsDetailed(PAIRS, { maxLength: 64 });
      const b = await pool.logitsDetailed(PAIRS, { maxLength: 64 });
      const diff = maxAbsDiff(a.logits, b.logits);
      console.log(`cross-encoder logits, pool (2 workers) vs single session, ${PAIRS.length} pairs: max |difference| ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-4);
      expect(b.truncated).toEqual(a.truncated);
      expect(b.truncated.at(-1)).toBe(true);
      // The head is not the untrained zeros: the pairs get different logits.
      expect(Math.max(...b.logits) - Math.min(...b.logits)).toBeGreaterThan(0.01);
      // A call smaller than one batch per worker, and the reversed order, keep their order.
      const few = PAIRS.slice(3, 6);
      expect(maxAbsDiff(await pool.score(few), (await single.score(PAIRS, { maxLength: 64 })).slice(3, 6))).toBeLessThan(1e-4);
      const reversed = [...PAIRS].reverse();
      expect(maxAbsDiff((await pool.logitsDetailed(reversed, { maxLength: 64 })).logits, [...a.logits].reverse())).toBeLessThan(1e-4);
    } finally {
      await single.dispose();
      await pool.dispose();
    }
  }, 300_000);

  it('check.pairs with a trained cross-encoder scores on the pool, with the TF.js scores', async () => {
    const dataDir = path.join(dir, 'data');
    const engine = await Engine.open({ dataDir, transport: 'http', allowedRoots: [dir] });
    try {
      const rel = path.join('runs', 'manual', 'cross');
      await saveModel(path.join(dataDir, rel), cross, { base: BUILTIN_BASE });
      const id = (await engine.store.models.create({ name: 'my cross-encoder', kind: 'cross', architecture: 'use-lite', relDir: rel })).id;
      const pairs = PAIRS.slice(0, 40).map(([a, b]) => ({ a, b }));
      const checks = await engine.invoke('check.pairs', { pairs, crossModelId: id });
      expect(await engine.models.bulkCross(id)).toBeInstanceOf(ParallelOnnxCrossEncoder);
      // The reference: the saved model on TF.js, both orders averaged as the check does.
      const tfScores = await cross.score(pairs.flatMap((p) => [[p.a, p.b] as const, [p.b, p.a] as const]));
      const expected = pairs.map((_, i) => (tfScores[2 * i]! + tfScores[2 * i + 1]!) / 2);
      const diff = maxAbsDiff(
        checks.map((c) => c.crossScore!),
        expected,
      );
      console.log(`check.pairs cross scores on the pool vs TF.js, ${pairs.length} pairs: max |difference| ${diff.toExponential(2)}`);
      expect(diff).toBeLessThan(1e-3);
      expect(checks.every((c) => c.basis === 'cross')).toBe(true);
    } finally {
      await engine.close();
    }
  }, 300_000);
});
