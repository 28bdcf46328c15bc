/** Plain helpers of the Duplicates view: wording of the layers, the default selection, downloads. */
import type { DedupReport, FileActionSummary } from '../../../shared/api';

export type DedupCluster = DedupReport['clusters'][number];
export type DedupMember = DedupCluster['members'][number];
export type DedupLayer = DedupCluster['layer'];

/** Defaults of the engine's layers (defined once in src/shared/thresholds.ts), shown as the sliders' start. */
export { DEDUP_NEAR_THRESHOLD as DEFAULT_NEAR_THRESHOLD, DEDUP_SEMANTIC_THRESHOLD as DEFAULT_SEMANTIC_THRESHOLD } from '../../../shared/thresholds';

/** One line of what a member's match with the kept file rests on (defined once in src/shared). */
export { evidenceSummary } from '../../../shared/dedupEvidence';

/**
 * How a group or member is labelled: its layer, except that a `cross` match decided by the
 * built-in pair judge (its evidence holds the judge's probability) is a `judge` match, not a
 * cross-encoder's. A scan uses one of the two for its borderline pairs, never both.
 */
export type DedupLayerLabel = DedupLayer | 'judge';

export function memberLayerLabel(m: Pick<DedupMember, 'layer' | 'evidence'>): DedupLayerLabel {
  return m.layer === 'cross' && m.evidence?.judge != null ? 'judge' : m.layer;
}

export function clusterLayerLabel(c: Pick<DedupCluster, 'layer' | 'members'>): DedupLayerLabel {
  return c.layer === 'cross' && c.members.some((m) => memberLayerLabel(m) === 'judge') ? 'judge' : c.layer;
}

/** Whole-file clusters: the members a person may move. Passage clusters and hard links only inform. */
export function isMovable(cluster: DedupCluster): boolean {
  return cluster.level === 'file' && cluster.layer !== 'same-file';
}

/**
 * The files suggested for moving: the members of whole-file groups that the engine marked as
 * identical or near-identical to the kept file. Members that only mean the same (semantic,
 * confirmed by a cross-encoder or the pair judge) are offered for review and never ticked by default.
 */
export function defaultSelection(report: DedupReport): Set<number> {
  const ids = new Set<number>();
  for (const c of report.clusters) {
    if (!isMovable(c)) continue;
    for (const m of c.members) if (m.preselect && !m.keep && m.documentId !== c.keepDocumentId) ids.add(m.documentId);
  }
  return ids;
}

/** Paths currently in quarantine according to the action log (moved and not undone). */
export function quarantinedPaths(actions: readonly FileActionSummary[]): Set<string> {
  return new Set(actions.filter((a) => a.action === 'move' && a.undoneAt === null).map((a) => a.sourcePath));
}

export interface ActionBatch {
  batchId: string;
  scanId: number | null;
  at: string;
  actions: FileActionSummary[];
  /** Files of the batch still in quarantine: Undo applies to them. */
  pending: number;
}

/** The log grouped by batch, newest batch first (the log comes newest first). */
export function groupBatches(actions: readonly FileActionSummary[]): ActionBatch[] {
  const batches = new Map<string, ActionBatch>();
  for (const a of actions) {
    let b = batches.get(a.batchId);
    if (!b) {
      b = { batchId: a.batchId, scanId: a.scanId, at: a.at, actions: [], pending: 0 };
      batches.set(a.batchId, b);
    }
    b.actions.push(a);
    if (a.action === 'move' && a.undoneAt === null) b.pending++;
  }
  return [...batches.values()];
}

/** 1536 -> "1.5 KB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * Offers text as a file download through a Blob URL (no navigation, nothing inline: fits the CSP).
 * The URL is revoked a little later, once the browser has started the download.
 */
export function downloadText(content: string, mimeType: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
