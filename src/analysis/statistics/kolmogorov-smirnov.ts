/**
 * Two-sample Kolmogorov-Smirnov test.
 * Source: SciPy 1.17 `scipy.stats.ks_2samp` (exact lattice-path counts after Hodges 1958 and
 * Viehmann 2021 for n ≤ 10 000, otherwise `kstwo` / Hodges' one-sided approximation).
 */
import { kolmogorovSf } from './kolmogorov-distribution.js';
import { logBeta } from './log-gamma.js';
import { sortedCopy } from './rank-sum.js';
import { ALTERNATIVES, type Alternative } from './alternative.js';
import { assertOneOf, assertSample } from './validation.js';

/** `auto` is exact when both samples have at most 10 000 values. */
export type KolmogorovSmirnovMethod = 'auto' | 'exact' | 'asymp';

/** Options of `kolmogorovSmirnov2`; defaults match SciPy. */
export interface KolmogorovSmirnovOptions {
  readonly alternative?: Alternative;
  readonly method?: KolmogorovSmirnovMethod;
}

/** D statistic, p-value, method used and where (and in which direction) D is attained. */
export interface KolmogorovSmirnovResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymp';
  readonly statisticLocation: number;
  /** +1 when the ECDF of x is above that of y at the location, −1 when below. */
  readonly statisticSign: 1 | -1;
}

const OPERATION = 'kolmogorovSmirnov2';
const METHODS: readonly KolmogorovSmirnovMethod[] = ['auto', 'exact', 'asymp'];
const MAX_AUTO_N = 10000;

/** Number of values in sorted `a` that are ≤ v, starting the scan at `from`. */
function countUpTo(a: Float64Array, v: number, from: number): number {
  let i = from;
  while (i < a.length && (a[i] as number) <= v) i++;
  return i;
}

/** Two-sample KS test of x against y (same D and p-value as SciPy `ks_2samp`). */
export function kolmogorovSmirnov2(
  x: readonly number[],
  y: readonly number[],
  options: KolmogorovSmirnovOptions = {},
): KolmogorovSmirnovResult {
  assertSample(OPERATION, 'x', x);
  assertSample(OPERATION, 'y', y);
  const alternative = options.alternative ?? 'two-sided';
  const requested = options.method ?? 'auto';
  assertOneOf(OPERATION, 'alternative', alternative, ALTERNATIVES);
  assertOneOf(OPERATION, 'method', requested, METHODS);
  const xs = sortedCopy(x);
  const ys = sortedCopy(y);
  const n1 = xs.length;
  const n2 = ys.length;
  // Walk the pooled values in order; at each distinct value compare the two ECDFs.
  let i = 0;
  let j = 0;
  let maxS = Number.NEGATIVE_INFINITY;
  let minS = Number.POSITIVE_INFINITY;
  let maxLocation = 0;
  let minLocation = 0;
  while (i < n1 || j < n2) {
    const v =
      i < n1 && (j >= n2 || (xs[i] as number) <= (ys[j] as number)) ? (xs[i] as number) : (ys[j] as number);
    i = countUpTo(xs, v, i);
    j = countUpTo(ys, v, j);
    const diff = i / n1 - j / n2;
    if (diff > maxS) {
      maxS = diff;
      maxLocation = v;
    }
    if (diff < minS) {
      minS = diff;
      minLocation = v;
    }
  }
  const minStat = Math.min(Math.max(-minS, 0), 1);
  let d: number;
  let statisticLocation: number;
  let statisticSign: 1 | -1;
  if (alternative === 'less' || (alternative === 'two-sided' && minStat > maxS)) {
    d = minStat;
    statisticLocation = minLocation;
    statisticSign = -1;
  } else {
    d = maxS;
    statisticLocation = maxLocation;
    statisticSign = 1;
  }
  const g = gcd(n1, n2);
  let method: 'exact' | 'asymp' =
    requested === 'auto' ? (Math.max(n1, n2) <= MAX_AUTO_N ? 'exact' : 'asymp') : requested;
  if (method === 'exact' && n1 / g >= 2147483647 / (n2 / g)) method = 'asymp';
  let pValue = Number.NaN;
  if (method === 'exact') {
    const attempt = exactProbability(n1, n2, g, d, alternative);
    if (attempt === undefined) method = 'asymp';
    else [d, pValue] = attempt;
  }
  if (method === 'asymp') pValue = asymptoticProbability(n1, n2, d, alternative);
  return { statistic: d, pValue: Math.min(1, Math.max(0, pValue)), method, statisticLocation, statisticSign };
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** SciPy's `special.binom` for integer arguments (multiplicative for k < 20, else via log B). */
function binom(n: number, k: number): number {
  let kx = k;
  if (kx > n / 2 && n > 0) kx = n - kx;
  if (kx >= 0 && kx < 20) {
    let num = 1;
    let den = 1;
    for (let i = 1; i < 1 + kx; i++) {
      num *= i + n - kx;
      den *= i;
      if (Math.abs(num) > 1e50) {
        num /= den;
        den = 1;
      }
    }
    return num / den;
  }
  return 1 / (n + 1) / Math.exp(logBeta(1 + n - k, 1 + k));
}

function asymptoticProbability(n1: number, n2: number, d: number, alternative: Alternative): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const en = (m * n) / (m + n);
  if (alternative === 'two-sided') return kolmogorovSf(roundHalfEven(en), d);
  const z = Math.sqrt(en) * d;
  const expt = -2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3;
  return Math.exp(expt);
}

