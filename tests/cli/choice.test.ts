/** tenc refuses a word it does not know for a choice option, naming the option and the words it takes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('tenc eval --as sideways is refused with the allowed values', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-cli-choice-'));
  dirs.push(dir);
  const file = path.join(dir, 'pairs.tsv');
  fs.writeFileSync(file, 'score\tsentence1\tsentence2\n1\ta cat\ta dog\n0\tsun\train\n');
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const code = await main(['eval', file, '--as', 'sideways', '--data-dir', path.join(dir, 'data')]);
  expect(code).toBe(1);
  expect(stderr).toContain('--as is one of bi, cross (got "sideways")');
});
