/**
 * Group-sequential boundaries by Lan-DeMets alpha spending, and repeated p-values, for KHIs judged
 * by a z statistic recomputed on all data at every look (e.g. the Mann-Whitney z of distributions).
 *
 * Sources: Lan & DeMets, "Discrete sequential boundaries for clinical trials", Biometrika 70, 1983
 * (spending functions: O'Brien-Fleming-type α(t) = 2 − 2Φ(z_{α/2}/√t), Pocock-type
 * α(t) = α log(1 + (e − 1)t)); Kim & DeMets, "Design and analysis of group sequential tests based
 * on the type I error spending rate function", Biometrika 74, 1987 (power family α(t) = α t^ρ:
 * ρ = 1 spends evenly, ρ ≈ 3 is close to O'Brien-Fleming); Armitage, McPherson & Rowe, "Repeated significance tests on
 * accumulating data", JRSS A 132, 1969, with the grid and Simpson's rule of Jennison & Turnbull,
 * "Group Sequential Methods with Applications to Clinical Trials", 2000, ch. 19 (recursive numerical
 * integration of the canonical joint distribution: Z_k = S_k/√I_k, S with independent increments);
 * repeated p-values as in Jennison & Turnbull §9.1. Agrees with R gsDesign / ldbounds (see tests).
 *
 * Assumptions: one-sided upper boundaries only (no futility stop); equally spaced information
 * fractions t_k = k/K, because the daemon looks at equal intervals with steady traffic. A look
 * that could not be tested still spends its alpha (conservative). For a two-sided ('either') KHI,
 * run two one-sided designs at α/2 each: `directionalRepeatedPValue` does this. The Mann-Whitney z
 * of accumulated samples follows the canonical joint distribution only asymptotically; simulated
 * A/A (10 looks, 15 new samples per group per look): 0.97% / 4.95% false rejections at α = 1% / 5%.
 */
import type { Direction } from '../rule-set.js';
import { normalIsf, normalSf } from '../statistics/normal-distribution.js';
import { SequentialOptionsError } from './sequential-options-error.js';

/** Spending function families. */
export type SpendingFunction = 'obrien-fleming' | 'pocock' | 'kim-demets';

/** Every spending function, for schemas. */
export const SPENDING_FUNCTIONS: readonly SpendingFunction[] = ['obrien-fleming', 'pocock', 'kim-demets'];

/** Default ρ of the Kim-DeMets power family. */
export const DEFAULT_SPENDING_RHO = 1.5;

/** A one-sided design: K equally spaced looks and a spending function (alpha comes per call). */
export interface GroupSequentialDesign {
  readonly maxLooks: number;
  readonly spending: SpendingFunction;
  /** ρ of the Kim-DeMets family α t^ρ; ignored by the others. Default DEFAULT_SPENDING_RHO. */
  readonly rho?: number;
}

/** Jennison & Turnbull's grid size parameter r (6r − 1 points per look before trimming). */
const GRID_R = 12;
const ONE_OVER_SQRT_2PI = 0.3989422804014327;
/** Repeated p-values are interpolated on this many log-spaced levels in [MIN_LEVEL, MAX_LEVEL]. */
const TABLE_LEVELS = 97;
const MIN_LEVEL = 1e-8;
const MAX_LEVEL = 0.99;

function checkDesign(design: GroupSequentialDesign): void {
  const { maxLooks, spending, rho = DEFAULT_SPENDING_RHO } = design;
  if (!(rho > 0 && rho <= 20)) {
    throw new SequentialOptionsError(`alpha spending: rho must be in (0, 20], got ${rho}`);
  }
  if (!Number.isInteger(maxLooks) || maxLooks < 1 || maxLooks > 100) {
    throw new SequentialOptionsError(
      `alpha spending: maxLooks must be a whole number in [1, 100], got ${maxLooks}`,
    );
  }
  if (!SPENDING_FUNCTIONS.includes(spending)) {
    throw new SequentialOptionsError(`alpha spending: unknown spending function '${String(spending)}'`);
  }
}

