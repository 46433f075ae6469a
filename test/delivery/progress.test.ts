/** Progress webhooks: a notifier with `events: [verdict, progress]` gets every judged interval, then the verdict. */
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseRuleSetText } from '../../src/config/load-rule-set.js';
import { createMemoryOutbox } from '../../src/delivery/outbox.js';
import type { Notifier } from '../../src/delivery/verdict-message.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import { createMemoryMetricSource } from '../../src/sources/memory-metric-source.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { createMemoryStepScheduler } from '../../src/verification/memory-step-scheduler.js';
import { runDueSteps } from '../../src/verification/run-step.js';

const START = Date.parse('2026-11-28T10:00:00Z');
const RULES = `
name: shop
analysis: { interval: 10s, minIntervals: 2, maxIntervals: 3, alpha: 0.05 }
scoring: { pass: 95, marginal: 75 }
khis:
  - { name: errors, kind: ratio, direction: increase, critical: true, minSamples: 100, query: { events: e, total: t } }
`;
const base = {
  url: 'http://127.0.0.1:9/hook',
  secret: 'progress-secret-0123',
  timeoutMs: 1000,
  maxAttempts: 3,
  backoffBaseMs: 10,
  backoffMaxMs: 10,
};
const notifiers: Notifier[] = [
  { ...base, name: 'live', kind: 'webhook', events: ['verdict', 'progress'] },
  { ...base, name: 'quiet', kind: 'webhook', events: ['verdict'] },
];

describe('progress webhooks', () => {
  it('queues one message per judged interval for notifiers that ask, and the verdict for all', async () => {
    let now = START;
    const outbox = createMemoryOutbox();
    const store = createMemoryVerificationStore({ outbox });
    const scheduler = createMemoryStepScheduler();
    const logger = pino({ level: 'silent' });
    const ruleSets = new Map([['shop', parseRuleSetText(RULES, 'shop.yaml')]]);
    const ingest = createIngest({ store, scheduler, ruleSets, now: () => now, logger, queryDelaySeconds: 1 });
    await ingest.acceptMarker({
      id: 'd-5',
      service: 'shop',
      environment: 'production',
      version: 'v2',
      strategy: 'canary',
      ruleSet: 'shop',
      startedAt: new Date(START).toISOString(),
      canary: { labels: { version: 'v2' } },
      baseline: { labels: { version: 'v1' } },
    });
    for (let i = 0; i < 3 && !(await store.get('d-5'))?.verdict; i += 1) {
      now += 11_000;
      await runDueSteps('d-5', {
        store,
        source: createMemoryMetricSource(() => ({ events: 400, total: 2000 })),
        scheduler,
        ruleSets,
        now: () => now,
        logger,
        tracer: trace.getTracer('test'),
        queryDelaySeconds: 1,
        maxFailedSteps: 3,
        queryConcurrency: 2,
        notifiers,
        outbox,
      });
    }
    const verdict = (await store.get('d-5'))?.verdict;
    expect(verdict).toBeTruthy();
    // The store stamps verdicts with its own (real) clock, the steps with the test clock.
    const queued = await outbox.claim(Math.max(now, Date.now()) + 1, 100, 1000);
    const ids = queued.map((m) => m.id).sort();
    const progressIds = Array.from(
      { length: (verdict?.decidedAtInterval ?? 0) - 1 },
      (_, i) => `d-5.progress-${i + 1}.live`,
    );
    expect(ids).toEqual([...progressIds, 'd-5.verdict.live', 'd-5.verdict.quiet'].sort());
    const first = queued.find((m) => m.id === 'd-5.progress-1.live');
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({
      payloadVersion: 1,
      event: 'progress',
      deployment: { id: 'd-5', service: 'shop' },
      progress: {
        interval: 1,
        maxIntervals: 3,
        decision: 'continue',
        khis: [expect.objectContaining({ name: 'errors' })],
      },
    });
  });
});
