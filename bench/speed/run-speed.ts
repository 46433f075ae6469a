/**
 * Speed benchmark: Mann-Whitney U on 2 × 100,000 samples and one 12-KHI judgement (6 distribution
 * KHIs of 10,000 values per group, 6 ratio KHIs of 10,000 requests per group), each timed beside
 * SciPy on the same inputs in the same run (python3 subprocess, timed inside Python after imports).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialJudgeState, judgeInterval } from '../../src/analysis/judge/judge-interval.js';
import type { IntervalObservations, KhiObservations } from '../../src/analysis/observations.js';
import { mannWhitneyU } from '../../src/analysis/statistics/mann-whitney.js';
import { compareRates } from '../../src/analysis/statistics/rate-comparison.js';
import { compileRuleSet } from '../../src/config/compile-rule-set.js';
import { createRandom } from '../../src/simulation/random.js';
import { startProgress } from '../progress.js';

export interface SpeedRow {
  readonly name: string;
  readonly vigilMs: number;
  readonly scipyMs: number;
  /** What the two sides computed, in words. */
  readonly note: string;
  /** Largest relative difference between Vigil's and SciPy's p-values on these inputs. */
  readonly pValueDifference: number;
}

export interface SpeedResult {
  readonly rows: readonly SpeedRow[];
  readonly repetitions: number;
  readonly scipyVersion: string;
  readonly nodeVersion: string;
}

const KHI_SAMPLES = 10_000;
const DISTRIBUTION_KHIS = 6;
const RATIO_KHIS = 6;

/** Median milliseconds of `repetitions` calls after two warm-up calls. */
function time<T>(repetitions: number, run: () => T): { ms: number; result: T } {
  let result = run();
  result = run();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i += 1) {
    const started = performance.now();
    result = run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1] as number, result };
}

function writeFloat64(path: string, values: readonly number[]): void {
  writeFileSync(path, Buffer.from(Float64Array.from(values).buffer));
}

