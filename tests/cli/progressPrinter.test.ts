import { expect, it } from 'vitest';
import { createCountPrinter, createProgressPrinter } from '../../src/cli/progressPrinter';
import type { JobSnapshot } from '../../src/shared/api';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (c: string) => (chunks.push(c), true) }, text: () => chunks.join(''), chunks };
}

it('prints a count as plain lines at each tenth on a pipe, never with carriage returns', () => {
  const out = fakeStream(false);
  const print = createCountPrinter('checked', 1500, out.stream);
  for (let done = 128; done < 1500; done += 128) print(done);
  print(1500);
  expect(out.text()).not.toContain('\r');
  const lines = out.text().trimEnd().split('\n');
  expect(lines[0]).toBe('checked 128/1500 8%');
  expect(lines.at(-1)).toBe('checked 1500/1500 100%');
  expect(lines.length).toBeLessThanOrEqual(11);
  expect(lines.every((l) => /^checked \d+\/1500 \d+%$/.test(l))).toBe(true);
});

it('updates one line on a terminal and ends it with a newline', () => {
  const out = fakeStream(true);
  const print = createCountPrinter('checked', 300, out.stream);
  print(128);
  print(256);
  print(300);
  expect(out.chunks).toEqual(['\r\x1b[2Kchecked 128/300 42%', '\r\x1b[2Kchecked 256/300 85%', '\r\x1b[2Kchecked 300/300 100%\n']);
  expect(out.text().split('\n')).toHaveLength(2);
});

it('prints job progress without carriage returns on a pipe', () => {
  const out = fakeStream(false);
  const print = createProgressPrinter(out.stream);
  const job = (over: Partial<Omit<JobSnapshot, 'kind' | 'result'>>): JobSnapshot => ({
    id: 'j',
    kind: 'eval',
    status: 'running',
    stage: 'scoring',
    done: 0,
    total: 10,
    etaSeconds: null,
    message: null,
    error: null,
    result: null,
    startedAt: 0,
    updatedAt: 0,
    ...over,
  });
  print(job({ done: 1 }));
  print(job({ done: 2 }));
  print(job({ done: 10, status: 'done' }));
  expect(out.text()).not.toContain('\r');
  expect(out.text().trimEnd().split('\n')).toEqual(['[scoring] 1/10 10%', '[scoring] 10/10 100%']);
});
