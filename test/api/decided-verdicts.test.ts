/**
 * Decided verdicts answered ahead of Fastify: the answer is the one Fastify gives, and every
 * request that needs more than the stored bytes (or a different answer) still goes to Fastify.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as decidedVerdicts from '../../src/api/decided-verdicts.js';
import { HTTP_DURATION_METRIC } from '../../src/api/http-metrics.js';
import { auth, buildTestApp, marker, TOKENS, type TestApp } from './build-test-app.js';
import { verdict } from './fixtures.js';

// The real function, counted: which requests it answered and which it left to Fastify.
vi.mock('../../src/api/decided-verdicts.js', async (importOriginal) => {
  const actual = await importOriginal<typeof decidedVerdicts>();
  return { ...actual, answerDecidedVerdict: vi.fn(actual.answerDecidedVerdict) };
});
const answered = vi.mocked(decidedVerdicts.answerDecidedVerdict);

const ID = 'shop-2026-11-28-001';
const VERDICT_PATH = `/v1/deployments/${ID}/verdict`;
let t: TestApp;
let base: string;

beforeEach(async () => {
  t = await buildTestApp();
  base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const created = await fetch(`${base}/v1/deployments`, {
    method: 'POST',
    headers: { ...auth('writer'), 'content-type': 'application/json' },
    body: JSON.stringify(marker()),
  });
  expect(created.status).toBe(201);
  answered.mockClear();
});
afterEach(async () => {
  await t.close();
});

/** GET over a socket; `answeredAhead` tells whether Fastify was passed by. */
async function get(path: string, headers: Record<string, string> = auth('reader')) {
  const calls = answered.mock.results.length;
  const response = await fetch(`${base}${path}`, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  const result = answered.mock.results[calls];
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body,
    answeredAhead: result?.type === 'return' && result.value === true,
  };
}

/** Headers that differ between any two answers (time, request id). */
function comparable(headers: Record<string, string>): Record<string, string> {
  const { date: _date, 'x-request-id': _id, ...rest } = headers;
  return rest;
}

async function decideAndRead(): Promise<Awaited<ReturnType<typeof get>>> {
  await t.store.decide(ID, verdict('rollback', 2));
  const first = await get(VERDICT_PATH);
  expect(first.status).toBe(200);
  expect(first.answeredAhead).toBe(false); // the route reads the store and keeps the answer
  return first;
}

describe('decided verdicts answered ahead of Fastify', () => {
  it('gives the answer Fastify gave: status, headers and body, byte for byte', async () => {
    const first = await decideAndRead();
    for (const path of [VERDICT_PATH, `${VERDICT_PATH}?wait=0`, `${VERDICT_PATH}?wait=10`]) {
      const again = await get(path);
      expect(again.answeredAhead).toBe(true);
      expect(again.status).toBe(200);
      expect(comparable(again.headers)).toEqual(comparable(first.headers));
      expect(again.body.equals(first.body)).toBe(true);
      expect(again.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    }
    expect(JSON.parse(first.body.toString('utf8'))).toMatchObject({ id: ID, status: 'rollback' });
  });

  it("echoes the caller's request id, as Fastify does", async () => {
    await decideAndRead();
    const again = await get(VERDICT_PATH, { ...auth('reader'), 'x-request-id': 'pipeline-run-42' });
    expect(again.answeredAhead).toBe(true);
    expect(again.headers['x-request-id']).toBe('pipeline-run-42');
  });

  it('counts its answers in the request-duration histogram under the route pattern', async () => {
    await decideAndRead();
    await get(VERDICT_PATH);
    await get(VERDICT_PATH);
    const metrics = await t.registry.getSingleMetricAsString(HTTP_DURATION_METRIC);
    expect(metrics).toContain(
      `${HTTP_DURATION_METRIC}_count{method="GET",route="/v1/deployments/:id/verdict",status_code="200"} 3`,
    );
  });

  it('accepts an admin token, which grants every scope', async () => {
    await decideAndRead();
    expect((await get(VERDICT_PATH, auth('admin'))).answeredAhead).toBe(true);
  });

  it.each([
    ['no token', VERDICT_PATH, {}, 401],
    ['an unknown token', VERDICT_PATH, { authorization: 'Bearer not-a-known-token' }, 401],
    ['a token without verdicts:read', VERDICT_PATH, auth('writer'), 403],
    ['a Basic header', VERDICT_PATH, { authorization: `Basic ${TOKENS.reader}` }, 401],
    ['a wait above the maximum', `${VERDICT_PATH}?wait=11`, auth('reader'), 400],
    ['a wait that is not a number', `${VERDICT_PATH}?wait=soon`, auth('reader'), 400],
    ['an unknown query parameter', `${VERDICT_PATH}?wait=0&pretty=1`, auth('reader'), 400],
    ['a trailing slash', `${VERDICT_PATH}/`, auth('reader'), 404],
  ])('leaves %s to Fastify, which answers %#', async (_case, path, headers, status) => {
    await decideAndRead();
    const response = await get(path, headers);
    expect(response.answeredAhead).toBe(false);
    expect(response.status).toBe(status);
  });

  it('leaves a fractional wait to Fastify, which answers the same verdict', async () => {
    const first = await decideAndRead();
    const response = await get(`${VERDICT_PATH}?wait=0.5`);
    expect(response.answeredAhead).toBe(false);
    expect(response.body.equals(first.body)).toBe(true);
  });

  it('takes nothing before the verdict is decided', async () => {
    const pending = await get(VERDICT_PATH);
    expect(pending.answeredAhead).toBe(false);
    expect(JSON.parse(pending.body.toString('utf8'))).toMatchObject({ status: 'pending' });
    expect((await get(`/v1/deployments/no-such-deployment/verdict`)).status).toBe(404);
  });

  it('takes no other method', async () => {
    await decideAndRead();
    const calls = answered.mock.results.length;
    const response = await fetch(`${base}${VERDICT_PATH}`, { method: 'HEAD', headers: auth('reader') });
    expect(answered.mock.results[calls]?.value).toBe(false);
    expect(response.status).toBe(200); // Fastify's HEAD route for the GET
  });

  it('takes nothing once the app is closing', async () => {
    await decideAndRead();
    const closing = t.app.close();
    const calls = answered.mock.results.length;
    const response = await fetch(`${base}${VERDICT_PATH}`, { headers: auth('reader') }).catch(
      (error: unknown) => error,
    );
    await closing;
    // Either the socket is already shut, or Fastify answered (503 while closing): never the fast path.
    const result = answered.mock.results[calls];
    if (result !== undefined) expect(result.value).toBe(false);
    if (response instanceof Response) expect(response.status).toBe(503);
    t = await buildTestApp(); // afterEach closes a fresh app
  });
});
