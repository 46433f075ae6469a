/**
 * The main job, live: start Redis, a baseline and two canaries of the demo shop (a healthy v2 and
 * a faulty v3: more errors and slower), a load generator, Prometheus scraping the shops, and the
 * Vigil daemon — all on free loopback ports — then verify both releases through the HTTP API
 * exactly as a pipeline would with `vigil verify`, print each verdict with its reasons, and stop
 * everything it started. Exit code 0 when the healthy release is promoted and the faulty one
 * rolled back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { sendLoad } from '../examples/demo-shop/send-load.js';
import { startShop, type RunningShop } from '../examples/demo-shop/shop.js';
import { runArtifactsPullCommand } from '../src/cli/artifacts-command.js';
import { runVerifyCommand } from '../src/cli/verify-command.js';
import { createVigilClient } from '../src/cli/vigil-client.js';
import { resolveSettings } from '../src/config/load-settings.js';
import { startDaemon, type Daemon } from '../src/main.js';
import { startPrometheus, type PrometheusServer } from '../src/stack/prometheus-server.js';
import { startRedis, type RedisServer } from '../src/stack/redis-server.js';

const TOKEN = `demo-${Math.random().toString(36).slice(2)}-token`;
const say = (text: string) => process.stdout.write(`${text}\n`);

async function main(): Promise<number> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const load = new AbortController();
  try {
    say('▶ starting Redis, the demo shop (baseline v1, canaries v2 and v3), Prometheus and Vigil …');
    const redis: RedisServer = await startRedis();
    cleanups.push(() => redis.stop());
    const shops: RunningShop[] = await Promise.all([
      startShop({ version: 'v1', track: 'baseline', errorRate: 0.02, port: 0, host: '127.0.0.1' }),
      startShop({ version: 'v2', track: 'canary', errorRate: 0.02, port: 0, host: '127.0.0.1' }),
      startShop({
        version: 'v3',
        track: 'canary',
        errorRate: 0.1,
        latencyFactor: 1.6,
        port: 0,
        host: '127.0.0.1',
      }),
    ]);
    cleanups.push(() => Promise.all(shops.map((shop) => shop.stop())));
    const prometheus: PrometheusServer = await startPrometheus({
      scrapeTargets: shops.map((s) => `127.0.0.1:${s.port}`),
      scrapeIntervalSeconds: 1,
    });
    cleanups.push(() => prometheus.dispose());
    const loadDone = sendLoad({
      targets: shops.map((s) => s.url),
      rps: 60,
      seconds: 600,
      signal: load.signal,
    });
    cleanups.push(() => (load.abort(), loadDone));
    await prometheus.waitForSeries('http_requests_total{version="v3"}', 30_000);
    const rulesDir = join(process.cwd(), 'examples/demo-rules');
    const artifactsDir = await mkdtemp(join(tmpdir(), 'vigil-demo-'));
    cleanups.push(() => rm(artifactsDir, { recursive: true, force: true }));
    const settings = resolveSettings(
      {
        port: 0,
        redisUrl: redis.url,
        prometheusUrl: prometheus.url,
        rulesDir,
        artifactsDir,
        logLevel: process.env['VIGIL_LOG_LEVEL'] ?? 'warn',
        tokens: [{ name: 'demo', token: TOKEN, scopes: ['admin'] }],
        prometheus: { queryDelaySeconds: 2 },
      },
      {},
    );
    const daemon: Daemon = await startDaemon(settings, {
      environment: {},
      logger: pino({ level: settings.logLevel }),
    });
    cleanups.push(() => daemon.close());
    say(`  Vigil ${daemon.url} · Prometheus ${prometheus.url} · shops ${shops.map((s) => s.url).join(' ')}`);

    const client = createVigilClient(daemon.url, TOKEN);
    const ids = { v2: `demo-v2-${Date.now()}`, v3: `demo-v3-${Date.now()}` };
    const verify = (name: string, version: 'v2' | 'v3') =>
      runVerifyCommand(
        {
          id: ids[version],
          service: 'demo-shop',
          environment: 'demo',
          version,
          baselineVersion: 'v1',
          ruleSet: 'demo-shop',
          strategy: 'canary',
          canaryLabel: [`version=${version}`],
          baselineLabel: ['version=v1'],
          wait: true,
          timeoutSeconds: 240,
        },
        client,
        {
          out: (text) => say(`[${name}] ${text}`),
          err: (text) => say(`[${name}] ${text}`),
          now: () => Date.now(),
        },
      );
    say(
      '▶ verifying the healthy release v2 and the faulty release v3 against baseline v1 (10 s intervals) …',
    );
    const [good, bad] = await Promise.all([verify('healthy v2', 'v2'), verify('faulty v3', 'v3')]);
    say('');
    say(
      `healthy v2: exit ${good} (${good === 0 ? 'promote' : 'NOT promoted'}) · faulty v3: exit ${bad} (${bad === 3 ? 'rollback' : 'NOT rolled back'})`,
    );
    // The evidence outlives the demo's stack: pulled, every file checked against its sealed manifest.
    say("▶ pulling each verification's evidence bundle (vigil artifacts pull) …");
    let pulled = true;
    for (const [name, id] of [
      ['healthy v2', ids.v2],
      ['faulty v3', ids.v3],
    ] as const) {
      const output = join(process.cwd(), '.vigil', 'demo-evidence', id);
      const code = await runArtifactsPullCommand(id, { output, force: true }, client, {
        out: (text) => say(`[${name}] ${text}`),
        err: (text) => say(`[${name}] ${text}`),
        progress: false,
        now: () => Date.now(),
      });
      pulled &&= code === 0;
      say(`[${name}] report: ${join(output, 'report.html')}`);
    }
    return good === 0 && bad === 3 && pulled ? 0 : 1;
  } finally {
    say('▶ stopping everything the demo started');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
