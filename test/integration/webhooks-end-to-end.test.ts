/**
 * Verdict webhooks end to end: the daemon (real Redis) records verdicts with their messages in the
 * outbox and delivers them, signed, to real HTTP receivers on loopback. A receiver that is down
 * for a while gets the verdict once it is back, exactly once per idempotency key, across a daemon
 * restart too; one that never answers well ends in the dead letters, from which the API sends it
 * again. Verdicts come from aborts, which decide at once.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/load-settings.js';
import type { Settings } from '../../src/config/settings-schema.js';
import { verifyWebhook } from '../../src/delivery/webhook-signature.js';
import { startDaemon, type Daemon } from '../../src/main.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';

const TOKEN = 'webhook-test-token-0123456789';
const SECRET = 'whsec-test-0123456789abcdef';
const RULES = `
name: slow
analysis: { interval: 60s, minIntervals: 3, maxIntervals: 10, alpha: 0.05 }
scoring: { pass: 95, marginal: 75 }
khis:
  - { name: error-rate, kind: ratio, direction: increase, critical: true, query: { events: 'x', total: 'y' } }
`;

/** A webhook receiver that dedupes by idempotency key, as docs/integrations.md tells receivers to. */
class Receiver {
  up = false;
  readonly processed = new Map<string, { body: Record<string, unknown>; times: number }>();
  readonly attempts: { key: string; answered: number; signatureOk: boolean }[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const key = String(request.headers['vigil-idempotency-key']);
        const signature = verifyWebhook({
          secret: SECRET,
          header: request.headers['vigil-signature'] as string,
          body,
        });
        const answered = !this.up ? 503 : signature.ok ? 200 : 401;
        this.attempts.push({ key, answered, signatureOk: signature.ok });
        if (answered === 200) {
          const seen = this.processed.get(key);
          if (seen === undefined)
            this.processed.set(key, { body: JSON.parse(body) as Record<string, unknown>, times: 1 });
          else seen.times += 1;
        }
        response.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}/hooks/vigil`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

let redis: RedisServer;
let settings: Settings;
let daemon: Daemon;
const ci = new Receiver();
const flaky = new Receiver();

const api = () =>
  axios.create({
    baseURL: daemon.url,
    headers: { authorization: `Bearer ${TOKEN}` },
    validateStatus: () => true,
  });

async function abortDeployment(id: string): Promise<void> {
  const marker = {
    id,
    service: 'shop',
    environment: 'test',
    version: id,
    strategy: 'canary',
    ruleSet: 'slow',
    canary: { labels: { version: id } },
    baseline: { labels: { version: 'v1' } },
  };
  expect((await api().post('/v1/deployments', marker)).status).toBe(201);
  expect((await api().post(`/v1/deployments/${id}/abort`)).status).toBe(200);
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  redis = await startRedis();
  await Promise.all([ci.start(), flaky.start()]);
  const rulesDir = await mkdtemp(join(tmpdir(), 'vigil-webhook-rules-'));
  const artifactsDir = await mkdtemp(join(tmpdir(), 'vigil-webhook-artifacts-'));
  await writeFile(join(rulesDir, 'slow.yaml'), RULES);
  settings = resolveSettings(
    {
      port: 0,
      redisUrl: redis.url,
      prometheusUrl: 'http://127.0.0.1:9',
      rulesDir,
      artifactsDir,
      keyPrefix: 'webhooks-e2e:',
      logLevel: 'silent',
      tokens: [{ name: 'test', token: TOKEN, scopes: ['admin'] }],
      notifiers: [
        { name: 'ci', url: ci.url, secret: SECRET, backoffBaseMs: 50, backoffMaxMs: 200, maxAttempts: 50 },
        {
          name: 'flaky',
          url: flaky.url,
          secret: SECRET,
          backoffBaseMs: 20,
          backoffMaxMs: 20,
          maxAttempts: 2,
        },
      ],
      api: { publicBaseUrl: 'https://vigil.example' },
    },
    {},
  );
  daemon = await startDaemon(settings, { logger: pino({ level: 'silent' }) });
}, 60_000);

afterAll(async () => {
  await daemon?.close();
  await Promise.all([ci.stop(), flaky.stop()]);
  await redis?.stop();
}, 60_000);

describe('verdict webhooks', () => {
  it('delivers to a receiver that was down once it is back, exactly once, across a daemon restart', async () => {
    flaky.up = true;
    await abortDeployment('d1');
    await until(() => ci.attempts.filter((a) => a.key === 'd1.verdict.ci').length >= 3);
    // Down, retried with backoff; now the daemon stops with the message still in the outbox.
    await daemon.close();
    await abortDeploymentAfterRestart();
    ci.up = true;
    await until(() => ci.processed.has('d1.verdict.ci') && ci.processed.has('d2.verdict.ci'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ci.processed.get('d1.verdict.ci')?.times).toBe(1);
    expect(ci.processed.get('d2.verdict.ci')?.times).toBe(1);
    expect(ci.attempts.every((a) => a.signatureOk)).toBe(true);
    // The delivery log of d1: failed attempts (503) then the delivery, per target.
    const log = (
      await api().get<{ items: { target: string; outcome: string; attempt: number; error?: string }[] }>(
        '/v1/deployments/d1/deliveries',
      )
    ).data.items.filter((entry) => entry.target === 'ci');
    expect(log.length).toBeGreaterThanOrEqual(4);
    expect(log.slice(0, -1).every((entry) => entry.outcome === 'retry' && entry.error === 'HTTP 503')).toBe(
      true,
    );
    expect(log.at(-1)).toMatchObject({ outcome: 'delivered', attempt: log.length });
    expect(ci.processed.get('d1.verdict.ci')?.body).toMatchObject({
      payloadVersion: 1,
      id: 'd1.verdict.ci',
      event: 'verdict',
      deployment: { id: 'd1', service: 'shop', version: 'd1', ruleSet: 'slow' },
      verdict: { outcome: 'aborted', reasons: ['aborted on request'] },
      links: { verdict: 'https://vigil.example/v1/deployments/d1/verdict' },
    });
  });

  it('gives up after maxAttempts into the dead letters, and redelivers one on request', async () => {
    flaky.up = false;
    await abortDeployment('d3');
    const dead = async () =>
      (await api().get<{ items: { id: string }[] }>('/v1/deliveries/dead')).data.items.map((item) => item.id);
    await until(async () => (await dead()).includes('d3.verdict.flaky'));
    const listed = (
      await api().get<{ items: Record<string, unknown>[]; dead: number }>('/v1/deliveries/dead')
    ).data;
    expect(listed.items.find((item) => item['id'] === 'd3.verdict.flaky')).toMatchObject({
      notifier: 'flaky',
      deploymentId: 'd3',
      attempts: 2,
      lastError: 'attempt 2 to flaky: HTTP 503',
    });
    expect(flaky.attempts.filter((a) => a.key === 'd3.verdict.flaky')).toHaveLength(2);
    flaky.up = true;
    expect((await api().post('/v1/deliveries/dead/d3.verdict.flaky/redeliver')).status).toBe(202);
    await until(() => flaky.processed.has('d3.verdict.flaky'));
    expect(await dead()).not.toContain('d3.verdict.flaky');
    expect((await api().post('/v1/deliveries/dead/nope/redeliver')).status).toBe(404);
    const noAdmin = await axios.get(`${daemon.url}/v1/deliveries/dead`, { validateStatus: () => true });
    expect(noAdmin.status).toBe(401);
  });
});

/** A new daemon on the same Redis, and one more verdict recorded by it. */
async function abortDeploymentAfterRestart(): Promise<void> {
  daemon = await startDaemon(settings, { logger: pino({ level: 'silent' }) });
  await abortDeployment('d2');
}
