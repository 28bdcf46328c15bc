/**
 * Tests that need the shared evaluation data (../shared/data, or $TENC_SHARED_DATA) skip with a
 * message when it is absent, instead of failing. Try it with TENC_SHARED_DATA=/nonexistent.
 */
import { describe, it } from 'vitest';
import { findSharedDataDir } from '../../src/engine/eval/stsData';

/** The data folder, or null when it is absent. */
export const sharedData: string | null = findSharedDataDir();

export const SHARED_DATA_MISSING = 'skipped: the shared evaluation data is absent (../shared/data; set TENC_SHARED_DATA to its folder)';

if (!sharedData) console.warn(`Some tests are ${SHARED_DATA_MISSING}.`);

type TestFn = () => unknown;

/** `it`, or a skipped test whose name says why. */
export function itWithData(name: string, fn: TestFn, timeout?: number): void {
  if (sharedData) it(name, fn, timeout);
  else it.skip(`${name} [${SHARED_DATA_MISSING}]`, fn, timeout);
}

/** `describe`, or a skipped suite whose name says why (its hooks do not run; its factory still does, to list the tests). */
export function describeWithData(name: string, fn: () => void): void {
  if (sharedData) describe(name, fn);
  else describe.skip(`${name} [${SHARED_DATA_MISSING}]`, fn);
}
