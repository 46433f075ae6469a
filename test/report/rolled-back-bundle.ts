/**
 * A realistic evidence bundle for the report tests: checkout v2.4.1 rolled back against v2.4.0 —
 * its error rate rose ×12 (critical, fails), latency unchanged (passes), the checkout journey
 * broke at "check out" in 7 of 10 canary runs, and a new TypeError showed in its traces with an
 * exemplar. Judged by the real judge interval by interval, written in the bundle layout the
 * daemon writes (store/artifacts/bundle-layout.ts).
 */
import { initialJudgeState, judgeInterval, type Judgement } from '../../src/analysis/judge/judge-interval.js';
import type { IntervalObservations } from '../../src/analysis/observations.js';
import { parseRuleSetText } from '../../src/config/load-rule-set.js';
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.js';
import { BUNDLE_FILES, stepFilePath } from '../../src/store/artifacts/bundle-layout.js';
import type { JourneyEvidence } from '../../src/verification/gather-journeys.js';
import type { TraceEvidence } from '../../src/verification/gather-traces.js';
import type { Verdict, Verification } from '../../src/verification/verification.js';

/** A 1×1 PNG: the smallest valid screenshot. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export const RULES = `
schemaVersion: 1
name: checkout-web
analysis: { interval: 60s, minIntervals: 3, maxIntervals: 10, alpha: 0.01 }
scoring: { pass: 95, marginal: 75 }
khis:
  - name: error-rate
    description: Share of requests answered with a 5xx status.
    kind: ratio
    direction: increase
    critical: true
    weight: 3
    tolerance: { relative: 0.2, absolute: 0.0005 }
    minSamples: 1000
    query: { events: 'sum(errors)', total: 'sum(requests)' }
  - name: latency-seconds
    description: Request duration in seconds, every request.
    kind: distribution
    direction: increase
    critical: true
    weight: 2
    tolerance: { relative: 0.05 }
    minSamples: 200
    query: { histogram: 'sum by (le) (durations_bucket)' }
  - name: checkout
    kind: journey
    direction: increase
    critical: true
    probe: checkout
    runsPerInterval: 10
    yields: [success]
  - name: operations
    kind: trace
    direction: increase
    critical: true
    yields: [new-errors]
`;

export const SIGNATURE = 'TypeError: Cannot read properties of undefined (reading <quoted>)';
export const EXEMPLAR_PATH = 'traces/operations/new-error-5f1d2c3b4a596877.json';

export const MARKER: Verification['marker'] = {
  id: 'checkout-2-4-1',
  service: 'checkout',
  environment: 'production',
  version: 'v2.4.1',
  baselineVersion: 'v2.4.0',
  strategy: 'canary',
  ruleSet: 'checkout-web',
  startedAt: '2025-06-02T10:00:00.000Z',
  canary: { labels: { version: 'v2.4.1' }, url: 'http://canary.checkout.internal' },
  baseline: { labels: { version: 'v2.4.0' }, url: 'http://baseline.checkout.internal' },
};

export interface WrittenBundle {
  readonly deploymentId: string;
  readonly verdict: Verdict;
  readonly verification: Verification;
  readonly judgements: readonly Judgement[];
}

/** Writes the bundle into `store`; `screenshot` is each failed run's screenshot.png. */
export async function writeRolledBackBundle(
  store: ArtifactStore,
  options: { readonly screenshot?: Uint8Array; readonly withDecisionLog?: boolean } = {},
): Promise<WrittenBundle> {
  const id = MARKER.id;
  const loaded = parseRuleSetText(RULES, 'checkout-web.yaml');
  const put = (path: string, value: unknown) =>
    store.put(id, path, new TextEncoder().encode(JSON.stringify(value, null, 2)));
  await put(BUNDLE_FILES.marker, MARKER);
  await put(BUNDLE_FILES.ruleSetApplied, {
    name: 'checkout-web',
    sha256: loaded.sha256,
    ruleSet: loaded.ruleSet,
  });
  let state = initialJudgeState(loaded.ruleSet);
  const judgements: Judgement[] = [];
  const evidence = new Map<string, string[]>();
  const random = seeded(42);
  for (let interval = 1; interval <= 10; interval += 1) {
    const journeys = journeyEvidence(interval);
    for (const journey of journeys)
      for (const result of journey.results)
        for (const artifact of result.artifacts) {
          await store.put(
            id,
            artifact.path,
            artifact.path.endsWith('.png')
              ? (options.screenshot ?? TINY_PNG)
              : new TextEncoder().encode('{}'),
          );
          evidence.set('checkout', [...(evidence.get('checkout') ?? []), artifact.path]);
        }
    if (interval > 1) evidence.set(`operations.new-errors[${SIGNATURE}]`, [EXEMPLAR_PATH]);
    const observations: IntervalObservations = {
      khis: {
        'error-rate': {
          baseline: { events: 8 + (interval % 2), total: 2000 },
          canary: { events: [14, 22, 34, 42, 46][interval - 1] ?? 46, total: 2000 },
        },
        'latency-seconds': {
          baseline: { values: latencies(random, 400, 0.12) },
          canary: { values: latencies(random, 400, 0.12) },
        },
        checkout: { baseline: { events: 0, total: 10 }, canary: { events: 3, total: 10 } },
        // The new error shows from the second interval on.
        ...(interval > 1 && {
          [`operations.new-errors[${SIGNATURE}]`]: {
            baseline: { events: 0, total: 1800 },
            canary: { events: 3, total: 1800 },
          },
        }),
      },
    };
    const step = judgeInterval(loaded.ruleSet, state, observations);
    state = step.state;
    const judgement: Judgement = {
      ...step.judgement,
      khis: step.judgement.khis.map((khi) =>
        evidence.has(khi.name) ? { ...khi, evidence: evidence.get(khi.name) ?? [] } : khi,
      ),
    };
    judgements.push(judgement);
    await put(stepFilePath(interval, 'observations'), observations);
    await put(stepFilePath(interval, 'judgement'), judgement);
    await put(stepFilePath(interval, 'journeys'), journeys);
    await put(stepFilePath(interval, 'traces'), traceEvidence(interval));
    if (judgement.decision.outcome !== 'continue') break;
  }
  const last = judgements[judgements.length - 1] as Judgement;
  await store.put(id, EXEMPLAR_PATH, new TextEncoder().encode(JSON.stringify(EXEMPLAR)));
  const verdict: Verdict = {
    outcome: last.decision.outcome === 'continue' ? 'inconclusive' : last.decision.outcome,
    decidedAt: '2025-06-02T10:03:05.000Z',
    decidedAtInterval: last.interval,
    score: last.score,
    khis: last.khis,
    reasons: last.decision.reasons,
    artifacts: { manifestSha256: 'a'.repeat(64), files: 20, bytes: 40_000, complete: true, problems: [] },
  };
  if (options.withDecisionLog !== false)
    await put(BUNDLE_FILES.decisionLog, {
      deploymentId: id,
      steps: judgements.map((judgement) => ({
        interval: judgement.interval,
        recordedAt: `2025-06-02T10:0${judgement.interval}:05.000Z`,
        score: judgement.score,
        outcome: judgement.decision.outcome,
        reasons: judgement.decision.reasons,
        failures: {},
      })),
      verdict,
    });
  const verification: Verification = {
    id,
    marker: MARKER,
    markerSha256: 'b'.repeat(64),
    ruleSetSha256: loaded.sha256,
    plan: { intervalSeconds: 60, minIntervals: 3, maxIntervals: 10 },
    status: verdict.outcome,
    createdAt: MARKER.startedAt,
    updatedAt: verdict.decidedAt,
    intervalsJudged: last.interval,
    failedSteps: 0,
    lastJudgement: last,
    verdict,
  };
  return { deploymentId: id, verdict, verification, judgements };
}

