/** Numbers, scores, dates and durations in the app's language (Intl with the chosen locale). */
import { i18n } from '../i18n/index.svelte';

/** "1 h 02 min", "3 min 05 s", "12 s" — short enough for a progress line. */
export function formatDuration(seconds: number | null): string {
  const f = i18n.m.format;
  if (seconds === null || !Number.isFinite(seconds)) return f.pending;
  const s = Math.round(seconds);
  if (s < 60) return f.seconds(s);
  if (s < 3600) return f.minutes(Math.floor(s / 60), String(s % 60).padStart(2, '0'));
  return f.hours(Math.floor(s / 3600), String(Math.floor((s % 3600) / 60)).padStart(2, '0'));
}

/** A score or metric with a fixed number of decimals; "–" where there is none. */
export function formatScore(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return i18n.m.format.dash;
  return new Intl.NumberFormat(i18n.tag, { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }).format(value);
}

/** A stored ISO timestamp as local date and time, without seconds. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return i18n.m.format.dash;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.tag, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** 1234567 -> "1,234,567" (grouping of the user's locale). */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? i18n.m.format.dash : new Intl.NumberFormat(i18n.tag).format(n);
}

/** A size in bytes for people: "1.4 MB", "820 kB" (decimal units, the language's digits and unit names). */
export function formatSize(bytes: number): string {
  const [value, unit] = bytes >= 1e6 ? [bytes / 1e6, 'megabyte'] : [bytes / 1e3, 'kilobyte'];
  return new Intl.NumberFormat(i18n.tag, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}
