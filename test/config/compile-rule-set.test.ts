import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/config/compile-rule-set.js';
import { loadRuleSetFile, parseRuleSetText } from '../../src/config/load-rule-set.js';
import { RuleSetError } from '../../src/config/rule-set-error.js';

function validDocument(): Record<string, unknown> {
  return {
    name: 'web-service',
    analysis: { interval: '60s', minIntervals: 3, maxIntervals: 10, alpha: 0.01 },
    scoring: { pass: 95, marginal: 75 },
    khis: [
      { name: 'error-rate', kind: 'ratio', direction: 'increase', critical: true },
      { name: 'latency', kind: 'distribution', direction: 'increase' },
      { name: 'cpu', kind: 'gauge', direction: 'increase' },
    ],
  };
}

function issuesOf(document: unknown): string[] {
  try {
    compileRuleSet(document, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSetError);
    return (error as RuleSetError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected the rule set to be rejected');
}

function withKhi(index: number, patch: Record<string, unknown>): Record<string, unknown> {
  const document = validDocument();
  const khis = document['khis'] as Record<string, unknown>[];
  khis[index] = { ...khis[index], ...patch };
  return document;
}

describe('compileRuleSet', () => {
  it('fills defaults: auto picks the test for the kind, group defaults to the name', () => {
    const ruleSet = compileRuleSet(validDocument(), 'test.yaml');
    expect(ruleSet.khis.map((khi) => khi.test)).toEqual(['poisson', 'mann-whitney', 'mann-whitney']);
    expect(ruleSet.khis[0]).toMatchObject({
      requestedTest: 'auto',
      group: 'error-rate',
      weight: 1,
      alphaWeight: 1,
      critical: true,
      minSamples: 1000,
      tolerance: { relative: 0, absolute: 0 },
    });
    expect(ruleSet.khis[1]?.minSamples).toBe(50);
    expect(ruleSet.analysis).toEqual({
      intervalSeconds: 60,
      minIntervals: 3,
      maxIntervals: 10,
      alpha: 0.01,
      multipleComparisons: 'holm',
      spending: { function: 'kim-demets', rho: 1.5 },
      power: 0.8,
      cautionAlpha: 0.05,
    });
  });

  it('takes the spending function, keeps rho only for kim-demets, and rejects rho elsewhere', () => {
    const withSpending = (spending: unknown) => {
      const document = validDocument();
      (document['analysis'] as Record<string, unknown>)['spending'] = spending;
      return document;
    };
    expect(compileRuleSet(withSpending({ function: 'pocock' }), 't.yaml').analysis.spending).toEqual({
      function: 'pocock',
    });
    expect(
      compileRuleSet(withSpending({ function: 'kim-demets', rho: 3 }), 't.yaml').analysis.spending,
    ).toEqual({ function: 'kim-demets', rho: 3 });
    expect(issuesOf(withSpending({ function: 'obrien-fleming', rho: 2 }))).toEqual([
      'analysis.spending.rho: only applies with function: kim-demets',
    ]);
    expect(issuesOf(withSpending({ function: 'linear' }))[0]).toMatch(/^analysis\.spending\.function: /);
    expect(issuesOf(withSpending({ function: 'kim-demets', rho: 0 }))[0]).toMatch(
      /^analysis\.spending\.rho: /,
    );
  });

  it('takes alphaWeight per KHI and rejects a non-positive one', () => {
    expect(compileRuleSet(withKhi(0, { alphaWeight: 8 }), 't.yaml').khis[0]?.alphaWeight).toBe(8);
    expect(issuesOf(withKhi(1, { alphaWeight: 0 }))[0]).toMatch(/^khis\[1\]\.alphaWeight: /);
  });

  it('returns a frozen rule set', () => {
    const ruleSet = compileRuleSet(validDocument(), 'test.yaml');
    expect(Object.isFrozen(ruleSet)).toBe(true);
    expect(Object.isFrozen(ruleSet.khis[0]?.tolerance)).toBe(true);
  });

  it('fills Kayenta defaults, with 0.5 effect-size bounds for cles', () => {
    const ruleSet = compileRuleSet(
      withKhi(1, { test: 'kayenta', kayenta: { effectSize: { measure: 'cles' } } }),
      'test.yaml',
    );
    expect(ruleSet.khis[1]?.kayenta).toMatchObject({
      confidence: 0.98,
      tolerance: 0.25,
      direction: 'increase',
      effectSize: { measure: 'cles', allowedIncrease: 0.5, criticalIncrease: 0.5 },
      outliers: { strategy: 'keep', outlierFactor: 3 },
    });
  });

  it.each([
    [
      'a bad enum',
      withKhi(2, { direction: 'up' }),
      'khis[2].direction: must be one of increase, decrease, either',
    ],
    [
      'an unknown KHI key',
      withKhi(0, { treshold: 3 }),
      'khis[0].treshold: unknown key (not part of the schema)',
    ],
    [
      'an unknown top-level key',
      { ...validDocument(), rulez: 1 },
      'rulez: unknown key (not part of the schema)',
    ],
    ['a missing field', withKhi(1, { kind: undefined }), 'khis[1].kind: is required'],
    ['a wrong type', withKhi(0, { critical: 'yes' }), 'khis[0].critical: must be a boolean'],
    [
      'a bad duration',
      {
        ...validDocument(),
        analysis: { interval: '60 seconds', minIntervals: 3, maxIntervals: 10, alpha: 0.01 },
      },
      'analysis.interval: must match',
    ],
    [
      'alpha out of range',
      { ...validDocument(), analysis: { interval: '60s', minIntervals: 3, maxIntervals: 10, alpha: 1 } },
      'analysis.alpha: must be < 1',
    ],
    [
      'minIntervals above maxIntervals',
      { ...validDocument(), analysis: { interval: '60s', minIntervals: 12, maxIntervals: 10, alpha: 0.01 } },
      'analysis.minIntervals: must be <= analysis.maxIntervals (10)',
    ],
    [
      'marginal above pass',
      { ...validDocument(), scoring: { pass: 70, marginal: 80 } },
      'scoring.marginal: must be <= scoring.pass (70)',
    ],
    [
      'a duplicate KHI name',
      withKhi(2, { name: 'latency' }),
      'khis[2].name: duplicates khis[1].name "latency"',
    ],
    [
      'a test that does not fit the kind',
      withKhi(0, { test: 'mann-whitney' }),
      'khis[0].test: mann-whitney does not apply to ratio KHIs (use auto, poisson, msprt, fisher, kayenta)',
    ],
    [
      'kayenta options without test kayenta',
      withKhi(1, { kayenta: { confidence: 0.9 } }),
      'khis[1].kayenta: only applies with test: kayenta',
    ],
    [
      'an SLO rate above 1',
      withKhi(0, { slo: { max: 5 } }),
      'khis[0].slo.max: must be a rate between 0 and 1 for ratio KHIs',
    ],
    ['an SLO without bounds', withKhi(1, { slo: {} }), 'khis[1].slo: needs max or min'],
    [
      'a query field of another kind',
      withKhi(1, { query: { histogram: 'x', events: 'y' } }),
      'khis[1].query.events: does not apply to distribution KHIs (use histogram)',
    ],
    [
      'a missing query field',
      withKhi(0, { query: { events: 'x' } }),
      'khis[0].query.total: is required for ratio KHIs',
    ],
    [
      'nanStrategy on a ratio',
      withKhi(0, { nanStrategy: 'replace' }),
      'khis[0].nanStrategy: applies to distribution and gauge KHIs only (ratios are counts)',
    ],
    ['a negative weight', withKhi(0, { weight: -1 }), 'khis[0].weight: must be > 0'],
    ['no KHIs', { ...validDocument(), khis: [] }, 'khis: must have at least 1 item(s)'],
    [
      'too many KHIs',
      {
        ...validDocument(),
        khis: Array.from({ length: 501 }, (_, i) => ({
          name: `k${i}`,
          kind: 'ratio',
          direction: 'increase',
        })),
      },
      'khis: must have at most 500 item(s)',
    ],
    ['a document that is not an object', 'just text', '(root): must be an object'],
  ])('rejects %s, naming the path', (_case, document, expected) => {
    expect(issuesOf(document).some((issue) => issue.startsWith(expected))).toBe(true);
  });

  it('lists every problem at once', () => {
    const document = withKhi(0, { direction: 'up', weight: 0 });
    (document['khis'] as Record<string, unknown>[]).push({
      name: 'latency',
      kind: 'distribution',
      direction: 'increase',
    });
    expect(issuesOf(document).length).toBeGreaterThanOrEqual(2);
  });
});

describe('parseRuleSetText', () => {
  it('names the line of a YAML syntax error', () => {
    expect(() => parseRuleSetText('name: x\nanalysis: [unclosed\n', 'bad.yaml')).toThrowError(
      /bad\.yaml[\s\S]*line \d+/,
    );
  });

  it('rejects duplicate keys instead of keeping the last one', () => {
    const text = 'name: a\nname: b\n';
    expect(() => parseRuleSetText(text, 'dup.yaml')).toThrowError(RuleSetError);
  });

  it('records the SHA-256 of the text', () => {
    const text = JSON.stringify(validDocument());
    expect(parseRuleSetText(text, 'x.json').sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('shipped rule sets', () => {
  it('every file in rules/ compiles', async () => {
    const files = (await readdir('rules')).filter((name) => /\.ya?ml$/.test(name));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { ruleSet } = await loadRuleSetFile(`rules/${file}`);
      expect(ruleSet.khis.length).toBeGreaterThan(0);
    }
  });
});

describe('compileRuleSet: journey KHIs', () => {
  const journey = (patch: Record<string, unknown> = {}) => {
    const document = validDocument();
    (document['khis'] as Record<string, unknown>[]).push({
      name: 'checkout',
      kind: 'journey',
      direction: 'increase',
      critical: true,
      probe: 'checkout',
      ...patch,
    });
    return document;
  };

  it('compiles into a success ratio and a duration distribution sharing the probe', () => {
    const ruleSet = compileRuleSet(journey({ runsPerInterval: 4 }), 'j.yaml');
    const success = ruleSet.khis.find((khi) => khi.name === 'checkout');
    const duration = ruleSet.khis.find((khi) => khi.name === 'checkout.duration');
    expect(success).toMatchObject({
      kind: 'ratio',
      test: 'poisson',
      critical: true,
      tolerance: { relative: 0, absolute: 0.2 },
      minSamples: 10,
      journey: { probe: 'checkout', runsPerInterval: 4, measure: 'success' },
    });
    expect(duration).toMatchObject({
      kind: 'distribution',
      test: 'mann-whitney',
      critical: false,
      tolerance: { relative: 0.2, absolute: 0 },
      detect: { relative: 0.5 },
      journey: { probe: 'checkout', runsPerInterval: 4, measure: 'duration' },
    });
  });

  it('yields only what is asked, with 10 runs per interval by default', () => {
    const ruleSet = compileRuleSet(journey({ yields: ['success'] }), 'j.yaml');
    expect(ruleSet.khis.map((khi) => khi.name)).toEqual(['error-rate', 'latency', 'cpu', 'checkout']);
    expect(ruleSet.khis[3]?.journey?.runsPerInterval).toBe(10);
  });

  it('names every misuse: no probe, a query, a test, journey fields on other kinds, name clashes', () => {
    expect(issuesOf(journey({ probe: undefined }))).toEqual(['khis[3].probe: is required for journey KHIs']);
    expect(issuesOf(journey({ query: { events: 'x', total: 'y' } }))).toEqual([
      'khis[3].query: does not apply to journey KHIs (the probe is the query)',
    ]);
    expect(issuesOf(journey({ test: 'fisher' }))[0]).toMatch(/^khis\[3\]\.test: must be auto for journey/);
    expect(issuesOf(journey({ yields: [] }))[0]).toMatch(/^khis\[3\]\.yields: /);
    expect(issuesOf(journey({ yields: ['speed'] }))[0]).toMatch(
      /^khis\[3\]\.yields\/0|^khis\[3\]\.yields\[0\]: /,
    );
    expect(issuesOf(journey({ runsPerInterval: 0 }))[0]).toMatch(/^khis\[3\]\.runsPerInterval: /);
    expect(issuesOf(withKhi(0, { probe: 'checkout' }))).toEqual([
      'khis[0].probe: only applies to journey KHIs',
    ]);
    const clash = journey();
    (clash['khis'] as Record<string, unknown>[]).push({
      name: 'checkout.duration',
      kind: 'gauge',
      direction: 'increase',
    });
    expect(issuesOf(clash)).toEqual(['khis[4].name: duplicates khis[3].name "checkout.duration"']);
  });
});

describe('compileRuleSet: trace KHIs', () => {
  const traced = (patch: Record<string, unknown> = {}) => {
    const document = validDocument();
    (document['khis'] as Record<string, unknown>[]).push({
      name: 'operations',
      kind: 'trace',
      direction: 'increase',
      critical: true,
      ...patch,
    });
    return document;
  };

  it('compiles into four families over server spans, the rule owning the errors family', () => {
    const ruleSet = compileRuleSet(traced({ alphaWeight: 4 }), 't.yaml');
    const families = ruleSet.khis.filter((khi) => khi.trace !== undefined);
    expect(families.map((khi) => [khi.name, khi.kind, khi.test, khi.critical])).toEqual([
      ['operations', 'ratio', 'poisson', true],
      ['operations.latency', 'distribution', 'mann-whitney', false],
      ['operations.new-errors', 'ratio', 'poisson', true],
      ['operations.new-operations', 'ratio', 'poisson', false],
    ]);
    expect(families[0]).toMatchObject({
      alphaWeight: 4,
      tolerance: { relative: 0.5, absolute: 0.01 },
      detect: { relative: 2 },
      minSamples: 200,
      trace: { measure: 'errors', spanKinds: ['server'], minOperationSpans: 200, healthyReleases: 3 },
    });
    expect(families[0]?.trace?.service).toBeUndefined();
    expect(families[2]).toMatchObject({ tolerance: { relative: 0, absolute: 0.001 }, minSamples: 200 });
    expect(families[1]).toMatchObject({
      tolerance: { relative: 0.1 },
      detect: { relative: 0.25 },
      minSamples: 50,
    });
  });

  it('takes the service, span kinds, yields and minOperationSpans; report keeps new errors out of the verdict', () => {
    const ruleSet = compileRuleSet(
      traced({
        service: 'payments',
        spanKinds: ['server', 'consumer'],
        yields: ['errors', 'new-errors'],
        newErrors: 'report',
        minOperationSpans: 50,
        tolerance: { relative: 0.1, absolute: 0.002 },
      }),
      't.yaml',
    );
    const families = ruleSet.khis.filter((khi) => khi.trace !== undefined);
    expect(families).toHaveLength(1);
    expect(families[0]).toMatchObject({
      name: 'operations',
      tolerance: { relative: 0.1, absolute: 0.002 },
      minSamples: 50,
      trace: {
        measure: 'errors',
        service: 'payments',
        spanKinds: ['server', 'consumer'],
        minOperationSpans: 50,
      },
    });
  });

  it('names every misuse of a trace KHI', () => {
    expect(issuesOf(traced({ direction: 'decrease' }))).toEqual([
      'khis[3].direction: must be increase for trace KHIs (more errors, slower spans)',
    ]);
    expect(issuesOf(traced({ query: { events: 'x', total: 'y' } }))).toEqual([
      'khis[3].query: does not apply to trace KHIs (spans are the data)',
    ]);
    expect(issuesOf(traced({ test: 'fisher' }))[0]).toMatch(/^khis\[3\]\.test: must be auto for trace KHIs/);
    expect(issuesOf(traced({ yields: ['duration'] }))).toEqual([
      'khis[3].yields[0]: duration is not something a trace KHI yields (use errors, latency, new-errors, new-operations)',
    ]);
    expect(issuesOf(traced({ spanKinds: ['sever'] }))[0]).toMatch(
      /^khis\[3\]\.spanKinds\/0|^khis\[3\]\.spanKinds\[0\]: /,
    );
    expect(issuesOf(traced({ probe: 'checkout' }))).toEqual(['khis[3].probe: only applies to journey KHIs']);
    expect(issuesOf(traced({ yields: ['new-errors'], newErrors: 'report' }))).toEqual([
      'khis[3].newErrors: report leaves nothing to judge when new-errors is all the KHI yields',
    ]);
    expect(issuesOf(withKhi(0, { spanKinds: ['server'] }))).toEqual([
      'khis[0].spanKinds: only applies to trace KHIs',
    ]);
    expect(issuesOf(withKhi(0, { healthyReleases: 2 }))).toEqual([
      'khis[0].healthyReleases: only applies to trace KHIs',
    ]);
    expect(issuesOf(traced({ healthyReleases: 21 }))[0]).toMatch(/^khis\[3\]\.healthyReleases: /);
    expect(issuesOf(withKhi(0, { yields: ['errors'] }))).toEqual([
      'khis[0].yields: only applies to journey and trace KHIs',
    ]);
    const clash = traced();
    (clash['khis'] as Record<string, unknown>[]).push({
      name: 'operations.latency',
      kind: 'gauge',
      direction: 'increase',
    });
    expect(issuesOf(clash)).toEqual(['khis[4].name: duplicates khis[3].name "operations.latency"']);
  });
});
