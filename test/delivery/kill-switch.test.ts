/**
 * Kill switches: a rollback turns the marker's flags off, through an Unleash-shaped admin API
 * and a generic HTTP template, both real HTTP servers on loopback; the requests go through the
 * outbox, so a provider that is down at first gets them when it is back.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuleSetText } from '../../src/config/load-rule-set.js';
import { createMemoryDeliveryLog } from '../../src/delivery/delivery-log.js';
import { killSwitchMessages, type FlagProvider } from '../../src/delivery/kill-switch-messages.js';
import { createMemoryOutbox } from '../../src/delivery/outbox.js';
import { startWebhookDeliverer } from '../../src/delivery/webhook-deliverer.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import type { DeploymentMarker } from '../../src/ingest/deployment-marker-schema.js';
import { createMemoryMetricSource } from '../../src/sources/memory-metric-source.js';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { createMemoryStepScheduler } from '../../src/verification/memory-step-scheduler.js';
import { runDueSteps } from '../../src/verification/run-step.js';
import type { Verdict, Verification } from '../../src/verification/verification.js';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP server recording requests; answers 503 while down. */
async function flagServer(): Promise<{
  server: Server;
  url: string;
  received: Received[];
  down: { value: boolean };
}> {
  const received: Received[] = [];
  const down = { value: false };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (down.value) return void response.writeHead(503).end();
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, received, down };
}

let unleash: Awaited<ReturnType<typeof flagServer>>;
let generic: Awaited<ReturnType<typeof flagServer>>;
let providers: FlagProvider[];
const defaults = {
  method: 'POST',
  headers: {},
  timeoutMs: 2000,
  maxAttempts: 20,
  backoffBaseMs: 20,
  backoffMaxMs: 50,
} as const;

beforeAll(async () => {
  [unleash, generic] = await Promise.all([flagServer(), flagServer()]);
  providers = [
    {
      ...defaults,
      name: 'unleash',
      kind: 'unleash',
      url: `${unleash.url}/`,
      token: 'user:unleash-admin-token',
      project: 'shop',
    },
    {
      ...defaults,
      name: 'flags',
      project: 'default',
      kind: 'http',
      url: `${generic.url}/flags/{flag}/off?env={environment}`,
      method: 'PUT',
      headers: { 'x-api-key': 'generic-key' },
      body: '{"flag":"{flag}","reason":"vigil rolled back {service}"}',
    },
  ];
});

afterAll(async () => {
  await Promise.all([unleash, generic].map(({ server }) => new Promise((resolve) => server.close(resolve))));
});

const START = Date.parse('2026-11-28T10:00:00Z');
const RULES = `
name: shop
analysis: { interval: 10s, minIntervals: 1, maxIntervals: 3, alpha: 0.05 }
scoring: { pass: 95, marginal: 75 }
khis:
  - { name: errors, kind: ratio, direction: increase, critical: true, minSamples: 100, query: { events: e, total: t } }
`;
const marker: DeploymentMarker = {
  id: 'deploy-9',
  service: 'shop',
  environment: 'production',
  version: 'v2',
  strategy: 'canary',
  ruleSet: 'shop',
  startedAt: new Date(START).toISOString(),
  canary: { labels: { version: 'v2' } },
  baseline: { labels: { version: 'v1' } },
  killSwitches: [
    { provider: 'unleash', flag: 'new-checkout' },
    { provider: 'flags', flag: 'fast-cart' },
  ],
};

describe('kill switch messages', () => {
  const verification = { id: 'd', marker } as unknown as Verification;
  const at = (outcome: Verdict['outcome']) =>
    ({
      outcome,
      decidedAt: '2026-11-28T10:00:30.000Z',
      decidedAtInterval: 3,
      score: 0,
      khis: [],
      reasons: [],
    }) as Verdict;

  it('are made for a rollback only, one per flag, with the request fixed and values escaped', () => {
    expect(killSwitchMessages(providers, verification, at('promote'))).toEqual([]);
    expect(killSwitchMessages(providers, verification, at('inconclusive'))).toEqual([]);
    const odd = {
      ...verification,
      marker: { ...marker, service: 'shop "v2"\\x', environment: 'prod/eu' },
    } as Verification;
    const [toUnleash, toGeneric] = killSwitchMessages(providers, odd, at('rollback'));
    expect(toUnleash).toMatchObject({
      id: 'd.kill-switch.unleash.new-checkout',
      event: 'kill-switch',
      request: {
        method: 'POST',
        url: `${unleash.url}/api/admin/projects/shop/features/new-checkout/environments/prod%2Feu/off`,
      },
      body: '',
    });
    expect(toGeneric?.request).toEqual({
      method: 'PUT',
      url: `${generic.url}/flags/fast-cart/off?env=prod%2Feu`,
    });
    expect(JSON.parse(toGeneric?.body ?? '')).toEqual({
      flag: 'fast-cart',
      reason: 'vigil rolled back shop "v2"\\x',
    });
  });
});

