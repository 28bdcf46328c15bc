/** A pairs file's left-out line, worded in the app's language (the engine gives its reason in English). */
import type { Messages } from '../../i18n/en';

export function problemText(reason: string, m: Messages): string {
  const p = m.checkTools.problem;
  let x: RegExpExecArray | null;
  if (reason.startsWith('no pair layout recognised')) return p.noLayout;
  if ((x = /^expected (\d+) (tab|comma)-separated fields, found (\d+)$/.exec(reason))) return p.fields(x[1]!, x[2] === 'tab', x[3]!);
  if ((x = /^the (first|second) text is empty$/.exec(reason))) return p.emptyText(x[1] === 'first');
  if ((x = /^score (.*) is not a number$/.exec(reason))) return p.badScore(x[1]!);
  if (reason.startsWith('not valid CSV')) return p.badCsv;
  return reason;
}
