import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import { sharedGloveDir, useSharedGlove } from '../../helpers/gloveDir';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-dedup-api-')));
const docs = path.join(base, 'docs');
let engine: Engine;

beforeAll(async () => {
  fs.cpSync(path.resolve('resources/sample-corpus'), docs, { recursive: true });
  fs.writeFileSync(path.join(docs, 'garden-copy.txt'), fs.readFileSync(path.join(docs, 'garden.txt')));
  // The built-in pair judge (on by default) reads the GloVe vectors: use the copy converted once for the tests.
  useSharedGlove(path.join(base, 'data'));
  engine = await Engine.open({ dataDir: path.join(base, 'data'), transport: 'direct', allowedRoots: [docs] });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(base, { recursive: true, force: true });
});

it('finds duplicates through the API, moves them to quarantine, refuses changed files, and undoes the move', async () => {
  const { jobId } = await engine.invoke('dedup.scan', { roots: [docs] });
  const job = await engine.jobs.wait(jobId);
  expect(job?.status).toBe('done');
  const { scanId, stats } = job!.result as {
    scanId: number;
    stats: { candidateContents?: number; distinctContents: number; crossScored: number; passagePairsJudged?: number };
  };
  // By default the cheap candidate stage chooses what the bi-encoder reads, and the built-in pair
  // judge decides the pairs below the semantic threshold (issue 11).
  if (sharedGloveDir().dir) {
    expect(stats.candidateContents).toBeGreaterThan(0);
    expect(stats.candidateContents).toBeLessThanOrEqual(stats.distinctContents);
    // Whole short texts, or the passages of long ones (the sample documents have several paragraphs).
    expect(stats.crossScored + (stats.passagePairsJudged ?? 0)).toBeGreaterThan(0);
  }
  const report = await engine.invoke('dedup.report', { scanId });
  const fileClusters = report.clusters.filter((c) => c.level === 'file');
  const paths = fileClusters.map((c) => c.members.map((m) => path.basename(m.path)).sort());
  expect(paths).toContainEqual(['meeting-minutes-copy.txt', 'meeting-minutes.txt']);
  expect(paths).toContainEqual(['garden-copy.txt', 'garden.txt']);
  // The paraphrased trip summary is found by the semantic layer.
  expect(report.clusters.some((c) => c.layer === 'semantic' && c.members.some((m) => m.path.endsWith('trip-summary.txt')))).toBe(true);

  const dupOf = (name: string) => fileClusters.flatMap((c) => c.members).find((m) => path.basename(m.path) === name)!;
  const meetingCopy = dupOf('meeting-minutes-copy.txt');
  const gardenCopy = dupOf('garden-copy.txt');
  // A file changed since the scan is refused; the other is moved, not deleted.
  fs.appendFileSync(gardenCopy.path, '\nA new line written after the scan.');
  const moved = await engine.invoke('dedup.quarantine', { scanId, documentIds: [meetingCopy.documentId, gardenCopy.documentId] });
  expect(moved.done.map((d) => path.basename(d.sourcePath))).toEqual(['meeting-minutes-copy.txt']);
  expect(moved.refused).toHaveLength(1);
  expect(moved.refused[0]!.reason).toMatch(/changed/);
  expect(fs.existsSync(meetingCopy.path)).toBe(false);
  expect(fs.readFileSync(moved.done[0]!.destPath, 'utf8')).toContain('budget review');
  expect(moved.done[0]!.destPath.startsWith(engine.layout.quarantine)).toBe(true);
  expect(fs.existsSync(gardenCopy.path)).toBe(true);

  const log = await engine.invoke('dedup.actions', { scanId });
  expect(log.some((a) => a.batchId === moved.batchId && a.action === 'move')).toBe(true);

  const undone = await engine.invoke('dedup.undo', { batchId: moved.batchId });
  expect(undone.done).toHaveLength(1);
  expect(fs.readFileSync(meetingCopy.path, 'utf8')).toContain('budget review');

  const html = await engine.invoke('dedup.export', { scanId, format: 'html' });
  expect(html.content).toMatch(/<html/i);
  expect(html.content).toContain('meeting-minutes');
  const csv = await engine.invoke('dedup.export', { scanId, format: 'csv' });
  expect(csv.content.split('\n')[0]).toMatch(/cluster/i);
  await expect(engine.call('dedup.scan', { roots: ['/etc'] })).rejects.toThrow(/outside the folders/);
}, 300_000);

it.skipIf(!sharedGloveDir().dir)(
  'dedup.resume keeps the cross-encoder the scan was started with',
  async () => {
    const glove = await engine.gloveModelId();
    const asked: Array<number | null> = [];
    const bulkCross = engine.models.bulkCross.bind(engine.models);
    engine.models.bulkCross = (id: number) => {
      asked.push(id);
      return bulkCross(id);
    };
    try {
      const { jobId } = await engine.invoke('dedup.scan', { roots: [docs], crossModelId: glove, passageLevel: false });
      const job = await engine.jobs.wait(jobId);
      expect(job?.status, job?.error ?? '').toBe('done');
      const { scanId } = job!.result as { scanId: number };
      expect((await engine.invoke('dedup.report', { scanId })).scan.settings?.crossModelId).toBe(glove);
      // As if the process had died mid-way: the scan is interrupted and resumable.
      await engine.store.scans.updateStatus(scanId, 'failed', { error: 'interrupted' });
      asked.length = 0;
      const resumed = await engine.invoke('dedup.resume', { scanId });
      const rjob = await engine.jobs.wait(resumed.jobId);
      expect(rjob?.status, rjob?.error ?? '').toBe('done');
      // The resumed scan asked for the same cross-encoder (before: none, so the pair judge decided instead).
      expect(asked).toEqual([glove]);
      const report = await engine.invoke('dedup.report', { scanId });
      const judged = report.clusters.flatMap((c) => c.members).filter((m) => m.evidence?.judge != null);
      expect(judged).toEqual([]);
    } finally {
      engine.models.bulkCross = bulkCross;
    }
  },
  300_000,
);
