/**
 * POST /v1/alerts (Alertmanager's webhook message, version 4) and GET /v1/alerts with in-memory
 * adapters: alerts linked to the deployment before them, re-sends update rather than add, bad
 * messages are 400s naming the field, and the scopes are enforced.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertReceiver, type AlertmanagerMessage } from '../../src/correlation/receive-alerts.js';
import type { AlertPage } from '../../src/store/alert-store.js';
import { createMemoryAlertStore } from '../../src/store/memory-alert-store.js';
import { sampleJudgeState, sampleVerification } from '../store/sample-verification.js';
import { auth, buildTestApp, type TestApp } from './build-test-app.js';

const STARTS = '2026-11-28T10:00:00.123456789+01:00';
const STARTS_MS = Date.parse('2026-11-28T09:00:00.123Z');
let app: TestApp;

function message(
  overrides: Partial<AlertmanagerMessage> = {},
  alert: Record<string, unknown> = {},
): AlertmanagerMessage {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'vigil',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate', service: 'checkout' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate', service: 'checkout', environment: 'production' },
        annotations: { summary: 'errors' },
        startsAt: STARTS,
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph?g0.expr=x',
        fingerprint: 'c6eadffa33fcdf37',
        ...alert,
      },
    ],
    ...overrides,
  };
}

beforeEach(async () => {
  const receiver = createAlertReceiver({
    alerts: createMemoryAlertStore({ now: () => STARTS_MS }),
    history: { list: (filter) => app.store.list(filter) },
    services: { checkout: { dependsOn: [] } },
    serviceLabel: 'service',
    environmentLabel: 'environment',
    now: () => STARTS_MS + 5000,
  });
  app = await buildTestApp({ alerts: { receiver, bodyLimitBytes: 64 * 1024 } });
  const base = sampleVerification({
    id: 'checkout-v2',
    createdAt: new Date(STARTS_MS - 4 * 60_000).toISOString(),
  });
  await app.store.create(base, sampleJudgeState());
});

afterEach(async () => {
  await app.close();
});

const post = (body: unknown, role: Parameters<typeof auth>[0] = 'admin') =>
  app.app.inject({ method: 'POST', url: '/v1/alerts', headers: auth(role), payload: body as object });

describe('POST /v1/alerts', () => {
  it('stores the alert linked to the deployment before it, and a re-send updates it', async () => {
    const first = await post(message());
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      received: 1,
      created: 1,
      alerts: [
        {
          id: `c6eadffa33fcdf37-${STARTS_MS}`,
          status: 'firing',
          service: 'checkout',
          topCandidate: 'checkout-v2',
        },
      ],
    });
    const resolved = await post(
      message({ status: 'resolved' }, { status: 'resolved', endsAt: '2026-11-28T09:10:00Z' }),
    );
    expect(resolved.json()).toMatchObject({ created: 0, updated: 1 });
    const list = await app.app.inject({ url: '/v1/alerts?service=checkout', headers: auth('reader') });
    expect(list.statusCode).toBe(200);
    const [alert, ...rest] = list.json<AlertPage>().items;
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      name: 'HighErrorRate',
      status: 'resolved',
      startsAt: '2026-11-28T09:00:00.123Z',
      endsAt: '2026-11-28T09:10:00.000Z',
      environment: 'production',
      candidates: [{ rank: 1, deploymentId: 'checkout-v2', gapMs: 240_000 }],
    });
    expect(alert?.candidates[0]?.explanation).toContain(
      'checkout v2.0.1 was deployed 4 min before the alert HighErrorRate fired',
    );
  });

  it.each([
    [{ version: '5' }, {}, 'version'],
    [{}, { fingerprint: undefined }, 'alerts[0].fingerprint'],
    [{}, { startsAt: 'yesterday' }, 'alerts[0].startsAt'],
    [{}, { status: 'pending' }, 'alerts[0].status'],
  ])('answers 400 naming the field (%o %o)', async (overrides, alert, field) => {
    const response = await post(message(overrides as Partial<AlertmanagerMessage>, alert));
    expect(response.statusCode).toBe(400);
    expect(response.json<{ details: { path: string }[] }>().details.map((d) => d.path)).toContain(field);
  });

  it('refuses a message over the size limit', async () => {
    const big = message({ commonAnnotations: { description: 'x'.repeat(65_000) } });
    expect((await post(big)).statusCode).toBe(413);
  });

  it('needs the alerts:write scope to post and verdicts:read to list', async () => {
    expect((await post(message(), 'reader')).statusCode).toBe(403);
    expect((await app.app.inject({ method: 'POST', url: '/v1/alerts', payload: message() })).statusCode).toBe(
      401,
    );
    expect((await app.app.inject({ url: '/v1/alerts', headers: auth('writer') })).statusCode).toBe(403);
  });

  it('answers 400 for a cursor it did not issue', async () => {
    const response = await app.app.inject({ url: '/v1/alerts?cursor=bogus', headers: auth('reader') });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ code: string }>().code).toBe('INVALID_CURSOR');
  });
});
