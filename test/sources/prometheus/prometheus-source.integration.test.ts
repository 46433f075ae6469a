/**
 * Integration: a real Prometheus 2.42 scraping two real prom-client demo shops every second.
 * The adapter's observations must match the requests the shops actually answered, within what
 * `increase()` extrapolation allows; a hostile version must not alter the query; a stopped
 * Prometheus must give `{ ok: false }`, not an exception.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KhiRule } from '../../../src/analysis/rule-set.js';
import type { ObservationRequest } from '../../../src/sources/metric-source.js';
import { renderQueryTemplate } from '../../../src/sources/query-template.js';
import { createPrometheusSource } from '../../../src/sources/prometheus/prometheus-source.js';
import { toBucketCounts } from '../../../src/analysis/histogram-values.js';
import { sendLoad } from '../../../examples/demo-shop/send-load.js';
import { startDemoShop, type DemoShop } from '../../support/demo-shop-process.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus-server.js';
import { webServiceKhis } from './fake-prometheus-http.js';

const HOSTILE_VERSION = 'v1"} or vector(1) #';
const QUOTED_VERSION = 'v3 "quoted" \\ back\'slash\nnew line\ttab';

let prometheus: PrometheusServer;
let canary: DemoShop;
let baseline: DemoShop;
let quoted: DemoShop;
let khis: Awaited<ReturnType<typeof webServiceKhis>>;
let window: ObservationRequest['window'];
/** `increase()` may extrapolate up to ~1.1 scrape intervals past the last sample. */
let maxExtrapolation: number;

beforeAll(async () => {
  khis = await webServiceKhis();
  [canary, baseline, quoted] = await Promise.all([
    startDemoShop({ version: 'v2', track: 'canary', errorRate: 0.2, latencyFactor: 3 }),
    startDemoShop({ version: 'v1', track: 'baseline', errorRate: 0 }),
    startDemoShop({ version: QUOTED_VERSION, track: 'baseline', errorRate: 0 }),
  ]);
  prometheus = await startPrometheus({
    scrapeTargets: [canary.target, baseline.target, quoted.target],
    scrapeIntervalSeconds: 1,
  });
  await prometheus.waitForSeries('count(http_requests_total{code="200",route="/"}) == 3');
  await sleep(1100);
  const loadStartedMs = Date.now();
  await sendLoad({ targets: [canary.url, baseline.url, quoted.url], rps: 40, seconds: 5 });
  // Wait until Prometheus has scraped every answered request, then one more scrape.
  const answeredTotal = [canary, baseline, quoted].reduce((sum, shop) => sum + answered(shop).total, 0);
  await prometheus.waitForSeries(`sum(http_requests_total) == ${answeredTotal}`);
  await sleep(1100);
  const endMs = Date.now();
  const intervalSeconds = Math.ceil((endMs - loadStartedMs) / 1000) + 2;
  window = { endMs, intervalSeconds };
  maxExtrapolation = 1 + 1.5 / (intervalSeconds - 2);
});

afterAll(async () => {
  await prometheus?.dispose();
  await Promise.all([canary?.stop(), baseline?.stop(), quoted?.stop()]);
});

function requestFor(khi: KhiRule, shop: DemoShop, group: 'canary' | 'baseline'): ObservationRequest {
  const { version, track } = shop.options;
  return {
    khi,
    group,
    context: { service: 'demo-shop', environment: 'test', version, labels: { version, track } },
    window,
  };
}

function answered(shop: DemoShop): { total: number; errors: number } {
  let total = 0;
  let errors = 0;
  for (const byCode of Object.values(shop.counts())) {
    for (const [code, count] of Object.entries(byCode)) {
      total += count;
      if (code.startsWith('5')) errors += count;
    }
  }
  return { total, errors };
}

/** Per-bucket request counts straight from the shop's own histogram (all series added up). */
async function exactBuckets(shop: DemoShop): Promise<Map<number, number>> {
  const cumulative = new Map<number, number>();
  for (const line of (await shop.metrics()).split('\n')) {
    const match = /^http_request_duration_seconds_bucket\{.*le="([^"]+)".*\} (\S+)$/.exec(line);
    if (match) {
      const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
      cumulative.set(le, (cumulative.get(le) ?? 0) + Number(match[2]));
    }
  }
  return new Map(
    toBucketCounts([...cumulative].map(([le, count]) => ({ le, count }))).map((b) => [b.le, b.count]),
  );
}

function expectWithinExtrapolation(observed: number, exact: number): void {
  expect(observed).toBeGreaterThanOrEqual(exact - 1);
  expect(observed).toBeLessThanOrEqual(Math.ceil(exact * maxExtrapolation) + 1);
}

