import { describe, expect, it } from 'vitest';
import { planBatches, type BatchPlan } from '../../../src/engine/train/schedule';
import { seededRandom } from '../../../src/engine/random';

/** Issue 14: length-grouped batches (schedule.ts planBatches with `lengths`). */

// Short texts with an occasional long one, like STS: 8-20 tokens, 1 in 10 of 30-64.
const rand = seededRandom(3);
const n = 1003;
const lengths = Float64Array.from({ length: n }, () => (rand() < 0.1 ? 30 + Math.floor(rand() * 35) : 8 + Math.floor(rand() * 13)));

function epochBatches(plan: BatchPlan, epoch: number): Uint32Array[] {
  return Array.from({ length: plan.stepsPerEpoch }, (_, k) => Uint32Array.from(plan.batchAt(epoch * plan.stepsPerEpoch + k)));
}

/** Real tokens / padded tokens (each batch padded to its longest row). */
function realShare(plan: BatchPlan): number {
  let real = 0;
  let padded = 0;
  for (let step = 0; step < plan.totalSteps; step++) {
    const rows = Array.from(plan.batchAt(step));
    real += rows.reduce((s, i) => s + lengths[i]!, 0);
    padded += rows.length * Math.max(...rows.map((i) => lengths[i]!));
  }
  return real / padded;
}

describe('length-grouped batches', () => {
  it('every epoch is a permutation of the examples, in as many steps as random batches', () => {
    const grouped = planBatches(n, 16, 3, 42, { lengths });
    const random = planBatches(n, 16, 3, 42);
    expect(grouped.stepsPerEpoch).toBe(random.stepsPerEpoch);
    expect(grouped.totalSteps).toBe(random.totalSteps);
    for (let epoch = 0; epoch < 3; epoch++) {
      const batches = epochBatches(grouped, epoch);
      const seen = batches.flatMap((b) => Array.from(b)).sort((x, y) => x - y);
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
      // One short batch (1003 = 62 x 16 + 11), wherever the shuffle put it.
      expect(batches.map((b) => b.length).sort((x, y) => x - y)).toEqual([11, ...Array(62).fill(16)]);
    }
  });

  it('pads far less than random batches', () => {
    const random = realShare(planBatches(n, 16, 2, 42));
    const grouped = realShare(planBatches(n, 16, 2, 42, { lengths }));
    expect(random).toBeLessThan(0.6);
    expect(grouped).toBeGreaterThan(0.9);
  });

  it('sorts only within megabatches of 50 batches and shuffles the batch order', () => {
    const plan = planBatches(n, 4, 1, 42, { lengths });
    const random = planBatches(n, 4, 1, 42);
    const megabatchOf = new Map<number, number>();
    epochBatches(random, 0).forEach((b, k) => b.forEach((i) => megabatchOf.set(i, Math.floor(k / 50))));
    const batches = epochBatches(plan, 0);
    // Each batch comes from one megabatch of the epoch's shuffle.
    for (const b of batches) expect(new Set(Array.from(b, (i) => megabatchOf.get(i))).size).toBe(1);
    // The batch order is not the megabatches' order: the first 50 steps mix megabatches.
    expect(new Set(batches.slice(0, 50).map((b) => megabatchOf.get(b[0]!))).size).toBeGreaterThan(1);
  });

  it('is a function of (seed, epoch, step): another plan, asked in any order, gives the same batches', () => {
    const a = planBatches(n, 16, 3, 42, { lengths });
    const b = planBatches(n, 16, 3, 42, { lengths });
    const steps = Array.from({ length: a.totalSteps }, (_, s) => s);
    const forward = steps.map((s) => Array.from(a.batchAt(s)));
    // A resumed run starts at any step; here from the last back to the first.
    for (const s of [...steps].reverse()) expect(Array.from(b.batchAt(s))).toEqual(forward[s]);
    // Epochs differ, and another seed gives other batches.
    expect(epochBatches(a, 1)).not.toEqual(epochBatches(a, 0));
    expect(Array.from(planBatches(n, 16, 3, 43, { lengths }).batchAt(0))).not.toEqual(forward[0]);
  });

  it('needs one length per example', () => {
    expect(() => planBatches(n, 16, 1, 42, { lengths: lengths.subarray(1) })).toThrow(/1003 lengths/);
  });
});
