/**
 * Runs one demo shop until SIGINT/SIGTERM.
 *   node dist/examples/demo-shop/shop-server.js --port 8081 --version v2 --track canary \
 *     --error-rate 0.05 --latency-factor 1.5 [--latency-ms 20] [--host 127.0.0.1] [--broken-checkout]
 * Every flag also reads from the environment: SHOP_PORT, SHOP_HOST, SHOP_VERSION, SHOP_TRACK,
 * SHOP_ERROR_RATE, SHOP_LATENCY_MS, SHOP_LATENCY_FACTOR, SHOP_BROKEN_CHECKOUT=1 (flags win).
 */
import { parseArgs } from 'node:util';
import { startShop, type ShopTrack } from './shop.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      version: { type: 'string' },
      track: { type: 'string' },
      'error-rate': { type: 'string' },
      'latency-ms': { type: 'string' },
      'latency-factor': { type: 'string' },
      'broken-checkout': { type: 'boolean' },
    },
    strict: true,
  });
  const env = process.env;
  const shop = await startShop({
    port: numberSetting('port', values.port ?? env['SHOP_PORT'] ?? '8080'),
    host: values.host ?? env['SHOP_HOST'] ?? '127.0.0.1',
    version: values.version ?? env['SHOP_VERSION'] ?? 'v1',
    track: (values.track ?? env['SHOP_TRACK'] ?? 'baseline') as ShopTrack,
    errorRate: numberSetting('error-rate', values['error-rate'] ?? env['SHOP_ERROR_RATE'] ?? '0'),
    extraLatencyMs: numberSetting('latency-ms', values['latency-ms'] ?? env['SHOP_LATENCY_MS'] ?? '0'),
    latencyFactor: numberSetting(
      'latency-factor',
      values['latency-factor'] ?? env['SHOP_LATENCY_FACTOR'] ?? '1',
    ),
    brokenCheckout:
      values['broken-checkout'] ?? booleanSetting('SHOP_BROKEN_CHECKOUT', env['SHOP_BROKEN_CHECKOUT']),
  });
  const o = shop.options;
  console.log(
    JSON.stringify({
      msg: 'demo shop listening',
      url: shop.url,
      version: o.version,
      track: o.track,
      errorRate: o.errorRate,
      extraLatencyMs: o.extraLatencyMs,
      latencyFactor: o.latencyFactor,
      brokenCheckout: o.brokenCheckout,
    }),
  );
  const stop = (): void => {
    shop.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`demo shop: stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function numberSetting(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new TypeError(`--${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function booleanSetting(name: string, text: string | undefined): boolean {
  if (text === undefined || text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new TypeError(`${name} must be 1, true, 0 or false, got ${JSON.stringify(text)}`);
}

main().catch((error: unknown) => {
  console.error(`demo shop: ${(error as Error).message}`);
  process.exit(2);
});
