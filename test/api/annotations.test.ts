import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OVERLAP_LOOKBACK_MS } from '../../src/api/annotation-routes.js';
import type { DeploymentMarker } from '../../src/ingest/deployment-marker-schema.js';
import type { Verdict, Verification } from '../../src/verification/verification.js';
import { auth, buildTestApp, marker, TOKENS, type TestApp } from './build-test-app.js';
import { verdict } from './fixtures.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface Annotation {
  id: string;
  time: number;
  timeEnd?: number;
  title: string;
  text: string;
  tags: string[];
  tagsCsv: string;
  status: string;
  reportUrl: string;
}

interface Seed {
  readonly id: string;
  /** The marker's startedAt, epoch ms. */
  readonly startedMs: number;
  /** When Vigil received the marker (the store's list order), epoch ms; default startedMs. */
  readonly createdMs?: number;
  /** When the verdict was recorded, epoch ms; undecided when absent. */
  readonly decidedMs?: number;
  readonly outcome?: Verdict['outcome'];
  readonly marker?: Partial<DeploymentMarker>;
}

let t: TestApp;
let now: number;
beforeEach(async () => {
  t = await buildTestApp();
  now = Date.now();
});
afterEach(async () => {
  await t.close();
});

/** Stores a verification as ingest and a step would, with chosen times. */
async function seed(s: Seed): Promise<void> {
  const createdAt = new Date(s.createdMs ?? s.startedMs).toISOString();
  const base = marker({ ...s.marker, id: s.id });
  const verification: Verification = {
    id: s.id,
    marker: { ...base, id: s.id, startedAt: new Date(s.startedMs).toISOString() },
    markerSha256: '0'.repeat(64),
    ruleSetSha256: '0'.repeat(64),
    plan: { intervalSeconds: 60, minIntervals: 3, maxIntervals: 10 },
    status: 'pending',
    createdAt,
    updatedAt: createdAt,
    intervalsJudged: 0,
    failedSteps: 0,
    lastJudgement: null,
    verdict: null,
  };
  await t.store.create(verification, { intervalsJudged: 0, khis: {} });
  if (s.decidedMs !== undefined) {
    await t.store.decide(s.id, {
      ...verdict(s.outcome ?? 'promote'),
      decidedAt: new Date(s.decidedMs).toISOString(),
    });
  }
}

function get(query: string, headers: Record<string, string> = auth('reader')) {
  return t.app.inject({ method: 'GET', url: `/v1/annotations${query}`, headers });
}

