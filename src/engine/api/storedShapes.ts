/**
 * Reading back JSON the engine stored earlier (run results and settings, scan figures) as the
 * API's types. The store keeps these as opaque JSON; a row written by an older version or
 * damaged by hand reads as null instead of reaching a client in a shape it does not expect.
 */
import type { ModelSummary, RunSettings, ScanSettings, ScanStats, TrainRunResult } from '../../shared/api';

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNumber = (x: unknown): x is number => typeof x === 'number';

/** A finished run's result, kept in its checkpoint. */
export function storedRunResult(checkpoint: unknown): TrainRunResult | null {
  const r = isObject(checkpoint) ? checkpoint.result : undefined;
  if (!isObject(r) || !isObject(r.selection) || !isObject(r.selected) || !isNumber(r.selection.cycle) || !isNumber(r.selected.biModelId)) return null;
  const out = { ...r } as unknown as TrainRunResult;
  // Runs made before these existed have neither; a malformed one is left out rather than shown.
  const c = r.comparison;
  if (!(
    isObject(c) &&
    ['better', 'same', 'worse'].includes(c.verdict as string) &&
    isNumber(c.confidence) &&
    isNumber(c.startValue) &&
    isNumber(c.chosenValue)
  ))
    delete out.comparison;
  const h = r.handBack;
  if (!(isObject(h) && (h.which === 'trained' || h.which === 'start') && isNumber(h.biModelId))) delete out.handBack;
  return out;
}

/**
 * A run's stored settings with the training data replaced by counts: the texts or pairs can
 * be huge, and a client needs only how many there were (and the scale of the user's labels).
 */
export function storedRunSettings(stored: unknown): RunSettings | null {
  if (!isObject(stored) || !isObject(stored.settings) || !isObject(stored.source)) return null;
  const source = stored.source;
  const count = source.kind === 'pairs' ? lengthOf(source.a) : lengthOf(source.texts);
  const labels = isObject(stored.userLabels) ? stored.userLabels : null;
  const settings: RunSettings = {
    preset: stored.preset === 'standard' || stored.preset === 'paper' ? stored.preset : 'quick',
    settings: stored.settings as unknown as RunSettings['settings'],
    bases: Array.isArray(stored.bases) ? (stored.bases as RunSettings['bases']) : [],
    source: { kind: source.kind === 'pairs' ? 'pairs' : 'texts', count },
  };
  if (labels && lengthOf(labels.labels) > 0) settings.userLabels = { count: lengthOf(labels.labels), scale: labels.scale === 'binary' ? 'binary' : '0-5' };
  if (typeof stored.backend === 'string') settings.backend = stored.backend;
  return settings;
}

export function storedScanStats(stats: unknown): ScanStats | null {
  return isObject(stats) && isNumber(stats.files) && isNumber(stats.duplicateFiles) ? (stats as unknown as ScanStats) : null;
}

export function storedScanSettings(settings: unknown): ScanSettings | null {
  return isObject(settings) && isObject(settings.thresholds) ? (settings as unknown as ScanSettings) : null;
}

function lengthOf(x: unknown): number {
  return Array.isArray(x) ? x.length : 0;
}

/** A model row as the API lists it: its stored config is read only for the mutual member it belongs to. */
export function modelSummary(m: Omit<ModelSummary, 'member'> & { config: unknown }): ModelSummary {
  const member = isObject(m.config) && typeof m.config.member === 'string' ? m.config.member : null;
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    architecture: m.architecture,
    relDir: m.relDir,
    parentId: m.parentId,
    runId: m.runId,
    cycle: m.cycle,
    member,
    createdAt: m.createdAt,
  };
}
