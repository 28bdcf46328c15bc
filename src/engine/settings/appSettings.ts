/**
 * The app's settings, kept as JSON in the data folder (`settings.json`), written atomically so a
 * crash leaves the old file or the new one. No schema migration: unknown or bad fields are
 * dropped and take their defaults, and a damaged file is reported and replaced on the next save.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SettingsPatch, type AppSettings, type SettingsPatchInput, type SettingsView } from '../../shared/shellApi';
import { writeJsonAtomic } from '../models/io/weightsFile';
import { machineCores, setCpuThreadLimit } from './cpuThreads';

export const SETTINGS_FILE = 'settings.json';

export function defaultSettings(): AppSettings {
  return {
    theme: 'system',
    language: 'system',
    cpuThreads: null,
    thresholds: { paraphraseBi: null, paraphraseCross: null, dedupNear: null, dedupSemantic: null },
    tourDone: false,
  };
}

/** `base` with the fields of `patch` applied (thresholds field by field). */
export function applySettingsPatch(base: AppSettings, patch: SettingsPatchInput): AppSettings {
  const { thresholds, ...rest } = patch;
  const out: AppSettings = { ...base, thresholds: { ...base.thresholds } };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
  for (const [k, v] of Object.entries(thresholds ?? {})) if (v !== undefined) out.thresholds[k as keyof AppSettings['thresholds']] = v;
  return out;
}

/** Reads what can be used of a stored file: each valid field, defaults for the rest. */
function fromStored(raw: unknown): AppSettings {
  const out = defaultSettings();
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  const obj = raw as Record<string, unknown>;
  for (const key of ['theme', 'language', 'cpuThreads', 'tourDone'] as const) {
    const one = SettingsPatch.safeParse({ [key]: obj[key] });
    if (one.success) Object.assign(out, applySettingsPatch(out, one.data));
  }
  const t = obj.thresholds;
  if (t && typeof t === 'object') {
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
      const one = SettingsPatch.safeParse({ thresholds: { [k]: v } });
      if (one.success) Object.assign(out, applySettingsPatch(out, one.data));
    }
  }
  return out;
}

export class SettingsFile {
  readonly file: string;
  private current: AppSettings;
  private problem: string | null = null;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, SETTINGS_FILE);
    this.current = defaultSettings();
    try {
      this.current = fromStored(JSON.parse(fs.readFileSync(this.file, 'utf8')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.problem = `The settings file ${this.file} could not be read (${(err as Error).message}); the defaults are used until you save.`;
      }
    }
    setCpuThreadLimit(this.current.cpuThreads);
  }

  get(): AppSettings {
    return structuredClone(this.current);
  }

  view(): SettingsView {
    return { settings: this.get(), file: this.file, problem: this.problem, cores: machineCores() };
  }

  /** The dedup thresholds the person set (only those set), for a scan that names none. */
  dedupThresholds(): { near?: number; semantic?: number } {
    const t = this.current.thresholds;
    return { ...(t.dedupNear !== null ? { near: t.dedupNear } : {}), ...(t.dedupSemantic !== null ? { semantic: t.dedupSemantic } : {}) };
  }

  /** Applies a validated patch, writes the file atomically and applies the CPU limit. */
  update(patch: SettingsPatchInput): SettingsView {
    const next = applySettingsPatch(this.current, patch);
    writeJsonAtomic(this.file, next);
    this.current = next;
    this.problem = null;
    setCpuThreadLimit(next.cpuThreads);
    return this.view();
  }
}
