import { describe, expect, it } from 'vitest';
import { BLAME_WEIGHTS } from '../../../src/analysis/change-points/blame-evidence.js';
import type { DeploymentFact } from '../../../src/analysis/change-points/deployment-fact.js';
import {
  detectChangePoints,
  type ChangePoint,
} from '../../../src/analysis/change-points/detect-change-points.js';
import {
  rankDeployments,
  rankForAlert,
  type RankDeploymentsInput,
  type RankedChange,
} from '../../../src/analysis/change-points/rank-deployments.js';
import { createRandom } from '../../../src/simulation/random.js';

const MINUTE = 60_000;
const CHANGE_AT = 1_700_000_000_000;

function changePoint(overrides: Partial<ChangePoint> = {}): ChangePoint {
  return {
    khi: 'error-rate',
    atMs: CHANGE_AT,
    index: 120,
    before: 0.01,
    after: 0.041,
    relativeChange: 3.1,
    direction: 'up',
    bad: true,
    strength: 8,
    ...overrides,
  };
}

function deployment(id: string, overrides: Partial<DeploymentFact> = {}): DeploymentFact {
  return {
    id,
    service: 'checkout',
    environment: 'production',
    version: `v-${id}`,
    startedAtMs: CHANGE_AT - 5 * MINUTE,
    ...overrides,
  };
}

function rankOne(deployments: DeploymentFact[], extra: Partial<RankDeploymentsInput> = {}): RankedChange {
  const ranked = rankDeployments({
    changePoints: [changePoint()],
    deployments,
    service: 'checkout',
    dependsOn: ['payments', 'inventory'],
    ...extra,
  });
  expect(ranked).toHaveLength(1);
  return ranked[0] as RankedChange;
}

const ids = (change: RankedChange) => change.candidates.map((c) => c.deployment.id);

