/**
 * Duplicates review (issue 13) through the API: reference folders (always kept, never moved,
 * whatever the caller asks), the not-a-duplicate list (a scan, a dismissal, a rescan), the plan
 * shown before a move, and file previews.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/api/engine';
import type { DedupReport } from '../../../src/shared/api';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tenc-dedup-review-')));
const docs = path.join(base, 'docs');
const originals = path.join(docs, 'originals');
const work = path.join(docs, 'work');
let engine: Engine;

const sample = (name: string) => fs.readFileSync(path.resolve('resources/sample-corpus', name));

beforeAll(async () => {
  fs.mkdirSync(originals, { recursive: true });
  fs.mkdirSync(work, { recursive: true });
  // The original in the reference folder is the newest and deepest file: the keep rule alone would not keep it.
  fs.writeFileSync(path.join(originals, 'garden.txt'), sample('garden.txt'));
  fs.writeFileSync(path.join(work, 'garden.txt'), sample('garden.txt'));
  fs.writeFileSync(path.join(docs, 'garden-old.txt'), sample('garden.txt'));
  const old = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(path.join(work, 'garden.txt'), old, old);
  fs.utimesSync(path.join(docs, 'garden-old.txt'), old, old);
  // A pair of identical files, and a group of three, outside the reference folder.
  fs.writeFileSync(path.join(work, 'minutes.txt'), sample('meeting-minutes.txt'));
  fs.writeFileSync(path.join(work, 'minutes-copy.txt'), sample('meeting-minutes.txt'));
  for (const n of ['kitchen-a.txt', 'kitchen-b.txt', 'kitchen-c.txt']) fs.writeFileSync(path.join(work, n), sample('kitchen-notes.txt'));
  fs.writeFileSync(path.join(work, 'travel-log.txt'), sample('travel-log.txt'));
  engine = await Engine.open({ dataDir: path.join(base, 'data'), transport: 'direct', allowedRoots: [docs] });
});
afterAll(async () => {
  await engine.close();
  fs.rmSync(base, { recursive: true, force: true });
});

async function scan(): Promise<DedupReport> {
  const { jobId } = await engine.invoke('dedup.scan', { roots: [docs], semantic: false, passageLevel: false });
  const job = await engine.jobs.wait(jobId);
  expect(job?.status).toBe('done');
  return engine.invoke('dedup.report', { scanId: (job!.result as { scanId: number }).scanId });
}

const fileGroups = (r: DedupReport) => r.clusters.filter((c) => c.level === 'file' && c.layer !== 'same-file');
const names = (r: DedupReport) =>
  fileGroups(r)
    .map((c) => c.members.map((m) => path.relative(docs, m.path)).sort())
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
const member = (r: DedupReport, rel: string) => r.clusters.flatMap((c) => c.members).find((m) => m.path === path.join(docs, rel))!;

describe('reference folders', () => {
  it('keeps their files in every group and refuses to move them, in the plan and in the move', async () => {
    await expect(engine.invoke('dedup.addReferenceFolder', { path: '/etc' })).rejects.toThrow(/outside the folders/);
    await expect(engine.invoke('dedup.addReferenceFolder', { path: path.join(work, 'minutes.txt') })).rejects.toThrow(/not a folder/);
    expect(await engine.invoke('dedup.addReferenceFolder', { path: originals })).toEqual([{ path: originals, addedAt: expect.any(String) }]);

    const report = await scan();
    const garden = fileGroups(report).find((c) => c.members.some((m) => m.path.endsWith('garden-old.txt')))!;
    // The scan kept the reference folder's copy although the keep rule prefers the oldest file.
    expect(garden.keepPath).toBe(path.join(originals, 'garden.txt'));
    const ref = member(report, 'originals/garden.txt');
    expect(ref).toMatchObject({ keep: true, reference: true, preselect: false });
    expect(member(report, 'work/garden.txt')).toMatchObject({ reference: false, preselect: true });

    // Asking to move every copy, the reference file included: the plan says what will happen...
    const ids = garden.members.map((m) => m.documentId);
    const plan = await engine.invoke('dedup.plan', { scanId: report.scan.id, documentIds: ids });
    expect(plan.willMove.map((w) => path.relative(docs, w.path)).sort()).toEqual(['garden-old.txt', 'work/garden.txt']);
    expect(plan.refused).toEqual([{ documentId: ref.documentId, path: ref.path, code: 'reference', reason: expect.stringMatching(/reference folder/) }]);
    // ...and the move does exactly that.
    const moved = await engine.invoke('dedup.quarantine', { scanId: report.scan.id, documentIds: ids });
    expect(moved.done.map((d) => d.sourcePath).sort()).toEqual(plan.willMove.map((w) => w.path).sort());
    expect(moved.refused.map((r) => [r.sourcePath, r.code])).toEqual([[ref.path, 'reference']]);
    expect(fs.existsSync(ref.path)).toBe(true);
    await engine.invoke('dedup.undo', { batchId: moved.batchId });
    expect(fs.existsSync(path.join(work, 'garden.txt'))).toBe(true);

    // Without the reference folder, its file is an ordinary member again (the report follows the list).
    expect(await engine.invoke('dedup.removeReferenceFolder', { path: originals })).toEqual([]);
    expect(member(await engine.invoke('dedup.report', { scanId: report.scan.id }), 'originals/garden.txt').reference).toBe(false);
    await expect(engine.invoke('dedup.removeReferenceFolder', { path: originals })).rejects.toThrow(/not a reference folder/);
  }, 120_000);

  it('plans the "last copy" refusal before the move, with the same counts as the move', async () => {
    const report = await scan();
    const minutes = fileGroups(report).find((c) => c.members.some((m) => m.path.endsWith('minutes.txt')))!;
    const ids = minutes.members.map((m) => m.documentId);
    const plan = await engine.invoke('dedup.plan', { scanId: report.scan.id, documentIds: ids });
    expect(plan.willMove).toEqual([]);
    expect(plan.refused.map((r) => r.code)).toEqual(['last-copy', 'last-copy']);
    const moved = await engine.invoke('dedup.quarantine', { scanId: report.scan.id, documentIds: ids });
    expect(moved.done).toEqual([]);
    expect(moved.refused).toHaveLength(2);
  }, 120_000);
});

describe('the not-a-duplicate list', () => {
  it('hides a dismissed group now and in the next scan, a dismissed file from its group, and brings both back when cleared', async () => {
    const first = await scan();
    expect(names(first)).toEqual([
      ['garden-old.txt', 'originals/garden.txt', 'work/garden.txt'],
      ['work/kitchen-a.txt', 'work/kitchen-b.txt', 'work/kitchen-c.txt'],
      ['work/minutes-copy.txt', 'work/minutes.txt'],
    ]);
    expect(first.dismissedFiles).toBe(0);
    const minutes = fileGroups(first).find((c) => c.members.some((m) => m.path.endsWith('minutes.txt')))!;
    const kitchen = fileGroups(first).find((c) => c.members.some((m) => m.path.endsWith('kitchen-a.txt')))!;
    const kitchenC = member(first, 'work/kitchen-c.txt');

    const whole = await engine.invoke('dedup.dismiss', { scanId: first.scan.id, clusterId: minutes.id });
    expect(whole).toMatchObject({ scanId: first.scan.id, files: 2 });
    const one = await engine.invoke('dedup.dismiss', { scanId: first.scan.id, clusterId: kitchen.id, documentIds: [kitchenC.documentId] });
    expect(one).toMatchObject({ label: 'work/kitchen-c.txt', files: 3 });
    await expect(
      engine.invoke('dedup.dismiss', { scanId: first.scan.id, clusterId: kitchen.id, documentIds: [minutes.members[0]!.documentId] }),
    ).rejects.toThrow(/not in group/);

    // The open report already hides them.
    const again = await engine.invoke('dedup.report', { scanId: first.scan.id });
    expect(names(again)).toEqual([
      ['garden-old.txt', 'originals/garden.txt', 'work/garden.txt'],
      ['work/kitchen-a.txt', 'work/kitchen-b.txt'],
    ]);
    expect(again.dismissedFiles).toBe(2);

    // A new scan does not bring them back, and says how many it left out.
    const second = await scan();
    expect(second.scan.id).not.toBe(first.scan.id);
    expect(names(second)).toEqual(names(again));
    expect(second.scan.stats?.dismissedFiles).toBe(2);
    expect(second.scan.stats?.duplicateFiles).toBe(3);
    expect((await engine.invoke('dedup.dismissals', {})).map((d) => d.id)).toEqual([one.id, whole.id]);

    // A dismissed file that changes is judged again: it comes back in the next scan.
    fs.appendFileSync(path.join(work, 'minutes-copy.txt'), '\nAction items were sent to everyone.');
    const third = await scan();
    expect(names(third).some((g) => g.includes('work/minutes-copy.txt'))).toBe(true);
    fs.writeFileSync(path.join(work, 'minutes-copy.txt'), sample('meeting-minutes.txt'));

    // Taking one off the list, then clearing it, brings the rest back.
    expect(await engine.invoke('dedup.undismiss', { ids: [one.id] })).toEqual({ removed: 1 });
    expect(names(await scan())).toContainEqual(['work/kitchen-a.txt', 'work/kitchen-b.txt', 'work/kitchen-c.txt']);
    expect(await engine.invoke('dedup.undismiss', {})).toEqual({ removed: 1 });
    const last = await scan();
    expect(names(last)).toEqual(names(first));
    expect(last.scan.stats?.dismissedFiles).toBe(0);
    await expect(engine.invoke('dedup.dismiss', { scanId: last.scan.id, clusterId: 999_999 })).rejects.toThrow(/no group/);
  }, 180_000);
});

describe('previews', () => {
  it("returns a scanned file's text, says when it changed or is gone, and refuses files of no group", async () => {
    const report = await scan();
    const m = member(report, 'work/kitchen-a.txt');
    const preview = await engine.invoke('dedup.document', { scanId: report.scan.id, documentId: m.documentId });
    expect(preview).toMatchObject({ path: m.path, relPath: 'work/kitchen-a.txt', problem: null, truncated: false });
    expect(preview.text).toBe(sample('kitchen-notes.txt').toString('utf8'));
    expect(await engine.invoke('dedup.document', { scanId: report.scan.id, documentId: m.documentId, maxChars: 10 })).toMatchObject({ truncated: true });

    fs.appendFileSync(m.path, '\nSomething new.');
    expect((await engine.invoke('dedup.document', { scanId: report.scan.id, documentId: m.documentId })).problem).toBe('changed');
    fs.rmSync(m.path);
    expect(await engine.invoke('dedup.document', { scanId: report.scan.id, documentId: m.documentId })).toMatchObject({ problem: 'gone', text: null });
    await expect(engine.invoke('dedup.document', { scanId: report.scan.id, documentId: 999_999 })).rejects.toThrow(/no group/);
  }, 120_000);
});
