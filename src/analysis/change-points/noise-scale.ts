/**
 * Noise standard deviation of a series that may contain level shifts, from its first differences:
 * a shift moves one difference only, so a robust scale of the differences ignores it.
 * Source: Fryzlewicz (2014), "Wild binary segmentation for multiple change-point detection",
 * Annals of Statistics 42(6), 2243–2281 — σ̂ = MAD(Δy)/√2 as in its R package `wbs`
 * (`mad(diff(x) / sqrt(2))`); the MAD's normal-consistency factor 1/Φ⁻¹(¾) (Hampel 1974) as SciPy
 * `median_abs_deviation(scale='normal')`.
 */
import { medianOf } from './median.js';

/** How `noiseSd` was obtained (see `estimateNoiseScale`). */
export type NoiseScaleMethod = 'mad-of-differences' | 'mean-absolute-deviation-of-differences' | 'none';

/** A noise standard deviation in the series' units and how it was estimated. */
export interface NoiseScale {
  readonly sd: number;
  readonly method: NoiseScaleMethod;
}

/** Φ⁻¹(¾), SciPy's `special.ndtri(0.75)`. */
const NORMAL_MAD_SCALE = 0.6744897501960817;

/**
 * σ̂ = MAD(Δy)/√2. When more than half the differences equal their median (discrete counts, flat
 * runs) the MAD is 0, so the mean absolute deviation of the differences, made consistent for the
 * normal (×√(π/2)), is used instead; `none` (0) when every difference equals the median difference
 * (a constant series or a noiseless trend). Values must be finite; fewer than 2 give `none`.
 */
export function estimateNoiseScale(values: readonly number[]): NoiseScale {
  const n = values.length;
  if (n < 2) return { sd: 0, method: 'none' };
  const differences = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) differences[i - 1] = (values[i] as number) - (values[i - 1] as number);
  const centre = medianOf(differences);
  const deviations = differences.map((d) => Math.abs(d - centre));
  const mad = medianOf(deviations) / NORMAL_MAD_SCALE / Math.SQRT2;
  if (mad > 0) return { sd: mad, method: 'mad-of-differences' };
  let sum = 0;
  for (const deviation of deviations) sum += deviation;
  const meanDeviation = ((sum / deviations.length) * Math.sqrt(Math.PI / 2)) / Math.SQRT2;
  if (meanDeviation > 0) return { sd: meanDeviation, method: 'mean-absolute-deviation-of-differences' };
  return { sd: 0, method: 'none' };
}
