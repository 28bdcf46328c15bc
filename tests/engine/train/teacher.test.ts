import { itWithData } from '../../helpers/sharedData';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/backend';
import { spearman } from '../../../src/engine/eval/metrics';
import { loadScoredPairs } from '../../../src/engine/eval/stsData';
import { loadUseLiteBiEncoder, loadUseLiteCrossEncoder } from '../../../src/engine/models/use-lite';
import { loadArrays } from '../../../src/engine/models/io/weightsFile';
import { biScores, crossScores, toProbabilities } from '../../../src/engine/train/scoring';
import { rankByTeacher } from '../../../src/engine/train/selection';
import { mergeSettings, PAPER_SETTINGS } from '../../../src/engine/train/settings';
import { alignmentScores, Idf, alignmentF1 } from '../../../src/engine/train/teachers/alignment';
import { mixZ, quantileMap, zScore } from '../../../src/engine/train/teachers/combine';
import { ensembleLabels, teacherScores } from '../../../src/engine/train/teachers/teacher';
import { pairCells, pairLengths, quantileBins } from '../../../src/engine/train/teachers/groups';
import { negationFlags } from '../../../src/engine/train/teachers/negationEvidence';
import { crossPairCount, crossPairIndices, planTotalSteps, runTransEncoder } from '../../../src/engine/train/transEncoder';
import { seededRandom } from '../../../src/engine/random';

describe('combining teacher evidence', () => {
  it('z-scores, mixes by weight, and puts a ranking back on another scale', () => {
    expect(Array.from(zScore([1, 2, 3])).map((x) => +x.toFixed(4))).toEqual([-1.2247, 0, 1.2247]);
    expect(Array.from(zScore([5, 5, 5]))).toEqual([0, 0, 0]);
    // Two scorers of opposite order, one weighted 3x: the mix follows the heavier one.
    const mix = mixZ([
      { scores: [1, 2, 3], weight: 3 },
      { scores: [30, 20, 10], weight: 1 },
    ]);
    expect(mix[0]! < mix[1]! && mix[1]! < mix[2]!).toBe(true);
    expect(() => mixZ([{ scores: [1, 2], weight: -1 }])).toThrow(/weight/);
    expect(() =>
      mixZ([
        { scores: [1, 2], weight: 1 },
        { scores: [1], weight: 1 },
      ]),
    ).toThrow(/score arrays/);
    // The teacher's order, the reference's values.
    expect(Array.from(quantileMap([0.9, 0.1, 0.5], [10, 30, 20]))).toEqual([30, 10, 20]);
  });

  it('teacherScores keeps the model scores without evidence and their distribution with it', () => {
    const model = Float32Array.of(0.2, 0.4, 0.6, 0.8);
    expect(teacherScores(model, [])).toBe(model);
    expect(teacherScores(model, [{ name: 'sif', scores: Float32Array.of(1, 2, 3, 4), weight: 0 }])).toBe(model);
    const t = teacherScores(model, [{ name: 'alignment', scores: Float32Array.of(4, 3, 2, 1), weight: 3 }]);
    expect(Array.from(t).sort()).toEqual(Array.from(model).sort());
    expect(spearman(t, [4, 3, 2, 1])).toBeCloseTo(1, 6);
  });
});

describe('ensemble teacher (settings.teacher.ensemble)', () => {
  it("mixes the cross labels with the bi->cross teacher by weight, on the cross labels' scale", () => {
    const cross = Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5);
    const b2c = Float32Array.of(0.9, 0.7, 0.5, 0.3, 0.1); // the opposite order
    expect(ensembleLabels(cross, b2c, 0)).toBe(cross);
    // w = 1: the bi->cross teacher's order, the cross labels' values.
    expect(Array.from(ensembleLabels(cross, b2c, 1))).toEqual(Array.from(cross).reverse());
    // Orders that disagree on two pairs only: the mix moves those toward the teacher, keeps the rest.
    const teacher = Float32Array.of(0.1, 0.2, 0.45, 0.35, 0.5);
    const mixed = ensembleLabels(cross, teacher, 0.6);
    expect(Array.from(mixed).sort()).toEqual(Array.from(cross).sort());
    expect(spearman(mixed, teacher)).toBeCloseTo(1, 6);
    expect(spearman(ensembleLabels(cross, teacher, 0.4), cross)).toBeCloseTo(1, 6);
    expect(() => ensembleLabels(cross, b2c, 1.5)).toThrow(/ensemble weight/);
    expect(() => ensembleLabels(cross, b2c.subarray(1), 0.5)).toThrow(/4 pairs/);
  });
});

