import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itWithData } from '../../helpers/sharedData';
import { initBackend } from '../../../src/engine/backend';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';
import { loadWeights } from '../../../src/engine/models/io/weightsFile';
import { interpolateWeights } from '../../../src/engine/train/interpolate';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { runTransEncoder } from '../../../src/engine/train/transEncoder';

beforeAll(async () => {
  await initBackend('wasm');
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('interpolateWeights', () => {
  it('mixes every weight by the start share and refuses weights that do not match', async () => {
    const start = new Map([['w', tf.tensor1d([0, 10])]]);
    const trained = new Map([['w', tf.tensor1d([4, 2])]]);
    const mix = (share: number) => Array.from(interpolateWeights(start, trained, share).get('w')!.dataSync());
    expect(mix(0)).toEqual([4, 2]);
    expect(mix(1)).toEqual([0, 10]);
    expect(mix(0.25)).toEqual([3, 4]);
    expect(() => interpolateWeights(start, trained, 1.5)).toThrow(/between 0 and 1/);
    expect(() => interpolateWeights(start, new Map([['v', tf.tensor1d([1, 2])]]), 0.5)).toThrow(/no weight v/);
    expect(() => interpolateWeights(start, new Map([['w', tf.tensor1d([1, 2, 3])]]), 0.5)).toThrow(/shape 2 at the start, 3 trained/);
  });
});

itWithData(
  'biStartShare: each cycle hands on its bi-encoder moved back toward the start by that share',
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 16), b: dev.b.slice(0, 16) };
    const run = async (biStartShare: number) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-interp-'));
      dirs.push(dir);
      const settings = mergeSettings(PAPER_SETTINGS, {
        cycles: 1,
        dropout: 0,
        biStartShare,
        biToCross: { batchSize: 8, maxLength: 32 },
        // A large step, so the trained weights move far from the start in two steps.
        crossToBi: { batchSize: 8, epochs: 1, maxLength: 32, learningRate: 1e-3 },
      });
      const bi = loadUseLiteBiEncoder();
      const cross = loadUseLiteCrossEncoder();
      await runTransEncoder({ members: [{ name: 'use-lite', bi, cross }], pairs, settings, runDir: dir });
      bi.dispose();
      cross.dispose();
      return dir;
    };
    const plain = await run(0);
    const mixed = await run(0.25);
    const start = await loadWeights(path.join(plain, 'start-bi-use-lite.safetensors'));
    const trained = await loadWeights(path.join(plain, 'cycle0-bi-use-lite.safetensors'));
    const got = await loadWeights(path.join(mixed, 'cycle0-bi-use-lite.safetensors'));
    // One comparison over all ~7M weights (an expect per weight took minutes).
    let moved = 0;
    let worst = 0;
    let compared = 0;
    for (const [name, t] of got) {
      const s = start.get(name)!.dataSync();
      const tr = trained.get(name)!.dataSync();
      const g = t.dataSync();
      for (let i = 0; i < g.length; i++) {
        worst = Math.max(worst, Math.abs(g[i]! - (0.25 * s[i]! + 0.75 * tr[i]!)));
        moved = Math.max(moved, Math.abs(tr[i]! - s[i]!));
      }
      compared += g.length;
    }
    expect(compared).toBeGreaterThan(1_000_000);
    expect(worst).toBeLessThan(1e-5);
    // The run did train (otherwise the mix would be the start itself and prove nothing).
    expect(moved).toBeGreaterThan(1e-3);
  },
  600_000,
);
