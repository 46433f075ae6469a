/**
 * Traces end to end: demo shops instrumented with the real OpenTelemetry SDK (batch processor,
 * OTLP/HTTP protobuf exporter) send their spans to the daemon's embedded receiver over a socket;
 * two daemons share one Redis and BullMQ queue and judge trace KHIs only. The baseline exports to
 * one daemon and the canaries to the other, so whichever daemon runs a step must see the spans the
 * other received. A canary that throws a new exception in its checkout is rolled back on the trace
 * KHI with the exemplar trace stored and linked; a healthy canary is promoted. Malformed OTLP sent
 * meanwhile is refused and changes nothing.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { pino } from 'pino';
import { createFilesystemArtifactStore } from '../../src/store/artifacts/filesystem-artifact-store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopTracing, type ShopTracing } from '../../examples/demo-shop/shop-tracing.js';
import { sendLoad } from '../../examples/demo-shop/send-load.js';
import { resolveSettings } from '../../src/config/load-settings.js';
import { startDaemon, type Daemon } from '../../src/main.js';
import { createRandom } from '../../src/simulation/random.js';
import { startDemoShop, type DemoShop } from '../support/demo-shop-process.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const TOKEN = 'traces-test-token-0123456789';
const TRACER_TOKEN = 'traces-test-exporter-0123456789';
const RULES = `
name: shop-traces
analysis: { interval: 5s, minIntervals: 2, maxIntervals: 10, alpha: 0.05 }
scoring: { pass: 90, marginal: 60 }
khis:
  - name: operations
    kind: trace
    direction: increase
    critical: true
    # Latency of shops sharing the test's event loop jitters too much to judge in seconds.
    yields: [errors, new-errors, new-operations]
    minOperationSpans: 30
    # A few hundred spans per operation rule out a rise of five points, not less.
    tolerance: { relative: 0.5, absolute: 0.05 }
`;

let redis: RedisServer;
let daemon: Daemon;
let otherDaemon: Daemon;
let artifactsDir: string;
const shops: { shop: DemoShop; tracing: ShopTracing }[] = [];
const load = new AbortController();
let loadDone: Promise<unknown>;

const api = () =>
  axios.create({
    baseURL: daemon.url,
    headers: { authorization: `Bearer ${TOKEN}` },
    validateStatus: () => true,
  });

function marker(id: string) {
  return {
    id,
    service: 'demo-shop',
    environment: 'test',
    version: id,
    baselineVersion: 'v1',
    strategy: 'canary',
    ruleSet: 'shop-traces',
    canary: { labels: { version: id } },
    baseline: { labels: { version: 'v1' } },
  };
}

async function verdictOf(id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { data } = await api().get<Record<string, unknown>>(`/v1/deployments/${id}/verdict?wait=10`);
    if (!['pending', 'analyzing'].includes(data['status'] as string) || Date.now() > deadline) return data;
  }
}

beforeAll(async () => {
  redis = await startRedis();
  const rulesDir = await mkdtemp(join(tmpdir(), 'vigil-trace-rules-'));
  artifactsDir = await mkdtemp(join(tmpdir(), 'vigil-trace-artifacts-'));
  await writeFile(join(rulesDir, 'shop-traces.yaml'), RULES);
  const settings = resolveSettings(
    {
      port: 0,
      redisUrl: redis.url,
      // No metric KHI here: Prometheus is never asked.
      prometheusUrl: 'http://127.0.0.1:9',
      rulesDir,
      artifactsDir,
      keyPrefix: 'traces-e2e:',
      logLevel: 'silent',
      tokens: [
        { name: 'test', token: TOKEN, scopes: ['admin'] },
        { name: 'exporter', token: TRACER_TOKEN, scopes: ['traces:write'] },
      ],
      prometheus: { queryDelaySeconds: 1 },
      // Intervals are whole numbers of buckets (the daemon refuses to start otherwise).
      traces: { bucketSeconds: 1 },
    },
    {},
  );
  daemon = await startDaemon(settings, { logger: pino({ level: 'silent' }) });
  otherDaemon = await startDaemon(settings, { logger: pino({ level: 'silent' }) });
  for (const [version, track, newExceptionRate, seed] of [
    ['v1', 'baseline', 0, 21],
    ['v2', 'canary', 0, 22],
    ['v3', 'canary', 0.3, 23],
  ] as const) {
    const random = createRandom(seed);
    const receiver = track === 'baseline' ? otherDaemon : daemon;
    const tracing = startShopTracing({
      endpoint: `${receiver.url}/v1/traces`,
      headers: { authorization: `Bearer ${TRACER_TOKEN}` },
      version,
      track,
      exportDelayMs: 200,
    });
    const shop = await startDemoShop({
      version,
      track,
      errorRate: 0.01,
      newExceptionRate,
      tracer: tracing.tracer,
      random: () => random.uniform(),
    });
    shops.push({ shop, tracing });
  }
  loadDone = sendLoad({
    targets: shops.map(({ shop }) => shop.url),
    rps: 60,
    seconds: 150,
    signal: load.signal,
  });
}, 120_000);

afterAll(async () => {
  load.abort();
  await loadDone;
  await Promise.all(shops.map(({ tracing }) => tracing.shutdown()));
  await Promise.all(shops.map(({ shop }) => shop.stop()));
  await Promise.all([daemon?.close(), otherDaemon?.close()]);
  await redis?.stop();
}, 120_000);

describe('trace KHIs end to end', () => {
  it('rolls back the canary throwing a new exception, with its exemplar; promotes the healthy one', async () => {
    const [good, bad] = await Promise.all([
      api().post('/v1/deployments', marker('v2')),
      api().post('/v1/deployments', marker('v3')),
    ]);
    expect(good.status).toBe(201);
    expect(bad.status).toBe(201);

    // Malformed OTLP meanwhile: refused as the specification says, nothing stored changes.
    const exporter = { authorization: `Bearer ${TRACER_TOKEN}` };
    const badProtobuf = await api().post('/v1/traces', Buffer.from([0x0a, 0xff, 0xff]), {
      headers: { ...exporter, 'content-type': 'application/x-protobuf' },
    });
    expect(badProtobuf.status).toBe(400);
    const wrongType = await api().post('/v1/traces', 'hello', {
      headers: { ...exporter, 'content-type': 'text/plain' },
    });
    expect(wrongType.status).toBe(415);

    const [goodVerdict, badVerdict] = await Promise.all([verdictOf('v2'), verdictOf('v3')]);
    expect(badVerdict['status'], JSON.stringify(badVerdict['reasons'])).toBe('rollback');
    const member = 'operations.new-errors[TypeError: Cannot read properties of undefined (reading <quoted>)]';
    expect((badVerdict['reasons'] as string[]).join('\n')).toContain(`critical KHI ${member} failed`);
    const khis = badVerdict['khis'] as { name: string; failed: boolean; evidence?: string[] }[];
    const failing = khis.find((khi) => khi.name === member);
    const exemplarPath = failing?.evidence?.[0] ?? '';
    expect(exemplarPath).toMatch(/^traces\/operations\/new-error-[0-9a-f]{16}\.json$/);
    const exemplarBytes = await createFilesystemArtifactStore(artifactsDir).read('v3', exemplarPath);
    const exemplar = JSON.parse(Buffer.from(exemplarBytes).toString('utf8')) as {
      resourceSpans: { scopeSpans: { spans: { name: string; status?: { code?: number } }[] }[] }[];
    };
    const spans = exemplar.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans.some((span) => span.name === 'POST /checkout' && span.status?.code === 2)).toBe(true);

    expect(goodVerdict['status'], JSON.stringify(goodVerdict['reasons'])).toBe('promote');
    const goodKhis = (goodVerdict['khis'] as { name: string }[]).map((khi) => khi.name);
    expect(goodKhis).toContain('operations[POST /checkout]');
    expect(goodKhis.some((name) => name.startsWith('operations.new-errors['))).toBe(false);
  });

  it('refuses to start a daemon whose trace rule set interval is not a whole number of buckets', async () => {
    const rulesDir = await mkdtemp(join(tmpdir(), 'vigil-trace-rules-'));
    await writeFile(join(rulesDir, 'shop-traces.yaml'), RULES);
    const settings = resolveSettings(
      { redisUrl: redis.url, prometheusUrl: 'http://127.0.0.1:9', rulesDir, traces: { bucketSeconds: 10 } },
      {},
    );
    await expect(startDaemon(settings, { logger: pino({ level: 'silent' }) })).rejects.toThrow(
      'rule set shop-traces: analysis.interval (5s) must be a whole number of traces.bucketSeconds (10s) for its trace KHIs',
    );
  });
});
