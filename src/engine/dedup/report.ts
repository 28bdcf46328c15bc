/**
 * Reports of a scan's duplicate clusters: JSON, CSV (one row per member) and a self-contained
 * HTML page (inline CSS, no scripts, every text escaped).
 */
import type { DedupEvidence } from '../../shared/api';
import { evidenceSummary as sharedEvidenceSummary } from '../../shared/dedupEvidence';
import path from 'node:path';
import type { Store } from '../store';
import type { ClusterLayer } from '../store/types';
import { PRESELECT_LAYERS } from './scan/save';
import { documentLocations, passageHashesById, passageTextsById } from '../store/repositories/scanData';

export interface ReportMember {
  documentId: number;
  /** Absolute path at scan time. */
  path: string;
  root: string;
  relPath: string;
  size: number;
  modified: string;
  /**
   * What this member is to the kept one: `exact` (the same text), `near`, `semantic`, `cross`,
   * or `same-file` (a hard link). Scans stored before schema v5 give `exact` for identical
   * texts and the cluster's layer otherwise.
   */
  layer: ClusterLayer;
  /** Score of this member's match with the kept one (older scans: its best match in the cluster). */
  score: number | null;
  keep: boolean;
  /** Ticked for moving before a person looks: identical or near-identical to the kept file. */
  preselect: boolean;
  /** What the match rests on (scores, passage coverage, matching passages, numbers); null when none was stored. */
  evidence: ReportEvidence | null;
  passageId: number | null;
  /** The passage (passage-level clusters), cut to `snippetChars`. */
  passageText: string | null;
}

/** What a member's match with the kept file rests on: the API's type, defined once in src/shared. */
export type ReportEvidence = DedupEvidence;

/** How far a group may be acted on without a look: pre-selected, for review, or for information only. */
export type ClusterConfidence = 'high' | 'review' | 'info';

export interface ReportCluster {
  id: number;
  /** `file`: whole files are duplicates; `passage`: a passage recurs across files. */
  level: 'file' | 'passage';
  /** The weakest evidence that holds the group together. */
  layer: ClusterLayer;
  confidence: ClusterConfidence;
  score: number | null;
  keepDocumentId: number | null;
  keepPath: string | null;
  members: ReportMember[];
}

export interface ScanReport {
  scan: {
    id: number;
    roots: string[];
    status: string;
    createdAt: string;
    finishedAt: string | null;
    settings: unknown;
    stats: unknown;
  };
  clusters: ReportCluster[];
}