/** NumPy's `np.round` (half to even). */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** SciPy's `_attempt_exact_2kssamp`: [d rounded to the lattice, p] or undefined on overflow. */
function exactProbability(
  n1: number,
  n2: number,
  g: number,
  d: number,
  alternative: Alternative,
): readonly [number, number] | undefined {
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dLattice = h / lcm;
  if (h === 0) return [dLattice, 1];
  let prob: number;
  if (alternative === 'two-sided') {
    prob = n1 === n2 ? probOutsideSquare(n1, h) : outerProbInside(n1, n2, g, h);
  } else if (n1 === n2) {
    prob = 1;
    for (let j = 0; j < h; j++) prob *= (n1 - j) / (n1 + j + 1);
  } else {
    // SciPy falls back to 'asymp' whenever C(n1+n2, n1) overflows; check before the O(n²) count.
    const total = binom(n1 + n2, n1);
    if (!Number.isFinite(total)) return undefined;
    const paths = countPathsOutside(n1, n2, g, h);
    if (!Number.isFinite(paths) || paths > total) return undefined;
    prob = paths / total;
  }
  if (!(prob >= 0 && prob <= 1)) return undefined;
  return [dLattice, prob];
}

/** Pr(D_{n,n} ≥ h/n) by the alternating series in Horner form. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/** Proportion of lattice paths leaving |x/m − y/n| < h/lcm (Viehmann's stable recursion for 1 − p). */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const a = new Float64Array(lenA).fill(1);
  for (let t = minj; t < maxj; t++) a[t] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((a[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) {
      for (let t = maxj - minj; t < maxj - minj + (lastlen - curlen) && t < lenA; t++) a[t] = 1;
    }
  }
  return a[maxj - minj - 1] as number;
}

/** Number of lattice paths from (0,0) to (m,n) that reach m·y ≤ n·x − h·g (Hodges 1958). */
function countPathsOutside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  const lxj = n + Math.floor((mg - h) / mg);
  if (lxj <= 0) return binom(m + n, n);
  const xj: number[] = [];
  for (let j = 0; j < lxj; j++) xj.push(Math.floor((h + mg * j + ng - 1) / ng));
  const b = new Float64Array(lxj);
  b[0] = 1;
  for (let j = 1; j < lxj; j++) {
    let bj = binom((xj[j] as number) + j, j);
    for (let i = 0; i < j; i++)
      bj -= binom((xj[j] as number) - (xj[i] as number) + j - i, j - i) * (b[i] as number);
    b[j] = bj;
  }
  let paths = 0;
  for (let j = 0; j < lxj; j++) paths += (b[j] as number) * binom(m - (xj[j] as number) + (n - j), n - j);
  return paths;
}
