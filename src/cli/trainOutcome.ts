/**
 * A finished run's answer to "is it better than the start?" in one line for the terminal, and
 * which bi-encoder the app hands back (issue 10). The same wording for `tenc train` and the demo.
 */
import type { TrainRunResult } from '../shared/api';

export function describeTrainOutcome(result: Pick<TrainRunResult, 'comparison' | 'handBack' | 'selection'>): string | null {
  const c = result.comparison;
  if (!c) return null;
  const figures = `agreement with the teacher ${c.chosenValue.toFixed(3)} for cycle ${result.selection.cycle} vs ${c.startValue.toFixed(3)} for the start`;
  const keptStart = result.handBack?.which === 'start';
  const answer =
    c.verdict === 'better'
      ? 'better than the start'
      : c.verdict === 'worse'
        ? 'worse than the start'
        : keptStart
          ? 'not better than the start'
          : 'about the same as the start';
  const handed = keptStart ? 'the start is kept and offered instead' : `the trained model is handed back (bi-encoder ${result.handBack?.biModelId ?? '?'})`;
  return `${answer} (no labels: ${figures}); ${handed}`;
}