/** Gathers a scan's clusters with file details for the report writers. */
export async function loadScanReport(store: Store, scanId: number, opts: { snippetChars?: number } = {}): Promise<ScanReport> {
  const scan = await store.scans.get(scanId);
  if (!scan) throw new Error(`there is no scan ${scanId}`);
  const snippetChars = opts.snippetChars ?? 400;
  const clusters = await store.scans.listClusters(scanId);
  const locs = await documentLocations(
    store.db,
    clusters.flatMap((c) => c.members.map((m) => m.documentId)),
  );
  const passageIds = clusters.flatMap((c) => c.members.map((m) => m.passageId).filter((p): p is number => p != null));
  const passages = await passageTextsById(store.db, passageIds);
  const passageHashes = await passageHashesById(store.db, passageIds);
  const evidenceIds = clusters.flatMap((c) => c.members.flatMap((m) => evidencePassages(m.evidence).flatMap(([x, y]) => [x, y])));
  const evidenceTexts = await passageTextsById(store.db, evidenceIds);
  const snippet = (text: string | undefined | null, max: number) => (text == null ? null : text.length > max ? `${text.slice(0, max)}…` : text);
  const toEvidence = (raw: unknown): ReportEvidence | null => {
    if (!raw || typeof raw !== 'object') return null;
    const { passages: pairs, ...rest } = raw as Record<string, unknown>;
    const out: ReportEvidence = { ...(rest as Omit<ReportEvidence, 'passages'>) };
    if (Array.isArray(pairs)) {
      out.passages = evidencePassages(raw).map(([x, y, score]) => ({
        member: snippet(evidenceTexts.get(x), 200) ?? '',
        keeper: snippet(evidenceTexts.get(y), 200) ?? '',
        score,
      }));
    }
    return out;
  };

  const out: ReportCluster[] = clusters.map((c) => {
    const level = c.members.some((m) => m.passageId != null) ? 'passage' : 'file';
    const keepLoc = c.keepDocumentId != null ? locs.get(c.keepDocumentId) : undefined;
    const keepMember = c.members.find((m) => m.documentId === c.keepDocumentId);
    const keepHash = level === 'file' ? keepLoc?.contentHash : keepMember?.passageId != null ? passageHashes.get(keepMember.passageId) : undefined;
    return {
      id: c.id,
      level,
      layer: c.layer,
      confidence: level === 'passage' || c.layer === 'same-file' ? 'info' : c.preselect ? 'high' : 'review',
      score: c.score,
      keepDocumentId: c.keepDocumentId,
      keepPath: keepLoc ? path.join(keepLoc.root, keepLoc.relPath) : null,
      members: c.members.map((m) => {
        const loc = locs.get(m.documentId);
        const hash = level === 'file' ? loc?.contentHash : m.passageId != null ? passageHashes.get(m.passageId) : undefined;
        const text = m.passageId != null ? (passages.get(m.passageId) ?? null) : null;
        const keep = m.documentId === c.keepDocumentId && (level === 'file' || m === keepMember);
        const layer: ClusterLayer = m.layer ?? (hash != null && hash === keepHash ? 'exact' : c.layer);
        return {
          documentId: m.documentId,
          path: loc ? path.join(loc.root, loc.relPath) : `(document ${m.documentId} no longer stored)`,
          root: loc?.root ?? '',
          relPath: loc?.relPath ?? '',
          size: loc?.size ?? 0,
          modified: loc ? new Date(loc.mtimeMs).toISOString() : '',
          layer,
          score: m.score,
          keep,
          preselect: level === 'file' && !keep && m.layer != null && PRESELECT_LAYERS.has(m.layer),
          evidence: toEvidence(m.evidence),
          passageId: m.passageId,
          passageText: text == null ? null : text.length > snippetChars ? `${text.slice(0, snippetChars)}…` : text,
        };
      }),
    };
  });
  return {
    scan: {
      id: scan.id,
      roots: scan.roots,
      status: scan.status,
      createdAt: scan.createdAt,
      finishedAt: scan.finishedAt,
      settings: scan.settings,
      stats: scan.stats,
    },
    clusters: out,
  };
}

/** The [member passage id, keeper passage id, score] triples of stored evidence. */
function evidencePassages(raw: unknown): [number, number, number][] {
  const pairs = raw && typeof raw === 'object' ? (raw as { passages?: unknown }).passages : undefined;
  if (!Array.isArray(pairs)) return [];
  return pairs.filter((p): p is [number, number, number] => Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'number'));
}

export function reportToJson(r: ScanReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'cluster_id',
  'level',
  'cluster_layer',
  'cluster_score',
  'member_layer',
  'member_score',
  'keep',
  'preselect',
  'path',
  'size',
  'modified',
  'passage_text',
] as const;

