import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, marker, TOKENS, type TestApp } from './build-test-app.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.close();
});

describe('operations endpoints', () => {
  it('GET /healthz answers 200 without a token', async () => {
    const response = await t.app.inject({ url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when Redis and Prometheus are reachable', async () => {
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ready: true, checks: { redis: 'up', prometheus: 'up' } });
  });

  it('GET /readyz answers 503 naming what is down', async () => {
    t.readiness = { redis: true, prometheus: false };
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false, checks: { redis: 'up', prometheus: 'down' } });
  });

  it('GET /readyz answers 503 when the check itself fails', async () => {
    t.readiness = new Error('redis ping timed out');
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false, checks: { redis: 'unknown', prometheus: 'unknown' } });
  });

  it('GET /metrics serves the registry, with the HTTP duration histogram by route and status', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker(),
    });
    await t.app.inject({ url: '/no/such/route' });
    const response = await t.app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain('# TYPE vigil_http_request_duration_seconds histogram');
    expect(response.body).toMatch(
      /vigil_http_request_duration_seconds_count\{method="POST",route="\/v1\/deployments",status_code="201"\} 1/,
    );
    expect(response.body).toMatch(
      /vigil_http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1/,
    );
  });

  it('a second app on the same registry reuses the histogram', async () => {
    const second = await buildTestApp({ metricsRegistry: t.registry });
    await second.close();
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await t.app.inject({ url: '/v2/anything' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ code: 'ROUTE_NOT_FOUND', message: 'no route GET /v2/anything' });
  });

  it('answers 500 without internals when a port fails unexpectedly, and logs the stack', async () => {
    const failing = await buildTestApp({
      ingest: {
        acceptMarker: () => Promise.reject(new Error('redis: connection reset at 10.0.0.7:6379')),
        abort: () => Promise.resolve(undefined),
        startPhase: () => Promise.resolve(undefined),
      },
    });
    const response = await failing.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker(),
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ code: 'INTERNAL_ERROR', message: 'internal error' });
    expect(failing.logText()).toContain('connection reset');
    // The error line names the request and the caller (never the token).
    expect(failing.logs.find((line) => line['msg'] === 'request failed')).toMatchObject({
      reqId: response.headers['x-request-id'],
      tokenName: 'writer',
    });
    await failing.close();
  });

  it('answers 503 when the store is unavailable', async () => {
    const unavailable = Object.assign(new Error('list: redis timeout at 10.0.0.7'), {
      code: 'STORE_UNAVAILABLE',
    });
    const failing = await buildTestApp({ store: { ...t.store, list: () => Promise.reject(unavailable) } });
    const response = await failing.app.inject({ url: '/v1/deployments', headers: auth('reader') });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      code: 'STORE_UNAVAILABLE',
      message: 'the verification store is unavailable; retry later',
    });
    await failing.close();
  });

  it('echoes or assigns a request id', async () => {
    const echoed = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'pipeline-42' } });
    expect(echoed.headers['x-request-id']).toBe('pipeline-42');
    const assigned = await t.app.inject({ url: '/healthz' });
    expect(assigned.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const next = await t.app.inject({ url: '/healthz' });
    expect(next.headers['x-request-id']).not.toBe(assigned.headers['x-request-id']);
  });

  it('sends the request id with error answers too', async () => {
    const unauthenticated = await t.app.inject({
      url: '/v1/deployments',
      headers: { 'x-request-id': 'ci-7' },
    });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['x-request-id']).toBe('ci-7');
    const missing = await t.app.inject({ url: '/v2/anything', headers: { 'x-request-id': 'ci-8' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-request-id']).toBe('ci-8');
  });
});

describe('logging', () => {
  it('never logs a token, even when a log line carries the header', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker(),
    });
    await t.app.inject({ url: '/v1/deployments', headers: { authorization: 'Bearer wrong-secret-token' } });
    t.app.log.info({ headers: { authorization: `Bearer ${TOKENS.admin}` } }, 'headers logged by mistake');
    const text = t.logText();
    for (const token of [...Object.values(TOKENS), 'wrong-secret-token']) expect(text).not.toContain(token);
    expect(text).toContain('[redacted]');
  });
});
