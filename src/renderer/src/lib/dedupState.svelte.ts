/**
 * What the Duplicates view remembers while a person visits other views: the scan form, the
 * scan whose results are open, which files are selected for moving, and the last outcome.
 * One per AppState (kept in a WeakMap, so AppState itself needs no dedup fields).
 */
import type { DedupReport, Dismissal, FileActionSummary, QuarantineOutcome, ReferenceFolder, ScanSummary } from '../../../shared/api';
import type { AppState } from './appState.svelte';
import { DEFAULT_NEAR_THRESHOLD, DEFAULT_SEMANTIC_THRESHOLD, defaultSelection } from './dedup';

export interface DedupForm {
  /** Allowed folders the person unticked (so newly allowed folders start ticked). */
  excludedRoots: string[];
  semantic: boolean;
  semanticThreshold: number;
  nearThreshold: number;
  passageLevel: boolean;
  /** '' = the built-in model. */
  biModelId: string;
  /** '' = no cross-encoder. */
  crossModelId: string;
}

export interface LastOutcome {
  kind: 'move' | 'undo';
  outcome: QuarantineOutcome;
}

/** The latest thing the review did, shown in the bar at the bottom of the window with its undo. */
export interface Notice {
  kind: 'move' | 'undo' | 'dismiss' | 'undismiss' | 'helper' | 'reference';
  text: string;
  /** What Undo does, if it can be undone from the bar. */
  undo?: { label: string; run: () => Promise<void> };
}

export class DedupState {
  form = $state<DedupForm>({
    excludedRoots: [],
    semantic: true,
    semanticThreshold: DEFAULT_SEMANTIC_THRESHOLD,
    nearThreshold: DEFAULT_NEAR_THRESHOLD,
    passageLevel: true,
    biModelId: '',
    crossModelId: '',
  });
  scans = $state<ScanSummary[]>([]);
  report = $state<DedupReport | null>(null);
  /** Document ids ticked for moving in the open report. */
  selected = $state<number[]>([]);
  actions = $state<FileActionSummary[]>([]);
  lastOutcome = $state<LastOutcome | null>(null);
  notice = $state<Notice | null>(null);
  references = $state<ReferenceFolder[]>([]);
  dismissals = $state<Dismissal[]>([]);
  /** The dedup job whose results were already loaded (so a finished job loads them once). */
  loadedJobId = $state<string | null>(null);

  constructor(private readonly app: AppState) {}

  async refreshScans(): Promise<void> {
    const scans = await this.app.attempt(() => this.app.client.call('dedup.scans', {}), false);
    if (scans) this.scans = scans;
  }

  async refreshActions(): Promise<void> {
    const actions = await this.app.attempt(() => this.app.client.call('dedup.actions', {}), false);
    if (actions) this.actions = actions;
  }

  /** Opens a scan's results with the suggested selection. */
  async openReport(scanId: number): Promise<void> {
    const report = await this.app.attempt(() => this.app.client.call('dedup.report', { scanId }));
    if (!report) return;
    this.report = report;
    this.selected = [...defaultSelection(report)];
    this.lastOutcome = null;
    this.notice = null;
  }

  /** Loads the open report again (after a dismissal or a reference folder change), keeping the ticks of files still listed. */
  async reloadReport(): Promise<void> {
    if (!this.report) return;
    const report = await this.app.attempt(() => this.app.client.call('dedup.report', { scanId: this.report!.scan.id }), false);
    if (!report) return;
    const listed = new Map(report.clusters.flatMap((c) => c.members.map((m) => [m.documentId, m] as const)));
    this.selected = this.selected.filter((id) => listed.has(id) && !listed.get(id)!.reference);
    this.report = report;
  }

  async refreshReview(): Promise<void> {
    const [references, dismissals] = await Promise.all([
      this.app.attempt(() => this.app.client.call('dedup.referenceFolders', {}), false),
      this.app.attempt(() => this.app.client.call('dedup.dismissals', {}), false),
    ]);
    if (references) this.references = references;
    if (dismissals) this.dismissals = dismissals;
  }
}

const states = new WeakMap<AppState, DedupState>();

export function dedupStateOf(app: AppState): DedupState {
  let s = states.get(app);
  if (!s) {
    s = new DedupState(app);
    states.set(app, s);
  }
  return s;
}
