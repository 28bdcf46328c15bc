import { describe, expect, it } from 'vitest';
import { describeTrainOutcome } from '../../src/cli/trainOutcome';

/** The line `tenc train` and the demo print after a run without labels (issue 10). */
describe('describeTrainOutcome', () => {
  const selection = { rule: 'teacher-agreement' as const, cycle: 1, values: [] };
  const comparison = (verdict: 'better' | 'same' | 'worse', recommended: 'trained' | 'start', chosenValue: number) => ({
    verdict,
    confidence: 0.5,
    recommended,
    startValue: 0.961,
    chosenValue,
  });

  it('says when the start is kept because training was not better', () => {
    const line = describeTrainOutcome({ selection, comparison: comparison('same', 'start', 0.9594), handBack: { which: 'start', biModelId: 1 } });
    expect(line).toBe(
      'not better than the start (no labels: agreement with the teacher 0.959 for cycle 1 vs 0.961 for the start); the start is kept and offered instead',
    );
  });

  it('names the other answers and the model handed back', () => {
    expect(describeTrainOutcome({ selection, comparison: comparison('better', 'trained', 0.97), handBack: { which: 'trained', biModelId: 9 } })).toMatch(
      /^better than the start .*; the trained model is handed back \(bi-encoder 9\)$/,
    );
    expect(describeTrainOutcome({ selection, comparison: comparison('same', 'trained', 0.962), handBack: { which: 'trained', biModelId: 9 } })).toMatch(
      /^about the same as the start /,
    );
    expect(describeTrainOutcome({ selection, comparison: comparison('worse', 'start', 0.9), handBack: { which: 'start', biModelId: 1 } })).toMatch(
      /^worse than the start .*; the start is kept and offered instead$/,
    );
    expect(describeTrainOutcome({ selection })).toBeNull();
  });
});
