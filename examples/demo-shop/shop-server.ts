/**
 * Runs one demo shop until SIGINT/SIGTERM.
 *   node dist/examples/demo-shop/shop-server.js --port 8081 --version v2 --track canary \
 *     --error-rate 0.05 --latency-factor 1.5 [--latency-ms 20] [--host 127.0.0.1] [--broken-checkout]
 *     [--new-exception-rate 0.2] [--otlp-endpoint http://127.0.0.1:8080/v1/traces]
 * Every flag also reads from the environment: SHOP_PORT, SHOP_HOST, SHOP_VERSION, SHOP_TRACK,
 * SHOP_ERROR_RATE, SHOP_LATENCY_MS, SHOP_LATENCY_FACTOR, SHOP_BROKEN_CHECKOUT=1,
 * SHOP_NEW_EXCEPTION_RATE, SHOP_OTLP_ENDPOINT (flags win). With an OTLP endpoint every request is
 * a span exported over OTLP/HTTP protobuf, with `authorization: Bearer $SHOP_OTLP_TOKEN` when set.
 */
import { parseArgs } from 'node:util';
import { startShop, type ShopTrack } from './shop.js';
import { startShopTracing, type ShopTracing } from './shop-tracing.js';

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
      'new-exception-rate': { type: 'string' },
      'otlp-endpoint': { type: 'string' },
    },
    strict: true,
  });
  const env = process.env;
  const version = values.version ?? env['SHOP_VERSION'] ?? 'v1';
  const track = (values.track ?? env['SHOP_TRACK'] ?? 'baseline') as ShopTrack;
  const otlpEndpoint = values['otlp-endpoint'] ?? env['SHOP_OTLP_ENDPOINT'];
  const otlpToken = env['SHOP_OTLP_TOKEN'];
  const tracing: ShopTracing | undefined =
    otlpEndpoint === undefined || otlpEndpoint === ''
      ? undefined
      : startShopTracing({
          endpoint: otlpEndpoint,
          version,
          track,
          ...(otlpToken !== undefined &&
            otlpToken !== '' && { headers: { authorization: `Bearer ${otlpToken}` } }),
        });
  const shop = await startShop({
    port: numberSetting('port', values.port ?? env['SHOP_PORT'] ?? '8080'),
    host: values.host ?? env['SHOP_HOST'] ?? '127.0.0.1',
    version,
    track,
    errorRate: numberSetting('error-rate', values['error-rate'] ?? env['SHOP_ERROR_RATE'] ?? '0'),
    extraLatencyMs: numberSetting('latency-ms', values['latency-ms'] ?? env['SHOP_LATENCY_MS'] ?? '0'),
    latencyFactor: numberSetting(
      'latency-factor',
      values['latency-factor'] ?? env['SHOP_LATENCY_FACTOR'] ?? '1',
    ),
    brokenCheckout:
      values['broken-checkout'] ?? booleanSetting('SHOP_BROKEN_CHECKOUT', env['SHOP_BROKEN_CHECKOUT']),
    newExceptionRate: numberSetting(
      'new-exception-rate',
      values['new-exception-rate'] ?? env['SHOP_NEW_EXCEPTION_RATE'] ?? '0',
    ),
    ...(tracing !== undefined && { tracer: tracing.tracer }),
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
      newExceptionRate: o.newExceptionRate,
      otlpEndpoint: otlpEndpoint ?? null,
    }),
  );
  const stop = (): void => {
    // Spans that cannot be delivered on the way out are lost, not a failed stop.
    const flushed = tracing?.shutdown().catch((error: unknown) => {
      console.error(`demo shop: pending spans not exported: ${(error as Error).message}`);
    });
    Promise.all([shop.stop(), flushed]).then(
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