describe('Prometheus source against a real Prometheus', () => {
  it.each([
    ['canary', () => canary],
    ['baseline', () => baseline],
  ] as const)('observes the %s error rate as the requests the shop answered', async (group, shopOf) => {
    const shop = shopOf();
    const source = createPrometheusSource({ baseUrl: prometheus.url });
    const result = await source.observe(requestFor(khis['error-rate'], shop, group));
    const exact = answered(shop);
    expect(exact.total).toBe(200);
    if (!result.ok || result.observation === undefined || !('events' in result.observation))
      throw new Error(`unexpected ${JSON.stringify(result)}`);
    const { events, total } = result.observation;
    expectWithinExtrapolation(total, exact.total);
    expectWithinExtrapolation(events, exact.errors);
    // Events and total come from series scraped together, so extrapolation scales both alike.
    expect(Math.abs(events / total - exact.errors / exact.total)).toBeLessThan(0.02);
    expect(result.queries).toHaveLength(2);
  });

  it.each([
    ['canary', () => canary],
    ['baseline', () => baseline],
  ] as const)('observes the %s latency histogram as one value per request', async (group, shopOf) => {
    const shop = shopOf();
    const source = createPrometheusSource({ baseUrl: prometheus.url });
    const result = await source.observe(requestFor(khis.latency, shop, group));
    if (!result.ok || result.observation === undefined || !('values' in result.observation))
      throw new Error(`unexpected ${JSON.stringify(result)}`);
    const values = result.observation.values as number[];
    expectWithinExtrapolation(values.length, answered(shop).total);
    const exact = await exactBuckets(shop);
    const largestFinite = Math.max(...[...exact.keys()].filter(Number.isFinite));
    // Each bucket's requests are spread over (previous bound, le] (from 0 for the lowest), the
    // +Inf ones at the largest finite bound; `exact` is sorted by bound.
    let lower = 0;
    for (const [le, count] of exact) {
      if (!Number.isFinite(le)) continue;
      const expected = count + (le === largestFinite ? (exact.get(Infinity) ?? 0) : 0);
      const from = lower;
      expectWithinExtrapolation(values.filter((v) => v > from && v <= le).length, expected);
      lower = le;
    }
  });

  it('sees the slower canary in the histogram values', async () => {
    const source = createPrometheusSource({ baseUrl: prometheus.url });
    const [c, b] = await Promise.all([
      source.observe(requestFor(khis.latency, canary, 'canary')),
      source.observe(requestFor(khis.latency, baseline, 'baseline')),
    ]);
    const median = (r: typeof c): number => {
      const values =
        r.ok && r.observation !== undefined && 'values' in r.observation
          ? [...(r.observation.values as number[])].sort((x, y) => x - y)
          : [];
      return values[Math.floor(values.length / 2)] ?? Number.NaN;
    };
    expect(median(c)).toBeGreaterThan(median(b));
  });

  it('observes the cpu gauge as samples in the interval', async () => {
    const source = createPrometheusSource({ baseUrl: prometheus.url });
    const result = await source.observe(requestFor(khis.cpu, canary, 'canary'));
    if (!result.ok || result.observation === undefined || !('values' in result.observation))
      throw new Error(`unexpected ${JSON.stringify(result)}`);
    // rate(...[1m]) needs two scrapes, so the first points of a young series may be missing.
    expect(result.observation.values.length).toBeGreaterThanOrEqual(5);
    expect(result.observation.values.length).toBeLessThanOrEqual(10);
    expect(result.queries[0]?.endpoint).toBe('/api/v1/query_range');
  });

  it('finds a version with quotes and backslashes exactly, so escaping keeps the meaning', async () => {
    const source = createPrometheusSource({ baseUrl: prometheus.url });
    const result = await source.observe(requestFor(khis['error-rate'], quoted, 'baseline'));
    expect(result, JSON.stringify(result).slice(0, 600)).toMatchObject({
      ok: true,
      observation: { events: 0 },
    });
    if (result.ok && result.observation !== undefined && 'total' in result.observation)
      expectWithinExtrapolation(result.observation.total, 200);
  });

  it(`yields no data, not vector(1), for the marker version ${HOSTILE_VERSION}`, async () => {
    const source = createPrometheusSource({ baseUrl: prometheus.url });
    const hostile: ObservationRequest = {
      khi: khis['error-rate'],
      group: 'canary',
      context: {
        service: 'demo-shop',
        environment: 'test',
        version: HOSTILE_VERSION,
        labels: { version: HOSTILE_VERSION },
      },
      window,
    };
    expect(await source.observe(hostile)).toMatchObject({ ok: true, observation: undefined });

    const bare = 'http_requests_total{version="{{version}}"}';
    const naive = bare.replace('{{version}}', HOSTILE_VERSION);
    const escaped = renderQueryTemplate(bare, hostile.context, 5);
    const time = window.endMs / 1000;
    // Control: pasted in unescaped, the marker would have turned the query into `... or vector(1)`.
    const naiveAnswer = (await prometheus.query(naive, time)) as {
      data: { result: { metric: object; value: [number, string] }[] };
    };
    expect(naiveAnswer.data.result).toContainEqual({ metric: {}, value: [time, '1'] });
    expect(await prometheus.query(escaped, time)).toMatchObject({
      status: 'success',
      data: { resultType: 'vector', result: [] },
    });
  });

  it('returns ok:false after the retries when Prometheus is down, without throwing', async () => {
    const backendErrors: string[] = [];
    const source = createPrometheusSource({
      baseUrl: prometheus.url,
      timeoutMs: 1000,
      retries: 2,
      initialBackoffMs: 20,
      onBackendError: (kind) => backendErrors.push(kind),
    });
    expect(await source.isReady()).toBe(true);
    await prometheus.stop();
    const result = await source.observe(requestFor(khis['error-rate'], canary, 'canary'));
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/network/) as unknown });
    expect(result.queries).toHaveLength(6);
    expect(backendErrors).toEqual(Array(6).fill('network'));
    expect(await source.isReady()).toBe(false);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
