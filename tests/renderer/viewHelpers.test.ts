/** The renderer's pure helpers: training job reading, dedup selection and log grouping, number formats. */
import { describe, expect, it } from 'vitest';
import type { DedupReport, FileActionSummary, JobSnapshot } from '../../src/shared/api';
import { livePoint, readTrainJob } from '../../src/renderer/src/lib/trainProgress';
import { defaultSelection, formatBytes, groupBatches, isMovable, quarantinedPaths } from '../../src/renderer/src/lib/dedup';
import { formatCount, formatDuration, formatScore } from '../../src/renderer/src/lib/format';

const trainJob = (stage: string, message: string | null, done: number): JobSnapshot => ({
  id: 'j',
  kind: 'train',
  status: 'running',
  stage,
  done,
  total: 100,
  etaSeconds: null,
  message,
  error: null,
  result: null,
  startedAt: 0,
  updatedAt: 0,
});

describe('trainProgress', () => {
  it('reads cycle, phase and loss from the stage and message the training service writes', () => {
    expect(readTrainJob(trainJob('cycle 1/3: bi->cross', 'loss 0.1234', 5))).toMatchObject({ cycle: 1, cycles: 3, phase: 'bi->cross', loss: 0.1234 });
    expect(readTrainJob(trainJob('cycle 2: cross->bi', 'loss 1e-3', 5))).toMatchObject({ cycle: 2, cycles: null, phase: 'cross->bi', loss: 0.001 });
    expect(readTrainJob(trainJob('mining pairs', null, 0))).toMatchObject({ phase: null, loss: null, explanation: 'mining' });
    expect(livePoint(trainJob('cycle 1/3: bi->cross', 'loss 0.5', 7))).toEqual({ step: 7, phase: 'bi->cross', loss: 0.5 });
    expect(livePoint(trainJob('cycle 1/3: bi->cross', 'loss 0.5', 0))).toBeNull();
    expect(livePoint(trainJob('scoring pairs', 'loss 0.5', 3))).toBeNull();
  });
});

const member = (documentId: number, keep: boolean) => ({
  documentId,
  path: `/d/${documentId}.txt`,
  relPath: `${documentId}.txt`,
  size: 10,
  modified: '',
  layer: 'exact' as const,
  score: null,
  keep,
  preselect: !keep,
  passageText: null,
  evidence: null,
  reference: false,
});

describe('dedup helpers', () => {
  const report: DedupReport = {
    scan: { id: 1, roots: ['/d'], status: 'done', createdAt: '', finishedAt: null, settings: null, stats: null },
    clusters: [
      {
        id: 1,
        level: 'file',
        layer: 'exact',
        confidence: 'high',
        score: null,
        keepDocumentId: 1,
        keepPath: '/d/1.txt',
        members: [member(1, true), member(2, false), member(3, false)],
      },
      {
        id: 2,
        level: 'passage',
        layer: 'near',
        confidence: 'high',
        score: 0.9,
        keepDocumentId: null,
        keepPath: null,
        members: [member(4, false), member(5, false)],
      },
    ],
    dismissedFiles: 0,
  };

  it('suggests every file of a whole-file cluster but the one to keep, never passage members', () => {
    expect(report.clusters.map(isMovable)).toEqual([true, false]);
    expect([...defaultSelection(report)].sort()).toEqual([2, 3]);
  });

  it('groups the action log by batch and counts what Undo would restore', () => {
    const action = (id: number, batchId: string, action: string, undoneAt: string | null): FileActionSummary => ({
      id,
      scanId: 1,
      batchId,
      action,
      sourcePath: `/d/${id}.txt`,
      destPath: `/q/${id}.txt`,
      at: `t${id}`,
      undoneAt,
    });
    const log = [action(3, 'b2', 'move', null), action(2, 'b1', 'move', 'later'), action(1, 'b1', 'move', null)];
    expect(groupBatches(log).map((b) => [b.batchId, b.actions.length, b.pending])).toEqual([
      ['b2', 1, 1],
      ['b1', 2, 1],
    ]);
    expect([...quarantinedPaths(log)].sort()).toEqual(['/d/1.txt', '/d/3.txt']);
  });
});

describe('formats', () => {
  it('writes durations, scores, counts and sizes for people', () => {
    expect(formatDuration(null)).toBe('…');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatScore(0.12345)).toBe('0.123');
    expect(formatScore(NaN)).toBe('–');
    expect(formatCount(undefined)).toBe('–');
    expect(formatCount(1234567)).toBe((1234567).toLocaleString());
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024 * 1024)).toBe('5.0 GB');
  });
});
