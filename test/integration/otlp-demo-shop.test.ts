/**
 * The demo shop's real OpenTelemetry SDK (batch span processor, OTLP/HTTP protobuf exporter) sends
 * its spans to Vigil's receiver over a socket. A canary whose checkout throws an exception the
 * baseline never throws shows a signature only its summaries hold, with an exemplar trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopTracing, type ShopTracing } from '../../examples/demo-shop/shop-tracing.js';
import { createRandom } from '../../src/simulation/random.js';
import { TraceSummaries } from '../../src/sources/traces/trace-summaries.js';
import { auth, buildTestApp, type TestApp } from '../api/build-test-app.js';
import { startDemoShop, type DemoShop } from '../support/demo-shop-process.js';

const REQUESTS_PER_SHOP = 120;
let t: TestApp;
const summaries = new TraceSummaries();
const shops: { shop: DemoShop; tracing: ShopTracing }[] = [];

beforeAll(async () => {
  t = await buildTestApp({ traces: { summaries, versionAttribute: 'service.version' } });
  const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  // Seeded: the shops' injected failures are the same on every run.
  for (const [version, track, newExceptionRate, seed] of [
    ['v1', 'baseline', 0, 11],
    ['v2', 'canary', 0.3, 12],
  ] as const) {
    const random = createRandom(seed);
    const tracing = startShopTracing({
      endpoint: `${base}/v1/traces`,
      headers: auth('tracer'),
      version,
      track,
      exportDelayMs: 200,
    });
    const shop = await startDemoShop({
      version,
      track,
      errorRate: 0.05,
      newExceptionRate,
      tracer: tracing.tracer,
      random: () => random.uniform(),
    });
    shops.push({ shop, tracing });
  }
  for (const { shop } of shops) {
    for (let i = 0; i < REQUESTS_PER_SHOP; i += 1) {
      const checkout = i % 2 === 0;
      const response = await fetch(`${shop.url}${checkout ? '/checkout' : '/products'}`, {
        method: checkout ? 'POST' : 'GET',
        ...(checkout && { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }),
      });
      await response.arrayBuffer();
    }
  }
  // Shutting the providers down exports every pending span and waits for the answers.
  await Promise.all(shops.map(({ tracing }) => tracing.shutdown()));
}, 60_000);

afterAll(async () => {
  await Promise.all(shops.map(({ shop }) => shop.stop()));
  await t.close();
});

function release(version: string) {
  return summaries.operations({
    service: 'demo-shop',
    version,
    fromMs: Date.now() - 10 * 60_000,
    toMs: Date.now() + 1,
  });
}

describe('the demo shop traced with the OpenTelemetry SDK, exporting to Vigil', () => {
  it('delivers every request as a span of its release', () => {
    for (const version of ['v1', 'v2']) {
      const operations = release(version);
      expect(operations.map((o) => o.operation).sort()).toEqual(['GET /products', 'POST /checkout']);
      expect(operations.reduce((sum, o) => sum + o.requests, 0)).toBe(REQUESTS_PER_SHOP);
      for (const operation of operations) expect(operation.kind).toBe('server');
    }
  });

  it("shows the canary's new exception, with an exemplar, and not in the baseline", () => {
    const signature = 'TypeError: Cannot read properties of undefined (reading <quoted>)';
    const canaryCheckout = release('v2').find((o) => o.operation === 'POST /checkout')!;
    const found = canaryCheckout.signatures.find((s) => s.signature === signature);
    expect(found?.count).toBeGreaterThan(5);
    expect(found?.type).toBe('TypeError');
    const exemplar = summaries.exemplar(found!.exemplarIds[0]!) as {
      resourceSpans: { scopeSpans: { spans: { name: string; status: { code: number } }[] }[] }[];
    };
    expect(exemplar.resourceSpans[0]!.scopeSpans[0]!.spans[0]).toMatchObject({
      name: 'POST /checkout',
      status: { code: 2 },
    });
    const baselineSignatures = release('v1').flatMap((o) => o.signatures.map((s) => s.signature));
    expect(baselineSignatures).not.toContain(signature);
    expect(canaryCheckout.errors).toBeGreaterThan(found!.count - 1);
  });

  it('counts errors from the injected error rate in both releases', () => {
    for (const version of ['v1', 'v2']) {
      const errors = release(version).reduce((sum, o) => sum + o.errors, 0);
      expect(errors).toBeGreaterThan(0);
    }
  });
});
