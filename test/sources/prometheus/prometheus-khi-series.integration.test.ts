/**
 * Integration: the Prometheus KHI series against a real Prometheus scraping a real prom-client demo
 * shop (20% errors) every second, through the KHI series contract; and the PromQL it builds, with
 * a hostile label value that must stay a string.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KhiRule } from '../../../src/analysis/rule-set.js';
import { sendLoad } from '../../../examples/demo-shop/send-load.js';
import {
  createPrometheusKhiSeries,
  khiSeriesQuery,
} from '../../../src/sources/prometheus/prometheus-khi-series.js';
import { startDemoShop, type DemoShop } from '../../support/demo-shop-process.js';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus-server.js';
import { describeKhiSeriesContract } from '../khi-series-source-contract.js';
import { webServiceKhis } from './fake-prometheus-http.js';

const khis = await webServiceKhis();
const failing: KhiRule = { ...khis.cpu, name: 'broken', query: { values: 'sum(rate(' } };
let prometheus: PrometheusServer;
let shop: DemoShop;
let fromMs: number;
let toMs: number;

beforeAll(async () => {
  shop = await startDemoShop({ version: 'v2', track: 'canary', errorRate: 0.2 });
  prometheus = await startPrometheus({ scrapeTargets: [shop.target], scrapeIntervalSeconds: 1 });
  await prometheus.waitForSeries('up{job="demo"} == 1');
  await sleep(2000);
  fromMs = Date.now();
  await sendLoad({ targets: [shop.url], rps: 50, seconds: 8 });
  await sleep(1500);
  toMs = Date.now() - 1000;
}, 60_000);

afterAll(async () => {
  await prometheus?.dispose();
  await shop?.stop();
});

describeKhiSeriesContract('prometheus', () => ({
  source: createPrometheusKhiSeries({ baseUrl: prometheus.url, minWindowSeconds: 4, retries: 0 }),
  request: (khi) => ({
    khi,
    service: 'demo-shop',
    selector: { service: 'demo-shop' },
    fromMs: fromMs + 5000,
    toMs,
    stepSeconds: 1,
  }),
  // 20% of page requests fail; a 4 s window over 1 s scrapes is noisy.
  ratio: { khi: khis['error-rate'], low: 0.08, high: 0.35 },
  others: [khis.latency, khis.cpu],
  failing,
}));

describe('the PromQL of a KHI series', () => {
  const request = (khi: KhiRule, selector: Record<string, string>) => ({
    khi,
    service: 'demo-shop',
    selector,
    fromMs: 0,
    toMs: 60_000,
    stepSeconds: 15,
  });

  it('is events over total per window, quantile of the histogram, or the gauge as written', () => {
    expect(khiSeriesQuery(request(khis['error-rate'], { service: 'shop' }), 60)).toBe(
      '(sum(sum(increase(http_requests_total{ service="shop", code=~"5.." }[60s]))) or vector(0)) / sum(sum(increase(http_requests_total{ service="shop" }[60s])))',
    );
    expect(khiSeriesQuery(request(khis.latency, { service: 'shop' }), 60)).toMatch(
      /^histogram_quantile\(0\.95, sum by \(le\)/,
    );
    expect(khiSeriesQuery(request(khis.cpu, { service: 'shop' }), 60)).toBe(
      'sum(rate(process_cpu_seconds_total{ service="shop" }[1m]))',
    );
  });

  it('keeps a hostile label value a string: the real Prometheus finds nothing for it', async () => {
    const hostile = { service: 'demo-shop"} or vector(1) #' };
    expect(khiSeriesQuery(request(khis['error-rate'], hostile), 60)).toContain(
      'service="demo-shop\\"} or vector(1) #"',
    );
    const source = createPrometheusKhiSeries({ baseUrl: prometheus.url, minWindowSeconds: 4, retries: 0 });
    const result = await source.series({
      ...request(khis['error-rate'], hostile),
      fromMs,
      toMs,
      stepSeconds: 1,
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.points.every((p) => p.value === null)).toBe(true);
  });

  it('refuses a template that needs a version, which a whole service has not', async () => {
    const versioned: KhiRule = { ...khis.cpu, query: { values: 'sum(up{version="{{version}}"})' } };
    const source = createPrometheusKhiSeries({ baseUrl: prometheus.url, retries: 0 });
    const result = await source.series(request(versioned, { service: 'demo-shop' }));
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.error).toContain('{{version}}');
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