describe('residual teacher (settings.teacher.residual)', () => {
  it('counts words (CJK by character) and bins by quantile', () => {
    expect(Array.from(pairLengths({ a: ['A man is playing.', '猫在睡觉'], b: ['He is here', 'The cat sleeps'] }))).toEqual([3.5, 3.5]);
    expect(Array.from(quantileBins([5, 1, 3, 2, 4, 6], 3))).toEqual([2, 0, 1, 0, 1, 2]);
    expect(Array.from(quantileBins([1, 1, 1, 1], 4))).toEqual([3, 3, 3, 3]);
    expect(() => pairCells([1, 2], [0.5])).toThrow(/lengths for 2 pairs/);
  });

  it('lets the evidence reorder similar pairs but not lift a whole kind of text against the others', () => {
    // Short pairs (captions) and long pairs (news), 200 each. The gold: the model's order is
    // right between the two kinds (long pairs sit lower) but noisy within each; the evidence has
    // each kind's order nearly right but reads every long pair 1.5 SD too similar.
    const rand = seededRandom(7);
    const n = 400;
    const gold = new Float32Array(n);
    const model = new Float32Array(n);
    const evidence = new Float32Array(n);
    const a: string[] = [];
    const b: string[] = [];
    for (let i = 0; i < n; i++) {
      const long = i >= n / 2;
      gold[i] = rand() * 3 + (long ? 0 : 1.5);
      model[i] = gold[i]! + (rand() - 0.5) * 2.5;
      evidence[i] = gold[i]! + (rand() - 0.5) * 0.5 + (long ? 3 : 0);
      const words = long ? 20 + (i % 7) : 6 + (i % 3);
      a.push(Array.from({ length: words }, (_, k) => `w${k}`).join(' '));
      b.push(a.at(-1)!);
    }
    const ev = [{ name: 'alignment' as const, scores: evidence, weight: 0.6 }];
    const plain = teacherScores(model, ev);
    const residual = teacherScores(model, ev, { lengths: pairLengths({ a, b }) });
    const meanRankOfLong = (x: Float32Array) => {
      const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => x[p]! - x[q]!);
      const rank = new Float32Array(n);
      order.forEach((i, r) => (rank[i] = r));
      return rank.slice(n / 2).reduce((p, q) => p + q, 0) / (n / 2);
    };
    // The plain mix lifts the long pairs as a whole; the residual one keeps them where the model had them.
    expect(meanRankOfLong(plain) - meanRankOfLong(model)).toBeGreaterThan(30);
    expect(Math.abs(meanRankOfLong(residual) - meanRankOfLong(model))).toBeLessThan(10);
    // Within each kind it still follows the evidence.
    const within = (x: Float32Array, lo: number) => spearman(x.slice(lo, lo + n / 2), gold.slice(lo, lo + n / 2));
    for (const lo of [0, n / 2]) expect(within(residual, lo)).toBeGreaterThan(within(model, lo) + 0.05);
    // Over all pairs: better than the model, and than the plain mix.
    expect(spearman(residual, gold)).toBeGreaterThan(spearman(plain, gold) + 0.02);
    expect(spearman(residual, gold)).toBeGreaterThan(spearman(model, gold));
    // The labels keep the model's scores (only their order changes); negation still applies.
    expect(Array.from(residual).sort()).toEqual(Array.from(model).sort());
    const flags = Float32Array.from({ length: n }, (_, i) => (i % 50 === 0 ? 1 : 0));
    const withNegation = teacherScores(model, [...ev, { name: 'negation', scores: flags, weight: 1 }], { lengths: pairLengths({ a, b }) });
    expect(Array.from(withNegation).sort()).toEqual(Array.from(model).sort());
  });
});

