/**
 * Saddle-point (deviance) form of binomial-type terms Γ(n+1)/(Γ(a+1)Γ(b+1)) p^a q^b, accurate to
 * ~1e-15 relative even for n in the millions where log-gamma differences lose 1e-10.
 * Source: C. Loader (2000), "Fast and Accurate Computation of Binomial Probabilities" (R's
 * `dbinom_raw`, `bd0`, `stirlerr`).
 */
import { stirlingError } from './log-gamma.js';

const DBL_MIN = 2.2250738585072014e-308;
const LN_2PI = 1.8378770664093456;

/** Loader's deviance term bd0(x, np) = x log(x/np) + np − x, accurate when x ≈ np. */
export function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < DBL_MIN) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/**
 * log of Γ(n+1)/(Γ(x+1)Γ(n−x+1)) p^x q^(n−x) for real 0 ≤ x ≤ n (q = 1 − p passed separately so
 * that it keeps full precision); −Infinity outside the support.
 */
export function logBinomialRaw(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (q === 0) return x === n ? 0 : Number.NEGATIVE_INFINITY;
  if (x === 0) {
    if (n === 0) return 0;
    return p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q);
  }
  if (x === n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p);
  if (x < 0 || x > n) return Number.NEGATIVE_INFINITY;
  return logSaddlePoint(x, n - x, p, q);
}

/**
 * log of Γ(a+b+1)/(Γ(a+1)Γ(b+1)) p^a q^b for real a, b > 0, taking a and b separately so that
 * neither b = n − a nor log(b/n) is formed by cancellation.
 */
export function logSaddlePoint(a: number, b: number, p: number, q: number): number {
  const n = a + b;
  const lc = stirlingError(n) - stirlingError(a) - stirlingError(b) - bd0(a, n * p) - bd0(b, n * q);
  const lf = LN_2PI + Math.log(a) + Math.log(b) - Math.log(n);
  return lc - 0.5 * lf;
}
