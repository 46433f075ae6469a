/**
 * Seeded pseudo-random numbers for simulations, tests and benchmarks (never for analysis, which
 * takes its samples as arguments).
 *
 * Sources: xoshiro128** 1.1 and splitmix32 seeding (Blackman & Vigna, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 2021, https://prng.di.unimi.it/xoshiro128starstar.c); normals by the
 * Marsaglia-Bray polar method; Poisson by multiplication (Knuth, TAOCP vol. 2) below mean 10 and
 * PTRS above (Hörmann, "The transformed rejection method for generating Poisson random variables",
 * Insurance: Mathematics and Economics 1993, as in NumPy); binomial by geometric waiting times
 * (Devroye, "Non-Uniform Random Variate Generation" 1986, X.4) below mean 10 and BTRS above (Hörmann,
 * "The generation of binomial random variates", J. Stat. Comput. Simul. 1993, as in PyTorch). All
 * are exact samplers up to floating point.
 */

/** A seeded generator; every method advances the same stream. */
export interface Random {
  /** Uniform on the open interval (0, 1), 53 random bits. */
  uniform(): number;
  /** Uniform integer in [0, n). */
  integer(n: number): number;
  /** Normal with the given mean and standard deviation (default standard normal). */
  normal(mean?: number, sd?: number): number;
  /** Log-normal: exp of a normal with log-scale `mu` and `sigma`. */
  lognormal(mu: number, sigma: number): number;
  /** Poisson with the given mean (0 for mean 0). */
  poisson(mean: number): number;
  /** Binomial: successes in `n` trials of probability `p`. */
  binomial(n: number, p: number): number;
  /** An independent generator derived from this generator's seed and `seed` only (not its position). */
  fork(seed: number): Random;
}

const TWO_POW_26 = 67_108_864;
const TWO_POW_53 = 9_007_199_254_740_992;

/** splitmix32 step: turns any 32-bit seed into well-mixed state words. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Stirling-series tail log(k!) - [(k+1/2)log(k+1) - (k+1) + log(2π)/2], tabulated below 10. */
const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.010411265261972, 0.00925546218271273, 0.00833056343336287,
];

function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k] ?? 0;
  const kp1sq = (k + 1) * (k + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

/** log(k!) via the Stirling series with the tabulated tail (exact to ~1e-15). */
function logFactorial(k: number): number {
  return (k + 0.5) * Math.log(k + 1) - (k + 1) + 0.5 * Math.log(2 * Math.PI) + stirlingTail(k);
}

/** Creates a xoshiro128** generator from a 32-bit integer seed (other numbers are truncated). */
export function createRandom(seed: number): Random {
  const mix = { value: seed | 0 };
  let s0 = splitmix32(mix);
  let s1 = splitmix32(mix);
  let s2 = splitmix32(mix);
  let s3 = splitmix32(mix);
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  function next32(): number {
    const t = s1 << 9;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return r >>> 0;
  }

  function uniform(): number {
    const high = next32() >>> 5;
    const low = next32() >>> 6;
    return (high * TWO_POW_26 + low + 0.5) / TWO_POW_53;
  }

  let spareNormal: number | undefined;
  function standardNormal(): number {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    for (;;) {
      const u = 2 * uniform() - 1;
      const v = 2 * uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const factor = Math.sqrt((-2 * Math.log(s)) / s);
      spareNormal = v * factor;
      return u * factor;
    }
  }

  function poissonSmall(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let product = uniform();
    while (product > limit) {
      k += 1;
      product *= uniform();
    }
    return k;
  }

  function poissonPtrs(mean: number): number {
    const sqrtMean = Math.sqrt(mean);
    const logMean = Math.log(mean);
    const b = 0.931 + 2.53 * sqrtMean;
    const a = -0.059 + 0.02483 * b;
    const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = uniform() - 0.5;
      const v = uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -mean + k * logMean - logFactorial(k)) {
        return k;
      }
    }
  }

  function binomialInversion(n: number, p: number): number {
    // Count geometric waiting times until they pass n trials.
    const logQ = Math.log1p(-p);
    let trials = 0;
    let successes = 0;
    for (;;) {
      trials += Math.ceil(Math.log(uniform()) / logQ);
      if (trials > n) return successes;
      successes += 1;
    }
  }

  function binomialBtrs(n: number, p: number): number {
    const spq = Math.sqrt(n * p * (1 - p));
    const b = 1.15 + 2.53 * spq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const vr = 0.92 - 4.2 / b;
    const r = p / (1 - p);
    const alpha = (2.83 + 5.1 / b) * spq;
    const m = Math.floor((n + 1) * p);
    const logR = Math.log(r);
    for (;;) {
      const u = uniform() - 0.5;
      const v = uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      if (us >= 0.07 && v <= vr) return k;
      const logV = Math.log((v * alpha) / (a / (us * us) + b));
      const bound =
        (m + 0.5) * (Math.log((m + 1) / (n - m + 1)) - logR) +
        (n + 1) * Math.log((n - m + 1) / (n - k + 1)) +
        (k + 0.5) * (logR + Math.log((n - k + 1) / (k + 1))) +
        stirlingTail(m) +
        stirlingTail(n - m) -
        stirlingTail(k) -
        stirlingTail(n - k);
      if (logV <= bound) return k;
    }
  }

  const random: Random = {
    uniform,
    integer(n) {
      return Math.floor(uniform() * n);
    },
    normal(mean = 0, sd = 1) {
      return mean + sd * standardNormal();
    },
    lognormal(mu, sigma) {
      return Math.exp(mu + sigma * standardNormal());
    },
    poisson(mean) {
      if (!(mean >= 0)) throw new RangeError(`poisson: mean must be >= 0, got ${mean}`);
      if (mean === 0) return 0;
      return mean < 10 ? poissonSmall(mean) : poissonPtrs(mean);
    },
    binomial(n, p) {
      if (!(n >= 0) || !Number.isInteger(n))
        throw new RangeError(`binomial: n must be a whole number, got ${n}`);
      if (!(p >= 0 && p <= 1)) throw new RangeError(`binomial: p must be in [0, 1], got ${p}`);
      if (n === 0 || p === 0) return 0;
      if (p === 1) return n;
      if (p > 0.5) return n - random.binomial(n, 1 - p);
      return n * p < 10 ? binomialInversion(n, p) : binomialBtrs(n, p);
    },
    fork(childSeed) {
      const derived = { value: (seed ^ Math.imul(childSeed | 0, 0x9e3779b1)) | 0 };
      return createRandom(splitmix32(derived) ^ splitmix32({ value: childSeed | 0 }));
    },
  };
  return random;
}
