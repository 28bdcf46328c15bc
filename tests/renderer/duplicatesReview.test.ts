/** The Duplicates review's pure helpers: the side-by-side diff and the selection rules. */
import { describe, expect, it } from 'vitest';
import type { DedupCluster, DedupMember } from '../../src/renderer/src/lib/dedup';
import { applyKeepRule, byConfidence, isUnder, keeperBy, memberFolders, parentFolder } from '../../src/renderer/src/lib/duplicates/selection';
import { diffSequences, diffWords, sideBySide, splitLines, wordTokens } from '../../src/renderer/src/lib/duplicates/textDiff';

describe('side-by-side diff', () => {
  it('pairs a changed line with its replacement and marks the words that differ', () => {
    const left = 'The budget review is on Monday.\nBring the figures.\nThanks.\n';
    const right = 'The budget review is on Tuesday.\nBring the figures.\nSee you there.\nThanks.';
    const d = sideBySide(left, right);
    expect(d.counts).toEqual({ same: 2, changed: 1, removed: 0, added: 1 });
    expect(d.approximate).toBe(false);
    expect(d.rows.map((r) => r.kind)).toEqual(['changed', 'same', 'added', 'same']);
    const changed = d.rows[0]!;
    expect(changed.left!.parts).toEqual([
      { kind: 'same', text: 'The budget review is on ' },
      { kind: 'removed', text: 'Monday' },
      { kind: 'same', text: '.' },
    ]);
    expect(changed.right!.parts.find((p) => p.kind === 'added')?.text).toBe('Tuesday');
    // Line numbers follow each side.
    expect(d.rows.map((r) => [r.left?.n ?? null, r.right?.n ?? null])).toEqual([
      [1, 1],
      [2, 2],
      [null, 3],
      [3, 4],
    ]);
  });

  it('counts identical texts as the same and keeps every line', () => {
    const text = 'a\nb\nc';
    expect(sideBySide(text, text).counts).toEqual({ same: 3, changed: 0, removed: 0, added: 0 });
    expect(splitLines('x\r\ny\rz\n')).toEqual(['x', 'y', 'z']);
  });

  it('is a correct edit script: the left side is the same and removed parts, the right the same and added ones', () => {
    const a = 'one two three four five six seven'.split(' ');
    const b = 'zero one three four six seven eight'.split(' ');
    const { ops } = diffSequences(a, b);
    expect(ops.filter((o) => o.kind !== 'added').map((o) => o.text)).toEqual(a);
    expect(ops.filter((o) => o.kind !== 'removed').map((o) => o.text)).toEqual(b);
    // Longest common subsequence: one three four six seven.
    expect(ops.filter((o) => o.kind === 'same')).toHaveLength(5);
  });

  it('falls back to a whole-block change past its size cap, and says so', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`);
    expect(diffSequences(a, b, 100).approximate).toBe(true);
    expect(diffSequences(a, b).approximate).toBe(false);
  });

  it('splits Chinese text by character and Latin text by word', () => {
    expect(wordTokens('预算审查在周一')).toHaveLength(7);
    expect(wordTokens("it's a test, ok")).toEqual(["it's", ' ', 'a', ' ', 'test', ',', ' ', 'ok']);
    const w = diffWords('会议在周一举行', '会议在周二举行');
    expect(w.left.filter((p) => p.kind === 'removed').map((p) => p.text)).toEqual(['一']);
    expect(w.right.filter((p) => p.kind === 'added').map((p) => p.text)).toEqual(['二']);
  });
});

const member = (documentId: number, p: string, modified: string, size: number, extra: Partial<DedupMember> = {}): DedupMember => ({
  documentId,
  path: p,
  relPath: p.replace(/^\/docs\//, ''),
  size,
  modified,
  layer: 'exact',
  score: 1,
  keep: false,
  preselect: true,
  passageText: null,
  evidence: null,
  reference: false,
  ...extra,
});

const cluster = (id: number, members: DedupMember[], extra: Partial<DedupCluster> = {}): DedupCluster => ({
  id,
  level: 'file',
  layer: 'exact',
  confidence: 'high',
  score: 1,
  keepDocumentId: members.find((x) => x.keep)?.documentId ?? null,
  keepPath: members.find((x) => x.keep)?.path ?? null,
  members,
  ...extra,
});

describe('selection helpers', () => {
  const a = member(1, '/docs/a.txt', '2024-01-01T00:00:00Z', 100, { keep: true, preselect: false });
  const b = member(2, '/docs/backup/a.txt', '2024-03-01T00:00:00Z', 300);
  const c = member(3, '/docs/old/a.txt', '2023-06-01T00:00:00Z', 200);
  const g1 = cluster(10, [a, b, c]);
  const r1 = member(4, '/docs/x.txt', '2024-01-01T00:00:00Z', 50, { keep: true, preselect: false });
  const r2 = member(5, '/docs/backup/x.txt', '2024-05-01T00:00:00Z', 60, { layer: 'semantic', score: 0.93, preselect: false });
  const review = cluster(11, [r1, r2], { layer: 'semantic', confidence: 'review', score: 0.93 });
  const none = new Set<string>();

  it('keeps the newest, oldest, largest or suggested file and ticks the others', () => {
    expect(keeperBy({ kind: 'newest' }, g1.members)?.documentId).toBe(2);
    expect(keeperBy({ kind: 'oldest' }, g1.members)?.documentId).toBe(3);
    expect(keeperBy({ kind: 'longest' }, g1.members)?.documentId).toBe(2);
    expect(keeperBy({ kind: 'suggested' }, g1.members)?.documentId).toBe(1);
    const newest = applyKeepRule([g1, review], { kind: 'newest' }, new Set([1]), { includeReview: false, inQuarantine: none });
    expect([...newest.selected].sort()).toEqual([1, 3]);
    expect(newest.groups).toBe(1);
    // Groups for review change only when asked.
    const withReview = applyKeepRule([g1, review], { kind: 'newest' }, new Set(), { includeReview: true, inQuarantine: none });
    expect([...withReview.selected].sort()).toEqual([1, 3, 4]);
  });

  it('keeps the copy in a chosen folder, and leaves groups with no file there as they were', () => {
    const out = applyKeepRule([g1, review], { kind: 'folder', folder: '/docs/old' }, new Set([5]), { includeReview: true, inQuarantine: none });
    expect([...out.selected].sort()).toEqual([1, 2, 5]);
    expect(out.groups).toBe(1);
    expect(isUnder('/docs/old/a.txt', '/docs/old')).toBe(true);
    expect(isUnder('/docs/older/a.txt', '/docs/old')).toBe(false);
    expect(parentFolder('C:\\docs\\a.txt')).toBe('C:\\docs');
    expect(memberFolders([g1]).map((f) => f.label)).toEqual(['/docs', 'backup', 'old']);
  });

  it('never ticks a file of a reference folder, and leaves files in quarantine alone', () => {
    const ref = member(6, '/docs/originals/a.txt', '2020-01-01T00:00:00Z', 100, { reference: true, preselect: false });
    const g = cluster(12, [a, b, c, ref]);
    const out = applyKeepRule([g], { kind: 'newest' }, new Set(), { includeReview: false, inQuarantine: new Set([c.path]) });
    // The reference file is kept; every other file in place is ticked; the quarantined one untouched.
    expect([...out.selected].sort()).toEqual([1, 2]);
  });

  it('sorts the most certain groups first', () => {
    const near = cluster(13, [a, b], { layer: 'near', score: 0.85 });
    const near2 = cluster(14, [a, b], { layer: 'near', score: 0.95 });
    expect([review, near, g1, near2].sort(byConfidence).map((x) => x.id)).toEqual([10, 14, 13, 11]);
  });
});
