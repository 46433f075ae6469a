/**
 * Survival function of the two-sided one-sample Kolmogorov-Smirnov statistic D_n and Smirnov's
 * one-sided D_n⁺, as SciPy's `kstwo.sf` and `special.smirnov`.
 * Sources: Simard & L'Ecuyer (2011), "Computing the two-sided Kolmogorov-Smirnov distribution"
 * (the algorithm selection SciPy 1.17 `_kolmogn` uses); Marsaglia, Tsang & Wang (2003) for the
 * Durbin matrix; Pelz & Good (1976); Birnbaum & Tingey (1951) for D_n⁺.
 */
import { logGamma } from './log-gamma.js';

const TWO_128 = 2 ** 128;
const TWO_MINUS_128 = 2 ** -128;
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** P(D_n⁺ ≥ x) by the Birnbaum-Tingey sum, each term in log space. */
export function smirnovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const jMax = Math.floor(n * (1 - x));
  const logNFactorial = logGamma(n + 1);
  let sum = 0;
  for (let j = 0; j <= jMax; j++) {
    const a = 1 - x - j / n;
    const b = x + j / n;
    if (a <= 0 && n - j > 0) continue;
    const logChoose = logNFactorial - logGamma(j + 1) - logGamma(n - j + 1);
    sum += Math.exp(logChoose + (n - j > 0 ? (n - j) * Math.log(a) : 0) + (j - 1) * Math.log(b));
  }
  return Math.min(1, Math.max(0, x * sum));
}

type Matrix = Float64Array[];

function multiply(a: Matrix, b: Matrix, m: number): Matrix {
  const out: Matrix = [];
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(m);
    const ai = a[i] as Float64Array;
    for (let k = 0; k < m; k++) {
      const aik = ai[k] as number;
      if (aik === 0) continue;
      const bk = b[k] as Float64Array;
      for (let j = 0; j < m; j++) row[j] = (row[j] as number) + aik * (bk[j] as number);
    }
    out.push(row);
  }
  return out;
}

/** P(D_n ≤ d) by the Durbin matrix (Marsaglia-Tsang-Wang), with SciPy's 2^128 rescaling. */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let hMatrix: Matrix = Array.from({ length: m }, () => new Float64Array(m));
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) (hMatrix[r] as Float64Array)[i] = w[r - i + 1] as number;
  }
  for (let r = 0; r < m; r++) (hMatrix[r] as Float64Array)[0] = v[r] as number;
  for (let c = 0; c < m; c++) (hMatrix[m - 1] as Float64Array)[c] = v[m - 1 - c] as number;
  let power: Matrix = Array.from({ length: m }, (_, i) => {
    const row = new Float64Array(m);
    row[i] = 1;
    return row;
  });
  let nn = n;
  let exponent = 0;
  let hExponent = 0;
  while (nn > 0) {
    if (nn % 2 === 1) {
      power = multiply(power, hMatrix, m);
      exponent += hExponent;
    }
    hMatrix = multiply(hMatrix, hMatrix, m);
    hExponent *= 2;
    if (Math.abs((hMatrix[k - 1] as Float64Array)[k - 1] as number) > TWO_128) {
      for (const row of hMatrix) for (let j = 0; j < m; j++) row[j] = (row[j] as number) / TWO_128;
      hExponent += 128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = (power[k - 1] as Float64Array)[k - 1] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < TWO_MINUS_128) {
      p *= TWO_128;
      exponent -= 128;
    }
  }
  return exponent !== 0 ? p * 2 ** exponent : p;
}

/** Pelz-Good asymptotic expansion of P(D_n ≤ x). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = (terms[i] as number) * qpower + (coeffs[i] as number);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = ((terms[i] as number) * q * SQRT_2PI) / (divisors[i] as number);
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qp = q ** k2;
    k2extra += k2 * qp;
    const kspi = Math.PI * k;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * k2 * qp;
  }
  terms[2] = (terms[2] as number) + (k2extra * PI2 * SQRT_2PI) / (-36 * z ** 3);
  terms[3] = (terms[3] as number) + (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += (terms[i] as number) / n ** (i / 2);
  return sum;
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** P(D_n ≥ x) for the two-sided one-sample statistic with n observations (SciPy `kstwo.sf(x, n)`). */
export function kolmogorovSf(n: number, x: number): number {
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let prob: number;
    if (n <= 140) {
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * (1 / n) * (2 * t - 1);
    } else {
      prob = Math.exp(logGamma(n + 1) - n * Math.log(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - prob);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - durbinMatrixCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}
