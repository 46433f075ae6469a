/** The demo shop the Prometheus integration tests scrape (examples/demo-shop). */
import { afterEach, describe, expect, it } from 'vitest';
import { startShop, validateShopOptions, type RunningShop } from '../../../examples/demo-shop/shop.js';
import { sendLoad, validateLoadOptions } from '../../../examples/demo-shop/send-load.js';

const shops: RunningShop[] = [];
afterEach(async () => {
  await Promise.all(shops.splice(0).map((shop) => shop.stop()));
});

describe('demo shop', () => {
  it('counts and exposes requests by route and code, with version and track labels', async () => {
    const shop = await startShop({ version: 'v2', track: 'canary', errorRate: 1 });
    shops.push(shop);
    const page = await fetch(`${shop.url}/products`);
    expect(page.status).toBe(500);
    expect(await page.text()).toContain('id="error"');
    expect(shop.counts()).toEqual({ '/products': { '500': 1 } });
    const metrics = await shop.metrics();
    expect(metrics).toContain(
      'http_requests_total{method="GET",route="/products",code="500",service="demo-shop",version="v2",track="canary"} 1',
    );
    expect(metrics).toMatch(
      /http_request_duration_seconds_bucket\{le="\+Inf",.*version="v2",track="canary",method="GET",route="\/products",code="500"\} 1/,
    );
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('serves pages with stable ids and a working cart', async () => {
    const shop = await startShop({ version: 'v1', track: 'baseline' });
    shops.push(shop);
    const added = await fetch(`${shop.url}/cart`, {
      method: 'POST',
      body: 'productId=p1',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'cart=abc' },
    });
    expect(await added.text()).toContain('<span id="cart-count">1</span>');
    const order = await fetch(`${shop.url}/checkout`, { method: 'POST', headers: { cookie: 'cart=abc' } });
    expect(await order.text()).toMatch(/id="order-confirmation".*€24\.00/s);
    expect((await fetch(`${shop.url}/nope`)).status).toBe(404);
  });

  it('rejects impossible settings, naming them', () => {
    expect(() => validateShopOptions({ version: 'v1', track: 'blue' as 'canary', errorRate: 2 })).toThrow(
      /track must be canary or baseline.*errorRate must be within \[0, 1\]/,
    );
  });
});

describe('load generator', () => {
  it('sends rps × seconds requests to every target in the fixed mix', async () => {
    const shop = await startShop({ version: 'v1', track: 'baseline' });
    shops.push(shop);
    const [summary] = await sendLoad({ targets: [shop.url], rps: 50, seconds: 0.4 });
    expect(summary).toEqual({ target: shop.url, sent: 20, skipped: 0, byStatus: { '200': 20 } });
    expect(shop.counts()).toEqual({
      '/': { '200': 6 },
      '/products': { '200': 8 },
      '/cart': { '200': 4 },
      '/checkout': { '200': 2 },
    });
  });

  it('refuses targets off the loopback interface and unbounded load', () => {
    expect(() => validateLoadOptions({ targets: ['http://10.0.0.1:80'], rps: 10, seconds: 1 })).toThrow(
      /loopback/,
    );
    expect(() => validateLoadOptions({ targets: ['http://127.0.0.1:80'], rps: 1e6, seconds: 1e6 })).toThrow(
      /rps must be.*seconds must be/,
    );
  });
});
