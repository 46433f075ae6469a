import { describe, expect, it } from 'vitest';
import type { KhiResult } from '../../src/analysis/judge/khi-result.js';
import type { JourneyResult } from '../../src/journeys/journey-result.js';
import { dependentsOf, summariseImpact } from '../../src/report/impact-summary.js';
import type { JourneyEvidence } from '../../src/verification/gather-journeys.js';
import type { Verdict, VerdictOutcome } from '../../src/verification/verification.js';
import { sampleVerification } from '../store/sample-verification.js';

const verification = {
  ...sampleVerification({ id: 'deploy-7', service: 'checkout' }),
  marker: { ...sampleVerification({ id: 'deploy-7', service: 'checkout' }).marker, version: 'v2.4.1' },
};

function khi(overrides: Partial<KhiResult> & Pick<KhiResult, 'name'>): KhiResult {
  return {
    classification: 'pass',
    critical: true,
    failed: false,
    test: 'poisson',
    effect: {},
    weight: 1,
    group: 'default',
    reason: 'no change',
    ...overrides,
  };
}

function verdict(
  outcome: VerdictOutcome,
  khis: readonly KhiResult[],
  reasons = [`decided ${outcome}`],
): Verdict {
  return {
    outcome,
    decidedAt: '2026-01-01T00:05:00.000Z',
    decidedAtInterval: 3,
    score: null,
    khis,
    reasons,
  };
}

const errorRateFailed = khi({
  name: 'error-rate',
  classification: 'high',
  failed: true,
  weight: 3,
  effect: { baseline: 0.004, canary: 0.051, ratio: 12.75, canarySamples: 20_000, baselineSamples: 20_000 },
  reason: 'canary 5.1% (1020/20000) vs baseline 0.4% (80/20000); significant',
});
const latencySlower = khi({
  name: 'latency-seconds',
  test: 'mann-whitney',
  classification: 'high',
  failed: true,
  critical: false,
  weight: 2,
  effect: { baseline: 0.12, canary: 0.31 },
  reason: 'median 0.31 vs 0.12',
});
const latencyPassing = khi({
  name: 'latency',
  test: 'mann-whitney',
  effect: { baseline: 0.12, canary: 0.125 },
});
const checkoutJourney = khi({
  name: 'checkout-journey',
  classification: 'high',
  failed: true,
  effect: { baseline: 0, canary: 1, canarySamples: 10 },
  evidence: ['journeys/interval-2/canary/checkout-1/screenshot.png'],
  reason: 'canary 100% (10/10) vs baseline 0% (0/10)',
});
const newError = khi({
  name: 'ops.new-errors[TypeError: cart is undefined]',
  classification: 'high',
  failed: true,
  weight: 0.5,
  effect: { baseline: 0, canary: 0.02 },
});

function journeyRun(outcome: JourneyResult['outcome']): JourneyResult {
  return {
    probe: 'checkout',
    baseUrl: 'http://canary.internal:8080',
    outcome,
    reason: outcome === 'fail' ? 'step "pay" failed: button <Pay> not found' : 'every step passed',
    ...(outcome === 'fail' && { failedStep: 'pay' }),
    startedAt: '2026-01-01T00:02:00.000Z',
    durationMs: 900,
    steps: [],
    consoleErrors: [],
    failedRequests: [],
    blockedHosts: [],
    artifacts: [],
  };
}

const journeys: JourneyEvidence[] = [
  {
    probe: 'checkout',
    group: 'canary',
    runs: 10,
    passed: 1,
    failed: 9,
    errors: 0,
    results: [journeyRun('fail')],
  },
  { probe: 'checkout', group: 'baseline', runs: 10, passed: 10, failed: 0, errors: 0, results: [] },
];

