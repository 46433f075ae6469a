import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, marker, type TestApp } from './build-test-app.js';
import { ERROR_RATE_RESULT, judgement, verdict } from './fixtures.js';

const ID = 'shop-2026-11-28-001';
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/deployments',
    headers: auth('writer'),
    payload: marker(),
  });
  expect(response.statusCode).toBe(201);
});
afterEach(async () => {
  await t.close();
});

function getVerdict(query = '', role: 'reader' | 'writer' | 'admin' = 'reader') {
  return t.app.inject({ url: `/v1/deployments/${ID}/verdict${query}`, headers: auth(role) });
}

async function judgeFirstInterval(): Promise<void> {
  const saved = await t.store.saveStep(ID, {
    expectedIntervalsJudged: 0,
    intervalsJudged: 1,
    failedSteps: 0,
    judgeState: { intervalsJudged: 1, khis: {} },
    lastJudgement: judgement(1),
  });
  expect(saved).toBe(true);
}

describe('GET /v1/deployments/:id/verdict', () => {
  it('answers at once with the pending state when wait is absent', async () => {
    const response = await getVerdict();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: ID,
      status: 'pending',
      score: null,
      decidedAt: null,
      decidedAtInterval: null,
      intervalsJudged: 0,
      khis: [],
      reasons: [],
    });
  });

  it('shows the last judgement while undecided', async () => {
    await judgeFirstInterval();
    const response = await getVerdict('?wait=0');
    expect(response.json()).toEqual({
      id: ID,
      status: 'analyzing',
      score: 96,
      decidedAt: null,
      decidedAtInterval: null,
      intervalsJudged: 1,
      khis: [ERROR_RATE_RESULT],
      reasons: ['after interval 1'],
    });
  });

  it('answers the verdict with the KHI results as vigil judge prints them', async () => {
    await t.store.decide(ID, verdict('rollback', 2));
    const started = performance.now();
    const response = await getVerdict('?wait=5');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(response.json()).toEqual({
      id: ID,
      status: 'rollback',
      score: 96,
      decidedAt: '2026-11-28T02:30:00.000Z',
      decidedAtInterval: 2,
      intervalsJudged: 0,
      khis: [ERROR_RATE_RESULT],
      reasons: ['rollback after 2 intervals'],
    });
  });

  it('returns promptly when the decision lands during the wait', async () => {
    await judgeFirstInterval();
    const started = performance.now();
    const pending = getVerdict('?wait=10');
    setTimeout(() => void t.store.decide(ID, verdict('promote')), 100);
    const response = await pending;
    const elapsedMs = performance.now() - started;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'promote',
      decidedAtInterval: 3,
      decidedAt: '2026-11-28T02:30:00.000Z',
    });
    expect(elapsedMs).toBeGreaterThanOrEqual(90);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('times out with the current status', async () => {
    await judgeFirstInterval();
    const started = performance.now();
    const response = await getVerdict('?wait=0.3');
    const elapsedMs = performance.now() - started;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'analyzing',
      decidedAt: null,
      intervalsJudged: 1,
      score: 96,
    });
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(3000);
  });

  it('answers 400 for a wait outside 0..maxWaitSeconds', async () => {
    for (const query of ['?wait=-1', '?wait=11', '?wait=soon']) {
      const response = await getVerdict(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json(), query).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'wait' }],
      });
    }
  });

  it('answers 404 for an unknown id, 401 without a token and 403 without verdicts:read', async () => {
    const missing = await t.app.inject({
      url: '/v1/deployments/nope/verdict?wait=5',
      headers: auth('reader'),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'DEPLOYMENT_NOT_FOUND' });
    expect((await t.app.inject({ url: `/v1/deployments/${ID}/verdict` })).statusCode).toBe(401);
    expect((await getVerdict('', 'writer')).statusCode).toBe(403);
    expect((await getVerdict('', 'admin')).statusCode).toBe(200);
  });

  it('ends the wait when the client disconnects', async () => {
    // A real socket: disconnects cannot be simulated through inject().
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const url = new URL(`/v1/deployments/${ID}/verdict?wait=10`, address);
    const client = httpRequest(url, { headers: auth('reader') });
    client.on('error', () => undefined);
    client.end();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    client.destroy();
    while (!t.logs.some((line) => line['msg'] === 'verdict wait ended by client disconnect')) {
      expect(performance.now() - started).toBeLessThan(2000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(client.destroyed).toBe(true);
  });
});

describe('stopping the daemon', () => {
  it('answers waiting long-polls at once with the current state', async () => {
    const t2 = await buildTestApp();
    await t2.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker(),
    });
    const started = performance.now();
    const pending = t2.app.inject({ url: `/v1/deployments/${ID}/verdict?wait=10`, headers: auth('reader') });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = t2.close();
    const response = await pending;
    await closing;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: ID, status: 'pending', decidedAt: null });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('statistics that are not finite', () => {
  it('come out as null, never as 0', async () => {
    const t3 = await buildTestApp();
    await t3.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker(),
    });
    const khi = {
      ...ERROR_RATE_RESULT,
      pValue: NaN,
      statistic: Infinity,
      effect: { ratio: Infinity, lower: -Infinity, canary: 1 },
    };
    await t3.store.decide(ID, { ...verdict('rollback'), score: null, khis: [khi] });
    const stored = await t3.app.inject({ url: `/v1/deployments/${ID}/verdict`, headers: auth('reader') });
    const live = await buildTestApp({
      store: {
        ...t3.store,
        get: async (id) => ({
          ...(await t3.store.get(id))!,
          verdict: { ...verdict('rollback'), khis: [khi] },
        }),
      },
    });
    const unstored = await live.app.inject({ url: `/v1/deployments/${ID}/verdict`, headers: auth('reader') });
    for (const response of [stored, unstored]) {
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        khis: [{ pValue: null, statistic: null, effect: { ratio: null, lower: null, canary: 1 } }],
      });
    }
    await live.close();
    await t3.close();
  });
});
