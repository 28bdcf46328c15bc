import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/engine/api/errors';
import { PathPolicy } from '../../../src/engine/api/pathPolicy';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-policy-')));
const chosen = path.join(base, 'chosen');
const sibling = path.join(base, 'chosen-sibling');
fs.mkdirSync(path.join(chosen, 'sub'), { recursive: true });
fs.mkdirSync(sibling);
fs.symlinkSync(sibling, path.join(chosen, 'escape'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? err.code : 'other';
  }
  return undefined;
}

describe('PathPolicy', () => {
  const policy = new PathPolicy();
  policy.grant(chosen);

  it('allows the chosen folder and what lies inside it', () => {
    expect(policy.resolveAllowed(chosen)).toBe(chosen);
    expect(policy.resolveAllowed(path.join(chosen, 'sub'))).toBe(path.join(chosen, 'sub'));
  });

  it('refuses paths outside, including a sibling with the same prefix, .. tricks and symlinks that escape', () => {
    expect(codeOf(() => policy.resolveAllowed(sibling))).toBe('forbidden_path');
    expect(codeOf(() => policy.resolveAllowed(path.join(chosen, '..', 'chosen-sibling')))).toBe('forbidden_path');
    expect(codeOf(() => policy.resolveAllowed(path.join(chosen, 'escape')))).toBe('forbidden_path');
    expect(codeOf(() => policy.resolveAllowed('/etc'))).toBe('forbidden_path');
  });

  it('refuses relative paths and reports missing ones clearly', () => {
    expect(codeOf(() => policy.resolveAllowed('chosen/sub'))).toBe('forbidden_path');
    expect(codeOf(() => policy.resolveAllowed(path.join(chosen, 'missing')))).toBe('not_found');
  });

  it('judges stored paths that may no longer exist by their nearest existing folder, symlinks resolved', () => {
    expect(policy.contains(path.join(chosen, 'sub', 'moved-away.txt'))).toBe(true);
    expect(policy.contains(path.join(chosen, 'gone', 'deeper', 'file.txt'))).toBe(true);
    expect(policy.contains(path.join(chosen, 'escape', 'file.txt'))).toBe(false);
    expect(policy.contains(path.join(sibling, 'file.txt'))).toBe(false);
    expect(policy.contains(path.join(chosen, '..', 'chosen-sibling'))).toBe(false);
    expect(policy.contains('relative/path')).toBe(false);
  });

  it('names the allowed folders in its message', () => {
    try {
      policy.resolveAllowed('/etc');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toContain(chosen);
    }
  });
});