/** Cumulative one-sided alpha spent by information fraction t (0 at t ≤ 0, alpha at t ≥ 1). */
export function spentAlpha(
  alpha: number,
  informationFraction: number,
  spending: SpendingFunction,
  rho = DEFAULT_SPENDING_RHO,
): number {
  const t = informationFraction;
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  if (spending === 'pocock') return alpha * Math.log1p((Math.E - 1) * t);
  if (spending === 'kim-demets') return alpha * Math.pow(t, rho);
  return 2 * normalSf(normalIsf(alpha / 2) / Math.sqrt(t));
}

function gaussian(x: number): number {
  return ONE_OVER_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** J&T §19.2.1 grid on the Z scale (mean 0 under H0), trimmed to (−∞, bound] and with Simpson weights. */
function simpsonGrid(bound: number): { nodes: Float64Array; weights: Float64Array } {
  const r = GRID_R;
  const points: number[] = [];
  for (let i = 1; i <= 6 * r - 1; i += 1) {
    let x: number;
    if (i < r) x = -3 - 4 * Math.log(r / i);
    else if (i <= 5 * r) x = -3 + (3 * (i - r)) / (2 * r);
    else x = 3 + 4 * Math.log(r / (6 * r - i));
    if (x >= bound) {
      points.push(bound);
      break;
    }
    points.push(x);
  }
  const m = points.length;
  const nodes = new Float64Array(2 * m - 1);
  const weights = new Float64Array(2 * m - 1);
  for (let i = 0; i < m - 1; i += 1) {
    const a = points[i] ?? 0;
    const b = points[i + 1] ?? 0;
    const h = b - a;
    nodes[2 * i] = a;
    nodes[2 * i + 1] = (a + b) / 2;
    weights[2 * i] = (weights[2 * i] ?? 0) + h / 6;
    weights[2 * i + 1] = (4 * h) / 6;
    weights[2 * i + 2] = h / 6;
  }
  nodes[2 * m - 2] = points[m - 1] ?? 0;
  return { nodes, weights };
}

/** Solves P(cross b at look k) = target for b by safeguarded Newton, from the look k − 1 sub-density `mass`. */
function solveBound(
  target: number,
  k: number,
  nodes: Float64Array,
  mass: Float64Array,
  start: number,
): number {
  const sk = Math.sqrt(k);
  const sPrev = Math.sqrt(k - 1);
  let lo = -40;
  let hi = 40;
  let b = Math.min(Math.max(start, lo), hi);
  for (let iteration = 0; iteration < 200; iteration += 1) {
    let value = 0;
    let slope = 0;
    for (let j = 0; j < nodes.length; j += 1) {
      const x = b * sk - (nodes[j] ?? 0) * sPrev;
      value += (mass[j] ?? 0) * normalSf(x);
      slope -= (mass[j] ?? 0) * sk * gaussian(x);
    }
    const error = value - target;
    if (Math.abs(error) <= 1e-12 * target) return b;
    if (error > 0) lo = b;
    else hi = b;
    let next = slope < 0 ? b - error / slope : (lo + hi) / 2;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    // Boundaries are needed to ~1e-6; the sums carry ~1e-16 absolute noise, so stop on small steps.
    if (Math.abs(next - b) < 1e-10 || hi - lo < 1e-10) return next;
    b = next;
  }
  return b;
}

function computeBoundaries(
  alpha: number,
  maxLooks: number,
  spending: SpendingFunction,
  rho: number,
): number[] {
  const bounds: number[] = [];
  let spent = spentAlpha(alpha, 1 / maxLooks, spending, rho);
  bounds.push(spent > 0 ? normalIsf(spent) : Infinity);
  let grid = simpsonGrid(bounds[0] ?? Infinity);
  let mass = grid.weights.map((w, j) => w * gaussian(grid.nodes[j] ?? 0));
  for (let k = 2; k <= maxLooks; k += 1) {
    const cumulative = spentAlpha(alpha, k / maxLooks, spending, rho);
    const target = cumulative - spent;
    spent = cumulative;
    const bound =
      target > 0 ? solveBound(target, k, grid.nodes, mass, bounds[k - 2] ?? normalIsf(target)) : Infinity;
    bounds.push(bound);
    if (k === maxLooks) break;
    const next = simpsonGrid(bound);
    const sk = Math.sqrt(k);
    const sPrev = Math.sqrt(k - 1);
    const nextMass = new Float64Array(next.nodes.length);
    for (let i = 0; i < next.nodes.length; i += 1) {
      const z = (next.nodes[i] ?? 0) * sk;
      let density = 0;
      for (let j = 0; j < grid.nodes.length; j += 1)
        density += (mass[j] ?? 0) * gaussian(z - (grid.nodes[j] ?? 0) * sPrev);
      nextMass[i] = (next.weights[i] ?? 0) * sk * density;
    }
    grid = next;
    mass = nextMass;
  }
  return bounds;
}

const boundaryCache = new Map<string, readonly number[]>();

/**
 * Upper z boundaries b_1..b_K of the one-sided level-alpha design (t_k = k/K); Infinity where a look
 * spends nothing. Memoised and frozen.
 */
export function alphaSpendingBoundaries(
  alpha: number,
  maxLooks: number,
  spending: SpendingFunction,
  rho = DEFAULT_SPENDING_RHO,
): readonly number[] {
  if (!(alpha > 0 && alpha < 1))
    throw new SequentialOptionsError(`alpha spending: alpha must be in (0, 1), got ${alpha}`);
  checkDesign({ maxLooks, spending, rho });
  const key = `${designKey({ maxLooks, spending, rho })}:${alpha}`;
  let bounds = boundaryCache.get(key);
  if (bounds === undefined) {
    bounds = Object.freeze(computeBoundaries(alpha, maxLooks, spending, rho));
    boundaryCache.set(key, bounds);
  }
  return bounds;
}

/** For each look, boundaries at log-spaced levels (ascending level, descending boundary), and isf(level). */
interface LevelTable {
  readonly levelZ: Float64Array;
  readonly boundsByLook: Float64Array[];
}

const tableCache = new Map<string, LevelTable>();

/** Cache key of a design; ρ only matters to the Kim-DeMets family. */
function designKey(design: GroupSequentialDesign): string {
  const { maxLooks, spending, rho = DEFAULT_SPENDING_RHO } = design;
  return spending === 'kim-demets' ? `${spending}(${rho}):${maxLooks}` : `${spending}:${maxLooks}`;
}

function levelTable(design: GroupSequentialDesign): LevelTable {
  const { maxLooks, spending, rho = DEFAULT_SPENDING_RHO } = design;
  const key = designKey(design);
  const cached = tableCache.get(key);
  if (cached !== undefined) return cached;
  const levelZ = new Float64Array(TABLE_LEVELS);
  const boundsByLook = Array.from({ length: maxLooks }, () => new Float64Array(TABLE_LEVELS));
  const logMin = Math.log(MIN_LEVEL);
  const logStep = (Math.log(MAX_LEVEL) - logMin) / (TABLE_LEVELS - 1);
  for (let m = 0; m < TABLE_LEVELS; m += 1) {
    const level = m === TABLE_LEVELS - 1 ? MAX_LEVEL : Math.exp(logMin + m * logStep);
    levelZ[m] = normalIsf(level);
    computeBoundaries(level, maxLooks, spending, rho).forEach((b, k) => {
      const row = boundsByLook[k];
      if (row !== undefined) row[m] = b;
    });
  }
  const table = { levelZ, boundsByLook };
  tableCache.set(key, table);
  return table;
}

/** PCHIP slope at node i of (xs, ys) (Fritsch & Carlson 1980, as SciPy's PchipInterpolator). */
function pchipSlope(xs: Float64Array, ys: Float64Array, i: number): number {
  const last = xs.length - 1;
  const secant = (j: number): number => ((ys[j + 1] ?? 0) - (ys[j] ?? 0)) / ((xs[j + 1] ?? 0) - (xs[j] ?? 0));
  if (i === 0 || !Number.isFinite(xs[i - 1] ?? NaN)) return secant(i);
  if (i === last) return secant(last - 1);
  const s0 = secant(i - 1);
  const s1 = secant(i);
  if (!(s0 * s1 > 0) || !Number.isFinite(s0 * s1)) return 0;
  const h0 = (xs[i] ?? 0) - (xs[i - 1] ?? 0);
  const h1 = (xs[i + 1] ?? 0) - (xs[i] ?? 0);
  const w1 = 2 * h1 + h0;
  const w2 = h1 + 2 * h0;
  return (w1 + w2) / (w1 / s0 + w2 / s1);
}

/** Smallest level at which look k's boundary is ≤ z: isf(level) is interpolated in the boundary by PCHIP. */
function crossingLevel(z: number, row: Float64Array, levelZ: Float64Array): number {
  const last = row.length - 1;
  if (z >= (row[0] ?? Infinity)) return MIN_LEVEL;
  if (!(z >= (row[last] ?? -Infinity))) return 1;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((row[mid] ?? 0) <= z) hi = mid;
    else lo = mid;
  }
  const bLo = row[lo] ?? 0;
  const bHi = row[hi] ?? 0;
  if (!Number.isFinite(bLo) || bLo === bHi) return normalSf(levelZ[hi] ?? 0);
  const h = bHi - bLo;
  const t = (z - bLo) / h;
  const h00 = (1 + 2 * t) * (1 - t) * (1 - t);
  const h10 = t * (1 - t) * (1 - t);
  const h01 = t * t * (3 - 2 * t);
  const h11 = t * t * (t - 1);
  const y =
    h00 * (levelZ[lo] ?? 0) +
    h10 * h * pchipSlope(row, levelZ, lo) +
    h01 * (levelZ[hi] ?? 0) +
    h11 * h * pchipSlope(row, levelZ, hi);
  return normalSf(y);
}