describe('negation evidence', () => {
  it('flags pairs that differ by a negation; the teacher keeps the model score there, lowered, and ignores the other evidence', () => {
    const pairs = {
      a: ['A man is playing a guitar', 'The cat sleeps', 'It is not raining', 'Dogs run'],
      b: ['A man is not playing a guitar', 'The cat is sleeping', "It isn't raining", 'Dogs never run'],
    };
    expect(Array.from(negationFlags(pairs))).toEqual([1, 0, 0, 1]);
    const model = Float32Array.of(0.9, 0.6, 0.7, 0.8);
    // Alignment calls pairs 0 and 3 near-identical; with negation it may not lift them.
    const align = { name: 'alignment' as const, scores: Float32Array.of(1, 0.2, 0.3, 0.95), weight: 1 };
    const withNeg = teacherScores(model, [align, { name: 'negation', scores: negationFlags(pairs), weight: 3 }]);
    expect(Array.from(withNeg).sort()).toEqual(Array.from(model).sort());
    // Flagged pairs drop below the unflagged ones (the model's z of 1.34 and 0.45, minus 3 SDs).
    expect(withNeg[0]! < withNeg[1]! && withNeg[3]! < withNeg[2]!).toBe(true);
    // Weight 0 is the teacher without it.
    expect(Array.from(teacherScores(model, [align, { name: 'negation', scores: negationFlags(pairs), weight: 0 }]))).toEqual(
      Array.from(teacherScores(model, [align])),
    );
    expect(() => teacherScores(model, [{ name: 'negation', scores: Float32Array.of(1), weight: 1 }])).toThrow(/negation flags/);
  });
});

describe('token alignment', () => {
  it('is 1 for identical texts, symmetric, and weighs rare tokens more', () => {
    const s = (ids: number[], rows: number[][]) => ({ ids, states: Float32Array.from(rows.flat()) });
    const idf = new Idf([
      [1, 2],
      [1, 3],
      [1, 4],
    ]); // token 1 is in every text
    const x = s(
      [1, 2],
      [
        [1, 0],
        [0, 1],
      ],
    );
    expect(alignmentF1(x, x, idf, 2)).toBeCloseTo(1, 6);
    const y = s(
      [1, 3],
      [
        [1, 0],
        [Math.SQRT1_2, Math.SQRT1_2],
      ],
    );
    expect(alignmentF1(x, y, idf, 2)).toBeCloseTo(alignmentF1(y, x, idf, 2), 6);
    expect(idf.weight(2)).toBeGreaterThan(idf.weight(1));
    expect(alignmentF1(x, s([], []), idf, 2)).toBe(0);
  });
});

beforeAll(async () => {
  await initBackend('wasm');
});

itWithData(
  'token alignment of USE lite ranks gold STS pairs, and mixed with the cosine it beats the cosine on STS13 headlines',
  async () => {
    // Measured evidence of issue 10 on real pairs: 150 STS13 headlines pairs (rows 189-338; FNWN comes first).
    const sts = await loadScoredPairs('sts13');
    const pairs = { a: sts.a.slice(189, 339), b: sts.b.slice(189, 339) };
    const gold = sts.gold.slice(189, 339);
    expect(new Set(sts.subsets.slice(189, 339))).toEqual(new Set(['headlines']));
    const bi = loadUseLiteBiEncoder();
    const align = await alignmentScores(bi, pairs, { maxLength: 64, chunkPairs: 128 });
    const cos = await biScores(bi, pairs, { maxLength: 64 });
    expect(spearman(align, gold)).toBeGreaterThan(0.5);
    expect(
      spearman(
        mixZ([
          { scores: cos, weight: 1 },
          { scores: align, weight: 1 },
        ]),
        gold,
      ),
    ).toBeGreaterThan(spearman(cos, gold));
    bi.dispose();
  },
  400_000,
);

