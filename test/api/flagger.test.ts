/**
 * Flagger's webhooks as Flagger sends them (POST, JSON `{name, namespace, phase, checksum,
 * metadata}`, no custom headers, the token in metadata) in every state of a verification; Flagger
 * reads only the status: 200–202 pass, anything else fails the check or keeps the gate closed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOKENS, auth, buildTestApp, type TestApp } from './build-test-app.js';
import { verdict } from './fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.close();
});

const ID = 'flagger:test:podinfo:7d9f8c6b5';
const METADATA = {
  ruleSet: 'web-service',
  token: TOKENS.writer,
  'canary.app': 'podinfo-canary',
  'baseline.app': 'podinfo-primary',
};

function hook(type: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/flagger/${type}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: {
      name: 'podinfo',
      namespace: 'test',
      phase: 'Progressing',
      checksum: '7d9f8c6b5',
      metadata: METADATA,
      ...body,
    },
  });
}

describe('Flagger webhooks', () => {
  it('creates the canary revision on the first hook, keyed by namespace, name and checksum', async () => {
    const response = await hook('pre-rollout', { phase: 'Initializing' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ deploymentId: ID, status: 'pending', accepted: true });
    expect((await t.store.get(ID))?.marker).toMatchObject({
      id: ID,
      service: 'podinfo',
      environment: 'test',
      version: '7d9f8c6b5',
      strategy: 'canary',
      ruleSet: 'web-service',
      canary: { labels: { app: 'podinfo-canary' } },
      baseline: { labels: { app: 'podinfo-primary' } },
    });
    // The next hooks find it; a new checksum is a new revision.
    expect((await hook('rollout')).json()).toMatchObject({ deploymentId: ID });
    expect((await hook('rollout', { checksum: 'aaaa1111' })).json()).toMatchObject({
      deploymentId: 'flagger:test:podinfo:aaaa1111',
    });
  });

  it('passes rollout checks until the verdict is not promote, then fails them (409)', async () => {
    expect((await hook('rollout')).statusCode).toBe(200);
    await t.store.decide(ID, verdict('rollback', 3));
    const failed = await hook('rollout');
    expect(failed.statusCode).toBe(409);
    expect(failed.json()).toMatchObject({ status: 'rollback', accepted: false });
  });

  it('keeps confirm-promotion closed (403) until promote, then opens it (200); rollback stays 403', async () => {
    expect((await hook('confirm-promotion')).statusCode).toBe(403);
    expect((await hook('rollback')).statusCode).toBe(403);
    await t.store.decide(ID, verdict('promote', 3));
    expect((await hook('confirm-promotion')).statusCode).toBe(200);
    expect((await hook('rollback')).statusCode).toBe(403);
    expect((await hook('rollout')).statusCode).toBe(200);
  });

  it('answers the rollback hook 200 ("roll back now") once the verdict is rollback', async () => {
    await hook('pre-rollout');
    await t.store.decide(ID, verdict('rollback', 2));
    expect((await hook('rollback')).statusCode).toBe(200);
    expect((await hook('confirm-promotion')).statusCode).toBe(403);
  });

  it('accepts events (202) without creating deployments', async () => {
    const event = await hook('event', {
      phase: 'Progressing',
      metadata: {
        token: TOKENS.writer,
        eventMessage: 'Advance podinfo.test canary weight 10',
        eventType: 'Normal',
        timestamp: '1795000000000',
      },
    });
    expect(event.statusCode).toBe(202);
    expect(await t.store.get(ID)).toBeUndefined();
  });

  it('names what is wrong: no checksum, no rule set, a bad label, an unknown rule set', async () => {
    const noChecksum = await hook('pre-rollout', { checksum: undefined });
    expect(noChecksum.statusCode).toBe(400);
    expect(noChecksum.json<{ details: unknown }>().details).toEqual([
      { path: 'checksum', message: 'is required: it tells canary revisions apart (Flagger 1.x sends it)' },
    ]);
    const noRuleSet = await hook('pre-rollout', { metadata: { token: TOKENS.writer } });
    expect(noRuleSet.json<{ details: unknown }>().details).toEqual([
      { path: 'metadata.ruleSet', message: 'is required: the rule set to verify the canary with' },
    ]);
    const badLabel = await hook('pre-rollout', { metadata: { ...METADATA, 'canary.app-name': 'x' } });
    expect(badLabel.statusCode).toBe(400);
    expect(JSON.stringify(badLabel.json<{ details: unknown }>().details)).toContain('metadata.canary');
    const unknownRules = await hook('pre-rollout', { metadata: { ...METADATA, ruleSet: 'nope' } });
    expect(unknownRules.statusCode).toBe(422);
    expect(await t.store.get(ID)).toBeUndefined();
  });

  it('needs a token with markers:write, in metadata.token or as a bearer header', async () => {
    const { token: _, ...withoutToken } = METADATA;
    expect((await hook('pre-rollout', { metadata: withoutToken })).statusCode).toBe(401);
    expect(
      (await hook('pre-rollout', { metadata: { ...withoutToken, token: TOKENS.reader } })).statusCode,
    ).toBe(403);
    expect((await hook('pre-rollout', { metadata: withoutToken }, auth('writer'))).statusCode).toBe(200);
  });
});
