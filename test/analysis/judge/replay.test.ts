import { describe, expect, it } from 'vitest';
import { replayIntervals } from '../../../src/analysis/judge/replay.js';
import type { IntervalObservations } from '../../../src/analysis/observations.js';
import type { RuleSet } from '../../../src/analysis/rule-set.js';
import { interval, intervals, spread, testRuleSet } from './rule-set-fixtures.js';

const khi = (result: ReturnType<typeof replayIntervals>, name: string) => {
  const found = result.khis.find((k) => k.name === name);
  if (!found) throw new Error(`no KHI ${name}`);
  return found;
};

describe('replayIntervals: decisions', () => {
  it('promotes a healthy release once minIntervals have passed, not before', () => {
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval({}, i)),
    );
    expect(result.verdict).toBe('promote');
    expect(result.decidedAtInterval).toBe(3);
    expect(result.judgements.slice(0, 2).every((j) => j.decision.outcome === 'continue')).toBe(true);
    expect(result.score).toBe(100);
  });

  it('rolls back as soon as a critical KHI fails, even before minIntervals', () => {
    const bad = { errors: { baseline: { events: 10, total: 2000 }, canary: { events: 60, total: 2000 } } };
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval(bad, i)),
    );
    expect(result.verdict).toBe('rollback');
    expect(result.decidedAtInterval).toBeLessThan(3);
    expect(khi(result, 'errors')).toMatchObject({ classification: 'high', failed: true, critical: true });
    expect(result.reasons[0]).toMatch(/critical KHI errors failed: canary/);
  });

  it('fails a canary with errors where the baseline had none (counts, not ratios)', () => {
    const spike = { errors: { baseline: { events: 0, total: 2000 }, canary: { events: 8, total: 2000 } } };
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval(spike, i)),
    );
    expect(result.verdict).toBe('rollback');
    expect(khi(result, 'errors').classification).toBe('high');
  });

  it('rolls back on a latency regression beyond the tolerance', () => {
    const slow = (i: number) => ({
      latency: { baseline: { values: spread(0.1, 200, i) }, canary: { values: spread(0.13, 200, i + 1) } },
    });
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval(slow(i), i)),
    );
    expect(result.verdict).toBe('rollback');
    expect(khi(result, 'latency').classification).toBe('high');
  });

  it('does not fail a latency change inside the tolerance', () => {
    const slightlySlower = (i: number) => ({
      latency: { baseline: { values: spread(0.1, 200, i) }, canary: { values: spread(0.102, 200, i + 1) } },
    });
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval(slightlySlower(i), i)),
    );
    expect(result.verdict).toBe('promote');
  });

  it('does not fail an improvement when only increases are bad', () => {
    const better = { errors: { baseline: { events: 60, total: 2000 }, canary: { events: 2, total: 2000 } } };
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval(better, i)),
    );
    expect(result.verdict).toBe('promote');
  });

  it('fails a decrease when the direction is either', () => {
    const ruleSet = testRuleSet({ khis: { errors: { direction: 'either' } } });
    const fewer = { errors: { baseline: { events: 60, total: 2000 }, canary: { events: 2, total: 2000 } } };
    const result = replayIntervals(
      ruleSet,
      intervals(10, (i) => interval(fewer, i)),
    );
    expect(result.verdict).toBe('rollback');
    expect(khi(result, 'errors').classification).toBe('low');
  });

  it('rolls back when the score falls below marginal after minIntervals, on non-critical KHIs alone', () => {
    const ruleSet = testRuleSet({
      khis: {
        errors: { critical: false, weight: 1 },
        latency: { critical: false, weight: 1 },
        cpu: { weight: 1 },
      },
    });
    const hot = (i: number) => ({
      errors: { baseline: { events: 10, total: 2000 }, canary: { events: 80, total: 2000 } },
      latency: { baseline: { values: spread(0.1, 200, i) }, canary: { values: spread(0.2, 200, i) } },
    });
    const result = replayIntervals(
      ruleSet,
      intervals(10, (i) => interval(hot(i), i)),
    );
    expect(result.verdict).toBe('rollback');
    expect(result.decidedAtInterval).toBe(3);
    expect(result.reasons[0]).toMatch(/below marginal/);
  });

  it('never promotes without data: a critical KHI with no data holds the verdict to inconclusive', () => {
    const noErrors = (i: number) => {
      const full = interval({}, i);
      const { errors: _dropped, ...rest } = full.khis as Record<string, unknown>;
      return { khis: rest as IntervalObservations['khis'] };
    };
    const result = replayIntervals(testRuleSet(), intervals(10, noErrors));
    expect(result.verdict).toBe('inconclusive');
    expect(khi(result, 'errors').classification).toBe('nodata');
    expect(result.reasons.join(' ')).toMatch(/critical KHI errors is nodata/);
  });

  it('never promotes on too few samples: critical KHIs below minSamples are inconclusive', () => {
    const thin = { errors: { baseline: { events: 1, total: 50 }, canary: { events: 1, total: 50 } } };
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval(thin, i)),
    );
    expect(result.verdict).toBe('inconclusive');
    expect(khi(result, 'errors').classification).toBe('inconclusive');
    expect(khi(result, 'errors').reason).toMatch(/fewer than minSamples \(1000\).*could detect about ×/);
  });

  it('is inconclusive when the data ends before a decision', () => {
    const result = replayIntervals(
      testRuleSet(),
      intervals(2, (i) => interval({}, i)),
    );
    expect(result.verdict).toBe('inconclusive');
    expect(result.decidedAtInterval).toBe(2);
    expect(result.reasons[0]).toMatch(/data ended after 2 interval/);
  });

  it('treats an interval without any KHI as an interval without data', () => {
    const data = [{ khis: {} }, ...intervals(9, (i) => interval({}, i))];
    const result = replayIntervals(testRuleSet(), data);
    expect(result.judgements[0]?.khis.every((k) => k.classification === 'nodata')).toBe(true);
    expect(result.verdict).toBe('promote');
    expect(result.decidedAtInterval).toBe(4);
  });

  it('holds promotion while a KHI trends worse without being conclusive yet', () => {
    const drifting = {
      errors: { baseline: { events: 10, total: 2000 }, canary: { events: 19, total: 2000 } },
    };
    const result = replayIntervals(
      testRuleSet(),
      intervals(3, (i) => interval(drifting, i)),
    );
    expect(result.judgements[2]?.decision.outcome).not.toBe('promote');
    expect(khi(result, 'errors').reason).toMatch(/trending worse/);
  });
});