function journeyEvidence(interval: number): JourneyEvidence[] {
  const failedRun = (run: number) => {
    const folder = `journeys/interval-${interval}/canary/checkout-${run}`;
    return {
      probe: 'checkout',
      baseUrl: MARKER.canary.url as string,
      outcome: 'fail' as const,
      reason: 'step "check out" failed: expected "Order confirmed", got "Something went wrong (500)"',
      failedStep: 'check out',
      startedAt: `2025-06-02T10:0${interval - 1}:1${run}.000Z`,
      durationMs: 2400,
      steps: [
        { name: 'browse products', status: 'passed' as const, durationMs: 800 },
        { name: 'add to cart', status: 'passed' as const, durationMs: 600 },
        {
          name: 'check out',
          status: 'failed' as const,
          durationMs: 1000,
          error: 'expected "Order confirmed"',
        },
      ],
      consoleErrors: ['Failed to load resource: the server responded with a status of 500'],
      failedRequests: [{ method: 'POST', url: `${MARKER.canary.url}/api/orders`, failure: 'HTTP 500' }],
      blockedHosts: [],
      artifacts: ['screenshot.png', 'trace.zip'].map((name) => ({
        path: `${folder}/${name}`,
        sha256: 'c'.repeat(64),
        bytes: 100,
      })),
    };
  };
  return [
    {
      probe: 'checkout',
      group: 'canary',
      runs: 10,
      passed: 7,
      failed: 3,
      errors: 0,
      results: [failedRun(1)],
    },
    { probe: 'checkout', group: 'baseline', runs: 10, passed: 10, failed: 0, errors: 0, results: [] },
  ];
}

function traceEvidence(interval: number): TraceEvidence[] {
  return [
    {
      khi: 'operations',
      service: 'checkout',
      versions: { baseline: 'v2.4.0', canary: 'v2.4.1' },
      spans: { baseline: 1800 * interval, canary: 1800 * interval },
      operations: { judged: ['POST /api/orders'], quiet: [] },
      newErrorSignatures: [
        {
          signature: SIGNATURE,
          type: 'TypeError',
          message: "Cannot read properties of undefined (reading 'total')",
          count: 40 * interval,
          operations: ['POST /api/orders'],
          exemplar: { path: EXEMPLAR_PATH, sha256: 'd'.repeat(64), bytes: 900 },
        },
      ],
      newOperations: [],
      canarySignatures: [SIGNATURE],
    },
  ];
}

/** One trace as the OTLP receiver keeps it (ids in hex, 64-bit integers as strings). */
export const EXEMPLAR = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              name: 'POST /api/orders',
              kind: 2,
              startTimeUnixNano: '1748858400000000000',
              endTimeUnixNano: '1748858400042000000',
              status: { code: 2, message: 'order total missing' },
              events: [
                {
                  name: 'exception',
                  attributes: [
                    { key: 'exception.type', value: { stringValue: 'TypeError' } },
                    {
                      key: 'exception.message',
                      value: { stringValue: "Cannot read properties of undefined (reading 'total')" },
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

/** Log-normal-ish request durations around `median` seconds. */
function latencies(random: () => number, count: number, median: number): number[] {
  return Array.from({ length: count }, () => Number((median * Math.exp((random() - 0.5) * 0.8)).toFixed(5)));
}

/** A small deterministic generator (mulberry32), so every run judges the same data. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