describe('rankByTeacher: is the trained model better than the start?', () => {
  const rand = seededRandom(11);
  const n = 300;
  const truth = Float32Array.from({ length: n }, () => rand());
  const noisy = (sd: number) => truth.map((t) => t + sd * (rand() - 0.5));
  const teacher = noisy(0.2);

  it('says better when a cycle agrees clearly more with the teacher, worse (and offers the start) when less, same when within chance', () => {
    const start = noisy(1.5);
    const better = rankByTeacher(
      start,
      [
        { cycle: 1, bi: noisy(2) },
        { cycle: 2, bi: noisy(0.5) },
      ],
      teacher,
    );
    expect(better).toMatchObject({ cycle: 2, verdict: 'better', recommended: 'trained' });
    expect(better.values.map((v) => v.cycle)).toEqual([0, 1, 2]);
    expect(better.confidence).toBeGreaterThanOrEqual(0.95);

    const good = noisy(0.5);
    const worse = rankByTeacher(good, [{ cycle: 1, bi: noisy(2) }], teacher);
    expect(worse).toMatchObject({ cycle: 1, verdict: 'worse', recommended: 'start' });

    const same = rankByTeacher(good, [{ cycle: 1, bi: good.map((x, i) => (i === 0 ? x + 1e-3 : x)) }], teacher);
    expect(same.verdict).toBe('same');
  });

  it("offers the start when the verdict is 'same' and the start agrees at least as much with the teacher", () => {
    const good = noisy(0.5);
    // A cycle that learned nothing (identical scores): a tie, so the start is kept.
    const unchanged = rankByTeacher(good, [{ cycle: 1, bi: Float32Array.from(good) }], teacher);
    expect(unchanged).toMatchObject({ cycle: 1, verdict: 'same', confidence: 0.5, recommended: 'start' });
    // Cycles within chance of the start (a little noise): the trained one only when it agrees more.
    const jitter = seededRandom(5);
    const within = Array.from({ length: 8 }, () => rankByTeacher(good, [{ cycle: 1, bi: good.map((x) => x + 0.03 * (jitter() - 0.5)) }], teacher));
    const same = within.filter((r) => r.verdict === 'same');
    const closer = same.filter((r) => r.values[1]!.value > r.values[0]!.value);
    expect(closer.length).toBeGreaterThan(0);
    expect(closer.length).toBeLessThan(same.length);
    for (const r of same) expect(r.recommended).toBe(r.values[1]!.value > r.values[0]!.value ? 'trained' : 'start');
  });
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-teacher-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

itWithData(
  "a run with alignment evidence trains both phases on the mixed teacher, on the model scores' scale",
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 16), b: dev.b.slice(0, 16) };
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      dropout: 0,
      teacher: { alignment: 1 },
      biToCross: { batchSize: 8, maxLength: 32 },
      crossToBi: { batchSize: 8, epochs: 1, maxLength: 32 },
    });
    const bi = loadUseLiteBiEncoder();
    const cross = loadUseLiteCrossEncoder();
    const startCos = await biScores(bi, pairs, { maxLength: 32 });
    const state = await runTransEncoder({ members: [{ name: 'use-lite', bi, cross }], pairs, settings, runDir: dir });
    expect(state.phase).toBe('done');
    const saved = await loadArrays(path.join(dir, 'evidence.safetensors'));
    expect([...saved.keys()]).toEqual(['alignment']);
    const evidence = saved.get('alignment')!.data;
    const ev = [{ name: 'alignment' as const, scores: evidence, weight: 1 }];
    // The evidence is the start model's alignment (the run's bi-encoder has trained since).
    const fresh = loadUseLiteBiEncoder();
    expect(Array.from(evidence)).toEqual(Array.from(await alignmentScores(fresh, pairs, { maxLength: 32 })));
    const b2c = (await loadArrays(path.join(dir, 'labels-c0-b2c.safetensors'))).get('labels')!.data;
    expect(Array.from(b2c)).toEqual(Array.from(toProbabilities(teacherScores(startCos, ev))));
    // Not the plain cosines: the evidence changed the order.
    expect(spearman(b2c, startCos)).toBeLessThan(0.999);
    // cross->bi labels: the cycle's cross-encoder scores, re-ranked by the evidence, on their own scale.
    const c2b = (await loadArrays(path.join(dir, 'labels-c0-c2b.safetensors'))).get('labels')!.data;
    const trainedCross = loadUseLiteCrossEncoder();
    const { loadWeights } = await import('../../../src/engine/models/io/weightsFile');
    trainedCross.setWeights(await loadWeights(path.join(dir, 'cycle0-cross-use-lite.safetensors')));
    const crossNow = await crossScores(trainedCross, pairs, { maxLength: 32 });
    const expected = teacherScores(crossNow, ev);
    Array.from(c2b).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    [bi, cross, fresh, trainedCross].forEach((m) => m.dispose());
  },
  300_000,
);