describe('summariseImpact', () => {
  it('puts a failed error rate in the headline of a rollback, with both rates and the multiple', () => {
    const summary = summariseImpact({
      verification,
      verdict: verdict('rollback', [errorRateFailed, latencyPassing]),
    });
    expect(summary.headline).toBe(
      'checkout v2.4.1 was rolled back: error rate rose from 0.4% to 5.1% (×12.8).',
    );
    expect(summary.worsened).toEqual([
      {
        khi: 'error-rate',
        what: 'error rate',
        baseline: 0.004,
        canary: 0.051,
        change: 'from 0.4% to 5.1% (×12.8)',
        critical: true,
      },
    ]);
    expect(summary.sentences[0]).toBe('Error rate rose from 0.4% to 5.1% (×12.8).');
  });

  it('shows slower latency in the unit its name gives, and says a non-critical KHI cannot block alone', () => {
    const summary = summariseImpact({
      verification,
      verdict: verdict('rollback', [latencySlower, errorRateFailed]),
    });
    expect(summary.worsened.map((item) => item.khi)).toEqual(['error-rate', 'latency-seconds']);
    expect(summary.worsened[1]).toMatchObject({
      what: 'median latency',
      change: 'from 120 ms to 310 ms (×2.58)',
    });
    expect(summary.sentences[1]).toMatch(
      /^Median latency rose from 120 ms to 310 ms \(×2\.58\); it is not critical/,
    );
  });

  it('shows trace latency in milliseconds and names the operation', () => {
    const slowOperation = khi({
      name: 'ops.latency[GET /cart]',
      test: 'mann-whitney',
      classification: 'high',
      failed: true,
      critical: false,
      effect: { baseline: 80, canary: 1500 },
    });
    const summary = summariseImpact({ verification, verdict: verdict('rollback', [slowOperation]) });
    expect(summary.worsened[0]).toMatchObject({
      what: 'median latency of GET /cart',
      change: 'from 80 ms to 1.5 s (×18.8)',
    });
  });

  it('reports a broken journey with its canary runs, failing step and reason', () => {
    const summary = summariseImpact({
      verification,
      verdict: verdict('rollback', [checkoutJourney]),
      journeys,
    });
    expect(summary.brokenJourneys).toEqual([
      {
        khi: 'checkout-journey',
        probe: 'checkout',
        failedRuns: 9,
        runs: 10,
        step: 'pay',
        reason: 'step "pay" failed: button <Pay> not found',
      },
    ]);
    expect(summary.headline).toBe(
      'checkout v2.4.1 was rolled back: the checkout journey failed in 9 of 10 canary runs (baseline: 0 of 10), at step "pay": step "pay" failed: button <Pay> not found.',
    );
  });

  it('counts a broken journey from its effect when no journey evidence is given', () => {
    const summary = summariseImpact({ verification, verdict: verdict('rollback', [checkoutJourney]) });
    expect(summary.brokenJourneys).toEqual([
      { khi: 'checkout-journey', probe: 'checkout', failedRuns: 10, runs: 10 },
    ]);
  });

  it('lists a new error signature once, by its signature', () => {
    const summary = summariseImpact({
      verification,
      verdict: verdict('rollback', [errorRateFailed, newError]),
    });
    expect(summary.newErrors).toEqual([
      { khi: 'ops.new-errors[TypeError: cart is undefined]', signature: 'TypeError: cart is undefined' },
    ]);
    expect(summary.sentences).toContain(
      'The canary throws an error the baseline never did: TypeError: cart is undefined.',
    );
  });

  it('names the dependents it is given, in order, when the release is not promoted', () => {
    const summary = summariseImpact({
      verification,
      verdict: verdict('rollback', [errorRateFailed]),
      dependents: ['web', 'cart', 'web'],
    });
    expect(summary.dependents).toEqual(['cart', 'web']);
    expect(summary.sentences.at(-1)).toBe(
      'Services that depend on checkout, directly or through others: cart, web.',
    );
  });

  it('says a promoted release was promoted, with nothing worse', () => {
    const summary = summariseImpact({
      verification,
      verdict: verdict('promote', [
        latencyPassing,
        khi({ name: 'error-rate', effect: { baseline: 0.004, canary: 0.004 } }),
      ]),
      dependents: ['web'],
    });
    expect(summary.headline).toBe('checkout v2.4.1 was promoted: no key health indicator got worse.');
    expect(summary.worsened).toEqual([]);
    expect(summary.sentences).toEqual([]);
  });

  it('says an inconclusive verdict had no data, and does not call the missing KHI worse', () => {
    const noData = khi({
      name: 'latency',
      classification: 'nodata',
      test: 'mann-whitney',
      reason: 'canary has no usable observation.',
    });
    const summary = summariseImpact({
      verification,
      verdict: verdict('inconclusive', [noData, latencyPassing], ['no data for latency after 10 intervals']),
    });
    expect(summary.headline).toBe(
      'checkout v2.4.1 was not promoted: the verification was inconclusive, with no usable data for latency.',
    );
    expect(summary.worsened).toEqual([]);
    expect(summary.sentences).toEqual([
      'Vigil had no usable data for latency: canary has no usable observation.',
    ]);
  });

  it('never says a KHI got worse when the judge did not fail it', () => {
    const trending = khi({
      name: 'error-rate',
      classification: 'inconclusive',
      effect: { baseline: 0.004, canary: 0.009 },
      reason: 'trending worse beyond the tolerance but not yet conclusive',
    });
    const summary = summariseImpact({
      verification,
      verdict: verdict('inconclusive', [trending], ['analysis ran out of intervals']),
    });
    expect(summary.worsened).toEqual([]);
    expect(summary.headline).toBe(
      'checkout v2.4.1 was not promoted: the verification was inconclusive: analysis ran out of intervals.',
    );
    expect(summary.sentences.join(' ')).not.toMatch(/rose|worse/);
  });

  it('explains a rollback without failed KHIs by the verdict reason', () => {
    const summary = summariseImpact({
      verification,
      verdict: verdict('rollback', [], ['kill switch pulled by on-call']),
    });
    expect(summary.headline).toBe('checkout v2.4.1 was rolled back: kill switch pulled by on-call.');
  });
});

describe('dependentsOf', () => {
  const services = {
    db: { dependsOn: [] },
    checkout: { dependsOn: ['db', 'payments'] },
    cart: { dependsOn: ['checkout'] },
    web: { dependsOn: ['cart'] },
    mobile: { dependsOn: ['web', 'checkout'] },
    search: { dependsOn: ['db'] },
  };

  it('finds direct and transitive dependents, sorted', () => {
    expect(dependentsOf('checkout', services)).toEqual(['cart', 'mobile', 'web']);
    expect(dependentsOf('db', services)).toEqual(['cart', 'checkout', 'mobile', 'search', 'web']);
  });

  it('ends on cycles and never lists the service itself', () => {
    const cyclic = {
      a: { dependsOn: ['c'] },
      b: { dependsOn: ['a'] },
      c: { dependsOn: ['b'] },
      d: { dependsOn: ['c'] },
    };
    expect(dependentsOf('a', cyclic)).toEqual(['b', 'c', 'd']);
  });

  it('returns nothing for a service nobody depends on or nobody knows', () => {
    expect(dependentsOf('mobile', services)).toEqual([]);
    expect(dependentsOf('unknown', services)).toEqual([]);
  });
});