async function annotations(query: string): Promise<Annotation[]> {
  const response = await get(query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Annotation[]>();
}

const range = (fromMs: number, toMs: number) => `?from=${fromMs}&to=${toMs}`;

describe('GET /v1/annotations', () => {
  it('answers a decided verification as a region from its marker to its verdict, titled with the outcome', async () => {
    const startedMs = now - 2 * HOUR_MS;
    await seed({
      id: 'checkout-241',
      startedMs,
      decidedMs: startedMs + 10 * 60_000,
      outcome: 'rollback',
      marker: {
        service: 'checkout',
        environment: 'production',
        version: 'v2.4.1',
        baselineVersion: 'v2.4.0',
      },
    });

    const [annotation, ...rest] = await annotations(range(now - 6 * HOUR_MS, now));

    expect(rest).toEqual([]);
    expect(annotation).toEqual({
      id: 'checkout-241',
      time: startedMs,
      timeEnd: startedMs + 10 * 60_000,
      title: 'checkout v2.4.1 → rollback',
      text: expect.any(String) as string,
      tags: ['checkout', 'production', 'canary', 'rollback'],
      tagsCsv: 'checkout,production,canary,rollback',
      status: 'rollback',
      reportUrl: '/v1/deployments/checkout-241/report',
    });
    expect(annotation?.text).toContain('v2.4.1 against v2.4.0 in production (canary, rule set web-service)');
    expect(annotation?.text).toContain('rollback after 3 interval(s), score 96');
    expect(annotation?.text).toContain('rollback after 3 intervals');
    expect(annotation?.text).toContain('<a href="/v1/deployments/checkout-241/report">Validation report</a>');
  });

  it('answers an undecided verification as a point tagged with its status', async () => {
    await seed({ id: 'running', startedMs: now - HOUR_MS });

    const [annotation] = await annotations(range(now - 6 * HOUR_MS, now));

    expect(annotation).not.toHaveProperty('timeEnd');
    expect(annotation?.title).toBe('shop v2.4.0 → pending');
    expect(annotation?.tags).toEqual(['shop', 'production', 'canary', 'pending']);
    expect(annotation?.text).toContain('pending: 0 of at most 10 intervals judged');
  });

  it('links the report under publicBaseUrl when configured', async () => {
    await t.close();
    t = await buildTestApp({ publicBaseUrl: 'https://vigil.example.com' });
    await seed({ id: 'linked', startedMs: now - HOUR_MS, decidedMs: now - HOUR_MS / 2 });

    const [annotation] = await annotations(range(now - 6 * HOUR_MS, now));

    expect(annotation?.reportUrl).toBe('https://vigil.example.com/v1/deployments/linked/report');
  });

  it('escapes HTML in titles and texts, and commas in the comma-separated tags', async () => {
    await seed({
      id: 'html',
      startedMs: now - HOUR_MS,
      decidedMs: now - HOUR_MS / 2,
      marker: { service: 'a<b>,c', version: '"v1"&' },
    });

    const [annotation] = await annotations(range(now - 6 * HOUR_MS, now));

    expect(annotation?.title).toBe('a&lt;b&gt;,c &quot;v1&quot;&amp; → promote');
    expect(annotation?.text).not.toContain('<b>');
    expect(annotation?.tags[0]).toBe('a<b>,c');
    expect(annotation?.tagsCsv).toBe('a<b> c,production,canary,promote');
  });

  describe('time range', () => {
    beforeEach(async () => {
      const day = (n: number) => now - n * DAY_MS;
      // Entirely before the range.
      await seed({ id: 'before', startedMs: day(5), decidedMs: day(5) + HOUR_MS });
      // Started before the range, decided inside it.
      await seed({ id: 'overlapping', startedMs: day(3) - HOUR_MS, decidedMs: day(3) + HOUR_MS });
      // Inside.
      await seed({ id: 'inside', startedMs: day(2), decidedMs: day(2) + HOUR_MS });
      // Started after the range.
      await seed({ id: 'after', startedMs: day(0.5), decidedMs: day(0.5) + HOUR_MS });
      // Started before the range and still running.
      await seed({ id: 'running', startedMs: day(3.5), createdMs: day(3.5) });
    });

    it('answers the verifications whose span overlaps [from, to], newest first', async () => {
      const found = await annotations(range(now - 3 * DAY_MS, now - DAY_MS));
      expect(found.map((annotation) => annotation.id)).toEqual(['inside', 'overlapping', 'running']);
    });

    it('takes ISO-8601 times as well as epoch milliseconds', async () => {
      const from = new Date(now - 3 * DAY_MS).toISOString();
      const to = new Date(now - DAY_MS).toISOString().replace('Z', '+00:00');
      const found = await annotations(`?from=${from}&to=${encodeURIComponent(to)}`);
      expect(found.map((annotation) => annotation.id)).toEqual(['inside', 'overlapping', 'running']);
    });

    it('answers the last 24 hours when from and to are absent', async () => {
      const found = await annotations('');
      // 'running' overlaps too, but was created more than the lookback before from: never read.
      expect(found.map((annotation) => annotation.id)).toEqual(['after']);
    });

    it('answers the newest `limit` annotations', async () => {
      const found = await annotations(`${range(now - 3 * DAY_MS, now - DAY_MS)}&limit=2`);
      expect(found.map((annotation) => annotation.id)).toEqual(['inside', 'overlapping']);
    });

    it('answers nothing for a range in the future', async () => {
      expect(await annotations(range(now + 2 * DAY_MS, now + 3 * DAY_MS))).toEqual([]);
    });
  });

  it('pages through the store until verifications created before from minus the lookback', async () => {
    const fromMs = now - 10 * DAY_MS;
    // 600 recent verifications (more than one store page), then an old one still inside the range.
    for (let index = 0; index < 600; index += 1) {
      await seed({ id: `recent-${index}`, startedMs: now - HOUR_MS - index * 1000 });
    }
    await seed({ id: 'old', startedMs: fromMs + HOUR_MS, decidedMs: fromMs + 2 * HOUR_MS });
    // Created before the lookback, so never read, though its startedAt says otherwise.
    await seed({
      id: 'too-old',
      startedMs: fromMs + HOUR_MS,
      createdMs: fromMs - OVERLAP_LOOKBACK_MS - HOUR_MS,
      decidedMs: fromMs + 2 * HOUR_MS,
    });

    const found = await annotations(`${range(fromMs, now)}&limit=5000`);

    expect(found).toHaveLength(601);
    expect(found.at(-1)?.id).toBe('old');
  });

  it('filters by service and environment, and ignores empty filters (an unset Grafana variable)', async () => {
    await seed({ id: 'shop-prod', startedMs: now - HOUR_MS, marker: { service: 'shop' } });
    await seed({ id: 'cart-prod', startedMs: now - HOUR_MS, marker: { service: 'cart' } });
    await seed({
      id: 'cart-staging',
      startedMs: now - HOUR_MS,
      marker: { service: 'cart', environment: 'staging' },
    });
    const ids = async (query: string) =>
      (await annotations(`${range(now - DAY_MS, now)}${query}`)).map((annotation) => annotation.id).sort();

    expect(await ids('&service=cart')).toEqual(['cart-prod', 'cart-staging']);
    expect(await ids('&service=cart&environment=staging')).toEqual(['cart-staging']);
    expect(await ids('&service=&environment=')).toEqual(['cart-prod', 'cart-staging', 'shop-prod']);
  });

  describe('authentication', () => {
    it('answers 401 without a token and with an unknown one', async () => {
      expect((await get('', {})).statusCode).toBe(401);
      expect((await get('', { authorization: `Bearer not-${TOKENS.reader}` })).statusCode).toBe(401);
    });

    it('answers 403 to a token without verdicts:read, and 200 to admin', async () => {
      const forbidden = await get('', auth('writer'));
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json<{ code: string }>().code).toBe('FORBIDDEN');
      expect((await get('', auth('admin'))).statusCode).toBe(200);
    });
  });

  describe('bad input', () => {
    // Queries are made when the test runs: `now` is set in beforeEach.
    const cases: [string, () => string, string][] = [
      ['from after to', () => range(now, now - HOUR_MS), 'from'],
      ['an unparseable from', () => '?from=yesterday', 'from'],
      ['an unparseable to', () => '?to=12:00', 'to'],
      ['a date-time without a zone', () => '?from=2026-01-01T10:00:00', 'from'],
      ['a range over 90 days', () => range(now - 91 * DAY_MS, now), 'from'],
      ['a limit of 0', () => '?limit=0', 'limit'],
      ['a limit over 5000', () => '?limit=5001', 'limit'],
      ['a limit that is not an integer', () => '?limit=ten', 'limit'],
      ['an unknown parameter', () => '?verbose=1', 'verbose'],
    ];

    it.each(cases)('answers 400 naming the field for %s', async (_name, query, field) => {
      const response = await get(query());
      expect(response.statusCode).toBe(400);
      const body = response.json<{ code: string; details: { path: string }[] }>();
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details.map((detail) => detail.path)).toContain(field);
    });

    it('accepts a range of exactly 90 days', async () => {
      expect((await get(range(now - 90 * DAY_MS, now))).statusCode).toBe(200);
    });
  });
});
