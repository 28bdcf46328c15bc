import { expect, it } from 'vitest';
import { resolveModelRef } from '../../src/cli/modelRef';
import type { ModelSummary } from '../../src/shared/api';

const model = (id: number, kind: ModelSummary['kind'], name: string, relDir: string): ModelSummary => ({
  id,
  kind,
  name,
  relDir,
  architecture: 'use-lite',
  parentId: null,
  runId: kind === 'base' ? null : 1,
  cycle: kind === 'base' ? null : 1,
  member: null,
  createdAt: '2026-01-01',
});
const models = [
  model(1, 'base', 'USE lite (built-in)', 'builtin:use-lite'),
  model(2, 'bi', 'run 1 · cycle 1 · bi-encoder', 'models/run-1/cycle-1/bi'),
  model(3, 'cross', 'run 1 · cycle 1 · cross-encoder', 'models/run-1/cycle-1/cross'),
];

it('accepts builtin, ids, names (any case) and folders wherever a model is taken', () => {
  expect(resolveModelRef(undefined, 'bi', models)).toBeNull();
  expect(resolveModelRef('builtin', 'bi', models)).toBeNull();
  expect(resolveModelRef('USE-LITE', 'bi', models)).toBeNull();
  expect(resolveModelRef('2', 'bi', models)).toBe(2);
  expect(resolveModelRef('Run 1 · Cycle 1 · Cross-Encoder', 'cross', models)).toBe(3);
  expect(resolveModelRef('models/run-1/cycle-1/bi', 'bi', models)).toBe(2);
  expect(resolveModelRef('cross', 'cross', models)).toBe(3);
  expect(resolveModelRef('USE lite (built-in)', 'bi', models)).toBe(1);
});

it('explains what is wrong and what can be chosen', () => {
  expect(() => resolveModelRef('builtin', 'cross', models)).toThrow(/no built-in cross-encoder/);
  expect(() => resolveModelRef('99', 'bi', models)).toThrow(/no model with id 99.*builtin.*2 "run 1/);
  expect(() => resolveModelRef('3', 'bi', models)).toThrow(/is a cross-encoder, not a bi-encoder/);
  expect(() => resolveModelRef('nonsense', 'cross', models)).toThrow(/no model "nonsense".*3 "run 1 · cycle 1 · cross-encoder"/);
});