describe('replayIntervals: per-KHI outcomes', () => {
  it('marks a KHI with bad data as error while the others are still judged', () => {
    const broken = {
      errors: { baseline: { events: 10, total: 2000 }, canary: { events: 3000, total: 2000 } },
    };
    const result = replayIntervals(
      testRuleSet(),
      intervals(10, (i) => interval(broken, i)),
    );
    expect(khi(result, 'errors')).toMatchObject({ classification: 'error', failed: false });
    expect(khi(result, 'errors').reason).toMatch(/events \(3000\) exceed total \(2000\)/);
    expect(khi(result, 'latency').classification).toBe('pass');
    expect(result.verdict).toBe('inconclusive');
  });

  it('turns a KHI whose evaluation throws into error, keeping the rest', () => {
    const base = testRuleSet();
    const cpu = base.khis.find((k) => k.name === 'cpu');
    const broken: RuleSet = {
      ...base,
      khis: base.khis.map((k) => (k === cpu ? { ...k, test: 'kayenta' as const } : k)),
    };
    const result = replayIntervals(
      broken,
      intervals(10, (i) => interval({}, i)),
    );
    expect(khi(result, 'cpu')).toMatchObject({ classification: 'error' });
    expect(khi(result, 'cpu').reason).toMatch(/could not be judged/);
    expect(khi(result, 'errors').classification).toBe('pass');
    expect(result.verdict).toBe('promote');
  });

  it('fails a KHI whose canary breaks its SLO even when the baseline is as bad', () => {
    const ruleSet = testRuleSet({ khis: { errors: { slo: { max: 0.01 } } } });
    const bothBad = {
      errors: { baseline: { events: 60, total: 2000 }, canary: { events: 62, total: 2000 } },
    };
    const result = replayIntervals(
      ruleSet,
      intervals(10, (i) => interval(bothBad, i)),
    );
    expect(result.verdict).toBe('rollback');
    expect(khi(result, 'errors').reason).toMatch(/above its SLO max 0.01/);
  });

  it('reports the fixed-horizon statistics of the chosen test', () => {
    const ruleSet = testRuleSet({
      khis: { errors: { test: 'fisher' }, latency: { test: 'welch' }, cpu: { test: 'ks' } },
    });
    const result = replayIntervals(
      ruleSet,
      intervals(10, (i) => interval({}, i)),
    );
    expect(khi(result, 'errors')).toMatchObject({ test: 'fisher', method: 'exact' });
    expect(khi(result, 'latency')).toMatchObject({ test: 'welch' });
    expect(khi(result, 'cpu')).toMatchObject({ test: 'ks' });
    for (const k of result.khis) {
      expect(k.pValue).toBeGreaterThanOrEqual(0);
      expect(k.pValue).toBeLessThanOrEqual(1);
      expect(k.adjustedPValue).toBeGreaterThanOrEqual(k.adjustedPValue === 1 ? 1 : 0);
    }
  });

  it('uses Kayenta labels and scoring when every KHI uses the Kayenta test', () => {
    const ruleSet = testRuleSet({
      khis: {
        errors: { test: 'kayenta', tolerance: undefined },
        latency: { test: 'kayenta', tolerance: undefined },
        cpu: { test: 'kayenta' },
      },
    });
    const slow = (i: number) => ({
      latency: { baseline: { values: spread(0.1, 200, i) }, canary: { values: spread(0.2, 200, i) } },
    });
    const result = replayIntervals(
      ruleSet,
      intervals(10, (i) => interval(slow(i), i)),
    );
    expect(khi(result, 'latency').kayenta?.label).toBe('High');
    expect(result.verdict).toBe('rollback');
  });

  it('adjusts with Benjamini-Hochberg when asked', () => {
    const ruleSet = testRuleSet({ analysis: { multipleComparisons: 'benjamini-hochberg' } });
    const bad = { errors: { baseline: { events: 10, total: 2000 }, canary: { events: 60, total: 2000 } } };
    const result = replayIntervals(
      ruleSet,
      intervals(10, (i) => interval(bad, i)),
    );
    expect(result.verdict).toBe('rollback');
  });
});

