/**
 * Student t survival function and cdf for real degrees of freedom.
 * Source: Abramowitz & Stegun 26.7.1 — P(T > t) = ½ I_{ν/(ν+t²)}(ν/2, ½); agrees with SciPy `t.sf`.
 */
import { regularizedBeta } from './incomplete-beta.js';
import { normalSf } from './normal-distribution.js';

/** P(T > t) for T ~ Student t with `df` > 0 degrees of freedom (normal limit when df = Infinity). */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalSf(t);
  if (t === Number.POSITIVE_INFINITY) return 0;
  if (t === Number.NEGATIVE_INFINITY) return 1;
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const tail = 0.5 * regularizedBeta(df / 2, 0.5, x, y);
  return t > 0 ? tail : 1 - tail;
}

/** P(T ≤ t) for T ~ Student t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  return studentTSf(-t, df);
}
