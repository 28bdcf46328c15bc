/**
 * A small line and word diff for the side-by-side comparison of two duplicates. No diff library
 * is installed, so this is the textbook longest-common-subsequence table over what differs
 * after the common start and end are set aside, with a size cap: past it the differing middle
 * is shown as removed and added as a whole (said by `approximate`).
 */

export type DiffOp = { kind: 'same' | 'removed' | 'added'; text: string };

/** One row of the side-by-side view: a line on the left, on the right, or both. */
export interface DiffRow {
  kind: 'same' | 'changed' | 'removed' | 'added';
  left: { n: number; parts: DiffOp[] } | null;
  right: { n: number; parts: DiffOp[] } | null;
}

export interface SideBySide {
  rows: DiffRow[];
  counts: { same: number; changed: number; removed: number; added: number };
  /** The texts were too different and long for an exact diff: the middle is shown whole. */
  approximate: boolean;
}

/** Above this many table cells (differing items left x right) the diff is not computed exactly. */
const MAX_CELLS = 4_000_000;
const MAX_WORD_CELLS = 250_000;

/** The edit script between two sequences, items compared with ===. */
export function diffSequences(a: readonly string[], b: readonly string[], maxCells = MAX_CELLS): { ops: DiffOp[]; approximate: boolean } {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: DiffOp[] = a.slice(0, start).map((text) => ({ kind: 'same', text }));
  const n = endA - start;
  const m = endB - start;
  let approximate = false;
  if (n > 0 && m > 0 && (n + 1) * (m + 1) <= maxCells) {
    // lcs[i][j]: length of the longest common subsequence of a[start+i..endA) and b[start+j..endB).
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (a[start + i] === b[start + j]) {
        ops.push({ kind: 'same', text: a[start + i] });
        i++;
        j++;
      } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
        ops.push({ kind: 'removed', text: a[start + i++] });
      } else {
        ops.push({ kind: 'added', text: b[start + j++] });
      }
    }
    while (i < n) ops.push({ kind: 'removed', text: a[start + i++] });
    while (j < m) ops.push({ kind: 'added', text: b[start + j++] });
  } else {
    approximate = n > 0 && m > 0;
    for (let i = start; i < endA; i++) ops.push({ kind: 'removed', text: a[i] });
    for (let j = start; j < endB; j++) ops.push({ kind: 'added', text: b[j] });
  }
  for (let i = endA; i < a.length; i++) ops.push({ kind: 'same', text: a[i] });
  return { ops, approximate };
}

/** Words, runs of spaces and single punctuation marks; CJK text one character at a time. */
export function wordTokens(line: string): string[] {
  return line.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}_'’-]+|\s+|[^\s\p{L}\p{N}_]/gu) ?? [];
}

/** The words of two lines, each side's parts marked same or removed (left) / added (right). */
export function diffWords(left: string, right: string): { left: DiffOp[]; right: DiffOp[] } {
  const { ops, approximate } = diffSequences(wordTokens(left), wordTokens(right), MAX_WORD_CELLS);
  if (approximate) return { left: [{ kind: 'removed', text: left }], right: [{ kind: 'added', text: right }] };
  const merge = (parts: DiffOp[]) =>
    parts.reduce<DiffOp[]>((out, p) => {
      const last = out[out.length - 1];
      if (last && last.kind === p.kind) last.text += p.text;
      else out.push({ ...p });
      return out;
    }, []);
  return { left: merge(ops.filter((o) => o.kind !== 'added')), right: merge(ops.filter((o) => o.kind !== 'removed')) };
}

/** Lines of a text (\r\n, \r and \n all end a line). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The rows of a side-by-side view: equal lines side by side, a run of removed lines next to the
 * run of added lines that replaced it (paired line by line, words marked), the rest alone.
 */
export function sideBySide(left: string, right: string): SideBySide {
  const { ops, approximate } = diffSequences(splitLines(left), splitLines(right));
  const rows: DiffRow[] = [];
  const counts = { same: 0, changed: 0, removed: 0, added: 0 };
  let nl = 0;
  let nr = 0;
  for (let k = 0; k < ops.length;) {
    if (ops[k].kind === 'same') {
      const text = ops[k].text;
      rows.push({ kind: 'same', left: { n: ++nl, parts: [{ kind: 'same', text }] }, right: { n: ++nr, parts: [{ kind: 'same', text }] } });
      counts.same++;
      k++;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (k < ops.length && ops[k].kind !== 'same') {
      (ops[k].kind === 'removed' ? removed : added).push(ops[k].text);
      k++;
    }
    const paired = Math.min(removed.length, added.length);
    for (let p = 0; p < paired; p++) {
      const words = diffWords(removed[p], added[p]);
      rows.push({ kind: 'changed', left: { n: ++nl, parts: words.left }, right: { n: ++nr, parts: words.right } });
      counts.changed++;
    }
    for (let p = paired; p < removed.length; p++) {
      rows.push({ kind: 'removed', left: { n: ++nl, parts: [{ kind: 'removed', text: removed[p] }] }, right: null });
      counts.removed++;
    }
    for (let p = paired; p < added.length; p++) {
      rows.push({ kind: 'added', left: null, right: { n: ++nr, parts: [{ kind: 'added', text: added[p] }] } });
      counts.added++;
    }
  }
  return { rows, counts, approximate };
}
