import { describe, expect, it } from 'vitest';
import { EtaEstimator } from '../../../src/engine/jobs/etaEstimator';
import { JobRunner } from '../../../src/engine/jobs/jobRunner';
import type { JobSnapshot } from '../../../src/shared/api';

describe('EtaEstimator', () => {
  it('estimates the time left from the observed rate', () => {
    let t = 0;
    const eta = new EtaEstimator(() => t);
    expect(eta.update(0, 100)).toBeNull();
    t = 1000;
    expect(eta.update(10, 100)).toBeCloseTo(9, 5); // 10/s, 90 left
    t = 2000;
    expect(eta.update(20, 100)).toBeCloseTo(8, 5);
  });

  it('has no estimate without a total, and restarts with a new stage', () => {
    let t = 0;
    const eta = new EtaEstimator(() => t);
    t = 1000;
    expect(eta.update(5, null)).toBeNull();
    eta.reset(0);
    expect(eta.update(0, 10)).toBeNull();
  });
});

describe('JobRunner', () => {
  it('streams progress snapshots and ends with the result', async () => {
    const runner = new JobRunner();
    const seen: JobSnapshot[] = [];
    runner.on('job', (j: JobSnapshot) => seen.push(j));
    const job = runner.start('corpus.index', async (ctx) => {
      ctx.progress({ stage: 'counting', total: 3 });
      for (let i = 1; i <= 3; i++) {
        await new Promise((r) => setTimeout(r, 120));
        ctx.progress({ done: i });
      }
      return { corpusId: 1, documents: 3, skipped: 0, passages: 3 };
    });
    expect(job.status).toBe('running');
    const end = await runner.wait(job.id);
    expect(end).toMatchObject({ status: 'done', result: { corpusId: 1, documents: 3 }, done: 3, total: 3 });
    expect(seen.some((s) => s.stage === 'counting' && s.status === 'running')).toBe(true);
    expect(seen.some((s) => s.etaSeconds !== null && s.etaSeconds > 0)).toBe(true);
    expect(seen.at(-1)!.status).toBe('done');
  });

  it('cancels a running job at its next progress report', async () => {
    const runner = new JobRunner();
    let iterations = 0;
    const job = runner.start('eval', async (ctx) => {
      for (;;) {
        iterations++;
        await new Promise((r) => setTimeout(r, 10));
        ctx.progress({ done: iterations });
      }
    });
    await new Promise((r) => setTimeout(r, 60));
    runner.cancel(job.id);
    const end = await runner.wait(job.id);
    expect(end!.status).toBe('cancelled');
    const after = iterations;
    await new Promise((r) => setTimeout(r, 50));
    expect(iterations).toBe(after);
  });

  it('reports a failure with its message and persists every final state', async () => {
    const saved: JobSnapshot[] = [];
    const runner = new JobRunner({ save: (j) => void saved.push(j) });
    const job = runner.start('eval', async () => {
      throw new Error('disk full');
    });
    const end = await runner.wait(job.id);
    expect(end).toMatchObject({ status: 'failed', error: 'disk full' });
    expect(saved.at(-1)).toMatchObject({ id: job.id, status: 'failed' });
  });
});
