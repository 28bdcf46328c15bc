/**
 * Tick labels for a numeric chart axis. uPlot's default formats with Intl's default of at most
 * three decimals, so a loss axis from 0.0011 to 0.0019 read "0.001" on every tick. Here each
 * label gets as many decimals as the tick step needs (0.00025 -> 5).
 */
export function decimalsFor(step: number): number {
  if (!Number.isFinite(step) || step <= 0) return 0;
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 12;
}

export function axisLabels(ticks: (number | null)[], step: number, locale: string): string[] {
  const digits = decimalsFor(step);
  const format = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return ticks.map((v) => (v === null || !Number.isFinite(v) ? '' : format.format(v)));
}
