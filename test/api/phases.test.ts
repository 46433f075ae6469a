/**
 * Rings: a verdict per phase, and no phase promoted before the one before it — the next phase
 * starts only once the previous one is promoted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, marker, type TestApp } from './build-test-app.js';
import { verdict } from './fixtures.js';

const ID = 'shop-2026-11-28-001';
const PHASES = [
  { name: 'ring-1', trafficShare: 0.01 },
  { name: 'ring-2', trafficShare: 0.1 },
  { name: 'ring-3', trafficShare: 1 },
];
let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
  const posted = await t.app.inject({
    method: 'POST',
    url: '/v1/deployments',
    headers: auth('writer'),
    payload: marker({ strategy: 'ring', phases: PHASES }),
  });
  expect(posted.statusCode).toBe(201);
});
afterEach(async () => {
  await t.close();
});

const phaseVerdict = (phase: string) =>
  t.app.inject({ url: `/v1/deployments/${ID}/phases/${phase}/verdict`, headers: auth('reader') });
const start = (phase: string) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/deployments/${ID}/phases/${phase}/start`,
    headers: auth('writer'),
    payload: {},
  });

describe('phases', () => {
  it('judges the first phase as the deployment itself; later ones are pending until started', async () => {
    expect((await phaseVerdict('ring-1')).json()).toMatchObject({
      id: ID,
      status: 'pending',
      phase: 'ring-1',
      trafficShare: 0.01,
    });
    const later = (await phaseVerdict('ring-2')).json<{
      status: string;
      reasons: string[];
      deploymentId: string;
    }>();
    expect(later).toMatchObject({ status: 'pending', deploymentId: `${ID}.phase.ring-2` });
    expect(later.reasons).toEqual(['phase ring-2 has not started: it starts once phase ring-1 is promoted']);
    expect((await phaseVerdict('ring-9')).statusCode).toBe(404);
  });

  it('starts a phase only once the one before it is promoted, then judges it on its own', async () => {
    const early = await start('ring-2');
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'PHASE_ORDER' });
    await t.store.decide(ID, verdict('promote', 3));
    const started = await start('ring-2');
    expect(started.statusCode).toBe(201);
    expect(started.json()).toMatchObject({ id: `${ID}.phase.ring-2`, status: 'pending' });
    expect((await start('ring-2')).statusCode).toBe(200); // a retry
    expect((await t.store.get(`${ID}.phase.ring-2`))?.marker).toMatchObject({
      service: 'shop',
      version: 'v2.4.0',
      metadata: { phase: 'ring-2', trafficShare: 0.1, phaseOf: ID },
    });
    // ring-3 waits for ring-2, which rolls back: ring-3 never starts.
    expect((await start('ring-3')).statusCode).toBe(409);
    await t.store.decide(`${ID}.phase.ring-2`, verdict('rollback', 2));
    expect((await phaseVerdict('ring-2')).json()).toMatchObject({ status: 'rollback', phase: 'ring-2' });
    expect((await start('ring-3')).statusCode).toBe(409);
    // The first phase is the deployment itself: "starting" it answers with the deployment.
    expect((await start('ring-1')).json()).toMatchObject({ id: ID, status: 'promote' });
  });

  it('refuses phases that repeat a name or shrink the traffic share, naming the field', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker({
        id: 'other',
        phases: [
          { name: 'a', trafficShare: 0.5 },
          { name: 'a', trafficShare: 0.1 },
        ],
      }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ details: unknown }>().details).toEqual([
      { path: 'phases[1].name', message: 'repeats phases[0].name "a"' },
      {
        path: 'phases[1].trafficShare',
        message: "must be at least the previous phase's (0.5): a ring reaches more traffic, not less",
      },
    ]);
    expect(await t.store.get('other')).toBeUndefined();
  });

  it('refuses a marker posing as a later phase (its id naming one), so no phase skips the order', async () => {
    const posing = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker({ id: `${ID}.phase.ring-2` }),
    });
    expect(posing.statusCode).toBe(400);
    expect(posing.json<{ details: unknown }>().details).toEqual([
      { path: 'id', message: 'must not contain ".phase." (the ids of later phases)' },
    ]);
    expect((await start('ring-2')).statusCode).toBe(409);
  });
});
