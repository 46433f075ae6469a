/**
 * Log-gamma, log-beta and Stirling-error terms in double precision.
 * Source: the Stirling series (Abramowitz & Stegun 6.1.41) with upward recurrence below 10, and
 * C. Loader (2000), "Fast and Accurate Computation of Binomial Probabilities" for `stirlingError`.
 */

const LN_SQRT_2PI = 0.9189385332046728; // log(sqrt(2*pi))

/** Stirling-series remainder lgamma(x) - [(x-0.5)log x - x + log sqrt(2pi)], for x >= 10. */
function stirlingSeries(x: number): number {
  const r = 1 / x;
  const r2 = r * r;
  return (
    r *
    (1 / 12 +
      r2 *
        (-1 / 360 +
          r2 *
            (1 / 1260 +
              r2 *
                (-1 / 1680 +
                  r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))))
  );
}

/** log Γ(x) for x > 0, absolute error ≈ 1e-15 × max(1, |log Γ(x)|); +Infinity at 0. */
export function logGamma(x: number): number {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.POSITIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === 1 || x === 2) return 0;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingSeries(x);
  let product = 1;
  let z = x;
  while (z < 10) {
    product *= z;
    z += 1;
  }
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + stirlingSeries(z) - Math.log(product);
}

/** Loader's δ(n) = log n! − [(n + ½) log n − n + log √(2π)] for real n ≥ 0 (0 at n = 0). */
export function stirlingError(n: number): number {
  if (n === 0) return 0;
  if (n >= 10) return stirlingSeries(n);
  return logGamma(n + 1) - (n + 0.5) * Math.log(n) + n - LN_SQRT_2PI;
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), computed without cancellation for large a, b. */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingSeries(p) + stirlingSeries(q) - stirlingSeries(p + q);
    return (
      -0.5 * Math.log(q) +
      LN_SQRT_2PI +
      corr +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const corr = stirlingSeries(q) - stirlingSeries(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}
