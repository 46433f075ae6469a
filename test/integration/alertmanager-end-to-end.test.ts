/**
 * Alerts end to end: a real Prometheus evaluates an error-rate rule on a real demo shop and sends
 * the alert to a real Alertmanager (Debian's prometheus-alertmanager), whose webhook receiver posts
 * it to Vigil's API (`POST /v1/alerts`, bearer token of scope alerts:write) on a real port, with
 * the verification store and the alert store on a real Redis. The alert must arrive with its
 * labels, be linked to the demo shop's latest deployment as the most likely cause, and resolve
 * (endsAt) once the shop stops failing, without being stored twice.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendLoad } from '../../examples/demo-shop/send-load.js';
import { hashToken } from '../../src/api/authentication.js';
import { buildApp } from '../../src/api/build-app.js';
import { loadRuleSetFile } from '../../src/config/load-rule-set.js';
import { createAlertReceiver } from '../../src/correlation/receive-alerts.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import { startAlertmanager, type AlertmanagerServer } from '../../src/stack/alertmanager-server.js';
import type { StoredAlert } from '../../src/store/alert-store.js';
import { createRedisAlertStore } from '../../src/store/redis-alert-store.js';
import { createRedisVerificationStore } from '../../src/store/redis-verification-store.js';
import { startDemoShop, type DemoShop } from '../support/demo-shop-process.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const TOKENS = {
  writer: 'am-writer-token-0123456789',
  alertmanager: 'am-alerts-token-0123456789',
  reader: 'am-reader-token-0123456789',
};
const RULES = `
groups:
  - name: demo-shop
    rules:
      - alert: DemoShopErrors
        expr: sum(increase(http_requests_total{code=~"5.."}[10s])) > 0
        labels:
          service: demo-shop
          environment: test
          severity: page
        annotations:
          summary: the demo shop answers with 5xx
`;

let redisServer: RedisServer;
let redis: Redis;
let shop: DemoShop;
let app: FastifyInstance;
let apiUrl: string;
let alertmanager: AlertmanagerServer;
let prometheus: PrometheusServer;
let rulesDir: string;

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const keyPrefix = `am-e2e-${process.pid}:`;
  const store = createRedisVerificationStore({ redis, keyPrefix });
  const logger = pino({ level: 'silent' });
  const ingest = createIngest({
    store,
    scheduler: { schedule: () => Promise.resolve(), cancel: () => Promise.resolve() },
    ruleSets: new Map([
      [
        'web-service',
        await loadRuleSetFile(new URL('../../rules/web-service.yaml', import.meta.url).pathname),
      ],
    ]),
    now: () => Date.now(),
    logger,
    queryDelaySeconds: 0,
  });
  const services = { 'demo-shop': { dependsOn: ['payments'] }, payments: { dependsOn: [] } };
  // What src/main.ts constructs for the alert routes, on the same Redis and verification store.
  app = buildApp({
    store,
    ingest,
    tokens: [
      { name: 'writer', scopes: ['markers:write'], tokenSha256: hashToken(TOKENS.writer) },
      { name: 'alertmanager', scopes: ['alerts:write'], tokenSha256: hashToken(TOKENS.alertmanager) },
      { name: 'reader', scopes: ['verdicts:read'], tokenSha256: hashToken(TOKENS.reader) },
    ],
    logger,
    metricsRegistry: new Registry(),
    readiness: () => Promise.resolve({ redis: true, prometheus: true }),
    alerts: {
      receiver: createAlertReceiver({
        alerts: createRedisAlertStore({ redis, keyPrefix }),
        history: store,
        services,
        serviceLabel: 'service',
        environmentLabel: 'environment',
      }),
    },
  });
  apiUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  shop = await startDemoShop({ version: 'v2.0.0', track: 'canary', errorRate: 0.5 });
  alertmanager = await startAlertmanager({
    webhookUrl: `${apiUrl}/v1/alerts`,
    bearerToken: TOKENS.alertmanager,
  });
  rulesDir = await mkdtemp(join(tmpdir(), 'vigil-am-rules-'));
  const ruleFile = join(rulesDir, 'demo-shop.rules.yml');
  await writeFile(ruleFile, RULES);
  prometheus = await startPrometheus({
    scrapeTargets: [shop.target],
    scrapeIntervalSeconds: 1,
    ruleFiles: [ruleFile],
    alertmanagerUrl: alertmanager.url,
  });
  await prometheus.waitForSeries('up{job="demo"} == 1');
}, 90_000);

afterAll(async () => {
  await prometheus?.dispose();
  await alertmanager?.dispose();
  await app?.close();
  await shop?.stop();
  await redis?.quit();
  await redisServer?.stop();
  if (rulesDir !== undefined) await rm(rulesDir, { recursive: true, force: true });
});

async function postMarker(id: string, service: string, version: string, startedAt: Date): Promise<void> {
  const response = await fetch(`${apiUrl}/v1/deployments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.writer}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id,
      service,
      environment: 'test',
      version,
      baselineVersion: 'v1.9.0',
      strategy: 'canary',
      ruleSet: 'web-service',
      startedAt: startedAt.toISOString(),
      canary: { labels: { version, track: 'canary' } },
      baseline: { labels: { version: 'v1.9.0', track: 'baseline' } },
    }),
  });
  expect(response.status, await response.text()).toBeLessThan(300);
}

async function listAlerts(): Promise<StoredAlert[]> {
  const response = await fetch(`${apiUrl}/v1/alerts?service=demo-shop`, {
    headers: { authorization: `Bearer ${TOKENS.reader}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: StoredAlert[] }).items;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `${what} within ${timeoutMs} ms\nAlertmanager: ${alertmanager.logTail()}\nPrometheus: ${prometheus.logTail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('alerts from Alertmanager', () => {
  it('links a firing alert to the latest deployment and records its resolution once', async () => {
    const now = Date.now();
    await postMarker('demo-shop-old', 'demo-shop', 'v1.9.0', new Date(now - 20 * 60_000));
    await postMarker('payments-recent', 'payments', 'v3.1.0', new Date(now - 2 * 60_000));
    await postMarker('demo-shop-new', 'demo-shop', 'v2.0.0', new Date(now - 60_000));
    await postMarker('search-unrelated', 'search', 'v9.0.0', new Date(now - 30_000));

    await sendLoad({ targets: [shop.url], rps: 20, seconds: 3 });

    const firing = await waitFor('no firing alert arrived', 45_000, async () =>
      (await listAlerts()).find((a) => a.name === 'DemoShopErrors'),
    );
    expect(firing.labels).toMatchObject({
      alertname: 'DemoShopErrors',
      service: 'demo-shop',
      environment: 'test',
      severity: 'page',
    });
    expect(firing.annotations['summary']).toBe('the demo shop answers with 5xx');
    expect(firing.service).toBe('demo-shop');
    expect(firing.environment).toBe('test');
    expect(firing.receiver).toBe('vigil');
    expect(firing.generatorURL).toContain('/graph?');
    expect(firing.fingerprint).toMatch(/^[0-9a-f]+$/);
    // Same service first (service and time alone never put a dependency above it), search not at all.
    expect(firing.candidates.map((c) => c.deploymentId)).toEqual([
      'demo-shop-new',
      'demo-shop-old',
      'payments-recent',
    ]);
    expect(firing.candidates[0]?.explanation).toContain('demo-shop v2.0.0 was deployed');
    expect(firing.candidates[0]?.evidence.map((e) => e.factor)).toEqual([
      'same-service',
      'time-gap',
      'own-verdict',
    ]);

    // No more 5xx: increase(...[10s]) falls to 0, the rule stops, Alertmanager sends the resolution.
    const resolved = await waitFor('the alert did not resolve', 60_000, async () =>
      (await listAlerts()).find((a) => a.id === firing.id && a.status === 'resolved'),
    );
    expect(resolved.endsAt).not.toBeNull();
    expect(Date.parse(resolved.endsAt as string)).toBeGreaterThan(Date.parse(resolved.startsAt));
    expect(resolved.receivedAt).toBe(firing.receivedAt);
    expect(resolved.candidates[0]?.deploymentId).toBe('demo-shop-new');
    expect((await listAlerts()).filter((a) => a.name === 'DemoShopErrors')).toHaveLength(1);
  }, 150_000);

  it('refuses a webhook message without the alerts:write scope', async () => {
    const response = await fetch(`${apiUrl}/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.reader}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });
});
