/**
 * Demo shops for integration tests, started in-process on free 127.0.0.1 ports (each with its
 * own metrics registry). `startDemoShop({ version: 'v2', track: 'canary', errorRate: 0.1 })`,
 * then `shop.stop()` in afterAll. `shop.target` is the `host:port` Prometheus scrapes.
 */
import { startShop, type RunningShop, type ShopOptions } from '../../examples/demo-shop/shop.js';

export interface DemoShop extends RunningShop {
  /** `127.0.0.1:port`, for `startPrometheus({ scrapeTargets })`. */
  readonly target: string;
}

/** Starts a demo shop on a free loopback port. */
export async function startDemoShop(options: Omit<ShopOptions, 'port' | 'host'>): Promise<DemoShop> {
  const shop = await startShop({ ...options, port: 0, host: '127.0.0.1' });
  return { ...shop, target: `127.0.0.1:${shop.port}` };
}
