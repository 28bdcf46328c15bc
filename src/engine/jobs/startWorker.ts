import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread. In the built app the worker is its own bundle next to the main
 * bundle (`<name>.js`, see electron.vite.config.ts); from TypeScript sources (CLI, server,
 * tests) it is `sourceUrl`, loaded through tsx.
 */
export function startWorker(name: string, sourceUrl: URL, workerData: Record<string, unknown>): Worker {
  const built = new URL(`./${name}.js`, import.meta.url);
  if (import.meta.url.endsWith('.js') && fs.existsSync(fileURLToPath(built))) return new Worker(built, { workerData });
  return new Worker(new URL('./workerBootstrap.mjs', import.meta.url), { workerData: { ...workerData, __entry: sourceUrl.href } });
}