itWithData(
  'crossPairShare: the cross-encoder trains on a seeded share of the pairs, the bi-encoder on all of them, labelled by it',
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 16), b: dev.b.slice(0, 16) };
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      dropout: 0,
      crossPairShare: 0.5,
      teacher: { negation: 0.5 },
      biToCross: { batchSize: 8, maxLength: 32 },
      crossToBi: { batchSize: 8, epochs: 1, maxLength: 32 },
    });
    expect(crossPairCount(16, settings)).toBe(8);
    const idx = crossPairIndices(16, settings);
    expect(new Set(idx).size).toBe(8);
    expect(Array.from(crossPairIndices(16, settings))).toEqual(Array.from(idx));
    expect(Array.from(crossPairIndices(16, { ...settings, crossPairShare: 1 }))).toEqual([...Array(16).keys()]);
    // bi->cross: 8 pairs in both orders = 2 steps of 8; cross->bi: 16 pairs = 2 steps (6 with every pair).
    expect(planTotalSteps(16, 1, settings)).toBe(4);
    const runDir = fs.mkdtempSync(path.join(dir, 'share-'));
    const bi = loadUseLiteBiEncoder();
    const cross = loadUseLiteCrossEncoder();
    const steps: Record<string, number> = {};
    const state = await runTransEncoder({
      members: [{ name: 'use-lite', bi, cross }],
      pairs,
      settings,
      runDir,
      onStep: (p) => {
        steps[p.phase] = (steps[p.phase] ?? 0) + 1;
      },
    });
    expect(state).toMatchObject({ phase: 'done', globalStep: 4, totalSteps: 4 });
    expect(steps).toEqual({ 'bi->cross': 2, 'cross->bi': 2 });
    const saved = await loadArrays(path.join(runDir, 'evidence.safetensors'));
    expect([...saved.keys()]).toEqual(['negation']);
    expect(Array.from(saved.get('negation')!.data)).toEqual(Array.from(negationFlags(pairs)));
    // cross->bi labels cover every pair, the 8 the cross-encoder never trained on included.
    const c2b = (await loadArrays(path.join(runDir, 'labels-c0-c2b.safetensors'))).get('labels')!.data;
    expect(c2b.length).toBe(16);
    [bi, cross].forEach((m) => m.dispose());
  },
  300_000,
);

