/**
 * Journeys end to end: the daemon (real Redis, BullMQ journey queue, Debian Chromium through
 * Playwright) runs probes/checkout.ts against demo shops. The faulty canary's checkout button does
 * nothing while every HTTP answer is a 200, so only the journey can tell; it must be rolled back
 * because of the journey, with a screenshot and a Playwright trace among its evidence.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { pino } from 'pino';
import { createFilesystemArtifactStore } from '../../src/store/artifacts/filesystem-artifact-store.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/load-settings.js';
import { startDaemon, type Daemon } from '../../src/main.js';
import { startDemoShop, type DemoShop } from '../support/demo-shop-process.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { zipEntryNames } from '../support/zip-entries.js';

const TOKEN = 'journey-test-token-0123456789';
const RULES = `
name: shop-journeys
analysis: { interval: 5s, minIntervals: 2, maxIntervals: 4, alpha: 0.1 }
scoring: { pass: 95, marginal: 75 }
khis:
  - name: checkout
    kind: journey
    direction: increase
    critical: true
    probe: checkout
    yields: [success]
    runsPerInterval: 3
    minSamples: 3
    # Six runs a group (two intervals) rule out a rise in failures of 55 points, not less: a test
    # with few runs must tolerate much. A broken checkout fails every run, far beyond it.
    tolerance: { absolute: 0.55 }
`;

let redis: RedisServer;
let baseline: DemoShop;
let healthy: DemoShop;
let broken: DemoShop;
let daemon: Daemon;
let artifactsDir: string;

const api = () =>
  axios.create({
    baseURL: daemon.url,
    headers: { authorization: `Bearer ${TOKEN}` },
    validateStatus: () => true,
  });

function marker(id: string, canary: DemoShop) {
  return {
    id,
    service: 'demo-shop',
    environment: 'test',
    version: id,
    strategy: 'canary',
    ruleSet: 'shop-journeys',
    canary: { labels: { version: id }, url: canary.url },
    baseline: { labels: { version: 'v1' }, url: baseline.url },
  };
}

async function verdictOf(id: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    const { data } = await api().get<Record<string, unknown>>(`/v1/deployments/${id}/verdict?wait=10`);
    if (!['pending', 'analyzing'].includes(data['status'] as string) || Date.now() > deadline) return data;
  }
}

beforeAll(async () => {
  redis = await startRedis();
  [baseline, healthy, broken] = await Promise.all([
    startDemoShop({ version: 'v1', track: 'baseline' }),
    startDemoShop({ version: 'v2', track: 'canary' }),
    startDemoShop({ version: 'v3', track: 'canary', brokenCheckout: true }),
  ]);
  const rulesDir = await mkdtemp(join(tmpdir(), 'vigil-journey-rules-'));
  artifactsDir = await mkdtemp(join(tmpdir(), 'vigil-journey-artifacts-'));
  await writeFile(join(rulesDir, 'shop-journeys.yaml'), RULES);
  const settings = resolveSettings(
    {
      port: 0,
      redisUrl: redis.url,
      // No metric KHI here: Prometheus is never asked.
      prometheusUrl: 'http://127.0.0.1:9',
      rulesDir,
      artifactsDir,
      keyPrefix: 'journeys-e2e:',
      logLevel: 'silent',
      tokens: [{ name: 'test', token: TOKEN, scopes: ['admin'] }],
      prometheus: { queryDelaySeconds: 0.5 },
      journeys: { concurrency: 4, passingEvidenceRate: 0 },
    },
    {},
  );
  daemon = await startDaemon(settings, { logger: pino({ level: 'silent' }) });
}, 180_000);

afterAll(async () => {
  await daemon?.close();
  await Promise.all([baseline, healthy, broken].filter(Boolean).map((shop) => shop.stop()));
  await redis?.stop();
}, 180_000);

describe('journeys end to end', () => {
  it('rolls back the canary whose checkout is broken, with screenshot and trace; not the healthy one', async () => {
    const [good, bad] = await Promise.all([
      api().post('/v1/deployments', marker('v2', healthy)),
      api().post('/v1/deployments', marker('v3', broken)),
    ]);
    expect(good.status).toBe(201);
    expect(bad.status).toBe(201);
    const [goodVerdict, badVerdict] = await Promise.all([verdictOf('v2'), verdictOf('v3')]);

    expect(badVerdict['status'], JSON.stringify(badVerdict['reasons'])).toBe('rollback');
    expect((badVerdict['reasons'] as string[])[0]).toMatch(/critical KHI checkout failed/);
    const khis = badVerdict['khis'] as { name: string; classification: string; evidence?: string[] }[];
    const checkout = khis.find((khi) => khi.name === 'checkout');
    expect(checkout?.classification).toBe('high');
    const evidence = checkout?.evidence ?? [];
    const screenshot = evidence.find((path) => path.endsWith('.png'));
    const traceZip = evidence.find((path) => path.endsWith('trace.zip'));
    expect(screenshot, JSON.stringify(evidence)).toMatch(/^journeys\/interval-\d+\/canary\/checkout-\d+\//);
    expect(traceZip, JSON.stringify(evidence)).toBeDefined();
    const bundle = createFilesystemArtifactStore(artifactsDir);
    const png = Buffer.from(await bundle.read('v3', screenshot as string));
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const entries = zipEntryNames(await bundle.read('v3', traceZip as string));
    expect(entries.some((name) => name.endsWith('.trace'))).toBe(true);

    // The healthy canary's journeys pass like the baseline's: never rolled back.
    expect(goodVerdict['status'], JSON.stringify(goodVerdict['reasons'])).not.toBe('rollback');
    const goodCheckout = (goodVerdict['khis'] as { name: string; classification: string }[]).find(
      (khi) => khi.name === 'checkout',
    );
    expect(goodCheckout?.classification).toBe('pass');
  }, 300_000);
});
