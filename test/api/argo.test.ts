/**
 * GET /v1/argo/deployments/:id, answered as Argo Rollouts' web metric provider reads it: always
 * 2xx for a known deployment (Argo counts any other status as a measurement Error), with a
 * `result` its successCondition / failureCondition test, in every state of a verification.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, marker, type TestApp } from './build-test-app.js';
import { judgement, verdict } from './fixtures.js';

const ID = 'shop-2026-11-28-001';
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
  expect(
    (
      await t.app.inject({
        method: 'POST',
        url: '/v1/deployments',
        headers: auth('writer'),
        payload: marker(),
      })
    ).statusCode,
  ).toBe(201);
});
afterEach(async () => {
  await t.close();
});

/** The request as Argo's web provider sends it: GET, the template's Authorization header. */
function measure(id = ID, role: 'reader' | 'writer' = 'reader') {
  return t.app.inject({
    method: 'GET',
    url: `/v1/argo/deployments/${id}`,
    headers: { ...auth(role), accept: 'application/json' },
  });
}

describe('the Argo Rollouts web metric endpoint', () => {
  it('answers 200 with result analyzing while pending and while analysing', async () => {
    const pending = await measure();
    expect(pending.statusCode).toBe(200);
    expect(pending.json()).toMatchObject({
      result: 'analyzing',
      deploymentId: ID,
      intervalsJudged: 0,
      score: null,
      reasons: [],
    });
    await t.store.saveStep(ID, {
      expectedIntervalsJudged: 0,
      intervalsJudged: 1,
      failedSteps: 0,
      judgeState: { intervalsJudged: 1, khis: {} },
      lastJudgement: judgement(1),
    });
    const analysing = await measure();
    expect(analysing.statusCode).toBe(200);
    expect(analysing.json()).toMatchObject({ result: 'analyzing', intervalsJudged: 1, score: 96 });
  });

  it.each(['promote', 'rollback', 'inconclusive'] as const)(
    'answers 200 with result %s once decided',
    async (outcome) => {
      await t.store.decide(ID, verdict(outcome, 3));
      const response = await measure();
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        result: outcome,
        verdictUrl: `/v1/deployments/${ID}/verdict`,
        reasons: verdict(outcome, 3).reasons,
      });
    },
  );

  it('answers 404 for an unknown deployment and 401/403 without the verdicts:read scope', async () => {
    expect((await measure('nope')).statusCode).toBe(404);
    expect((await measure(ID, 'writer')).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/v1/argo/deployments/${ID}` })).statusCode).toBe(401);
  });
});
