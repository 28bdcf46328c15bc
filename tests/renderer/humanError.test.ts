import { describe, expect, it } from 'vitest';
import { en } from '../../src/renderer/src/i18n/en';
import { zh } from '../../src/renderer/src/i18n/zh';
import { ClientError } from '../../src/renderer/src/lib/client';
import { humanError } from '../../src/renderer/src/lib/humanError';

describe('errors for people', () => {
  it('"Failed to fetch" becomes what to do, in the app language', () => {
    const lost = new TypeError('Failed to fetch');
    expect(humanError(lost, en)).toBe(en.errors.offline);
    expect(humanError(lost, en)).not.toContain('Failed to fetch');
    expect(humanError(lost, zh)).toBe(zh.errors.offline);
  });

  it('schema refusals lose the method name; the engine’s own sentences are kept', () => {
    const refused = new ClientError('bad_request', 'Invalid input for check.pair: a: Too big: expected string to have <=100000 characters');
    expect(humanError(refused, en)).toBe(`${en.errors.invalid} a: Too big: expected string to have <=100000 characters`);
    expect(humanError(refused, en)).not.toContain('check.pair');
    const engine = new ClientError('not_found', 'No training run with id 4.');
    expect(humanError(engine, en)).toBe('No training run with id 4.');
    expect(humanError(new ClientError('internal', 'Internal error: boom'), en)).toBe(`${en.errors.internal} boom`);
  });
});
