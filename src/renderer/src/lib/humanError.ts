/**
 * An error as a person can act on it: a lost connection ("Failed to fetch") or a refused input
 * becomes a sentence saying what happened and what to do next, in the app's language. The
 * engine's own messages are already written for people (ApiError) and are kept.
 */
import type { Messages } from '../i18n/en';
import { problemText } from './check/pairsProblems';
import { ClientError } from './client';

export function humanError(err: unknown, m: Messages): string {
  if (err instanceof ClientError) {
    // A situation the engine named: worded in the user's language (the engine's message is English).
    const say = err.reason ? m.models.reasons[err.reason] : undefined;
    // A pairs file's bad line comes with the reader's English reason: worded here like the bulk check's.
    const params = err.reason === 'pairs-unreadable' && err.params ? { ...err.params, problem: problemText(String(err.params.problem ?? ''), m) } : err.params;
    if (say) return say(params ?? {});
    switch (err.code) {
      case 'internal':
        return `${m.errors.internal} ${err.message.replace(/^Internal error: /, '')}`;
      case 'forbidden_path':
        return `${m.errors.forbidden} (${err.message})`;
      case 'unauthorized':
        return m.errors.unauthorized;
      case 'bad_request':
        // Schema refusals name fields the way code does; say so in words and keep the detail.
        return /^Invalid input for /.test(err.message)
          ? `${m.errors.invalid} ${err.message.replace(/^Invalid input for [\w.]+: /, '')}`
          : m.shell.errors.withDetail(m.shell.errors.code.bad_request!, err.message);
      default: {
        // The engine's sentences are English: other languages lead with a sentence of their own.
        const lead = m.shell.errors.code[err.code];
        return lead ? m.shell.errors.withDetail(lead, err.message) : err.message;
      }
    }
  }
  // fetch() rejects with a TypeError when the server is gone; Electron IPC with an Error naming the channel.
  if (err instanceof TypeError || (err instanceof Error && /Failed to fetch|NetworkError|ECONNREFUSED|Load failed/i.test(err.message))) return m.errors.offline;
  return err instanceof Error ? err.message : String(err);
}
