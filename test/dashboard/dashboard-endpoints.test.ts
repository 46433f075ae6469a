/**
 * The dashboard's endpoints through app.inject(): the timeline's contract, the deployment
 * intervals the charts draw, and the dashboard's files with their Content-Security-Policy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from '../../src/api/dashboard-routes.js';
import {
  sampleJudgeState,
  sampleStep,
  sampleVerdict,
  sampleVerification,
} from '../store/sample-verification.js';
import { auth, buildTestApp, type TestApp } from '../api/build-test-app.js';

let subject: TestApp;
beforeEach(async () => {
  subject = await buildTestApp();
});
afterEach(async () => {
  await subject.close();
});

const NOW = Date.now();
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

async function seed(): Promise<void> {
  const { store } = subject;
  await store.create(sampleVerification({ id: 'good-1', createdAt: minutesAgo(90) }), sampleJudgeState());
  await store.create(
    sampleVerification({ id: 'bad-1', service: 'cart', createdAt: minutesAgo(30) }),
    sampleJudgeState(),
  );
  await store.create(
    sampleVerification({ id: 'old-1', createdAt: minutesAgo(60 * 24 * 9) }),
    sampleJudgeState(),
  );
  await store.decide('good-1', sampleVerdict('promote'));
  const step = sampleStep(sampleJudgeState());
  await store.saveStep('bad-1', step);
  await store.appendEvidence('bad-1', {
    interval: 1,
    recordedAt: minutesAgo(29),
    window: { endMs: NOW - 29 * 60_000, intervalSeconds: 60 },
    judgement: step.lastJudgement,
  });
  await store.decide('bad-1', sampleVerdict('rollback', 'critical KHI error-rate failed'));
}

describe('GET /v1/timeline', () => {
  it('answers counts and items for the last seven days by default', async () => {
    await seed();
    const response = await subject.app.inject({ url: '/v1/timeline', headers: auth('reader') });
    expect(response.statusCode).toBe(200);
    expect(response.headers['server-timing']).toMatch(/^store;dur=[\d.]+, aggregate;dur=[\d.]+$/);
    const body = response.json<{
      total: number;
      bucketSeconds: number;
      buckets: { counts: Record<string, number> }[];
      items: { id: string; status: string; reason: string | null }[];
      nextCursor: string | null;
      facets: { services: string[] };
    }>();
    expect(body.total).toBe(2);
    expect(body.bucketSeconds).toBe(3600);
    expect(body.items.map((item) => [item.id, item.status])).toEqual([
      ['bad-1', 'rollback'],
      ['good-1', 'promote'],
    ]);
    expect(body.items[0]?.reason).toBe('critical KHI error-rate failed');
    expect(body.buckets.reduce((sum, bucket) => sum + bucket.counts['rollback']!, 0)).toBe(1);
    expect(body.facets.services).toEqual(['cart', 'checkout']);
    expect(body.nextCursor).toBeNull();
  });

  it('filters and pages', async () => {
    await seed();
    const first = await subject.app.inject({
      url: `/v1/timeline?from=${NOW - 30 * 86_400_000}&to=${NOW}&limit=1`,
      headers: auth('reader'),
    });
    const page = first.json<{
      total: number;
      bucketSeconds: number;
      items: { id: string }[];
      nextCursor: string;
    }>();
    expect([page.total, page.bucketSeconds, page.items.map((item) => item.id)]).toEqual([
      3,
      86_400,
      ['bad-1'],
    ]);
    const second = await subject.app.inject({
      url: `/v1/timeline?from=${NOW - 30 * 86_400_000}&to=${NOW}&limit=1&cursor=${page.nextCursor}`,
      headers: auth('reader'),
    });
    expect(second.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual(['good-1']);
    const filtered = await subject.app.inject({
      url: '/v1/timeline?service=checkout&verdict=promote&environment=production',
      headers: auth('reader'),
    });
    expect(filtered.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual(['good-1']);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2026-02-30T25:00:00Z', 'to'],
    ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
    ['verdict=great', 'verdict'],
    ['limit=0', 'limit'],
    ['limit=5000', 'limit'],
    ['cursor=bogus', 'cursor'],
    ['colour=red', 'colour'],
  ])('answers 400 naming the field for %s', async (query, field) => {
    const response = await subject.app.inject({ url: `/v1/timeline?${query}`, headers: auth('reader') });
    expect(response.statusCode).toBe(400);
    const body = response.json<{ details: { path: string }[] }>();
    expect(body.details.map((detail) => detail.path).join(' ')).toContain(field);
  });

  it('needs a token with verdicts:read', async () => {
    expect((await subject.app.inject({ url: '/v1/timeline' })).statusCode).toBe(401);
    expect((await subject.app.inject({ url: '/v1/timeline', headers: auth('writer') })).statusCode).toBe(403);
  });
});

describe('GET /v1/deployments/:id/intervals', () => {
  it("charts each KHI's baseline, canary and band per interval, with the verdict's reasons", async () => {
    await seed();
    const response = await subject.app.inject({
      url: '/v1/deployments/bad-1/intervals',
      headers: auth('reader'),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      status: string;
      verdict: { reasons: string[] };
      steps: { interval: number }[];
      khis: { name: string; band: string | null; points: Record<string, number | null>[] }[];
      journeyRuns: unknown[];
    }>();
    expect(body.status).toBe('rollback');
    expect(body.verdict.reasons).toEqual(['critical KHI error-rate failed']);
    expect(body.steps.map((step) => step.interval)).toEqual([1]);
    const errorRate = body.khis.find((khi) => khi.name === 'error-rate');
    const latency = body.khis.find((khi) => khi.name === 'latency');
    expect(errorRate?.band).toBe('ratio');
    expect(latency?.band).toBe('difference');
    const point = errorRate!.points[0]!;
    expect(point['baseline']).toBeCloseTo(0.001);
    expect(point['canary']).toBeCloseTo(0.001);
    expect(point['low']).toBeLessThanOrEqual(point['canary']!);
    expect(point['high']).toBeGreaterThanOrEqual(point['canary']!);
    expect(point['endMs']).toBe(NOW - 29 * 60_000);
    expect(body.journeyRuns).toEqual([]);
  });

  it('answers 404 for an unknown deployment', async () => {
    const response = await subject.app.inject({
      url: '/v1/deployments/nope/intervals',
      headers: auth('reader'),
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('/dashboard', () => {
  it('serves the shell, its modules and uPlot publicly, with a strict policy', async () => {
    const redirect = await subject.app.inject({ url: '/dashboard' });
    expect([redirect.statusCode, redirect.headers.location]).toEqual([302, 'dashboard/']);
    for (const [url, type] of [
      ['/dashboard/', 'text/html'],
      ['/dashboard/app.js', 'text/javascript'],
      ['/dashboard/pages/timeline.js', 'text/javascript'],
      ['/dashboard/styles.css', 'text/css'],
      ['/dashboard/vendor/uPlot.esm.js', 'text/javascript'],
      ['/dashboard/vendor/uPlot.min.css', 'text/css'],
    ] as const) {
      const response = await subject.app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toContain(type);
      expect(response.headers['content-security-policy']).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(DASHBOARD_CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    const shell = (await subject.app.inject({ url: '/dashboard/' })).body;
    expect(shell).not.toMatch(/<script>(?!<\/script>)/);
  });

  it('serves nothing outside its folder', async () => {
    for (const url of [
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/package.json',
      '/dashboard/..%2Fsrc%2Fmain.ts',
      '/dashboard/nope.js',
      '/dashboard/vendor/uPlot.cjs.js',
    ]) {
      expect((await subject.app.inject({ url })).statusCode, url).toBe(404);
    }
  });

  it('is not served when turned off', async () => {
    const off = await buildTestApp({ dashboard: { enabled: false } });
    expect((await off.app.inject({ url: '/dashboard/' })).statusCode).toBe(404);
    await off.close();
  });
});
