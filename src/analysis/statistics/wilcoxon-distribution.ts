/**
 * Null distribution of the Mann-Whitney U (Wilcoxon rank-sum W) statistic without ties.
 * Source: the Gaussian-binomial generating function ∏_{i=1}^{m} (1 − q^{n+i}) / (1 − q^i)
 * (Mann & Whitney 1947; the same frequencies as SciPy's `_MWU` and R's `cwilcox`).
 */

/**
 * Frequencies of U = 0..maxU for samples of sizes m and n, divided by C(m+n, m) (so they are
 * probabilities). Exact integer arithmetic while counts stay below 2^53; O(min(m,n) · maxU).
 */
export function wilcoxonProbabilities(m: number, n: number, maxU: number): Float64Array {
  const small = Math.min(m, n);
  const large = Math.max(m, n);
  const upper = Math.min(maxU, small * large);
  const f = new Float64Array(upper + 1);
  f[0] = 1;
  // Multiply by (1 - q^(large+i)) / (1 - q^i) for i = 1..small, rescaling by i/(large+i) each
  // step so the coefficients stay probabilities (no overflow for large samples).
  const exact = logChoose(small + large, small) < 31; // C(m+n, m) well below 2^53: integer counts
  for (let i = 1; i <= small; i++) {
    const shift = large + i;
    for (let u = upper; u >= shift; u--) f[u] = (f[u] ?? 0) - (f[u - shift] ?? 0);
    for (let u = i; u <= upper; u++) f[u] = (f[u] ?? 0) + (f[u - i] ?? 0);
    if (!exact) {
      const scale = i / shift;
      for (let u = 0; u <= upper; u++) f[u] = (f[u] ?? 0) * scale;
    }
  }
  if (exact) {
    const total = choose(small + large, small);
    for (let u = 0; u <= upper; u++) f[u] = (f[u] ?? 0) / total;
  }
  return f;
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** P(U ≤ q) for sizes m, n as R's `pwilcox(q, m, n)` (summing over the shorter range). */
export function wilcoxonCdf(q: number, m: number, n: number): number {
  const qq = Math.floor(q + 1e-7);
  if (qq < 0) return 0;
  if (qq >= m * n) return 1;
  const half = (m * n) / 2;
  if (qq <= half) {
    const f = wilcoxonProbabilities(m, n, qq);
    let p = 0;
    for (let i = 0; i <= qq; i++) p += f[i] ?? 0;
    return p;
  }
  const r = m * n - qq;
  const f = wilcoxonProbabilities(m, n, r);
  let p = 0;
  for (let i = 0; i < r; i++) p += f[i] ?? 0;
  return 1 - p;
}

/** Smallest q with P(U ≤ q) ≥ p, as R's `qwilcox(p, m, n)`. */
export function wilcoxonQuantile(p: number, m: number, n: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return m * n;
  const f = wilcoxonProbabilities(m, n, m * n);
  let cumulative = 0;
  let q = 0;
  if (p <= 0.5) {
    const target = p - 10 * Number.EPSILON;
    for (;;) {
      cumulative += f[q] ?? 0;
      if (cumulative >= target) return q;
      q++;
    }
  }
  const target = 1 - p + 10 * Number.EPSILON;
  for (;;) {
    cumulative += f[q] ?? 0;
    if (cumulative > target) return m * n - q;
    q++;
  }
}
