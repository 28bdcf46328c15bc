/**
 * The built-in pair judge (issue 11): its fit, its shipped weights, the scan sending borderline
 * pairs to it (review only, never pre-selected), and the real judge on real word vectors.
 */
import { describe, expect, it } from 'vitest';
import { builtinJudgeWeights, loadBuiltinPairJudge } from '../../../src/engine/dedup/builtinPairJudge';
import { fitLogistic } from '../../../src/engine/dedup/logistic';
import {
  AlignmentScorer,
  checkJudgeWeights,
  JUDGE_EXTRA_FEATURE_NAMES,
  JUDGE_FEATURE_NAMES,
  pairJudgeFrom,
  surfaceFeatures,
  TableIdf,
  type PairJudge,
} from '../../../src/engine/dedup/pairJudge';
import type { TokenStateEncoder } from '../../../src/engine/train/teachers/alignment';
import { runDedupScan } from '../../../src/engine/dedup/scan';
import { seededRandom } from '../../../src/engine/random';
import { sharedGloveDir } from '../../helpers/gloveDir';
import { tempDir, tempStore, toyEmbed, toyVector, writeFiles } from './helpers';

describe('fitLogistic', () => {
  it('recovers the coefficients that generated the labels', () => {
    const rand = seededRandom(3);
    const n = 6000;
    const x = new Float64Array(n * 3);
    const y: number[] = [];
    const gauss = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    for (let i = 0; i < n; i++) {
      x[i * 3] = gauss();
      x[i * 3 + 1] = 2 + 3 * gauss();
      x[i * 3 + 2] = 5; // constant: no information, must not break the fit
      const z = 0.5 + 2 * x[i * 3] - 0.4 * x[i * 3 + 1];
      y.push(rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    }
    const m = fitLogistic(x, y, 3, { l2: 0 });
    // Raw-scale coefficients are the standardised ones divided by the scale.
    expect(m.coef[0] / m.scale[0]).toBeCloseTo(2, 0);
    expect(Math.abs(m.coef[1] / m.scale[1] + 0.4)).toBeLessThan(0.1);
    expect(m.coef[2]).toBeCloseTo(0, 6);
    expect(m.iterations).toBeLessThan(20);
  });
});

describe('the shipped weights', () => {
  it('are a checked tenc-pair-judge file fitted on the features the engine computes', () => {
    const w = builtinJudgeWeights();
    expect(w.features.slice(0, JUDGE_FEATURE_NAMES.length)).toEqual([...JUDGE_FEATURE_NAMES]);
    for (const e of w.features.slice(JUDGE_FEATURE_NAMES.length)) expect(JUDGE_EXTRA_FEATURE_NAMES).toContain(e);
    expect(w.accept).toBeGreaterThan(0);
    expect(w.accept).toBeLessThan(1);
    expect(w.candidateFloor).toBeLessThan(0.9);
    expect(String(w.fittedOn.data)).toMatch(/stsb-train/);
  });

  it('refuses weights of another shape, saying what is wrong', () => {
    const w = builtinJudgeWeights();
    expect(() => checkJudgeWeights({ ...w, format: 'x' })).toThrow(/tenc-pair-judge/);
    expect(() => checkJudgeWeights({ ...w, features: ['a'] })).toThrow(/other features/);
    expect(() => checkJudgeWeights({ ...w, coef: w.coef.slice(1) })).toThrow(/finite/);
    expect(() => checkJudgeWeights({ ...w, accept: 1.5 })).toThrow(/accept/);
  });

  it('checks version-2 weights: extra inputs in order, and an IDF table when they use token alignment', () => {
    const n = JUDGE_FEATURE_NAMES.length;
    const v2 = (extras: string[], idf?: unknown) => ({
      ...builtinJudgeWeights(),
      version: 2,
      features: [...JUDGE_FEATURE_NAMES, ...extras],
      mean: new Array(n + extras.length).fill(0),
      scale: new Array(n + extras.length).fill(1),
      coef: new Array(n + extras.length).fill(0.1),
      alignmentIdf: idf,
    });
    const idf = { texts: 10, df: { 5: 9, 7: 1 } };
    expect(checkJudgeWeights(v2(['use_alignment', 'cos_squared'], idf)).features).toHaveLength(n + 2);
    expect(() => checkJudgeWeights(v2(['use_alignment']))).toThrow(/alignmentIdf/);
    expect(() => checkJudgeWeights(v2(['cos_squared', 'use_alignment'], idf))).toThrow(/other features/);
    expect(() => checkJudgeWeights(v2(['bogus'], idf))).toThrow(/other features/);
    expect(() => checkJudgeWeights({ ...v2([], idf) })).toThrow(/other features/);
    // A judge with token alignment needs the model's token states.
    expect(() => pairJudgeFrom(checkJudgeWeights(v2(['use_alignment'], idf)), () => ({}) as never)).toThrow(/token alignment/);
  });
});

describe('token alignment with a shipped IDF table', () => {
  it('weighs rare tokens over common ones, whatever pairs it is asked about', async () => {
    const idf = new TableIdf({ texts: 99, df: { 1: 99, 2: 1 } });
    expect(idf.weight(1)).toBeCloseTo(Math.log(100 / 100), 9);
    expect(idf.weight(2)).toBeCloseTo(Math.log(100 / 2), 9);
    expect(idf.weight(3)).toBeCloseTo(Math.log(100), 9);
    // One-hot token states: token 1 ("the") and 2 (a rare word) and 3 (another).
    const state = (ids: number[]) => {
      const s = new Float32Array(ids.length * 4);
      ids.forEach((id, i) => (s[i * 4 + id] = 1));
      return { ids, states: s };
    };
    const encoder: TokenStateEncoder = {
      tokenIds: (t) => t.split(' ').map(Number),
      tokenStates: async (texts) => texts.map((t) => state(t.split(' ').map(Number))),
    };
    const [sameRare, sameCommon] = await new AlignmentScorer(encoder, { texts: 99, df: { 1: 99, 2: 1 } }).scores([
      ['1 2', '1 2'],
      ['1 2', '1 3'],
    ]);
    expect(sameRare).toBeCloseTo(1, 6);
    // Only the common token matches: it carries no weight, so the alignment is 0.
    expect(sameCommon).toBeCloseTo(0, 6);
  });
});

describe('surface features', () => {
  it('see shared words, different numbers and a negation on one side', () => {
    const [jac, differ, oneSide, neg] = surfaceFeatures('Pay 500 EUR by 1 May.', 'Pay 700 EUR by 1 May, not later.');
    expect(jac).toBeGreaterThan(0.4);
    expect(differ).toBeCloseTo(2 / 3, 5); // {500, 1} vs {700, 1}: 1 shared of 3
    expect(oneSide).toBe(0);
    expect(neg).toBe(1);
    expect(surfaceFeatures('no numbers here', 'page 4')[2]).toBe(1);
  });
});

describe('the scan with a pair judge', () => {
  async function folder() {
    const root = await tempDir('tenc-dedup-judge-');
    await writeFiles(root, {
      'p1.txt': 'The committee must approve the new budget before Friday morning, said the chair.',
      'p2.txt': P2,
      'q.txt': 'Heavy rain flooded the valley roads and closed three schools for the week.',
    });
    return root;
  }
  const P1 = 'The committee must approve the new budget before Friday morning, said the chair.';
  const P2 = 'The committee has to approve the new budget by Friday morning, the chair said.';
  // The reworded pair sits just below the semantic threshold: the judge's to decide (and, with
  // a 0.1 band, the cross-encoder's when there is one).
  const toyCos = (() => {
    const [u, v] = [toyVector(P1), toyVector(P2)];
    return u.reduce((s, x, i) => s + x * v[i], 0);
  })();
  const thresholds = { semantic: Math.round((toyCos + 0.05) * 1000) / 1000, crossBand: 0.1 };
  const judgeOf = (prob: number, asked: Array<{ a: string; b: string; cos: number }>): PairJudge => ({
    name: 'test judge',
    candidateFloor: 0.5,
    accept: 0.6,
    judge: async (pairs, cosines) => {
      pairs.forEach(([a, b], i) => asked.push({ a, b, cos: cosines[i] }));
      return pairs.map(() => prob);
    },
  });

  it('asks the judge about borderline pairs with their cosine, and offers what it accepts for review only', async () => {
    const root = await folder();
    const store = await tempStore();
    const asked: Array<{ a: string; b: string; cos: number }> = [];
    const { scanId, stats } = await runDedupScan({
      roots: [root],
      store,
      embed: toyEmbed,
      judge: judgeOf(0.8, asked),
      thresholds,
      settings: { passageLevel: false },
    });
    expect(asked.length).toBe(stats.crossScored);
    expect(toyCos).toBeGreaterThan(0.5);
    expect(asked.some((q) => q.a.includes('committee') && q.b.includes('committee') && Math.abs(q.cos - toyCos) < 1e-4)).toBe(true);
    const clusters = await store.scans.listClusters(scanId);
    expect(clusters).toHaveLength(1);
    const [c] = clusters;
    expect(c.layer).toBe('cross');
    expect(c.preselect).toBe(false);
    const member = c.members.find((m) => m.documentId !== c.keepDocumentId)!;
    expect(member.evidence).toMatchObject({ judge: 0.8 });
    expect((member.evidence as { cosine: number }).cosine).toBeCloseTo(toyCos, 4);
  });

  it('keeps nothing the judge rejects, and leaves the band to a cross-encoder when one is given', async () => {
    const root = await folder();
    const store = await tempStore();
    const asked: Array<{ a: string; b: string; cos: number }> = [];
    const rejected = await runDedupScan({ roots: [root], store, embed: toyEmbed, judge: judgeOf(0.2, asked), thresholds, settings: { passageLevel: false } });
    expect(asked.length).toBeGreaterThan(0);
    expect(await store.scans.listClusters(rejected.scanId)).toHaveLength(0);
    expect(rejected.stats.crossAccepted).toBe(0);

    const askedWithCross: Array<{ a: string; b: string; cos: number }> = [];
    const crossed = await runDedupScan({
      roots: [root],
      store,
      embed: toyEmbed,
      judge: judgeOf(0.8, askedWithCross),
      score: async (p) => p.map(() => 0.95),
      thresholds,
      settings: { passageLevel: false },
    });
    expect(askedWithCross).toHaveLength(0);
    const [c] = await store.scans.listClusters(crossed.scanId);
    expect(c.members.find((m) => m.documentId !== c.keepDocumentId)!.evidence).toMatchObject({ cross: 0.95 });
  });
});

const glove = sharedGloveDir();
if (!glove.dir) console.warn(`skipping the built-in pair judge on real word vectors: ${glove.reason}`);

describe.skipIf(!glove.dir)('the built-in judge on the real GloVe vectors', () => {
  it('accepts a reworded sentence and refuses its negation at the same cosine, and an unrelated sentence', async () => {
    const judge = loadBuiltinPairJudge({ dir: glove.dir!, convert: false });
    const a = 'The board approved the merger of the two banks on Tuesday after a long debate.';
    const pairs: Array<[string, string]> = [
      [a, 'After a long debate on Tuesday, the board approved the merger of the two banks.'],
      [a, 'The board did not approve the merger of the two banks on Tuesday after a long debate.'],
      [a, 'A heavy storm closed the airport on Tuesday and flights were cancelled for hours.'],
    ];
    const p = await judge.judge(pairs, [0.93, 0.93, 0.7]);
    expect(p[0]).toBeGreaterThanOrEqual(judge.accept);
    expect(p[1]).toBeLessThan(judge.accept);
    expect(p[2]).toBeLessThan(judge.accept);
  });
});
