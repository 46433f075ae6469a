/**
 * Brent's root finder as Kayenta uses it (its BrentSolver.java ports R's `zeroin`, which
 * statistics/r-zeroin.ts implements): absolute tolerance 1e-4, at most 1000 iterations.
 *
 * Sources: spinnaker/spinnaker kayenta-mannwhitney/src/main/java/com/netflix/kayenta/mannwhitney/
 * BrentSolver.java (commit 1bbbf347); R src/library/stats/src/zeroin.c.
 */
import { zeroin } from '../statistics/r-zeroin.js';

const MAX_ITERATIONS = 1000;
const TOLERANCE = 1e-4;

/** A zero of `f` in [ax, bx] given f(ax) = fa and f(bx) = fb of opposite signs. */
export function brentSolve(ax: number, bx: number, fa: number, fb: number, f: (x: number) => number): number {
  return zeroin(f, ax, bx, fa, fb, TOLERANCE, MAX_ITERATIONS);
}
