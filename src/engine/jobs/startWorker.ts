import { Worker } from 'node:worker_threads';

/** Starts a worker thread from a module URL; TypeScript sources go through tsx. */
export function startWorker(moduleUrl: URL, workerData: Record<string, unknown>): Worker {
  if (moduleUrl.pathname.endsWith('.ts')) {
    return new Worker(new URL('./workerBootstrap.mjs', import.meta.url), { workerData: { ...workerData, __entry: moduleUrl.href } });
  }
  return new Worker(moduleUrl, { workerData });
}