/** Runs the speed benchmark. */
export function runSpeed(options: { quick: boolean }): SpeedResult {
  const repetitions = options.quick ? 5 : 21;
  const random = createRandom(7);
  const sample = (n: number, mu: number) => Array.from({ length: n }, () => random.lognormal(mu, 0.5));
  const x = sample(100_000, Math.log(0.12));
  const y = sample(100_000, Math.log(0.121));
  const distributions = Array.from({ length: DISTRIBUTION_KHIS }, (_, i) => ({
    name: `latency-${i}`,
    canary: sample(KHI_SAMPLES, Math.log(0.1 + 0.01 * i) + 0.01),
    baseline: sample(KHI_SAMPLES, Math.log(0.1 + 0.01 * i)),
  }));
  const ratios = Array.from({ length: RATIO_KHIS }, (_, i) => ({
    name: `errors-${i}`,
    canaryEvents: random.binomial(KHI_SAMPLES, 0.01 * (i + 1) * 1.05),
    canaryTotal: KHI_SAMPLES,
    baselineEvents: random.binomial(KHI_SAMPLES, 0.01 * (i + 1)),
    baselineTotal: KHI_SAMPLES,
  }));

  const directory = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  try {
    writeFloat64(join(directory, 'mw-x.f64'), x);
    writeFloat64(join(directory, 'mw-y.f64'), y);
    distributions.forEach((d) => {
      writeFloat64(join(directory, `${d.name}-canary.f64`), d.canary);
      writeFloat64(join(directory, `${d.name}-baseline.f64`), d.baseline);
    });
    const khiFiles = {
      distributions: distributions.map((d) => ({
        canary: `${d.name}-canary.f64`,
        baseline: `${d.name}-baseline.f64`,
      })),
      ratios,
    };
    writeFileSync(join(directory, 'khis.json'), JSON.stringify(khiFiles));

    const progress = startProgress('speed', 4);
    const scipy = JSON.parse(
      execFileSync(
        'python3',
        [
          new URL('../../../bench/speed/scipy_timing.py', import.meta.url).pathname,
          directory,
          String(repetitions),
        ],
        {
          encoding: 'utf8',
        },
      ),
    ) as { scipy: string; mannWhitneyMs: number; mannWhitneyP: number; twelveMs: number; twelveP: number[] };
    progress.update(1, 'scipy');

    const mw = time(repetitions, () => mannWhitneyU(x, y));
    progress.update(2, 'mann-whitney');

    const ruleSet = compileRuleSet(
      {
        schemaVersion: 1,
        name: 'twelve-khis',
        analysis: { interval: '60s', minIntervals: 1, maxIntervals: 10, alpha: 0.01 },
        scoring: { pass: 95, marginal: 75 },
        khis: [
          ...distributions.map((d) => ({
            name: d.name,
            kind: 'distribution',
            direction: 'increase',
            critical: true,
            tolerance: { relative: 0.05 },
          })),
          ...ratios.map((r) => ({
            name: r.name,
            kind: 'ratio',
            direction: 'increase',
            critical: true,
            tolerance: { relative: 0.2 },
          })),
        ],
      },
      'bench: 12 KHIs',
    );
    const khis: Record<string, KhiObservations> = {};
    for (const d of distributions)
      khis[d.name] = { canary: { values: d.canary }, baseline: { values: d.baseline } };
    for (const r of ratios) {
      khis[r.name] = {
        canary: { events: r.canaryEvents, total: r.canaryTotal },
        baseline: { events: r.baselineEvents, total: r.baselineTotal },
      };
    }
    const observations: IntervalObservations = { khis };
    const state = initialJudgeState(ruleSet);
    const judgement = time(repetitions, () => judgeInterval(ruleSet, state, observations));
    progress.update(3, 'judgement');

    const bare = time(repetitions, () => [
      ...distributions.map((d) => mannWhitneyU(d.canary, d.baseline).pValue),
      ...ratios.map(
        (r) =>
          compareRates(
            { events: r.canaryEvents, exposure: r.canaryTotal },
            { events: r.baselineEvents, exposure: r.baselineTotal },
          ).pValue,
      ),
    ]);
    progress.finish();

    const fixedP = judgement.result.judgement.khis.map((k) => k.pValue ?? NaN);
    return {
      repetitions,
      scipyVersion: scipy.scipy,
      nodeVersion: process.version,
      rows: [
        {
          name: 'Mann-Whitney U, 2 × 100,000 samples',
          vigilMs: mw.ms,
          scipyMs: scipy.mannWhitneyMs,
          note: '`mannWhitneyU(x, y)` vs `scipy.stats.mannwhitneyu(x, y)` (two-sided, asymptotic with tie and continuity correction)',
          pValueDifference: relativeDifference([mw.result.pValue], [scipy.mannWhitneyP]),
        },
        {
          name: '12-KHI judgement (one `judgeInterval`)',
          vigilMs: judgement.ms,
          scipyMs: scipy.twelveMs,
          note: 'Vigil: the full step (per distribution KHI: one-sided Mann-Whitney vs the tolerance-shifted baseline, two-sided Mann-Whitney, Hodges-Lehmann shift with CI, percentiles; per ratio KHI: one-sided exact conditional tests on all counts so far (group-sequential), the two-sided test, CIs; Holm, classify, score, decide) vs SciPy: 6 `mannwhitneyu` + 6 `binomtest`',
          pValueDifference: relativeDifference(fixedP, scipy.twelveP),
        },
        {
          name: '12 bare tests (6 × `mannWhitneyU` + 6 × `compareRates`)',
          vigilMs: bare.ms,
          scipyMs: scipy.twelveMs,
          note: 'the same 12 calls on both sides',
          pValueDifference: relativeDifference(bare.result, scipy.twelveP),
        },
      ],
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function relativeDifference(ours: readonly number[], theirs: readonly number[]): number {
  let worst = 0;
  ours.forEach((p, i) => {
    const q = theirs[i] ?? NaN;
    worst = Math.max(worst, Math.abs(p - q) / Math.max(Math.abs(q), 1e-300));
  });
  return worst;
}