describe('rankDeployments: each factor', () => {
  it('ranks a same-service deployment above a dependency deployed at the same time', () => {
    const change = rankOne([deployment('dep', { service: 'payments' }), deployment('own')]);
    expect(ids(change)).toEqual(['own', 'dep']);
    expect(change.candidates[0]?.evidence[0]).toEqual({
      factor: 'same-service',
      weight: BLAME_WEIGHTS.sameService,
      detail: 'deployed to checkout itself',
    });
    expect(change.candidates[1]?.evidence[0]).toEqual({
      factor: 'dependency',
      weight: BLAME_WEIGHTS.dependency,
      detail: 'payments is a dependency of checkout',
    });
  });

  it('ranks a closer deployment above a farther one, with the time gap as evidence', () => {
    const change = rankOne([
      deployment('far', { startedAtMs: CHANGE_AT - 20 * MINUTE }),
      deployment('near', { startedAtMs: CHANGE_AT - 3 * MINUTE }),
    ]);
    expect(ids(change)).toEqual(['near', 'far']);
    const near = change.candidates[0];
    expect(near?.gapMs).toBe(3 * MINUTE);
    expect(near?.evidence.find((e) => e.factor === 'time-gap')).toEqual({
      factor: 'time-gap',
      weight: 0.9,
      detail: 'started 3 min before error-rate moved (window 30 min)',
    });
    expect(change.candidates[1]?.evidence.find((e) => e.factor === 'time-gap')?.weight).toBeCloseTo(
      1 / 3,
      12,
    );
  });

  it('orders by own verdict: rolled back on the KHI, flagged it, rolled back on another, none, inconclusive, promoted', () => {
    const verdicts: [string, DeploymentFact['verdict']][] = [
      ['promoted', { outcome: 'promote', failedKhis: [] }],
      ['none', undefined],
      ['other', { outcome: 'rollback', failedKhis: ['latency-p99'] }],
      ['flagged', { outcome: 'promote', failedKhis: ['error-rate'] }],
      ['rolled-back', { outcome: 'rollback', failedKhis: ['error-rate', 'latency-p99'] }],
    ];
    const change = rankOne(verdicts.map(([id, verdict]) => deployment(id, { verdict })));
    expect(ids(change)).toEqual(['rolled-back', 'flagged', 'other', 'none', 'promoted']);
    const own = (i: number) => change.candidates[i]?.evidence.find((e) => e.factor === 'own-verdict');
    expect(own(0)).toEqual({
      factor: 'own-verdict',
      weight: 1.5,
      detail: 'its own verification rolled back on error-rate, latency-p99',
    });
    expect(own(1)?.weight).toBe(1);
    expect(own(2)).toMatchObject({
      weight: 0.5,
      detail: 'its own verification rolled back on latency-p99, not on error-rate',
    });
    expect(own(3)).toMatchObject({
      weight: 0,
      detail: expect.stringContaining('no verdict of its own') as string,
    });
    expect(own(4)).toMatchObject({
      weight: -0.5,
      detail: 'its own verification promoted it with error-rate healthy',
    });
    const inconclusive = rankOne([
      deployment('i', { verdict: { outcome: 'inconclusive', failedKhis: [] } }),
      deployment('p', { verdict: { outcome: 'promote', failedKhis: [] } }),
      deployment('a', { verdict: { outcome: 'aborted', failedKhis: [] } }),
    ]);
    expect(ids(inconclusive)).toEqual(['a', 'i', 'p']); // a and i tie on score: id order
  });

  it('lets a dependency whose own verification rolled back on the KHI outrank a same-service release that passed', () => {
    const change = rankOne([
      deployment('own', { verdict: { outcome: 'promote', failedKhis: [] } }),
      deployment('dep', {
        service: 'payments',
        verdict: { outcome: 'rollback', failedKhis: ['error-rate'] },
      }),
    ]);
    expect(ids(change)).toEqual(['dep', 'own']);
  });

  it('never puts a dependency above a same-service deployment on service and time alone', () => {
    const change = rankOne([
      deployment('dep-at-change', { service: 'payments', startedAtMs: CHANGE_AT }),
      deployment('own-at-window-edge', { startedAtMs: CHANGE_AT - 30 * MINUTE }),
    ]);
    expect(change.candidates.map((c) => c.score)).toEqual([2, 2]);
    expect(ids(change)).toEqual(['own-at-window-edge', 'dep-at-change']);
  });

  it('counts a deployment started within the 2 min skew allowance after the change, penalised; not later ones', () => {
    const change = rankOne([
      deployment('after-1m', { startedAtMs: CHANGE_AT + MINUTE }),
      deployment('after-3m', { startedAtMs: CHANGE_AT + 3 * MINUTE }),
      deployment('before-25m', { startedAtMs: CHANGE_AT - 25 * MINUTE }),
      deployment('before-31m', { startedAtMs: CHANGE_AT - 31 * MINUTE }),
    ]);
    expect(ids(change)).toEqual(['before-25m', 'after-1m']);
    const after = change.candidates[1];
    expect(after?.gapMs).toBe(-MINUTE);
    expect(after?.evidence.find((e) => e.factor === 'after-change')).toEqual({
      factor: 'after-change',
      weight: -1.25,
      detail: 'started 1 min after error-rate moved; counted only because clocks may disagree by up to 2 min',
    });
    expect(after?.evidence.some((e) => e.factor === 'time-gap')).toBe(false);
  });

  it('counts a deployment starting less than one series step after the change as starting with it', () => {
    const SECOND = 1000;
    const change = rankOne(
      [
        deployment('before-6s', {
          startedAtMs: CHANGE_AT - 6 * SECOND,
          verdict: { outcome: 'promote', failedKhis: [] },
        }),
        deployment('after-3s', {
          startedAtMs: CHANGE_AT + 3 * SECOND,
          verdict: { outcome: 'rollback', failedKhis: ['error-rate'] },
        }),
        deployment('after-8s', { startedAtMs: CHANGE_AT + 8 * SECOND }),
      ],
      { resolutionMs: 5 * SECOND },
    );
    expect(ids(change)[0]).toBe('after-3s');
    const first = change.candidates[0];
    expect(first?.gapMs).toBe(-3 * SECOND);
    expect(first?.evidence.some((e) => e.factor === 'after-change')).toBe(false);
    expect(first?.evidence.find((e) => e.factor === 'time-gap')?.detail).toBe(
      'started 3 s after error-rate moved, within one 5 s step of the series: as good as with it',
    );
    expect(first?.explanation).toMatch(/was deployed just as error-rate rose/);
    // One step or more after the change is after it, as without a resolution.
    const late = change.candidates.find((c) => c.deployment.id === 'after-8s');
    expect(late?.evidence.some((e) => e.factor === 'after-change')).toBe(true);
    expect(() => rankOne([], { resolutionMs: -1 })).toThrow(/resolutionMs/);
  });

  it('ranks a deployment after which other KHIs also moved higher, naming them', () => {
    const latency = changePoint({
      khi: 'latency-p99',
      atMs: CHANGE_AT - 4 * MINUTE,
      before: 0.2,
      after: 0.5,
    });
    const ranked = rankDeployments({
      changePoints: [changePoint(), latency],
      deployments: [
        deployment('before-latency', { startedAtMs: CHANGE_AT - 6 * MINUTE }),
        deployment('after-latency', { startedAtMs: CHANGE_AT - 2 * MINUTE - 59_000 }),
      ],
      service: 'checkout',
      dependsOn: [],
      window: { beforeMs: 30 * MINUTE, afterMs: 0 },
    });
    const errors = ranked.find((r) => r.changePoint.khi === 'error-rate') as RankedChange;
    expect(ids(errors)).toEqual(['before-latency', 'after-latency']);
    const moved = errors.candidates[0]?.evidence.find((e) => e.factor === 'khis-moved');
    expect(moved).toEqual({
      factor: 'khis-moved',
      weight: 0.25,
      detail:
        'error-rate rose 4.1× (0.01 → 0.041); after this deployment latency-p99 also moved in the bad direction',
    });
    expect(errors.candidates[1]?.evidence.find((e) => e.factor === 'khis-moved')).toMatchObject({
      weight: 0,
      detail: 'error-rate rose 4.1× (0.01 → 0.041); no other KHI moved after this deployment',
    });
    expect(errors.candidates[0]?.explanation).toBe(
      'checkout v-before-latency was deployed 6 min before error-rate rose 4.1× (latency-p99 moved too)',
    );
  });

  it('ignores deployments of unrelated services and, when asked, of other environments', () => {
    const change = rankOne(
      [
        deployment('unrelated', { service: 'search' }),
        deployment('staging', { environment: 'staging' }),
        deployment('prod'),
      ],
      { environment: 'production' },
    );
    expect(ids(change)).toEqual(['prod']);
  });

  it('ranks only bad change points, strongest first, and explains an empty window', () => {
    const ranked = rankDeployments({
      changePoints: [
        changePoint({ khi: 'throughput', bad: false, strength: 20 }),
        changePoint({
          khi: 'latency-p99',
          strength: 3,
          atMs: CHANGE_AT + 60 * MINUTE,
          before: 0.2,
          after: 0.26,
        }),
        changePoint({ strength: 9 }),
      ],
      deployments: [deployment('a')],
      service: 'checkout',
      dependsOn: ['payments'],
    });
    expect(ranked.map((r) => r.changePoint.khi)).toEqual(['error-rate', 'latency-p99']);
    expect(ranked[1]?.candidates).toEqual([]);
    expect(ranked[1]?.reason).toBe(
      "checkout's latency-p99 rose 30%: no deployment of checkout or its dependencies (payments) started between 30 min before and 2 min after",
    );
    expect(ranked[0]?.reason).toBe(
      "checkout's error-rate rose 4.1×: 1 suspect between 30 min before and 2 min after; most likely checkout v-a was deployed 5 min before error-rate rose 4.1×",
    );
  });

  it('breaks ties deterministically, whatever the input order', () => {
    const twins = [
      deployment('b'),
      deployment('a'),
      deployment('c', { startedAtMs: CHANGE_AT - 5 * MINUTE }),
    ];
    const forward = rankOne(twins);
    const backward = rankOne([...twins].reverse());
    expect(ids(forward)).toEqual(['a', 'b', 'c']);
    expect(backward).toEqual(forward);
    expect(forward.candidates.map((c) => c.rank)).toEqual([1, 2, 3]);
  });

  it('scores are the rounded sum of the evidence weights', () => {
    const change = rankOne([
      deployment('x', {
        startedAtMs: CHANGE_AT - 7 * MINUTE,
        verdict: { outcome: 'rollback', failedKhis: ['error-rate'] },
      }),
    ]);
    const [x] = change.candidates;
    expect(x?.evidence.map((e) => e.factor)).toEqual([
      'same-service',
      'time-gap',
      'khis-moved',
      'own-verdict',
    ]);
    expect(x?.score).toBe(Math.round((2 + (1 - 7 / 30) + 0 + 1.5) * 1e6) / 1e6);
  });
});

