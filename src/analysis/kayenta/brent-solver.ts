/**
 * Brent's root finder as Kayenta ports it from R's `zeroin` (used by `uniroot`): absolute
 * tolerance 1e-4, at most 1000 iterations, returns the last iterate instead of failing.
 *
 * Sources: spinnaker/spinnaker kayenta-mannwhitney/src/main/java/com/netflix/kayenta/mannwhitney/
 * BrentSolver.java (commit 1bbbf347); R. P. Brent, Algorithms for Minimization without Derivatives
 * (1973), ch. 4; R src/library/stats/src/zeroin.c.
 */

const MAX_ITERATIONS = 1000;
const TOLERANCE = 1e-4;
const EPSILON = 2.220446049250313e-16;

/** Apache `Precision.equals(x, 0)` (1 ulp): true for ±0 and the smallest subnormals. */
function isZero(x: number): boolean {
  return Math.abs(x) <= Number.MIN_VALUE;
}

/** A zero of `f` in [ax, bx] given f(ax) = fa and f(bx) = fb of opposite signs. */
export function brentSolve(ax: number, bx: number, fa: number, fb: number, f: (x: number) => number): number {
  let a = ax;
  let b = bx;
  let c = a;
  let fc = fa;
  if (isZero(fa)) return a;
  if (isZero(fb)) return b;

  let iteration = MAX_ITERATIONS + 1;
  while (iteration-- > 0) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * EPSILON * Math.abs(b) + TOLERANCE / 2;
    let newStep = (c - b) / 2;

    if (Math.abs(newStep) <= tolAct || isZero(fb)) return b;

    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0.0) q = -q;
      else p = -p;

      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }

    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