/**
 * One-sided repeated p-value after looks 1..k (large z is bad): the smallest level at which the
 * design would have crossed at some look j ≤ k. Entries null/NaN are looks without a test. Values
 * below 1e-8 are reported as 1e-8 and above 0.99 as 1. Interpolated (PCHIP) on a memoised table of 97
 * levels per design: below 0.5 the design at the returned level has its boundary within ~1e-4 of z.
 */
export function repeatedPValue(zHistory: readonly (number | null)[], design: GroupSequentialDesign): number {
  checkDesign(design);
  if (zHistory.length > design.maxLooks) {
    throw new SequentialOptionsError(
      `repeated p-value: ${zHistory.length} looks exceed the design's maxLooks ${design.maxLooks}`,
    );
  }
  const table = levelTable(design);
  let p = 1;
  zHistory.forEach((z, k) => {
    const row = table.boundsByLook[k];
    if (z === null || Number.isNaN(z) || row === undefined) return;
    p = Math.min(p, crossingLevel(z, row, table.levelZ));
  });
  return p;
}

/**
 * One-sided repeated p-value from per-look nominal one-sided p-values (each on all data so far),
 * converted to z = Φ⁻¹(1 − p); null entries are looks without a test.
 */
export function repeatedPValueFromLookPValues(
  lookPValues: readonly (number | null)[],
  design: GroupSequentialDesign,
): number {
  return repeatedPValue(
    lookPValues.map((p) => (p === null || Number.isNaN(p) ? null : normalIsf(Math.min(Math.max(p, 0), 1)))),
    design,
  );
}

/**
 * Repeated p-value for a KHI direction, z oriented canary − baseline: `increase` uses z, `decrease`
 * uses −z, `either` is two one-sided designs at half the level each, min(1, 2 min(p₊, p₋)).
 */
export function directionalRepeatedPValue(
  zHistory: readonly (number | null)[],
  design: GroupSequentialDesign,
  direction: Direction,
): number {
  const negated = (): (number | null)[] => zHistory.map((z) => (z === null ? null : -z));
  if (direction === 'increase') return repeatedPValue(zHistory, design);
  if (direction === 'decrease') return repeatedPValue(negated(), design);
  return Math.min(1, 2 * Math.min(repeatedPValue(zHistory, design), repeatedPValue(negated(), design)));
}