describe('rankDeployments: explanations', () => {
  it.each<[string, DeploymentFact, string]>([
    [
      'a same-service rollback on the KHI',
      deployment('1', {
        version: 'v2.4.1',
        startedAtMs: CHANGE_AT - 3 * MINUTE,
        verdict: { outcome: 'rollback', failedKhis: ['error-rate'] },
      }),
      'checkout v2.4.1 was deployed 3 min before error-rate rose 4.1× and its own verification rolled back on error-rate',
    ],
    [
      'a dependency that promoted',
      deployment('2', {
        service: 'payments',
        version: 'v1.8.0',
        startedAtMs: CHANGE_AT - 12 * MINUTE,
        verdict: { outcome: 'promote', failedKhis: [] },
      }),
      "payments v1.8.0 (a dependency of checkout) was deployed 12 min before checkout's error-rate rose 4.1× but its own verification promoted it",
    ],
    [
      'a deployment inside the clock-skew allowance',
      deployment('3', { version: 'v2.4.2', startedAtMs: CHANGE_AT + 40_000 }),
      'checkout v2.4.2 was deployed 40 s after error-rate rose 4.1× (inside the 2 min clock-skew allowance)',
    ],
    [
      'a deployment at the change, inconclusive',
      deployment('4', {
        version: 'v9',
        startedAtMs: CHANGE_AT,
        verdict: { outcome: 'inconclusive', failedKhis: [] },
      }),
      'checkout v9 was deployed just as error-rate rose 4.1× and its own verification was inconclusive',
    ],
    [
      'a rollback on another KHI',
      deployment('5', {
        version: 'v3',
        startedAtMs: CHANGE_AT - 90 * 60_000,
        verdict: { outcome: 'rollback', failedKhis: ['latency-p99'] },
      }),
      'checkout v3 was deployed 1 h 30 min before error-rate rose 4.1× and its own verification rolled back on latency-p99',
    ],
  ])('explains %s in one sentence', (_label, fact, sentence) => {
    const change = rankOne([fact], { window: { beforeMs: 2 * 60 * MINUTE, afterMs: 2 * MINUTE } });
    expect(change.candidates[0]?.explanation).toBe(sentence);
  });

  it('describes a fall in percent and levels crossing zero with both values', () => {
    const fall = rankDeployments({
      changePoints: [changePoint({ khi: 'throughput', before: 1200, after: 450, direction: 'down' })],
      deployments: [deployment('x', { version: 'v1' })],
      service: 'checkout',
      dependsOn: [],
    });
    expect(fall[0]?.candidates[0]?.explanation).toBe(
      'checkout v1 was deployed 5 min before throughput fell 63%',
    );
    const crossing = rankDeployments({
      changePoints: [changePoint({ khi: 'margin', before: -2, after: 3 })],
      deployments: [deployment('x', { version: 'v1' })],
      service: 'checkout',
      dependsOn: [],
    });
    expect(crossing[0]?.candidates[0]?.explanation).toBe(
      'checkout v1 was deployed 5 min before margin rose from -2 to 3',
    );
  });
});