/** RFC 4180 CSV, one row per cluster member, CRLF line ends. */
export function reportToCsv(r: ScanReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of r.clusters) {
    for (const m of c.members) {
      lines.push(
        [
          c.id,
          c.level,
          c.layer,
          num(c.score),
          m.layer,
          num(m.score),
          m.keep ? 'yes' : 'no',
          m.preselect ? 'yes' : 'no',
          m.path,
          m.size,
          m.modified,
          m.passageText ?? '',
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function num(x: number | null): string {
  return x == null ? '' : String(Math.round(x * 10000) / 10000);
}

/**
 * Quotes a field when needed. Text that a spreadsheet would run as a formula (starting with
 * = + - @ or a tab/CR) gets a leading apostrophe.
 */
export function csvField(value: unknown): string {
  let s = String(value ?? '');
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** A complete HTML page; nothing is loaded from elsewhere and the page runs no script. */
export function reportToHtml(r: ScanReport): string {
  const e = escapeHtml;
  const fileClusters = r.clusters.filter((c) => c.level === 'file');
  const passageClusters = r.clusters.filter((c) => c.level === 'passage');
  const section = (title: string, list: ReportCluster[]) => {
    if (list.length === 0) return `<h2>${e(title)}</h2><p class="none">None found.</p>`;
    return `<h2>${e(title)} (${list.length})</h2>\n${list.map(clusterHtml).join('\n')}`;
  };
  const stats = r.scan.stats && typeof r.scan.stats === 'object' ? (r.scan.stats as Record<string, unknown>) : {};
  const statRows = Object.entries(stats)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(String(v ?? ''))}</td></tr>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Duplicate report: scan ${r.scan.id}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d1d1f; background: #fff; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1.2rem; }
th, td { border: 1px solid #d0d0d7; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f6; font-weight: 600; }
.cluster { border: 1px solid #c8c8d0; border-radius: 6px; padding: .6rem .8rem; margin: .8rem 0; }
.layer { display: inline-block; padding: 0 .4rem; border-radius: 4px; background: #e8eefc; font-size: .85em; }
.layer-exact, .layer-same-file { background: #dff3e4; } .layer-near { background: #fff2d6; } .layer-semantic { background: #e8eefc; } .layer-cross { background: #f6e3f7; }
tr.keep td { background: #f2fbf4; font-weight: 600; }
.path { font-family: ui-monospace, monospace; word-break: break-all; }
.passage { white-space: pre-wrap; color: #444; }
.none { color: #666; }
@media (prefers-color-scheme: dark) { body { background: #161618; color: #e8e8ea; } th { background: #26262a; } th, td, .cluster { border-color: #3a3a40; } tr.keep td { background: #1d2a21; } .layer { color: #111; } .passage { color: #bbb; } }
</style>
</head>
<body>
<h1>Duplicate report: scan ${r.scan.id}</h1>
<p>Folders: ${r.scan.roots.map((x) => `<span class="path">${e(x)}</span>`).join(', ')}<br>
Status: ${e(r.scan.status)}; started ${e(r.scan.createdAt)}${r.scan.finishedAt ? `, finished ${e(r.scan.finishedAt)}` : ''}</p>
${statRows ? `<details><summary>Statistics</summary><table>${statRows}</table></details>` : ''}
${section('Duplicate files', fileClusters)}
${section('Passages repeated across files', passageClusters)}
</body>
</html>
`;
}

function clusterHtml(c: ReportCluster): string {
  const e = escapeHtml;
  const rows = c.members
    .map(
      (m) =>
        `<tr${m.keep ? ' class="keep"' : ''}><td>${m.keep ? 'keep' : ''}</td><td class="path">${e(m.path)}</td><td><span class="layer layer-${e(m.layer)}">${e(m.layer)}</span></td><td>${e(num(m.score))}</td><td>${e(evidenceSummary(m.evidence))}</td><td>${m.size}</td><td>${e(m.modified)}</td>${
          c.level === 'passage' ? `<td class="passage">${e(m.passageText ?? '')}</td>` : ''
        }</tr>`,
    )
    .join('\n');
  return `<div class="cluster" id="cluster-${c.id}">
<p>Cluster ${c.id}: <span class="layer layer-${e(c.layer)}">${e(c.layer)}</span> score ${e(num(c.score))}, ${c.members.length} members, ${e(
    { high: 'pre-selected', review: 'for review (nothing pre-selected)', info: 'for information (nothing to move)' }[c.confidence],
  )}</p>
<table><thead><tr><th></th><th>File</th><th>Layer</th><th>Score</th><th>Evidence</th><th>Bytes</th><th>Modified</th>${c.level === 'passage' ? '<th>Passage</th>' : ''}</tr></thead>
<tbody>
${rows}
</tbody></table>
</div>`;
}

/** One line of what a match rests on, with the report's four decimals. */
export function evidenceSummary(ev: ReportEvidence | null): string {
  return sharedEvidenceSummary(ev, 4);
}

export type ReportFormat = 'json' | 'csv' | 'html';

/** A scan's report as text in one of the formats (what an export or download writes). */
export async function renderScanReport(store: Store, scanId: number, format: ReportFormat): Promise<string> {
  const report = await loadScanReport(store, scanId);
  switch (format) {
    case 'json':
      return reportToJson(report);
    case 'csv':
      return reportToCsv(report);
    case 'html':
      return reportToHtml(report);
    default:
      throw new Error(`unknown report format ${String(format)}`);
  }
}
