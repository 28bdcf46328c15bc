import { Worker } from 'node:worker_threads';
import { expect, it, vi } from 'vitest';
import { BUILTIN_BASE } from '../../../src/engine/models/modelFiles';

/** Where no worker can start (a bundle built without the estimate worker), measuring happens in-process. */
let breakWorker = false;
vi.mock('../../../src/engine/jobs/startWorker', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/engine/jobs/startWorker')>();
  return {
    startWorker: (...args: Parameters<typeof real.startWorker>) =>
      breakWorker ? new Worker(new URL('file:///nonexistent/estimateWorker.js'), { workerData: {} }) : real.startWorker(...args),
  };
});

const { createEngineMeasurer } = await import('../../../src/engine/train/costMeasurers');

it('measures in a worker thread and reports its backend', async () => {
  const m = createEngineMeasurer();
  const result = await m.measure(BUILTIN_BASE, [{ what: 'knn' }]);
  expect(['wasm', 'cpu', 'tensorflow', 'webgpu']).toContain(result.backend);
  expect(result.costs).toHaveLength(1);
  expect(result.costs[0]!.seconds).toBeGreaterThan(0);
  expect(Number.isFinite(result.costs[0]!.seconds)).toBe(true);
  m.dispose();
});

it('falls back to this thread when the worker does not start', async () => {
  breakWorker = true;
  const m = createEngineMeasurer();
  const result = await m.measure(BUILTIN_BASE, [{ what: 'knn' }]);
  expect(result.costs[0]!.seconds).toBeGreaterThan(0);
  // And keeps doing so without trying the worker again.
  const again = await m.measure(BUILTIN_BASE, [{ what: 'knn' }]);
  expect(again.costs[0]!.item).toEqual({ what: 'knn' });
  m.dispose();
});