describe('rankForAlert', () => {
  const alertAt = CHANGE_AT;

  it('ranks by service, time gap and own verdict, and explains with the alert name', () => {
    const ranked = rankForAlert({
      alertStartsAtMs: alertAt,
      alertName: 'HighErrorRate',
      service: 'checkout',
      dependsOn: ['payments'],
      deployments: [
        deployment('dep', { service: 'payments', version: 'v1.8.0', startedAtMs: alertAt - 2 * MINUTE }),
        deployment('own', {
          version: 'v2.4.1',
          startedAtMs: alertAt - 3 * MINUTE,
          verdict: { outcome: 'rollback', failedKhis: ['error-rate'] },
        }),
        deployment('unrelated', { service: 'search', startedAtMs: alertAt - MINUTE }),
      ],
    });
    expect(ranked.candidates.map((c) => c.deployment.id)).toEqual(['own', 'dep']);
    expect(ranked.candidates[0]?.explanation).toBe(
      'checkout v2.4.1 was deployed 3 min before the alert HighErrorRate fired and its own verification rolled back on error-rate',
    );
    expect(ranked.candidates[0]?.evidence.map((e) => [e.factor, e.weight])).toEqual([
      ['same-service', 2],
      ['time-gap', 0.9],
      ['own-verdict', 1],
    ]);
    expect(ranked.candidates[1]?.explanation).toBe(
      'payments v1.8.0 (a dependency of checkout) was deployed 2 min before the alert HighErrorRate fired',
    );
    expect(ranked.reason).toMatch(
      /^the alert HighErrorRate fired for checkout: 2 suspects between 30 min before/,
    );
  });

  it('without a service, considers every deployment in the window and ranks by time and verdict', () => {
    const ranked = rankForAlert({
      alertStartsAtMs: alertAt,
      deployments: [
        deployment('near', { service: 'search', startedAtMs: alertAt - MINUTE }),
        deployment('failed', {
          service: 'payments',
          startedAtMs: alertAt - 10 * MINUTE,
          verdict: { outcome: 'promote', failedKhis: ['latency-p99'] },
        }),
        deployment('outside', { startedAtMs: alertAt - 40 * MINUTE }),
      ],
    });
    expect(ranked.candidates.map((c) => c.deployment.id)).toEqual(['failed', 'near']);
    expect(ranked.candidates[0]?.evidence.map((e) => e.factor)).toEqual(['time-gap', 'own-verdict']);
    expect(ranked.candidates[0]?.explanation).toBe(
      'payments v-failed was deployed 10 min before the alert fired and its own verification flagged latency-p99 (verdict promote)',
    );
  });

  it('explains an empty window', () => {
    const ranked = rankForAlert({
      alertStartsAtMs: alertAt,
      service: 'checkout',
      dependsOn: [],
      deployments: [],
    });
    expect(ranked.candidates).toEqual([]);
    expect(ranked.reason).toBe(
      'the alert fired for checkout: no deployment of checkout started between 30 min before and 2 min after',
    );
  });
});

