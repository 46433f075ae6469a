/** Tiny terminal charts: a person would rather look at a trend than read a column of numbers. */

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled between the shared min and max; gaps for missing values. */
export function sparkline(values: readonly (number | null)[], range?: { min: number; max: number }): string {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return ' '.repeat(values.length);
  const min = range?.min ?? Math.min(...present);
  const max = range?.max ?? Math.max(...present);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return ' ';
      const level = max === min ? 3 : Math.round(((v - min) / (max - min)) * (BARS.length - 1));
      return BARS[Math.max(0, Math.min(BARS.length - 1, level))];
    })
    .join('');
}

/** min and max over several series, for sparklines that share a scale. */
export function sharedRange(...series: readonly (readonly (number | null)[])[]): {
  min: number;
  max: number;
} {
  const all = series.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  return { min: Math.min(...all), max: Math.max(...all) };
}