describe('replayIntervals: alpha weights and the rate tests', () => {
  const gauge = { values: spread(0.5, 12) };
  const errorsOnly = (test: string, alphaWeight: number, maxIntervals: number): RuleSet =>
    testRuleSet({
      analysis: { minIntervals: Math.min(3, maxIntervals), maxIntervals },
      khis: { errors: { test, alphaWeight }, latency: null, cpu: { minSamples: 5 } },
      extraKhis: [{ name: 'memory', kind: 'gauge', direction: 'increase', minSamples: 5 }],
    });
  const counts = (baseline: number, canary: number, total = 2000): IntervalObservations => ({
    khis: {
      errors: { baseline: { events: baseline, total }, canary: { events: canary, total } },
      cpu: { baseline: gauge, canary: gauge },
      memory: { baseline: gauge, canary: gauge },
    },
  });

  it('tests a KHI at its alphaWeight share: 0.8·alpha rolls back where alpha/3 cannot', () => {
    // One look, 20 vs 40 errors in 4,000 requests each: one-sided mid-p ≈ 0.0049.
    const data = [counts(20, 40, 4000)];
    const equal = replayIntervals(errorsOnly('poisson', 1, 1), data);
    const weighted = replayIntervals(errorsOnly('poisson', 8, 1), data);
    expect(khi(equal, 'errors').classification).not.toBe('high');
    expect(equal.verdict).not.toBe('rollback');
    expect(weighted.verdict).toBe('rollback');
    expect(khi(weighted, 'errors').adjustedPValue).toBeLessThanOrEqual(0.01);
  });

  it('the group-sequential poisson test catches sparse errors that the always-valid mSPRT misses', () => {
    // Ten intervals of 2 baseline vs 5 canary errors in 2,000 requests each (×2.5 at 0.1%).
    const data = intervals(10, () => counts(2, 5));
    const sequential = replayIntervals(errorsOnly('poisson', 1, 10), data);
    const msprt = replayIntervals(errorsOnly('msprt', 1, 10), data);
    expect(sequential.verdict).toBe('rollback');
    expect(khi(sequential, 'errors').test).toBe('poisson');
    expect(msprt.verdict).toBe('inconclusive');
    expect(khi(msprt, 'errors').test).toBe('msprt');
  });
});
