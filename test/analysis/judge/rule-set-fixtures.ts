import type { IntervalObservations } from '../../../src/analysis/observations.js';
import type { RuleSet } from '../../../src/analysis/rule-set.js';
import { compileRuleSet } from '../../../src/config/compile-rule-set.js';

/** A small rule set for judge tests; `patch` edits analysis, scoring or KHIs by name. */
export function testRuleSet(
  patch: {
    analysis?: Record<string, unknown>;
    scoring?: Record<string, unknown>;
    khis?: Record<string, Record<string, unknown> | null>;
    extraKhis?: Record<string, unknown>[];
  } = {},
): RuleSet {
  const khis: Record<string, unknown>[] = [
    {
      name: 'errors',
      kind: 'ratio',
      direction: 'increase',
      critical: true,
      weight: 2,
      tolerance: { relative: 0.2 },
      minSamples: 1000,
    },
    {
      name: 'latency',
      kind: 'distribution',
      direction: 'increase',
      critical: true,
      weight: 2,
      tolerance: { relative: 0.05 },
      minSamples: 100,
    },
    { name: 'cpu', kind: 'gauge', direction: 'increase', weight: 1, minSamples: 5 },
  ];
  const patched = khis
    .map((khi) => {
      const change = patch.khis?.[khi['name'] as string];
      return change === null ? null : { ...khi, ...change };
    })
    .filter((khi): khi is Record<string, unknown> => khi !== null)
    .concat(patch.extraKhis ?? []);
  return compileRuleSet(
    {
      name: 'judge-test',
      analysis: { interval: '60s', minIntervals: 3, maxIntervals: 10, alpha: 0.01, ...patch.analysis },
      scoring: { pass: 95, marginal: 75, ...patch.scoring },
      khis: patched,
    },
    'judge-test',
  );
}

/** Deterministic values spread evenly around `center` (±20%), `n` of them, offset by `phase`. */
export function spread(center: number, n: number, phase = 0): number[] {
  return Array.from({ length: n }, (_, i) => center * (0.8 + (0.4 * ((i * 37 + phase * 11) % n)) / n));
}

/** One interval with the three test KHIs; override any of them. */
export function interval(overrides: Record<string, unknown> = {}, index = 0): IntervalObservations {
  return {
    khis: {
      errors: { baseline: { events: 20, total: 4000 }, canary: { events: 20, total: 4000 } },
      latency: {
        baseline: { values: spread(0.1, 200, index) },
        canary: { values: spread(0.1, 200, index + 1) },
      },
      cpu: { baseline: { values: spread(0.5, 4, index) }, canary: { values: spread(0.5, 4, index + 2) } },
      ...overrides,
    },
  };
}

/** `n` intervals built by `make(i)`. */
export function intervals(n: number, make: (i: number) => IntervalObservations): IntervalObservations[] {
  return Array.from({ length: n }, (_, i) => make(i));
}