describe('ranking input checks', () => {
  const base: RankDeploymentsInput = {
    changePoints: [changePoint()],
    deployments: [deployment('a')],
    service: 'checkout',
    dependsOn: [],
  };
  it.each<[string, Partial<RankDeploymentsInput>, string]>([
    ['a negative window', { window: { beforeMs: -1, afterMs: 0 } }, 'window.beforeMs'],
    ['a NaN skew allowance', { window: { beforeMs: 1, afterMs: Number.NaN } }, 'window.afterMs'],
    ['an empty service', { service: '' }, 'service'],
    ['dependsOn that is not a list', { dependsOn: 'payments' as unknown as string[] }, 'dependsOn'],
    [
      'a deployment without a start',
      { deployments: [deployment('a'), { ...deployment('b'), startedAtMs: Number.NaN }] },
      'deployments[1].startedAtMs',
    ],
    ['a deployment without an id', { deployments: [{ ...deployment('a'), id: '' }] }, 'deployments[0].id'],
    [
      'an unknown verdict',
      { deployments: [deployment('a', { verdict: { outcome: 'pass' as 'promote', failedKhis: [] } })] },
      'deployments[0].verdict.outcome',
    ],
    [
      'failed KHIs that are not names',
      {
        deployments: [
          deployment('a', { verdict: { outcome: 'rollback', failedKhis: [3 as unknown as string] } }),
        ],
      },
      'deployments[0].verdict.failedKhis',
    ],
    [
      'a change point without a time',
      { changePoints: [changePoint({ atMs: Number.POSITIVE_INFINITY })] },
      'changePoints[0].atMs',
    ],
  ])('throws a CorrelationInputError naming the field for %s', (_label, overrides, field) => {
    expect(() => rankDeployments({ ...base, ...overrides })).toThrow(
      expect.objectContaining({ code: 'INVALID_CORRELATION_INPUT', field }) as Error,
    );
  });

  it('checks the alert time and window of rankForAlert', () => {
    expect(() => rankForAlert({ alertStartsAtMs: Number.NaN, deployments: [] })).toThrow(
      expect.objectContaining({ field: 'alertStartsAtMs' }) as Error,
    );
    expect(() =>
      rankForAlert({ alertStartsAtMs: 0, deployments: [], window: { beforeMs: 1, afterMs: -5 } }),
    ).toThrow(expect.objectContaining({ field: 'window.afterMs' }) as Error);
  });

  it('accepts a zero window: only a deployment at the change itself', () => {
    const change = rankOne([deployment('at', { startedAtMs: CHANGE_AT }), deployment('before')], {
      window: { beforeMs: 0, afterMs: 0 },
    });
    expect(ids(change)).toEqual(['at']);
    expect(change.candidates[0]?.evidence.find((e) => e.factor === 'time-gap')?.weight).toBe(1);
  });
});

