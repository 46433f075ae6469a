/**
 * Benchmark (issue 6): decision → webhook delivered, for 1,000 verdicts to a local receiver.
 * Target p99 ≤ 200 ms.
 *
 *   node dist/bench/delivery/webhook-latency.js [--quick]
 *
 * The daemon (real Redis, one process) records each verdict with its outbox message and delivers
 * it, signed, to a `node:http` receiver on loopback; the latency is from the verdict's `decidedAt`
 * (stamped before it is written) to the request's arrival. Verdicts come from aborts (they decide
 * at once), 8 at a time. Baseline, in the same run: the same bodies POSTed straight to the same
 * receiver by axios, signed, 8 at a time — what a webhook costs without the outbox.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import axios from 'axios';
import { pino } from 'pino';
import { resolveSettings } from '../../src/config/load-settings.js';
import { signWebhook } from '../../src/delivery/webhook-signature.js';
import { startDaemon } from '../../src/main.js';
import { startRedis } from '../../src/stack/redis-server.js';

const TOKEN = 'bench-webhook-token-0123456789';
const SECRET = 'bench-webhook-secret-0123456789';
const CONCURRENCY = 8;

export interface LatencyFigures {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface WebhookLatencyResult {
  readonly verdicts: number;
  readonly vigil: LatencyFigures;
  readonly bare: LatencyFigures;
  readonly seconds: number;
}

export async function runWebhookLatency(options: { quick: boolean }): Promise<WebhookLatencyResult> {
  const verdicts = options.quick ? 200 : 1000;
  const redis = await startRedis();
  const arrivals = new Map<string, number>();
  const bareSent = new Map<string, number>();
  const receiver = createServer((request, response) => {
    const arrived = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const key = String(request.headers['vigil-idempotency-key']);
      if (!arrivals.has(key)) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { verdict: { decidedAt: string } };
        arrivals.set(key, arrived - (bareSent.get(key) ?? Date.parse(body.verdict.decidedAt)));
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  const rulesDir = await mkdtemp(join(tmpdir(), 'vigil-bench-webhooks-'));
  await writeFile(
    join(rulesDir, 'slow.yaml'),
    `name: slow
analysis: { interval: 600s, minIntervals: 3, maxIntervals: 10, alpha: 0.05 }
scoring: { pass: 95, marginal: 75 }
khis:
  - { name: error-rate, kind: ratio, direction: increase, query: { events: 'x', total: 'y' } }
`,
  );
  const daemon = await startDaemon(
    resolveSettings(
      {
        port: 0,
        redisUrl: redis.url,
        prometheusUrl: 'http://127.0.0.1:9',
        rulesDir,
        keyPrefix: 'bench-webhooks:',
        logLevel: 'silent',
        tokens: [{ name: 'bench', token: TOKEN, scopes: ['admin'] }],
        notifiers: [{ name: 'bench', url, secret: SECRET }],
      },
      {},
    ),
    { logger: pino({ level: 'silent' }) },
  );
  const api = axios.create({ baseURL: daemon.url, headers: { authorization: `Bearer ${TOKEN}` } });
  const started = performance.now();
  try {
    const ids = Array.from({ length: verdicts }, (_, i) => `bench-${i}`);
    await inBatches(ids, CONCURRENCY, async (id) => {
      await api.post('/v1/deployments', {
        id,
        service: 'shop',
        environment: 'bench',
        version: id,
        strategy: 'canary',
        ruleSet: 'slow',
        canary: { labels: { version: id } },
        baseline: { labels: { version: 'v1' } },
      });
    });
    await inBatches(ids, CONCURRENCY, (id) => api.post(`/v1/deployments/${id}/abort`));
    await waitFor(() => ids.every((id) => arrivals.has(`${id}.verdict.bench`)));
    const vigil = figures(ids.map((id) => arrivals.get(`${id}.verdict.bench`) ?? NaN));

    const bareIds = ids.map((id) => `bare-${id}`);
    const bodies = new Map(
      bareIds.map((id) => [
        id,
        JSON.stringify({ id, event: 'verdict', verdict: { decidedAt: new Date().toISOString() } }),
      ]),
    );
    await inBatches(bareIds, CONCURRENCY, async (id) => {
      const body = bodies.get(id) ?? '';
      bareSent.set(id, performance.timeOrigin + performance.now());
      await axios.post(url, body, {
        headers: {
          'content-type': 'application/json',
          'vigil-idempotency-key': id,
          'vigil-signature': signWebhook(SECRET, Math.floor(Date.now() / 1000), body),
        },
      });
    });
    const bare = figures(bareIds.map((id) => arrivals.get(id) ?? NaN));
    return { verdicts, vigil, bare, seconds: (performance.now() - started) / 1000 };
  } finally {
    await daemon.close();
    await new Promise((resolve) => receiver.close(resolve));
    await redis.stop();
  }
}

export function renderWebhookLatency(result: WebhookLatencyResult): string {
  const row = (name: string, f: LatencyFigures) =>
    `| ${name} | ${f.count} | ${f.p50Ms.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.maxMs.toFixed(1)} |`;
  return [
    `Decision → webhook delivered, ${result.verdicts} verdicts, ${CONCURRENCY} at a time (${result.seconds.toFixed(1)} s).`,
    '',
    '| path | verdicts | p50 ms | p99 ms | max ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('Vigil: verdict recorded with its outbox message → delivered, signed', result.vigil),
    row('bare: the same body POSTed straight to the receiver (axios), signed', result.bare),
    '',
    `Vigil ÷ bare p99: ${(result.vigil.p99Ms / result.bare.p99Ms).toFixed(1)}×. Target p99 ≤ 200 ms: **${result.vigil.p99Ms <= 200 ? 'met' : 'NOT met'}** (${result.vigil.p99Ms.toFixed(1)} ms).`,
  ].join('\n');
}

function figures(latencies: readonly number[]): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? NaN };
}

async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('not every webhook arrived within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  console.log(renderWebhookLatency(await runWebhookLatency({ quick: values.quick ?? false })));
}
