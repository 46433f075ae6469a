import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseRuleSetText } from '../../src/config/load-rule-set.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import type { DeploymentMarker } from '../../src/ingest/deployment-marker-schema.js';
import type { JourneyResult } from '../../src/journeys/journey-result.js';
import { createMemoryMetricSource } from '../../src/sources/memory-metric-source.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import type { JourneyBatch, JourneyDispatch } from '../../src/verification/gather-journeys.js';
import { createMemoryStepScheduler } from '../../src/verification/memory-step-scheduler.js';
import { runDueSteps } from '../../src/verification/run-step.js';

const RULES = `
name: shop
analysis: { interval: 10s, minIntervals: 2, maxIntervals: 4, alpha: 0.05 }
scoring: { pass: 95, marginal: 75 }
khis:
  - name: checkout
    kind: journey
    direction: increase
    critical: true
    probe: checkout
    runsPerInterval: 8
    tolerance: { absolute: 0.5 }
`;

const START = Date.parse('2026-11-28T10:00:00Z');
const CANARY = 'http://127.0.0.1:8082';
const BASELINE = 'http://127.0.0.1:8081';
const marker: DeploymentMarker = {
  id: 'deploy-1',
  service: 'shop',
  environment: 'production',
  version: 'v2',
  strategy: 'canary',
  ruleSet: 'shop',
  startedAt: new Date(START).toISOString(),
  canary: { labels: { version: 'v2' }, url: CANARY },
  baseline: { labels: { version: 'v1' }, url: BASELINE },
};

function result(batch: JourneyBatch, outcome: JourneyResult['outcome'], run: number): JourneyResult {
  const failed = outcome !== 'pass';
  return {
    probe: batch.probe,
    baseUrl: batch.baseUrl,
    outcome,
    reason:
      outcome === 'pass' ? 'every step passed' : outcome === 'fail' ? 'step "checkout" failed' : 'blocked',
    ...(outcome === 'fail' && { failedStep: 'checkout' }),
    startedAt: new Date(START).toISOString(),
    durationMs: 800 + run * 10,
    steps: [{ name: 'checkout', status: failed ? 'failed' : 'passed', durationMs: 300 }],
    consoleErrors: [],
    failedRequests: [],
    blockedHosts: [],
    artifacts: failed
      ? [
          {
            path: `${batch.evidence.pathPrefix}-${run + 1}/screenshot.png`,
            sha256: 'a'.repeat(64),
            bytes: 10,
          },
        ]
      : [],
  };
}

/** Canary runs end as `canaryOutcome`, baseline runs pass. */
function scripted(canaryOutcome: JourneyResult['outcome']): JourneyDispatch & { batches: JourneyBatch[] } {
  const batches: JourneyBatch[] = [];
  return {
    batches,
    runJourneys(batch) {
      batches.push(batch);
      const outcome = batch.baseUrl === CANARY ? canaryOutcome : 'pass';
      return Promise.resolve(Array.from({ length: batch.runs }, (_, run) => result(batch, outcome, run)));
    },
  };
}

async function judge(dispatch: JourneyDispatch | undefined, intervals: number, withMarker = marker) {
  let now = START;
  const ruleSets = new Map([['shop', parseRuleSetText(RULES, 'shop.yaml')]]);
  const store = createMemoryVerificationStore();
  const scheduler = createMemoryStepScheduler();
  const logger = pino({ level: 'silent' });
  const ingest = createIngest({ store, scheduler, ruleSets, now: () => now, logger, queryDelaySeconds: 1 });
  await ingest.acceptMarker(withMarker);
  for (let i = 0; i < intervals; i += 1) {
    now += 10_000 + (i === 0 ? 1000 : 0);
    await runDueSteps('deploy-1', {
      store,
      source: createMemoryMetricSource(() => ({ error: 'no metric KHIs here' })),
      scheduler,
      ruleSets,
      now: () => now,
      logger,
      tracer: trace.getTracer('test'),
      queryDelaySeconds: 1,
      maxFailedSteps: 10,
      queryConcurrency: 2,
      ...(dispatch !== undefined && { journeys: dispatch }),
    });
  }
  return { verification: await store.get('deploy-1'), evidence: await store.listEvidence('deploy-1') };
}

describe('journey KHIs in a verification step', () => {
  it('runs each probe runsPerInterval times per group, only towards the marker URLs', async () => {
    const dispatch = scripted('pass');
    const { evidence } = await judge(dispatch, 1);
    expect(dispatch.batches).toHaveLength(2);
    for (const batch of dispatch.batches) {
      expect(batch).toMatchObject({ probe: 'checkout', runs: 8, allowedOrigins: [CANARY, BASELINE] });
    }
    expect(dispatch.batches.map((b) => b.evidence.pathPrefix).sort()).toEqual([
      'journeys/interval-1/baseline/checkout',
      'journeys/interval-1/canary/checkout',
    ]);
    expect(evidence[0]?.['observations']).toEqual({
      checkout: { baseline: { events: 0, total: 8 }, canary: { events: 0, total: 8 } },
      'checkout.duration': { baseline: { count: 8 }, canary: { count: 8 } },
    });
  });

  it('rolls back a canary whose journey fails while the baseline passes, pointing at the evidence', async () => {
    const { verification, evidence } = await judge(scripted('fail'), 4);
    expect(verification?.verdict?.outcome).toBe('rollback');
    const checkout = verification?.verdict?.khis.find((khi) => khi.name === 'checkout');
    expect(checkout).toMatchObject({ classification: 'high', failed: true });
    expect(checkout?.evidence?.[0]).toMatch(/^journeys\/interval-1\/canary\/checkout-1\/screenshot\.png$/);
    expect(evidence[0]?.['journeys']).toContainEqual(
      expect.objectContaining({ probe: 'checkout', group: 'canary', runs: 8, failed: 8, passed: 0 }),
    );
  });

  it('promotes a canary whose journeys pass as often as the baseline', async () => {
    const { verification } = await judge(scripted('pass'), 4);
    expect(verification?.verdict?.outcome).toBe('promote');
  });

  it('never passes journeys that could not judge the application: errors fail the KHI with the reason', async () => {
    const { verification, evidence } = await judge(scripted('error'), 4);
    expect(verification?.verdict?.outcome).not.toBe('promote');
    expect(evidence[0]?.['failures']).toMatchObject({
      checkout: expect.stringMatching(
        /^canary: no checkout journey could judge the application: blocked/,
      ) as string,
    });
    const khis = (evidence[0]?.['judgement'] as { khis: { name: string; classification: string }[] }).khis;
    expect(khis.find((khi) => khi.name === 'checkout')?.classification).toBe('error');
  });

  it('fails journey KHIs clearly when the marker has no URL or the daemon runs no journeys', async () => {
    const noUrl = await judge(scripted('pass'), 1, { ...marker, canary: { labels: { version: 'v2' } } });
    expect(noUrl.evidence[0]?.['failures']).toMatchObject({
      checkout: 'canary: the marker has no canary.url to run checkout against',
    });
    const disabled = await judge(undefined, 1);
    expect(disabled.evidence[0]?.['failures']).toMatchObject({
      checkout:
        'baseline: journeys are not enabled on this daemon; canary: journeys are not enabled on this daemon',
    });
  });
});
