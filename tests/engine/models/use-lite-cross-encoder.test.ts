import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { spearman } from '../../../src/engine/eval/metrics';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import {
  type UseLiteBiEncoder,
  type UseLiteCrossEncoder,
  baseParamShapes,
  loadUseLiteBaseParams,
  loadUseLiteBiEncoder,
  loadUseLiteCrossEncoder,
  loadUseLiteTokenizer,
  type UseLiteBaseParams,
} from '../../../src/engine/models/use-lite';
import { biScores } from '../../../src/engine/train/scoring';

let base: UseLiteBaseParams;
let bi: UseLiteBiEncoder;
let cross: UseLiteCrossEncoder;

beforeAll(async () => {
  await initBackend('wasm');
  base = loadUseLiteBaseParams();
  const tokenizer = loadUseLiteTokenizer();
  bi = loadUseLiteBiEncoder({ base, tokenizer });
  cross = loadUseLiteCrossEncoder({ base, tokenizer });
});

afterAll(() => {
  bi.dispose();
  cross.dispose();
  tf.dispose([...base.params.values(), base.invTimescales]);
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

describe('USE lite cross-encoder', () => {
  it('has an explicit variable set: the base plus segment table, cross-segment gate and score head', () => {
    const names = [...cross.variables.keys()];
    for (const name of baseParamShapes().keys()) expect(names).toContain(name);
    expect(cross.variables.get('segment_embeddings')!.shape).toEqual([2, 256]);
    expect(cross.variables.get('cross_attention_gate')!.shape).toEqual([]);
    expect(cross.variables.get('score_head/kernel')!.shape).toEqual([1024, 1]);
    expect(cross.variables.get('score_head/cos_scale')!.shape).toEqual([1]);
    expect(cross.variables.get('score_head/bias')!.shape).toEqual([1]);
    expect(cross.trainableVariables()).toHaveLength(names.length);
    expect([...bi.variables.keys()].sort()).toEqual([...baseParamShapes().keys()].sort());
  });

  itWithData('starts close to the base bi-encoder: its scores rank STS-B dev pairs like the bi-encoder cosine', async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const n = 120;
    const pairs = { a: dev.a.slice(0, n), b: dev.b.slice(0, n) };
    const cos = await biScores(bi, pairs, { maxLength: 64 });
    const scores = await cross.score(
      pairs.a.map((a, i) => [a, pairs.b[i]!] as const),
      { maxLength: 64 },
    );
    expect(spearman(scores, cos)).toBeGreaterThan(0.85);
    // And it is a useful similarity model from the start (the bi-encoder itself is ~0.8 here).
    expect(spearman(scores, dev.gold.slice(0, n))).toBeGreaterThan(0.6);
  });

  it('scores are sigmoid(logit) in (0, 1), in input order whatever the batching; the gate and segments are wired in', async () => {
    const pairs = [
      ['A plane is taking off.', 'An air plane is taking off.'],
      ['A cat sleeps.', 'The stock market crashed.'],
      ['', ''],
    ] as const;
    const { scores, truncated } = await cross.scoreDetailed(pairs);
    expect(scores).toHaveLength(3);
    expect(truncated).toEqual([false, false, false]);
    for (const s of scores) expect(s > 0 && s < 1).toBe(true);
    expect(scores[0]!).toBeGreaterThan(scores[1]!);
    const manual = tf.tidy(() => tf.sigmoid(cross.forward(pairs).logits).dataSync());
    expect(maxDiff(scores, manual)).toBeLessThan(1e-5);
    const reversed = await cross.score([...pairs].reverse(), { batchSize: 1 });
    expect(maxDiff(Array.from(reversed).reverse(), scores)).toBeLessThan(1e-5);

    for (const [name, value] of [
      ['cross_attention_gate', tf.scalar(0)],
      ['segment_embeddings', tf.fill([2, 256], 0.05)],
    ] as const) {
      const saved = cross.getWeights();
      cross.setWeights(new Map([[name, value]]));
      const changed = await cross.score(pairs.slice(0, 2));
      expect(maxDiff(changed, scores.slice(0, 2))).toBeGreaterThan(1e-4);
      cross.setWeights(saved);
      tf.dispose([...saved.values(), value]);
    }
  });

  it('round-trips weights and accepts bi-encoder weights for its base', () => {
    const biWeights = bi.getWeights();
    const perturbed = new Map([...biWeights].map(([k, v]) => [k, tf.add(v, 0.01)]));
    const other = loadUseLiteCrossEncoder({ base, tokenizer: cross.tokenizer });
    other.setWeights(perturbed);
    const got = other.getWeights();
    expect(maxDiff(got.get('pooler/bias')!.dataSync(), perturbed.get('pooler/bias')!.dataSync())).toBe(0);
    // Head/segment weights were not in the map: unchanged (segment table still zero).
    expect(tf.tidy(() => tf.max(tf.abs(got.get('segment_embeddings')!)).dataSync()[0])).toBe(0);

    expect(() => other.setWeights(new Map([['nope', tf.zeros([1])]]))).toThrow(/Unknown weight/);
    expect(() => other.setWeights(new Map([['pooler/bias', tf.zeros([3])]]))).toThrow(/shape/);
    other.setWeights(new Map([['nope', tf.zeros([1])]]), { ignoreUnknown: true });
    const crossWeights = cross.getWeights();
    expect(() => bi.setWeights(crossWeights)).toThrow(/Unknown weight/);
    tf.dispose([...biWeights.values(), ...perturbed.values(), ...got.values(), ...crossWeights.values()]);
    other.dispose();
  });
});
