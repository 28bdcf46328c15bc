/**
 * What a person may type wherever the CLI takes a model: `builtin` (or `use-lite`) for the built-in
 * model, a model id, a model's name as `tenc runs`/the app show it (case-insensitive), or its folder
 * (the path under the data folder, or just its last part).
 */
import path from 'node:path';
import type { ModelSummary } from '../shared/api';

export const BUILTIN_NAMES = ['builtin', 'use-lite'];

/**
 * The model id a reference names: null for the built-in bi-encoder (and for no reference at all).
 * A cross-encoder has no built-in; `role: 'cross'` refuses `builtin` and bases.
 */
export function resolveModelRef(value: string | undefined, role: 'bi' | 'cross', models: readonly ModelSummary[]): number | null {
  if (value === undefined) return null;
  const ref = value.trim();
  if (BUILTIN_NAMES.includes(ref.toLowerCase())) {
    if (role === 'cross')
      throw new Error(`there is no built-in cross-encoder: give a trained cross-encoder (its id or name; \`tenc models\` lists them), or leave the option out`);
    return null;
  }
  const byId = /^\d+$/.test(ref) ? models.find((m) => m.id === Number(ref)) : undefined;
  if (/^\d+$/.test(ref) && !byId) throw new Error(`there is no model with id ${ref}${listHint(models, role)}`);
  const matches = byId ? [byId] : models.filter((m) => m.name.toLowerCase() === ref.toLowerCase() || m.relDir === ref || path.basename(m.relDir) === ref);
  const fitting = matches.filter((m) => fits(m, role));
  if (fitting.length === 1) return fitting[0]!.id;
  if (fitting.length > 1) throw new Error(`"${ref}" names ${fitting.length} models (ids ${fitting.map((m) => m.id).join(', ')}); give the id`);
  if (matches.length > 0)
    throw new Error(
      `model "${ref}" is a ${matches[0]!.kind === 'base' ? 'base model' : `${matches[0]!.kind}-encoder`}, not a ${role === 'bi' ? 'bi' : 'cross'}-encoder${listHint(models, role)}`,
    );
  throw new Error(`there is no model "${ref}"${listHint(models, role)}`);
}

function fits(m: ModelSummary, role: 'bi' | 'cross'): boolean {
  return role === 'cross' ? m.kind === 'cross' : m.kind === 'bi' || m.kind === 'base';
}

function listHint(models: readonly ModelSummary[], role: 'bi' | 'cross'): string {
  const usable = models.filter((m) => fits(m, role));
  const shown = usable.slice(-8).map((m) => `${m.id} "${m.name}"`);
  const builtin = role === 'bi' ? ['builtin'] : [];
  const all = [...builtin, ...shown];
  return all.length ? `; choose one of: ${all.join(', ')}${usable.length > 8 ? ', ... (tenc models lists all)' : ''}` : '';
}
