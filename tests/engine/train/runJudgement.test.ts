import { describe, expect, it } from 'vitest';
import { describeRule, judgeRun, runSpec, type RunResult } from '../../../src/renderer/src/lib/runMetrics';
import { storedRunResult } from '../../../src/engine/api/storedShapes';
import { PRESETS } from '../../../src/engine/train/presets';

/** A run result as the engine stores it, read back the way the API does. */
const runResult = (x: object): RunResult | null => storedRunResult({ result: x });

/** What the Runs view says about "is it better than the start?" for a run without labels (issue 10). */
describe('judging a label-free run from its result', () => {
  const base = {
    runId: 1,
    status: 'done',
    selection: {
      rule: 'teacher-agreement',
      cycle: 2,
      values: [
        { cycle: 0, value: 0.8 },
        { cycle: 1, value: 0.82 },
        { cycle: 2, value: 0.85 },
      ],
    },
    selected: { biModelId: 7, crossModelId: 8 },
    startUserScore: null,
    cycles: [],
  };
  const spec = runSpec({
    preset: 'quick',
    settings: PRESETS.quick.settings,
    bases: [{ kind: 'builtin', name: 'use-lite' }],
    source: { kind: 'pairs', count: 200 },
  });

  it('says better, worse (offering the start) or about the same, with the figures', () => {
    const better = runResult({
      ...base,
      comparison: { verdict: 'better', confidence: 0.99, recommended: 'trained', startValue: 0.8, chosenValue: 0.85 },
      handBack: { which: 'trained', biModelId: 7 },
    })!;
    const j = judgeRun(better, [], spec, 200);
    expect(j).toMatchObject({ kind: 'indication', answer: 'better' });
    expect(j.headline).toContain('0.850 against 0.800');
    expect(j.details.join(' ')).toContain('99%');
    expect(describeRule(better, 200, spec)).toContain('model you started with and every cycle');

    const worse = runResult({
      ...base,
      comparison: { verdict: 'worse', confidence: 0.01, recommended: 'start', startValue: 0.85, chosenValue: 0.8 },
      handBack: { which: 'start', biModelId: 1 },
    })!;
    expect(worse.handBack).toEqual({ which: 'start', biModelId: 1 });
    const jw = judgeRun(worse, [], spec, 200);
    expect(jw.answer).toBe('worse');
    expect(jw.headline).toContain('Keep using the model you started with');

    const same = runResult({ ...base, comparison: { verdict: 'same', confidence: 0.6, recommended: 'trained', startValue: 0.84, chosenValue: 0.85 } })!;
    expect(judgeRun(same, [], spec, 200).answer).toBe('same');
    expect(judgeRun(same, [], spec, 200).headline).toContain('about the same');
  });

  it("says plainly that a run not better than the start keeps the start ('same', start handed back)", () => {
    const kept = runResult({
      ...base,
      comparison: { verdict: 'same', confidence: 0.3, recommended: 'start', startValue: 0.961, chosenValue: 0.9594 },
      handBack: { which: 'start', biModelId: 1 },
    })!;
    const j = judgeRun(kept, [], spec, 200);
    expect(j.answer).toBe('same');
    expect(j.headline).toContain('not better than the model you started with');
    expect(j.headline).toContain('the app keeps the model you started with');
    expect(j.headline).toContain('0.959 against 0.961');
  });

  it('runs made before the comparison existed still read as before', () => {
    const old = runResult({ ...base, selection: { rule: 'agreement', cycle: 1, values: [] } })!;
    expect(old.comparison).toBeUndefined();
    expect(judgeRun(old, [], spec, 50)).toMatchObject({ answer: 'unknown' });
    // A malformed comparison is ignored rather than shown.
    expect(runResult({ ...base, comparison: { verdict: 'great' } })!.comparison).toBeUndefined();
  });
});
