import { describe, expect, it } from 'vitest';
import type { EvaluationSummary, ModelSummary, PairCheck } from '../../src/shared/api';
import { en } from '../../src/renderer/src/i18n/en';
import { zh } from '../../src/renderer/src/i18n/zh';
import { bulkCsv, csvField } from '../../src/renderer/src/lib/check/bulkCsv';
import { problemText } from '../../src/renderer/src/lib/check/pairsProblems';
import { bestScore, datasetName, displayName, originOf, sortModels } from '../../src/renderer/src/lib/models/modelInfo';
import { parsePairs } from '../../src/engine/text/pairsTsv';
import { describeRule, judgeRun, runSpec } from '../../src/renderer/src/lib/runMetrics';

const model = (over: Partial<ModelSummary>): ModelSummary => ({
  id: 1,
  name: 'm',
  kind: 'bi',
  architecture: 'use-lite',
  relDir: 'runs/1/bi',
  parentId: null,
  runId: null,
  cycle: null,
  member: null,
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe('model library helpers', () => {
  it('lists built-in models first, then added bases, then trained models by newest run', () => {
    const list = sortModels([
      model({ id: 5, runId: 1, cycle: 1 }),
      model({ id: 6, runId: 2, cycle: 2 }),
      model({ id: 7, runId: 2, cycle: 1 }),
      model({ id: 2, kind: 'base', relDir: 'external:/x' }),
      model({ id: 1, kind: 'base', relDir: 'builtin:use-lite' }),
    ]);
    expect(list.map((x) => x.id)).toEqual([1, 2, 7, 6, 5]);
    expect(originOf(list[0]!, en)).toBe(en.models.fromBuiltin);
    expect(originOf(list[3]!, zh)).toBe('训练 2，第 2 轮');
    expect(datasetName('labels', zh)).toBe('您标注的句对');
    expect(displayName(model({ name: 'run 3 · cycle 2 · cross-encoder · glove' }), zh)).toBe('训练 3 · 第 2 轮 · 交叉编码器 · glove');
    expect(displayName(model({ name: 'run 3 · cycle 2 · bi-encoder' }), en)).toBe('run 3 · cycle 2 · bi-encoder');
    expect(displayName(model({ name: 'contracts v1' }), zh)).toBe('contracts v1');
    expect(displayName(model({ relDir: 'builtin:use-lite', name: 'USE lite (built-in)' }), zh)).toBe('内置 USE lite（英文）');
  });

  it('best score is the highest latest Spearman over the datasets', () => {
    const ev = (id: number, dataset: string, value: number, metric = 'spearman'): EvaluationSummary => ({
      id,
      modelId: 3,
      dataset,
      metric,
      value,
      n: 10,
      at: '',
    });
    const list = [ev(1, 'a', 0.9), ev(2, 'a', 0.5), ev(3, 'b', 0.7), ev(4, 'b', 0.99, 'pearson')];
    expect(bestScore(list, 3)?.dataset).toBe('b');
    expect(bestScore(list, 4)).toBeNull();
  });
});

describe('bulk check CSV', () => {
  const check: PairCheck = {
    biScore: 0.912345678,
    crossScore: null,
    verdict: 'paraphrase',
    threshold: 0.8,
    basis: 'bi',
    truncated: false,
    languages: ['en', 'en'],
    modelLanguages: ['en'],
    unsupportedLanguages: [],
    negationMismatch: true,
  };
  it('quotes fields with commas, quotes and line breaks, and keeps Chinese text', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, "b"\nc')).toBe('"a, ""b""\nc"');
    const csv = bulkCsv([{ a: 'He said, "yes".', b: '合同必须批准', known: 4.5, check }]);
    expect(csv.startsWith('\ufeffpair,text_a,text_b,bi_score')).toBe(true);
    expect(csv.split('\r\n')[1]).toBe('1,"He said, ""yes"".",合同必须批准,0.912346,,paraphrase,0.8,4.5,true,,false');
  });
});

describe('pairs file problems in the app language', () => {
  it('words every reason the engine gives, and keeps an unknown one as it is', () => {
    const parsed = parsePairs('score\tsentence1\tsentence2\n1\tonly two\nx\ta\tb\n2\t\tb\n');
    const reasons = parsed.problems.map((p) => p.reason);
    expect(reasons.length).toBe(3);
    const zhTexts = reasons.map((r) => problemText(r, zh));
    for (const t of zhTexts) expect(t).toMatch(/[\u4e00-\u9fff]/);
    expect(zhTexts[0]).toBe('应有 3 个以制表符分隔的字段，实际有 2 个');
    expect(problemText(parsePairs('just one line of prose\n').problems[0]!.reason, zh)).toBe(zh.checkTools.problem.noLayout);
    expect(problemText('something new', zh)).toBe('something new');
  });
});

describe('run outcome in the app language', () => {
  it('says whether the new model is better in Chinese, with the same figures', () => {
    const result = {
      runId: 1,
      status: 'done' as const,
      selection: { rule: 'teacher-agreement' as const, cycle: 2, values: [] },
      selected: { biModelId: 10, crossModelId: 11 },
      startUserScore: null,
      cycles: [],
      comparison: { verdict: 'worse' as const, confidence: 0.1, recommended: 'start' as const, startValue: 0.81, chosenValue: 0.77 },
    };
    const zhJudge = judgeRun(result, [], runSpec(null), 12, zh.runOutcome);
    const enJudge = judgeRun(result, [], runSpec(null), 12, en.runOutcome);
    expect(enJudge.headline).toMatch(/^Estimated without labels: worse\. .*0\.770 against 0\.810/);
    expect(zhJudge.headline).toMatch(/^无标注估计：更差。.*0\.770 对 0\.810/);
    expect(zhJudge.details.join('')).toMatch(/10%/);
    expect(describeRule(result, 12, runSpec(null), zh.runOutcome)).toContain('12 个留出句对');
  });
});
