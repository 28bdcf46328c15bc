/**
 * Selection helpers of the Duplicates review: in each group, keep one file by a rule (the
 * suggested one, the newest, the oldest, the longest, the one in a chosen folder) and tick the
 * others for moving. Files in reference folders always stay (never ticked); files already in
 * quarantine are left alone. Groups offered for review (alike in meaning only) are changed only
 * when asked.
 */
import type { DedupCluster, DedupMember } from '../dedup';

export type KeepRule = { kind: 'suggested' | 'newest' | 'oldest' | 'longest' } | { kind: 'folder'; folder: string };

export interface SelectionOptions {
  /** Also change groups held together by meaning only (confidence 'review'). */
  includeReview: boolean;
  /** Paths now in quarantine: neither ticked nor kept. */
  inQuarantine: ReadonlySet<string>;
}

/** The parent folder of a path (either separator), without a trailing separator. */
export function parentFolder(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i <= 0 ? p.slice(0, i + 1) : p.slice(0, i);
}

/** Whether `file` lies in `folder` or below it. */
export function isUnder(file: string, folder: string): boolean {
  const f = folder.replace(/[\\/]+$/, '');
  return file.startsWith(f) && (file.length === f.length || file[f.length] === '/' || file[f.length] === '\\');
}

const time = (m: DedupMember) => Date.parse(m.modified) || 0;

/** The member to keep by a rule, among members in place; null when the rule picks none (no member in the folder). */
export function keeperBy(rule: KeepRule, members: readonly DedupMember[]): DedupMember | null {
  if (members.length === 0) return null;
  const best = (better: (a: DedupMember, b: DedupMember) => boolean) => members.reduce((x, m) => (better(m, x) ? m : x));
  switch (rule.kind) {
    case 'suggested':
      return members.find((m) => m.keep) ?? members[0];
    case 'newest':
      return best((a, b) => time(a) > time(b));
    case 'oldest':
      return best((a, b) => time(a) < time(b));
    case 'longest':
      return best((a, b) => a.size > b.size);
    case 'folder': {
      const inside = members.filter((m) => isUnder(m.path, rule.folder));
      return inside.find((m) => m.keep) ?? inside[0] ?? null;
    }
  }
}

/**
 * The ticks after applying a rule to whole-file groups: in each group it changes, the kept file
 * (and every file of a reference folder) is unticked and every other file in place is ticked.
 * Groups it does not change keep their ticks. Returns the new selection and how many groups changed.
 */
export function applyKeepRule(
  clusters: readonly DedupCluster[],
  rule: KeepRule,
  current: ReadonlySet<number>,
  opts: SelectionOptions,
): { selected: Set<number>; groups: number } {
  const selected = new Set(current);
  let groups = 0;
  for (const c of clusters) {
    if (c.confidence === 'info' || (c.confidence === 'review' && !opts.includeReview)) continue;
    const inPlace = c.members.filter((m) => !opts.inQuarantine.has(m.path));
    const refs = inPlace.filter((m) => m.reference);
    const keeper = refs.length > 0 && rule.kind !== 'folder' ? refs[0] : keeperBy(rule, inPlace);
    if (!keeper) continue;
    groups++;
    for (const m of inPlace) {
      if (m === keeper || m.reference) selected.delete(m.documentId);
      else selected.add(m.documentId);
    }
  }
  return { selected, groups };
}

/** Folders holding members of these groups (for "keep the one in folder…"), sorted. */
export function memberFolders(clusters: readonly DedupCluster[]): { folder: string; label: string }[] {
  const out = new Map<string, string>();
  for (const c of clusters) {
    for (const m of c.members) {
      const folder = parentFolder(m.path);
      const rel = parentFolder(m.relPath);
      if (!out.has(folder)) out.set(folder, rel === '' || rel === m.relPath ? folder : rel);
    }
  }
  return [...out].map(([folder, label]) => ({ folder, label })).sort((a, b) => a.label.localeCompare(b.label));
}

const LAYER_RANK: Record<DedupCluster['layer'], number> = { exact: 0, near: 1, semantic: 2, cross: 3, 'same-file': 4 };
const CONFIDENCE_RANK: Record<DedupCluster['confidence'], number> = { high: 0, review: 1, info: 2 };

/** Most confident first: pre-selected groups, then by layer (exact, near, meaning), then by score, then larger groups. */
export function byConfidence(a: DedupCluster, b: DedupCluster): number {
  return (
    CONFIDENCE_RANK[a.confidence] - CONFIDENCE_RANK[b.confidence] ||
    LAYER_RANK[a.layer] - LAYER_RANK[b.layer] ||
    (b.score ?? 1) - (a.score ?? 1) ||
    b.members.length - a.members.length ||
    a.id - b.id
  );
}
