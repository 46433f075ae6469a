import { describe, it } from 'vitest';
import {
  binomialCdf,
  binomialLogCdf,
  binomialLogSf,
  binomialLogPmf,
  binomialSf,
} from '../../../src/analysis/statistics/binomial-distribution.js';
import {
  hypergeometricCdf,
  hypergeometricPmf,
  hypergeometricSf,
} from '../../../src/analysis/statistics/hypergeometric-distribution.js';
import {
  regularizedBeta,
  regularizedBetaComplement,
} from '../../../src/analysis/statistics/incomplete-beta.js';
import { kolmogorovSf, smirnovSf } from '../../../src/analysis/statistics/kolmogorov-distribution.js';
import { logGamma } from '../../../src/analysis/statistics/log-gamma.js';
import { normalCdf, normalPpf, normalSf } from '../../../src/analysis/statistics/normal-distribution.js';
import { studentTCdf, studentTSf } from '../../../src/analysis/statistics/student-t-distribution.js';
import { expectClose, loadFixture } from './fixtures.js';

interface Cases {
  normal: { x: number; cdf: number; sf: number }[];
  normalPpf: { p: number; ppf: number }[];
  studentT: { t: number; df: number; sf: number; cdf: number }[];
  binomial: { k: number; n: number; p: number; logPmf: number; cdf: number; sf: number }[];
  hypergeometric: {
    k: number;
    total: number;
    successes: number;
    draws: number;
    pmf: number;
    cdf: number;
    sf: number;
  }[];
  logGamma: { x: number; value: number }[];
  regularizedBeta: { a: number; b: number; x: number; value: number; complement: number }[];
  kolmogorov: { n: number; x: number; sf: number }[];
  smirnov: { n: number; x: number; sf: number }[];
  binomialLogTail: { k: number; n: number; p: number; logCdf: number; logSf: number }[];
}

const fixture = loadFixture<never>('special-functions') as unknown as { cases: Cases };
const cases = fixture.cases;

describe('special functions agree with SciPy', () => {
  it.each(cases.normal)('normal cdf/sf at $x', ({ x, cdf, sf }) => {
    expectClose(normalCdf(x), cdf, 'cdf', 1e-13);
    expectClose(normalSf(x), sf, 'sf', 1e-13);
  });
  it.each(cases.normalPpf)('normal ppf at $p', ({ p, ppf }) => {
    expectClose(normalPpf(p), ppf, 'ppf', 1e-14);
  });
  it.each(cases.studentT)('student t at t=$t df=$df', ({ t, df, sf, cdf }) => {
    expectClose(studentTSf(t, df), sf, 'sf', 1e-11);
    expectClose(studentTCdf(t, df), cdf, 'cdf', 1e-11);
  });
  it.each(cases.binomial)('binomial k=$k n=$n p=$p', ({ k, n, p, logPmf, cdf, sf }) => {
    expectClose(binomialLogPmf(k, n, p), logPmf, 'logPmf', 1e-12);
    expectClose(binomialCdf(k, n, p), cdf, 'cdf', 1e-11);
    expectClose(binomialSf(k, n, p), sf, 'sf', 1e-11);
  });
  it.each(cases.hypergeometric)(
    'hypergeometric k=$k of total $total',
    ({ k, total, successes, draws, pmf, cdf, sf }) => {
      expectClose(hypergeometricPmf(k, total, successes, draws), pmf, 'pmf', 1e-12);
      expectClose(hypergeometricCdf(k, total, successes, draws), cdf, 'cdf', 1e-11);
      expectClose(hypergeometricSf(k, total, successes, draws), sf, 'sf', 1e-11);
    },
  );
  it.each(cases.logGamma)('logGamma($x)', ({ x, value }) => {
    expectClose(logGamma(x), value, 'logGamma', 1e-14, 1e-14);
  });
  it.each(cases.regularizedBeta)('I_x(a=$a, b=$b) at x=$x', ({ a, b, x, value, complement }) => {
    expectClose(regularizedBeta(a, b, x, 1 - x), value, 'I', 1e-11);
    expectClose(regularizedBetaComplement(a, b, x, 1 - x), complement, '1 - I', 1e-11);
  });
  it.each(cases.kolmogorov)('kstwo.sf at n=$n x=$x', ({ n, x, sf }) => {
    expectClose(kolmogorovSf(n, x), sf, 'sf', 1e-10);
  });
  it.each(cases.smirnov)('smirnov at n=$n x=$x', ({ n, x, sf }) => {
    expectClose(smirnovSf(n, x), sf, 'sf', 1e-10);
  });
  it.each(cases.binomialLogTail)(
    'binomial log tails k=$k n=$n p=$p (exact rationals)',
    ({ k, n, p, logCdf, logSf }) => {
      expectClose(binomialLogCdf(k, n, p), logCdf, 'logCdf', 1e-12, 1e-15);
      expectClose(binomialLogSf(k, n, p), logSf, 'logSf', 1e-12, 1e-15);
    },
  );
});