describe('detectChangePoints then rankDeployments', () => {
  it('blames the release after which the error rate tripled, not an earlier healthy one or a dependency', () => {
    const random = createRandom(20_260_806);
    const startMs = CHANGE_AT - 120 * MINUTE;
    const points = Array.from({ length: 180 }, (_, i) => ({
      t: startMs + i * MINUTE,
      value: random.poisson(i < 120 ? 10 : 30) / 1000,
    }));
    const result = detectChangePoints({ khi: 'error-rate', direction: 'increase', points });
    if (result.kind !== 'change-points') throw new Error(result.reason);
    const ranked = rankDeployments({
      changePoints: result.changePoints,
      service: 'checkout',
      dependsOn: ['payments'],
      deployments: [
        deployment('healthy', {
          version: 'v2.4.0',
          startedAtMs: CHANGE_AT - 60 * MINUTE,
          verdict: { outcome: 'promote', failedKhis: [] },
        }),
        deployment('culprit', {
          version: 'v2.4.1',
          startedAtMs: CHANGE_AT - 4 * MINUTE,
          verdict: { outcome: 'rollback', failedKhis: ['error-rate'] },
        }),
        deployment('dependency', {
          service: 'payments',
          version: 'v1.8.0',
          startedAtMs: CHANGE_AT - 8 * MINUTE,
        }),
      ],
    });
    const top = ranked[0];
    expect(Math.abs((top?.changePoint.atMs ?? 0) - CHANGE_AT)).toBeLessThanOrEqual(2 * MINUTE);
    expect(top?.candidates.map((c) => c.deployment.id)).toEqual(['culprit', 'dependency']);
    expect(top?.candidates[0]?.explanation).toMatch(
      /^checkout v2\.4\.1 was deployed [2-6] min before error-rate rose [23]\.\d× and its own verification rolled back on error-rate$/,
    );
  });
});