itWithData(
  "teacher.cycles: the evidence is mixed into the first cycles' teachers only; later cycles learn the models' own scores",
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 8), b: dev.b.slice(0, 8) };
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 2,
      dropout: 0,
      teacher: { alignment: 1, negation: 0.5, cycles: 1 },
      biToCross: { batchSize: 8, maxLength: 32 },
      crossToBi: { batchSize: 8, epochs: 1, maxLength: 32 },
    });
    const runDir = fs.mkdtempSync(path.join(dir, 'evidence-cycles-'));
    const bi = loadUseLiteBiEncoder();
    const cross = loadUseLiteCrossEncoder();
    const startCos = await biScores(bi, pairs, { maxLength: 32 });
    const state = await runTransEncoder({ members: [{ name: 'use-lite', bi, cross }], pairs, settings, runDir });
    expect(state).toMatchObject({ phase: 'done', cycle: 2 });
    const labels = async (name: string) => (await loadArrays(path.join(runDir, name))).get('labels')!.data;
    // Cycle 1: the start cosines mixed with the evidence (not the plain cosines).
    const b2c1 = await labels('labels-c0-b2c.safetensors');
    expect(Array.from(b2c1)).not.toEqual(Array.from(toProbabilities(startCos)));
    // Cycle 2: the paper's teachers, the cycle-1 bi-encoder's cosines and the cycle-2 cross-encoder's scores as they are.
    const { loadWeights } = await import('../../../src/engine/models/io/weightsFile');
    const cycle1Bi = loadUseLiteBiEncoder();
    cycle1Bi.setWeights(await loadWeights(path.join(runDir, 'cycle0-bi-use-lite.safetensors')));
    const b2c2 = await labels('labels-c1-b2c.safetensors');
    const expectedB2c = toProbabilities(await biScores(cycle1Bi, pairs, { maxLength: 32 }));
    Array.from(b2c2).forEach((v, i) => expect(v).toBeCloseTo(expectedB2c[i]!, 5));
    const cycle2Cross = loadUseLiteCrossEncoder();
    cycle2Cross.setWeights(await loadWeights(path.join(runDir, 'cycle1-cross-use-lite.safetensors')));
    const c2b2 = await labels('labels-c1-c2b.safetensors');
    const expectedC2b = await crossScores(cycle2Cross, pairs, { maxLength: 32 });
    Array.from(c2b2).forEach((v, i) => expect(v).toBeCloseTo(expectedC2b[i]!, 5));
    [bi, cross, cycle1Bi, cycle2Cross].forEach((m) => m.dispose());
  },
  300_000,
);

itWithData(
  'teacher.ensemble: the cross->bi labels of an evidence cycle mix the cross-encoder labels with the saved bi->cross teacher',
  async () => {
    const dev = await loadScoredPairs('stsb-dev');
    const pairs = { a: dev.a.slice(0, 8), b: dev.b.slice(0, 8) };
    const settings = mergeSettings(PAPER_SETTINGS, {
      cycles: 1,
      dropout: 0,
      teacher: { alignment: 1, ensemble: 0.5 },
      biToCross: { batchSize: 8, maxLength: 32 },
      crossToBi: { batchSize: 8, epochs: 1, maxLength: 32 },
    });
    const runDir = fs.mkdtempSync(path.join(dir, 'ensemble-'));
    const bi = loadUseLiteBiEncoder();
    const cross = loadUseLiteCrossEncoder();
    const state = await runTransEncoder({ members: [{ name: 'use-lite', bi, cross }], pairs, settings, runDir });
    expect(state).toMatchObject({ phase: 'done', cycle: 1 });
    const labels = async (name: string) => (await loadArrays(path.join(runDir, name))).get('labels')!.data;
    const ev = [{ name: 'alignment' as const, scores: (await loadArrays(path.join(runDir, 'evidence.safetensors'))).get('alignment')!.data, weight: 1 }];
    const { loadWeights } = await import('../../../src/engine/models/io/weightsFile');
    const trainedCross = loadUseLiteCrossEncoder();
    trainedCross.setWeights(await loadWeights(path.join(runDir, 'cycle0-cross-use-lite.safetensors')));
    const crossLabels = teacherScores(await crossScores(trainedCross, pairs, { maxLength: 32 }), ev);
    const b2c = await labels('labels-c0-b2c.safetensors');
    const c2b = await labels('labels-c0-c2b.safetensors');
    const expected = ensembleLabels(crossLabels, b2c, 0.5);
    Array.from(c2b).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    // Not the cross-encoder labels alone (the teacher moved some pairs), on their scale.
    expect(Array.from(c2b)).not.toEqual(Array.from(crossLabels));
    expect(
      Array.from(c2b)
        .sort()
        .map((v) => +v.toFixed(5)),
    ).toEqual(
      Array.from(crossLabels)
        .sort()
        .map((v) => +v.toFixed(5)),
    );
    [bi, cross, trainedCross].forEach((m) => m.dispose());
  },
  300_000,
);
