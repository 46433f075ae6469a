/**
 * Incident messages to Slack end to end: recorded with the verdict by the real Redis verification
 * store into the real Redis outbox, delivered by the real webhook deliverer to a loopback server
 * that answers like a Slack incoming webhook.
 *
 * The receiver is a FAKE built from Slack's documentation — Slack itself cannot run here. It checks
 * what Slack documents and answers with Slack's documented statuses and bodies:
 * - https://api.slack.com/messaging/webhooks — POST JSON `{ text, blocks }`, 200 `ok`; errors such
 *   as 400 `invalid_payload` / `invalid_blocks`, 403 `action_prohibited`, 404 `no_service` /
 *   `channel_not_found`, 410 `channel_is_archived`;
 * - https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks — the
 *   status of each error;
 * - https://api.slack.com/docs/rate-limits — 429 Too Many Requests with Retry-After (seconds);
 * - https://docs.slack.dev/reference/block-kit/blocks/header-block and
 *   https://api.slack.com/reference/block-kit/blocks — header ≤ 150, section ≤ 3000, context ≤ 10
 *   elements, actions ≤ 25 elements, ≤ 50 blocks;
 * - https://docs.slack.dev/reference/block-kit/block-elements/button-element — text ≤ 75, url ≤ 3000.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentMessages } from '../../src/delivery/incident-message.js';
import { loadIncidentTemplates } from '../../src/delivery/load-incident-templates.js';
import type { OutboxMessage } from '../../src/delivery/outbox.js';
import { createRedisOutbox } from '../../src/delivery/redis-outbox.js';
import { classifySlackAnswer } from '../../src/delivery/slack-answer.js';
import type { Notifier } from '../../src/delivery/verdict-message.js';
import { startWebhookDeliverer, type WebhookDeliverer } from '../../src/delivery/webhook-deliverer.js';
import { createRedisVerificationStore } from '../../src/store/redis-verification-store.js';
import type { Verdict } from '../../src/verification/verification.js';
import { startRedis, type RedisServer } from '../support/redis-server.js';
import { sampleJudgeState, sampleVerification } from '../store/sample-verification.js';

interface Received {
  readonly path: string;
  readonly at: number;
  readonly headers: IncomingHttpHeaders;
  readonly status: number;
  readonly answer: string;
  readonly body: string;
}

/** Why Slack would refuse these blocks (`invalid_blocks`), or undefined when it would take them. */
function blockProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks is not an array';
  if (blocks.length > 50) return 'more than 50 blocks';
  const text = (value: unknown, type: string, max: number): string | undefined => {
    const object = value as { type?: unknown; text?: unknown } | undefined;
    if (object?.type !== type || typeof object.text !== 'string') return `expected a ${type} text object`;
    if (object.text.length === 0 || object.text.length > max)
      return `${type} text of ${object.text.length} characters`;
    return undefined;
  };
  for (const block of blocks as Record<string, unknown>[]) {
    const problem =
      block['type'] === 'header'
        ? text(block['text'], 'plain_text', 150)
        : block['type'] === 'section'
          ? text(block['text'], 'mrkdwn', 3000)
          : block['type'] === 'context'
            ? !Array.isArray(block['elements']) || block['elements'].length > 10
              ? 'context needs 1 to 10 elements'
              : (block['elements'] as unknown[]).map((element) => text(element, 'mrkdwn', 3000)).find(Boolean)
            : block['type'] === 'actions'
              ? !Array.isArray(block['elements']) || block['elements'].length > 25
                ? 'actions needs 1 to 25 elements'
                : (block['elements'] as Record<string, unknown>[])
                    .map((button) =>
                      button['type'] !== 'button' ||
                      typeof button['url'] !== 'string' ||
                      button['url'].length > 3000
                        ? 'a link button needs a url of at most 3000 characters'
                        : text(button['text'], 'plain_text', 75),
                    )
                    .find(Boolean)
              : `unknown block type ${String(block['type'])}`;
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** Answers like an incoming webhook: `/removed` was deleted (404 no_service), `/busy` rate-limits once. */
class FakeSlack {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private busyAnswered = false;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '';
        const [status, answer, headers] = this.answer(path, request.headers, body);
        this.received.push({ path, at: Date.now(), headers: request.headers, status, answer, body });
        response.writeHead(status, { 'content-type': 'text/html', ...headers }).end(answer);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/services/T000/B000`;
  }

  private answer(
    path: string,
    headers: IncomingHttpHeaders,
    body: string,
  ): [number, string, Record<string, string>?] {
    if (path.endsWith('/removed')) return [404, 'no_service'];
    if (path.endsWith('/busy') && !this.busyAnswered) {
      this.busyAnswered = true;
      return [429, 'rate_limited', { 'retry-after': '1' }];
    }
    if (!String(headers['content-type']).startsWith('application/json')) return [400, 'invalid_payload'];
    let payload: { text?: unknown; blocks?: unknown };
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      return [400, 'invalid_payload'];
    }
    if (typeof payload.text !== 'string' && payload.blocks === undefined)
      return [400, 'missing_text_or_fallback_or_attachments'];
    if (payload.blocks !== undefined && blockProblem(payload.blocks) !== undefined)
      return [400, 'invalid_blocks'];
    return [200, 'ok'];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('classifySlackAnswer', () => {
  it.each([
    [200, 'ok', undefined, { outcome: 'delivered' }],
    [400, 'invalid_blocks', undefined, { outcome: 'dead', error: 'HTTP 400 invalid_blocks' }],
    [403, 'action_prohibited', undefined, { outcome: 'dead', error: 'HTTP 403 action_prohibited' }],
    [404, 'no_service', undefined, { outcome: 'dead', error: 'HTTP 404 no_service' }],
    [410, 'channel_is_archived', undefined, { outcome: 'dead', error: 'HTTP 410 channel_is_archived' }],
    [408, '', undefined, { outcome: 'retry', error: 'HTTP 408' }],
    [429, 'rate_limited', '30', { outcome: 'retry', error: 'HTTP 429 rate_limited', retryAfterMs: 30_000 }],
    [429, '', 'soon', { outcome: 'retry', error: 'HTTP 429' }],
    [500, 'rollup_error', undefined, { outcome: 'retry', error: 'HTTP 500 rollup_error' }],
  ])('HTTP %i %s (Retry-After %s) → %j', (status, body, retryAfter, expected) => {
    expect(classifySlackAnswer(status, body, retryAfter)).toEqual(expected);
  });
});

describe('incident messages to a Slack incoming webhook (fake, from its documentation)', () => {
  let server: RedisServer;
  let redis: Redis;
  let deliverer: WebhookDeliverer | undefined;
  const slack = new FakeSlack();
  const prefix = `slack-incident:${randomUUID()}:`;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    await slack.start();
  }, 30_000);
  afterAll(async () => {
    await deliverer?.close();
    await slack.stop();
    await redis?.quit();
    await server?.stop();
  });

  it('delivers the rollback to Slack unsigned, waits out a 429, and dead-letters a removed webhook at once', async () => {
    const retries = { timeoutMs: 2000, maxAttempts: 5, backoffBaseMs: 20, backoffMaxMs: 50 };
    const notifiers: Notifier[] = [
      { ...retries, name: 'oncall', kind: 'slack', url: `${slack.url}/oncall` },
      { ...retries, name: 'busy', kind: 'slack', url: `${slack.url}/busy` },
      { ...retries, name: 'removed', kind: 'slack', url: `${slack.url}/removed` },
      { ...retries, name: 'broken', kind: 'slack', url: `${slack.url}/broken` },
    ];
    const store = createRedisVerificationStore({ redis, keyPrefix: prefix });
    const outbox = createRedisOutbox(redis, prefix);
    const verification = sampleVerification({ id: 'd-slack', service: 'checkout' });
    await store.create(verification, sampleJudgeState());
    const verdict: Verdict = {
      outcome: 'rollback',
      decidedAt: new Date().toISOString(),
      decidedAtInterval: 3,
      score: 40,
      khis: [
        {
          name: 'error-rate',
          classification: 'high',
          critical: true,
          failed: true,
          test: 'poisson',
          effect: { baseline: 0.004, canary: 0.051 },
          weight: 3,
          group: 'errors',
          reason: 'canary 5.1% vs baseline 0.4%',
        },
      ],
      reasons: ['critical KHI error-rate failed'],
    };
    const messages = incidentMessages(notifiers.slice(0, 3), verification, verdict, {
      templates: await loadIncidentTemplates(),
      publicBaseUrl: 'https://vigil.example',
      services: { cart: { dependsOn: ['checkout'] } },
    });
    // What a builder bug would send: a header over Block Kit's 150 characters.
    const oversized: OutboxMessage = {
      id: 'd-slack.incident.broken',
      notifier: 'broken',
      event: 'incident',
      deploymentId: 'd-slack',
      body: JSON.stringify({
        text: 'x',
        blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }],
      }),
      createdAt: verdict.decidedAt,
    };
    expect(await store.decide(verification.id, verdict, [...messages, oversized])).toBe(true);

    deliverer = startWebhookDeliverer({ outbox, notifiers, logger: pino({ level: 'silent' }), pollMs: 50 });
    await until(async () => (await outbox.counts()).pending === 0);

    const oncall = slack.received.filter((r) => r.path.endsWith('/oncall'));
    expect(oncall.map((r) => [r.status, r.answer])).toEqual([[200, 'ok']]);
    expect(oncall[0]?.headers['vigil-signature']).toBeUndefined();
    expect(oncall[0]?.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(oncall[0]?.body ?? '{}') as { text: string; blocks: { type: string }[] };
    expect(payload.text).toContain('checkout v2.0.1 was rolled back: error rate rose from 0.4% to 5.1%');
    expect(payload.blocks.map((block) => block.type)).toEqual(['header', 'section', 'context', 'actions']);

    const busy = slack.received.filter((r) => r.path.endsWith('/busy'));
    expect(busy.map((r) => r.status)).toEqual([429, 200]);
    expect((busy[1]?.at ?? 0) - (busy[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);

    // Retrying cannot help a removed webhook or blocks Slack refuses: dead after one attempt.
    expect(slack.received.filter((r) => r.path.endsWith('/removed')).map((r) => r.answer)).toEqual([
      'no_service',
    ]);
    expect(slack.received.filter((r) => r.path.endsWith('/broken')).map((r) => r.answer)).toEqual([
      'invalid_blocks',
    ]);
    const dead = await outbox.dead(10);
    expect(dead.map((m) => [m.id, m.attempts, m.lastError]).sort()).toEqual([
      ['d-slack.incident.broken', 1, 'attempt 1 to broken: HTTP 400 invalid_blocks'],
      ['d-slack.incident.removed', 1, 'attempt 1 to removed: HTTP 404 no_service'],
    ]);
  }, 30_000);
});
