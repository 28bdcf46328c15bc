/** Plain helpers of the Models view: order, wording of where a model comes from, datasets, best scores. */
import type { EvaluationSummary, ModelSummary } from '../../../../shared/api';
import type { Messages } from '../../i18n/en';

export const isBuiltin = (x: Pick<ModelSummary, 'relDir'>): boolean => x.relDir.startsWith('builtin:');

/** Built-in models first, then bases the user added, then trained models (newest run first, cycles in order). */
export function sortModels(models: readonly ModelSummary[]): ModelSummary[] {
  const rank = (x: ModelSummary) => (isBuiltin(x) ? 0 : x.kind === 'base' ? 1 : 2);
  return [...models].sort(
    (x, y) => rank(x) - rank(y) || (y.runId ?? 0) - (x.runId ?? 0) || (x.cycle ?? 0) - (y.cycle ?? 0) || x.kind.localeCompare(y.kind) || x.id - y.id,
  );
}

/** The name shown for a model: the built-in ones in the app's language, others as named. */
export function displayName(x: Pick<ModelSummary, 'relDir' | 'name'>, m: Messages): string {
  if (x.relDir === 'builtin:use-lite') return m.models.builtinOption;
  if (x.relDir === 'builtin:glove') return m.models.gloveName;
  // The name a run gives its models ("run 3 · cycle 2 · bi-encoder · glove"), until the user renames one.
  const given = /^run (\d+) · cycle (\d+) · (bi|cross)-encoder(?: · (.+))?$/.exec(x.name);
  if (given) return m.models.trainedName(Number(given[1]), Number(given[2]), given[3] as 'bi' | 'cross', given[4] ?? null);
  return x.name;
}

/** "ships with the app", "a folder you added", "run 3, cycle 2". */
export function originOf(x: ModelSummary, m: Messages): string {
  if (isBuiltin(x)) return m.models.fromBuiltin;
  if (x.runId === null) return x.kind === 'base' ? m.models.fromImported : m.format.dash;
  return m.models.fromRun(x.runId, x.cycle === null ? m.format.dash : String(x.cycle));
}

/** The name shown for a dataset: the user's labels have a stored key, files keep their name. */
export function datasetName(dataset: string, m: Messages): string {
  return dataset === 'labels' ? m.models.labelsDataset : dataset;
}

/** The latest Spearman of a model on each dataset it was measured on. */
export function latestSpearman(evaluations: readonly EvaluationSummary[], modelId: number): Map<string, EvaluationSummary> {
  const out = new Map<string, EvaluationSummary>();
  for (const e of evaluations) if (e.modelId === modelId && e.metric === 'spearman' && e.value !== null) out.set(e.dataset, e);
  return out;
}

/** The model's best latest Spearman over the datasets it was measured on, or null. */
export function bestScore(evaluations: readonly EvaluationSummary[], modelId: number): EvaluationSummary | null {
  let best: EvaluationSummary | null = null;
  for (const e of latestSpearman(evaluations, modelId).values()) if (!best || e.value! > best.value!) best = e;
  return best;
}

/** Bytes as "1.2 MB" in the user's locale. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(v)} ${units[u]}`;
}
