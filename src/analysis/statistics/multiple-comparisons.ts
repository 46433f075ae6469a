/**
 * Multiplicity-adjusted p-values, optionally weighted.
 * Sources: S. Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J.
 * Statist. 6 (including its weighted form: order by p/w, reject while p_(j) ≤ α w_(j) / Σ_{l≥j} w_(l));
 * Benjamini & Hochberg (1995), as SciPy 1.17 `scipy.stats.false_discovery_control(ps, method='bh')`;
 * Genovese, Roeder & Wasserman (2006), "False discovery control with p-value weighting", Biometrika
 * 93 (weighted BH: BH on p/w with weights of mean 1). Equal weights give the unweighted procedures.
 */
import { StatisticsError } from './statistics-error.js';

const OPERATION = 'adjustPValues';

function assertPValues(operation: string, pValues: readonly number[]): void {
  if (!isArray(pValues)) {
    throw new StatisticsError('INVALID_PROBABILITY', `${operation}: pValues must be an array`);
  }
  pValues.forEach((p, i) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new StatisticsError(
        'INVALID_PROBABILITY',
        `${operation}: pValues[${i}] must be in [0, 1], got ${String(p)}`,
      );
    }
  });
}

function assertWeights(operation: string, weights: readonly number[], m: number): void {
  if (!isArray(weights) || weights.length !== m) {
    throw new StatisticsError('INVALID_OPTION', `${operation}: weights must be an array of ${m} numbers`);
  }
  weights.forEach((w, i) => {
    if (typeof w !== 'number' || !(w > 0 && Number.isFinite(w))) {
      throw new StatisticsError(
        'INVALID_OPTION',
        `${operation}: weights[${i}] must be a positive finite number, got ${String(w)}`,
      );
    }
  });
}

/** Indices ordered by p / w ascending (ties keep input order). */
function orderByWeightedP(pValues: readonly number[], weights: readonly number[] | undefined): number[] {
  const key = (i: number) => (pValues[i] as number) / (weights?.[i] ?? 1);
  return pValues.map((_, i) => i).sort((i, j) => key(i) - key(j));
}

/**
 * Holm step-down adjusted p-values, in input order; monotone in the p-values and capped at 1. With
 * `weights`, hypothesis i gets the share w_i / Σw of alpha at the first step (weighted Holm).
 */
export function holmAdjust(pValues: readonly number[], weights?: readonly number[]): readonly number[] {
  assertPValues(`${OPERATION}(holm)`, pValues);
  if (weights !== undefined) assertWeights(`${OPERATION}(holm)`, weights, pValues.length);
  const m = pValues.length;
  const order = orderByWeightedP(pValues, weights);
  const adjusted = new Array<number>(m).fill(0);
  let remainingWeight = weights ? weights.reduce((sum, w) => sum + w, 0) : m;
  let running = 0;
  for (const index of order) {
    const w = weights?.[index] ?? 1;
    running = Math.max(running, Math.min(1, ((pValues[index] as number) * remainingWeight) / w));
    adjusted[index] = running;
    remainingWeight -= w;
  }
  return adjusted;
}

/**
 * Benjamini-Hochberg adjusted p-values (q-values), in input order; monotone and capped at 1. With
 * `weights` (rescaled to mean 1), BH runs on p_i / w_i (Genovese, Roeder & Wasserman).
 */
export function benjaminiHochbergAdjust(
  pValues: readonly number[],
  weights?: readonly number[],
): readonly number[] {
  assertPValues(`${OPERATION}(bh)`, pValues);
  if (weights !== undefined) assertWeights(`${OPERATION}(bh)`, weights, pValues.length);
  const m = pValues.length;
  const meanWeight = weights ? weights.reduce((sum, w) => sum + w, 0) / m : 1;
  const order = orderByWeightedP(pValues, weights);
  const adjusted = new Array<number>(m).fill(0);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank] as number;
    const w = (weights?.[index] ?? 1) / meanWeight;
    running = Math.min(running, ((pValues[index] as number) / w) * (m / (rank + 1)));
    adjusted[index] = running;
  }
  return adjusted;
}

/** Array check that does not widen the element type to `any`. */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}
