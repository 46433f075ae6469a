/**
 * GET /v1/correlate and GET /v1/services/:service/khis with in-memory adapters: a step in the
 * error rate is blamed on the deployment just before it (its own verdict rolled back on it), a
 * dependency's deployment ranks below it, a failing KHI is a note, and bad ranges are 400s naming
 * the field.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuleSetFile } from '../../src/config/load-rule-set.js';
import type { CorrelationReport, ServiceSeriesReport } from '../../src/correlation/correlate-service.js';
import { createServiceCorrelation } from '../../src/correlation/correlate-service.js';
import { createMemoryKhiSeriesSource } from '../../src/sources/memory-khi-series-source.js';
import { sampleJudgeState, sampleVerification } from '../store/sample-verification.js';
import { auth, buildTestApp, type TestApp } from './build-test-app.js';
import { verdict } from './fixtures.js';

interface ErrorBody {
  details: { path: string; message: string }[];
}

const webService = await loadRuleSetFile(new URL('../../rules/web-service.yaml', import.meta.url).pathname);
const FROM = Date.parse('2026-11-28T08:00:00.000Z');
const TO = Date.parse('2026-11-28T12:00:00.000Z');
const CHANGE = Date.parse('2026-11-28T10:00:00.000Z');
const services = {
  checkout: { dependsOn: ['payments'] },
  payments: { dependsOn: ['db'] },
  db: { dependsOn: [] },
};

let app: TestApp;

/** Deterministic noise in [−1, 1]. */
const noise = (t: number) => Math.sin(t / 60_000) * Math.cos(t / 17_000);

beforeEach(async () => {
  const series = createMemoryKhiSeriesSource((request) => {
    if (request.selector['service'] !== 'checkout') return undefined;
    if (request.khi.name === 'cpu') return { error: 'Prometheus /api/v1/query_range failed (timeout)' };
    if (request.khi.name === 'error-rate') return (t) => (t < CHANGE ? 0.01 : 0.04) + 0.002 * noise(t);
    return (t) => 0.12 + 0.005 * noise(t);
  });
  const correlation = createServiceCorrelation({
    // The app's own memory store, once it is built.
    history: { list: (filter) => app.store.list(filter) },
    series,
    ruleSets: new Map([['web-service', webService]]),
    services,
  });
  app = await buildTestApp({ correlation });
  await deploy('checkout-v2', 'checkout', 'v2.4.1', CHANGE - 3 * 60_000, true);
  await deploy('payments-v5', 'payments', 'v5.0.0', CHANGE - 60_000, false);
  await deploy('search-v9', 'search', 'v9.0.0', CHANGE - 60_000, false);
});

afterEach(async () => {
  await app.close();
});

async function deploy(id: string, service: string, version: string, startedMs: number, rollback: boolean) {
  const base = sampleVerification({ id, service, createdAt: new Date(startedMs).toISOString() });
  await app.store.create({ ...base, marker: { ...base.marker, version } }, sampleJudgeState());
  if (rollback) {
    const failed = verdict('rollback');
    await app.store.decide(id, {
      ...failed,
      khis: failed.khis.map((khi) => ({ ...khi, failed: true, classification: 'high' as const })),
    });
  }
}

describe('GET /v1/correlate', () => {
  it('blames the error-rate step on the deployment just before it, then the dependency', async () => {
    const response = await app.app.inject({
      url: `/v1/correlate?service=checkout&from=${FROM}&to=2026-11-28T12:00:00Z`,
      headers: auth('reader'),
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<CorrelationReport>();
    expect(body).toMatchObject({ service: 'checkout', stepSeconds: 60, dependsOn: ['db', 'payments'] });
    const errorRate = body.khis.find((k) => k.name === 'error-rate')!;
    expect(errorRate.points).toHaveLength(241);
    expect(errorRate.points[0]).toEqual([FROM, expect.any(Number)]);
    const first = body.changePoints[0]!;
    expect(first).toMatchObject({ khi: 'error-rate', atMs: CHANGE, direction: 'up', bad: true });
    expect(first.candidates.map((c) => c.deploymentId)).toEqual(['checkout-v2', 'payments-v5']);
    expect(first.candidates[0]).toMatchObject({
      rank: 1,
      relation: 'self',
      version: 'v2.4.1',
      verdict: { outcome: 'rollback', failedKhis: ['error-rate'] },
      gapMs: 180_000,
    });
    expect(first.candidates[0]?.explanation).toContain(
      'checkout v2.4.1 was deployed 3 min before error-rate rose',
    );
    expect(first.candidates[1]?.relation).toBe('dependency');
    const cpu = body.khis.find((k) => k.name === 'cpu')!;
    expect(cpu).toMatchObject({ points: [], changePoints: [] });
    expect(cpu.error).toContain('timeout');
    expect(body.notes.some((note) => note.startsWith('cpu: '))).toBe(true);
    expect(body.deployments.map((d) => d.id)).toEqual(['checkout-v2', 'payments-v5']);
  });

  it('finds no blame where the series has no data', async () => {
    const response = await app.app.inject({
      url: `/v1/correlate?service=unknown&from=${FROM}&to=${TO}`,
      headers: auth('reader'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json<CorrelationReport>().changePoints).toEqual([]);
    expect(response.json<CorrelationReport>().notes.join('\n')).toContain(
      'unknown is not in settings.services',
    );
  });

  it.each([
    [`from=${TO}&to=${FROM}`, 'from'],
    [`from=${FROM}&to=${FROM + 32 * 86_400_000}`, 'from'],
    [`from=${FROM}&to=yesterday`, 'to'],
    [`from=2026-11-28T08:00:00&to=${TO}`, 'from'],
  ])('answers 400 naming the field for %s', async (range, field) => {
    const response = await app.app.inject({
      url: `/v1/correlate?service=checkout&${range}`,
      headers: auth('reader'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().details[0]?.path).toBe(field);
  });

  it('answers 400 naming service when it is missing', async () => {
    const response = await app.app.inject({
      url: `/v1/correlate?from=${FROM}&to=${TO}`,
      headers: auth('reader'),
    });
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json<ErrorBody>().details)).toContain('service');
  });

  it('needs the verdicts:read scope', async () => {
    const url = `/v1/correlate?service=checkout&from=${FROM}&to=${TO}`;
    expect((await app.app.inject({ url })).statusCode).toBe(401);
    expect((await app.app.inject({ url, headers: auth('writer') })).statusCode).toBe(403);
  });
});

describe('GET /v1/services/:service/khis', () => {
  it('gives the series and every deployment marker of the service and its dependencies', async () => {
    const response = await app.app.inject({
      url: `/v1/services/checkout/khis?from=${FROM}&to=${TO}`,
      headers: auth('reader'),
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<ServiceSeriesReport>();
    expect(body.khis.map((k) => k.name)).toEqual(['error-rate', 'latency', 'cpu']);
    expect(body.khis[0]).not.toHaveProperty('changePoints');
    expect(body.deployments).toEqual([
      expect.objectContaining({ id: 'checkout-v2', relation: 'self', outcome: 'rollback' }),
      expect.objectContaining({ id: 'payments-v5', relation: 'dependency', outcome: null, decidedAt: null }),
    ]);
  });
});