describe('a rollback turns the listed flags off', () => {
  it('calls each provider once its verdict is recorded, retrying one that is down', async () => {
    unleash.down.value = true;
    let now = START;
    const outbox = createMemoryOutbox();
    const store = createMemoryVerificationStore({ outbox });
    const scheduler = createMemoryStepScheduler();
    const logger = pino({ level: 'silent' });
    const ruleSets = new Map([['shop', parseRuleSetText(RULES, 'shop.yaml')]]);
    const ingest = createIngest({
      store,
      scheduler,
      ruleSets,
      now: () => now,
      logger,
      queryDelaySeconds: 1,
      flagProviders: providers,
    });
    await ingest.acceptMarker(marker);
    const log = createMemoryDeliveryLog();
    const deliverer = startWebhookDeliverer({
      outbox,
      notifiers: [],
      flagProviders: providers,
      logger,
      pollMs: 20,
      log,
    });
    try {
      for (let i = 0; i < 3 && !(await store.get('deploy-9'))?.verdict; i += 1) {
        now += 11_000;
        await runDueSteps('deploy-9', {
          store,
          source: createMemoryMetricSource(({ group }) =>
            group === 'canary' ? { events: 400, total: 2000 } : { events: 4, total: 2000 },
          ),
          scheduler,
          ruleSets,
          now: () => now,
          logger,
          tracer: trace.getTracer('test'),
          queryDelaySeconds: 1,
          maxFailedSteps: 3,
          queryConcurrency: 2,
          flagProviders: providers,
          onMessagesQueued: () => deliverer.kick(),
        });
      }
      expect((await store.get('deploy-9'))?.verdict?.outcome).toBe('rollback');
      await until(() => generic.received.length === 1);
      expect(generic.received[0]).toMatchObject({
        method: 'PUT',
        url: '/flags/fast-cart/off?env=production',
      });
      expect(generic.received[0]?.headers).toMatchObject({
        'x-api-key': 'generic-key',
        'vigil-idempotency-key': 'deploy-9.kill-switch.flags.fast-cart',
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(unleash.received).toEqual([]);
      unleash.down.value = false;
      await until(() => unleash.received.length === 1);
      expect(unleash.received[0]).toMatchObject({
        method: 'POST',
        url: '/api/admin/projects/shop/features/new-checkout/environments/production/off',
      });
      expect(unleash.received[0]?.headers['authorization']).toBe('user:unleash-admin-token');
      expect(await outbox.counts()).toEqual({ pending: 0, dead: 0 });
      // The outcome is recorded with the verification: retries of the provider that was down, then done.
      const entries = await log.list('deploy-9');
      expect(entries.filter((e) => e.target === 'flags').map((e) => e.outcome)).toEqual(['delivered']);
      const unleashOutcomes = entries.filter((e) => e.target === 'unleash').map((e) => e.outcome);
      expect(unleashOutcomes.at(-1)).toBe('delivered');
      expect(unleashOutcomes.slice(0, -1).every((outcome) => outcome === 'retry')).toBe(true);
      expect(unleashOutcomes.length).toBeGreaterThan(1);
    } finally {
      await deliverer.close();
    }
  });

  it('refuses a marker naming a flag provider that is not configured, naming the field', async () => {
    const store = createMemoryVerificationStore();
    const ingest = createIngest({
      store,
      scheduler: createMemoryStepScheduler(),
      ruleSets: new Map([['shop', parseRuleSetText(RULES, 'shop.yaml')]]),
      now: () => START,
      logger: pino({ level: 'silent' }),
      queryDelaySeconds: 1,
      flagProviders: providers,
    });
    await expect(
      ingest.acceptMarker({ ...marker, killSwitches: [{ provider: 'launchdarkly', flag: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_FLAG_PROVIDER',
      details: [{ path: 'killSwitches[0].provider', message: 'is not a configured flag provider' }],
    });
    expect(await store.get('deploy-9')).toBeUndefined();
  });
});

describe('a message for a target this daemon does not know', () => {
  it('is retried, not buried at once (another daemon may have the newer configuration)', async () => {
    const outbox = createMemoryOutbox();
    const log = createMemoryDeliveryLog();
    outbox.enqueueNow(
      [
        {
          id: 'd.kill-switch.newer.flag',
          notifier: 'newer',
          event: 'kill-switch',
          deploymentId: 'd',
          body: '',
          request: { method: 'POST', url: 'http://127.0.0.1:9/off' },
          createdAt: new Date().toISOString(),
        },
      ],
      Date.now(),
    );
    const deliverer = startWebhookDeliverer({
      outbox,
      notifiers: [],
      flagProviders: [],
      logger: pino({ level: 'silent' }),
      pollMs: 10,
      log,
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await deliverer.close();
    }
    expect(await outbox.counts()).toEqual({ pending: 1, dead: 0 });
    expect(await log.list('d')).toEqual([
      expect.objectContaining({
        outcome: 'retry',
        attempt: 1,
        error: 'newer is not configured on this daemon',
      }),
    ]);
  });
});

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
