/** Shared helpers for the store tests. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary folder, removed after the current test. */
export async function tempDir(prefix = 'tenc-store-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs `fn` after the current test (e.g. closing a connection), last registered first. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(async () => {
    await fn();
  });
}

const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!().catch(() => undefined);
});

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
