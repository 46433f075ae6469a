/**
 * The GitHub deployment-status notifier against a local server that answers like GitHub's REST
 * API (test/fixtures/github, written by hand from the documented shape): the request Vigil sends
 * (path, token, media type, API version, body), retries on errors, nothing for markers without a
 * GitHub deployment.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings, SettingsError } from '../../src/config/load-settings.js';
import { createMemoryOutbox } from '../../src/delivery/outbox.js';
import { verdictMessages, type Notifier } from '../../src/delivery/verdict-message.js';
import { startWebhookDeliverer } from '../../src/delivery/webhook-deliverer.js';
import type { Verdict, Verification } from '../../src/verification/verification.js';

const CREATED = readFileSync(
  new URL('../fixtures/github/deployment-status-created.json', import.meta.url),
  'utf8',
);

let server: Server;
let apiUrl: string;
const received: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return void response
          .writeHead(502, { 'content-type': 'application/json' })
          .end('{"message":"Server Error"}');
      }
      response.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(CREATED);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const notifier = (): Notifier => ({
  name: 'github',
  kind: 'github-deployment-status',
  url: apiUrl,
  repository: 'acme/shop',
  token: 'ghs_test0123456789',
  timeoutMs: 2000,
  maxAttempts: 5,
  backoffBaseMs: 10,
  backoffMaxMs: 20,
});

function verification(metadata?: Record<string, unknown>): Verification {
  return {
    id: 'd-1',
    marker: {
      service: 'shop',
      environment: 'production',
      version: 'v2',
      ...(metadata !== undefined && { metadata }),
    },
  } as unknown as Verification;
}

const rollback: Verdict = {
  outcome: 'rollback',
  decidedAt: '2026-11-28T10:03:15.000Z',
  decidedAtInterval: 3,
  score: 40,
  khis: [],
  reasons: [
    `critical KHI error-rate failed: canary 2.1% (63/3000) vs baseline 0.5% (15/3000); ${'x'.repeat(200)}`,
  ],
};

describe('GitHub deployment statuses', () => {
  it('posts the verdict as the deployment status, with the token and the API version, retrying errors', async () => {
    const outbox = createMemoryOutbox();
    const messages = verdictMessages(
      [notifier()],
      verification({ githubDeploymentId: 1234567 }),
      rollback,
      'https://vigil.example',
    );
    await outbox.enqueue(messages, Date.now());
    failuresLeft = 1;
    const deliverer = startWebhookDeliverer({
      outbox,
      notifiers: [notifier()],
      logger: pino({ level: 'silent' }),
      pollMs: 10,
    });
    try {
      const deadline = Date.now() + 5000;
      while ((await outbox.counts()).pending > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
    } finally {
      await deliverer.close();
    }
    expect(received).toHaveLength(2);
    const sent = received[1]!;
    expect(sent).toMatchObject({ method: 'POST', url: '/repos/acme/shop/deployments/1234567/statuses' });
    expect(sent.headers).toMatchObject({
      authorization: 'Bearer ghs_test0123456789',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json',
    });
    const body = JSON.parse(sent.body) as {
      state: string;
      description: string;
      environment: string;
      log_url: string;
    };
    expect(body).toMatchObject({
      state: 'failure',
      environment: 'production',
      log_url: 'https://vigil.example/v1/deployments/d-1/verdict',
    });
    expect(body.description.length).toBeLessThanOrEqual(140);
    expect(body.description.startsWith('Vigil: rollback — critical KHI error-rate failed')).toBe(true);
  });

  it('maps every outcome to a GitHub state, and skips markers without a GitHub deployment id', () => {
    const state = (outcome: Verdict['outcome']) =>
      (
        JSON.parse(
          verdictMessages([notifier()], verification({ githubDeploymentId: '99' }), {
            ...rollback,
            outcome,
          })[0]?.body ?? '{}',
        ) as { state: string }
      ).state;
    expect(
      ['promote', 'rollback', 'inconclusive', 'aborted'].map((o) => state(o as Verdict['outcome'])),
    ).toEqual(['success', 'failure', 'error', 'inactive']);
    expect(verdictMessages([notifier()], verification(), rollback)).toEqual([]);
    expect(verdictMessages([notifier()], verification({ githubDeploymentId: '12/../x' }), rollback)).toEqual(
      [],
    );
  });

  it('needs repository and token in the settings, naming the field', () => {
    expect(() =>
      resolveSettings(
        { notifiers: [{ name: 'gh', kind: 'github-deployment-status', url: 'https://api.github.com' }] },
        {},
      ),
    ).toThrow(SettingsError);
    try {
      resolveSettings(
        { notifiers: [{ name: 'gh', kind: 'github-deployment-status', url: 'https://api.github.com' }] },
        {},
      );
    } catch (error) {
      expect((error as SettingsError).issues).toEqual([
        { path: 'notifiers[0].repository', message: 'is required for kind github-deployment-status' },
        { path: 'notifiers[0].token', message: 'is required for kind github-deployment-status' },
      ]);
    }
    expect(() => resolveSettings({ notifiers: [{ name: 'w', url: 'https://x.example' }] }, {})).toThrow(
      'notifiers[0].secret: is required for kind webhook',
    );
  });
});
