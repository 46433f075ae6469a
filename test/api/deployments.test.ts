import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, buildTestApp, marker, type TestApp } from './build-test-app.js';
import { judgement, verdict } from './fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  await t.close();
});

function post(body: unknown, headers: Record<string, string> = auth('writer')) {
  return t.app.inject({ method: 'POST', url: '/v1/deployments', headers, payload: body as object });
}

describe('POST /v1/deployments', () => {
  it('answers 201 with id, status and verdictUrl, and schedules the verification', async () => {
    const response = await post(marker());
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      id: 'shop-2026-11-28-001',
      status: 'pending',
      verdictUrl: '/v1/deployments/shop-2026-11-28-001/verdict',
    });
    expect(response.headers['location']).toBe('/v1/deployments/shop-2026-11-28-001');
    expect(t.scheduled).toEqual(['shop-2026-11-28-001']);
  });

  it('generates an id when the marker has none', async () => {
    const { id: _id, ...withoutId } = marker();
    const response = await post(withoutId);
    expect(response.statusCode).toBe(201);
    expect(response.json<{ id: string }>().id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('uses publicBaseUrl for verdictUrl when configured', async () => {
    const other = await buildTestApp({ publicBaseUrl: 'https://vigil.example.com/' });
    const response = await other.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker(),
    });
    expect(response.json<{ verdictUrl: string }>().verdictUrl).toBe(
      'https://vigil.example.com/v1/deployments/shop-2026-11-28-001/verdict',
    );
    await other.close();
  });

  it('answers 200 with the same record when the same marker is posted again, in any key order', async () => {
    await post(marker());
    const reordered = Object.fromEntries(Object.entries(marker()).reverse());
    const response = await post(reordered);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: 'shop-2026-11-28-001',
      status: 'pending',
      verdictUrl: '/v1/deployments/shop-2026-11-28-001/verdict',
    });
    expect(t.scheduled).toHaveLength(1);
  });

  it('answers 409 when the same id comes with a different marker', async () => {
    await post(marker());
    const response = await post(marker({ version: 'v2.4.1' }));
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'DEPLOYMENT_CONFLICT' });
  });

  it('answers 400 with every problem and its path', async () => {
    const { version: _version, ...body } = marker({ strategy: 'big-bang' as never });
    const response = await post({ ...body, canary: {}, extra: 1 });
    expect(response.statusCode).toBe(400);
    const error = response.json<{
      code: string;
      message: string;
      details: { path: string; message: string }[];
    }>();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { path: 'version', message: 'is required' },
        { path: 'canary.labels', message: 'is required' },
        { path: 'strategy', message: 'must be one of canary, blue-green, rolling, ring' },
        { path: 'extra', message: 'unknown key (not part of the schema)' },
      ]),
    );
  });

  it('checks formats and types without coercing them', async () => {
    const response = await post({
      ...marker(),
      version: 240,
      startedAt: 'yesterday',
      canary: { labels: {}, url: 'not a url' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ details: unknown[] }>().details).toEqual(
      expect.arrayContaining([
        { path: 'version', message: 'must be a string' },
        { path: 'startedAt', message: 'must be a valid date-time' },
        { path: 'canary.url', message: 'must be a valid uri' },
      ]),
    );
  });

  it('refuses label names that are not Prometheus label names (they cannot be escaped in a query)', async () => {
    const response = await post({ ...marker(), canary: { labels: { 'bad-key"}': 'x' } } });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ details: { path: string }[] }>().details.map((d) => d.path)).toContain(
      'canary.labels.bad-key"}',
    );
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: { ...auth('writer'), 'content-type': 'application/json' },
      payload: '{"service": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: 'MALFORMED_JSON',
      message: 'the request body is not valid JSON',
    });
  });

  it('answers 413 for a body over the limit, in the error shape', async () => {
    const small = await buildTestApp({ bodyLimitBytes: 1024 });
    const response = await small.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: auth('writer'),
      payload: marker({ metadata: { padding: 'x'.repeat(2000) } }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toEqual({ code: 'BODY_TOO_LARGE', message: 'the request body is too large' });
    await small.close();
  });

  it('answers 415 for a body that is not application/json', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: { ...auth('writer'), 'content-type': 'text/plain' },
      payload: 'service=shop',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 422 for an unknown rule set, naming the path', async () => {
    const response = await post(marker({ ruleSet: 'no-such-rules' }));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      code: 'UNKNOWN_RULE_SET',
      details: [{ path: 'ruleSet', message: 'is not a known rule set' }],
    });
  });

  it('answers 401 with WWW-Authenticate without a token or with an unknown one', async () => {
    const missing = await post(marker(), {});
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="vigil"');
    expect(missing.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const unknown = await post(marker(), { authorization: 'Bearer not-a-token' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['www-authenticate']).toBe('Bearer realm="vigil", error="invalid_token"');
    const basic = await post(marker(), { authorization: 'Basic d3JpdGVyOnB3' });
    expect(basic.statusCode).toBe(401);
  });

  it('checks the token before reading the body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(response.statusCode).toBe(401);
  });

  it('answers 403 without the markers:write scope, and admin implies it', async () => {
    const reader = await post(marker(), auth('reader'));
    expect(reader.statusCode).toBe(403);
    expect(reader.json()).toMatchObject({
      code: 'FORBIDDEN',
      message: 'token reader lacks the scope markers:write',
    });
    expect(reader.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect((await post(marker(), auth('none'))).statusCode).toBe(403);
    expect((await post(marker(), auth('admin'))).statusCode).toBe(201);
  });
});

describe('GET /v1/deployments/:id', () => {
  it('answers the record: marker, status, intervals judged, last judgement summary and verdict', async () => {
    await post(marker());
    await t.store.saveStep('shop-2026-11-28-001', {
      expectedIntervalsJudged: 0,
      intervalsJudged: 1,
      failedSteps: 0,
      judgeState: { intervalsJudged: 1, khis: {} },
      lastJudgement: judgement(1),
    });
    const response = await t.app.inject({
      url: '/v1/deployments/shop-2026-11-28-001',
      headers: auth('reader'),
    });
    expect(response.statusCode).toBe(200);
    const record = response.json<Record<string, unknown>>();
    expect(record).toMatchObject({
      id: 'shop-2026-11-28-001',
      status: 'analyzing',
      marker: { ...marker(), id: 'shop-2026-11-28-001' },
      intervalsJudged: 1,
      failedSteps: 0,
      lastJudgement: { interval: 1, score: 96, outcome: 'continue', reasons: ['after interval 1'] },
      verdict: null,
      verdictUrl: '/v1/deployments/shop-2026-11-28-001/verdict',
    });
    expect(record).toHaveProperty('plan');
    expect(record['marker']).toHaveProperty('startedAt');
  });

  it('answers 404 for an unknown id and 400 for an impossible one', async () => {
    const missing = await t.app.inject({ url: '/v1/deployments/nope', headers: auth('reader') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'DEPLOYMENT_NOT_FOUND', message: 'no deployment with id nope' });
    const bad = await t.app.inject({ url: '/v1/deployments/%20bad', headers: auth('reader') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'id' }] });
  });

  it('needs verdicts:read', async () => {
    const response = await t.app.inject({ url: '/v1/deployments/nope', headers: auth('writer') });
    expect(response.statusCode).toBe(403);
  });
});

describe('GET /v1/deployments', () => {
  async function seed(): Promise<void> {
    const markers = [
      marker({ id: 'a-1', service: 'shop', environment: 'production' }),
      marker({ id: 'a-2', service: 'shop', environment: 'staging' }),
      marker({ id: 'a-3', service: 'cart', environment: 'production' }),
      marker({ id: 'a-4', service: 'shop', environment: 'production' }),
    ];
    for (const m of markers) {
      expect((await post(m)).statusCode).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await t.store.decide('a-4', verdict('promote'));
  }

  function list(query: string) {
    return t.app.inject({ url: `/v1/deployments${query}`, headers: auth('reader') });
  }

  it('lists newest first, filtered by service, environment and status', async () => {
    await seed();
    const all = await list('');
    expect(all.statusCode).toBe(200);
    expect(all.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual([
      'a-4',
      'a-3',
      'a-2',
      'a-1',
    ]);
    expect(all.json()).toMatchObject({ nextCursor: null });
    const shopProduction = await list('?service=shop&environment=production');
    expect(shopProduction.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual([
      'a-4',
      'a-1',
    ]);
    const promoted = await list('?status=promote');
    expect(promoted.json<{ items: { id: string; verdict: unknown }[] }>().items).toMatchObject([
      { id: 'a-4', verdict: { outcome: 'promote', decidedAtInterval: 3, score: 96 } },
    ]);
    const future = await list('?since=2999-01-01T00:00:00Z');
    expect(future.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('pages with limit and cursor until nextCursor is null', async () => {
    await seed();
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await list(
        `?limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: { id: string }[]; nextCursor: string | null }>();
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 5);
    expect(pages).toBe(2);
    expect(ids).toEqual(['a-4', 'a-3', 'a-2', 'a-1']);
  });

  it('answers 400 for bad query parameters, naming each', async () => {
    for (const [query, path] of [
      ['?limit=0', 'limit'],
      ['?limit=501', 'limit'],
      ['?limit=ten', 'limit'],
      ['?status=done', 'status'],
      ['?since=last-week', 'since'],
      ['?colour=red', 'colour'],
    ] as const) {
      const response = await list(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json(), query).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path }] });
    }
  });

  it('answers 400 INVALID_CURSOR for a cursor it did not issue', async () => {
    const response = await list('?cursor=forged');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INVALID_CURSOR', details: [{ path: 'cursor' }] });
  });
});

describe('POST /v1/deployments/:id/abort', () => {
  function abort(id: string, role: 'writer' | 'reader' = 'writer') {
    return t.app.inject({ method: 'POST', url: `/v1/deployments/${id}/abort`, headers: auth(role) });
  }

  it('ends the analysis as aborted and answers the record; aborting again answers the same', async () => {
    await post(marker());
    const response = await abort('shop-2026-11-28-001');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: 'shop-2026-11-28-001',
      status: 'aborted',
      verdict: { outcome: 'aborted', decidedAtInterval: 0, reasons: ['aborted on request'] },
    });
    expect(t.cancelled).toEqual(['shop-2026-11-28-001']);
    const again = await abort('shop-2026-11-28-001');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'aborted' });
  });

  it('accepts a bodiless abort whatever content type the client put on it', async () => {
    await post(marker());
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments/shop-2026-11-28-001/abort',
      headers: { ...auth('writer'), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'aborted' });
  });

  it('answers 409 and keeps the verdict when already decided otherwise', async () => {
    await post(marker());
    await t.store.decide('shop-2026-11-28-001', verdict('rollback'));
    const response = await abort('shop-2026-11-28-001');
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'ALREADY_DECIDED' });
    expect((await t.store.get('shop-2026-11-28-001'))?.status).toBe('rollback');
  });

  it('answers 404 for an unknown id and 403 without markers:write', async () => {
    expect((await abort('nope')).statusCode).toBe(404);
    expect((await abort('nope', 'reader')).statusCode).toBe(403);
  });
});

describe('bodies', () => {
  it('treats an empty JSON body as no body: abort works, a marker is still required', async () => {
    await post(marker());
    const headers = { ...auth('writer'), 'content-type': 'application/json' };
    const abort = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments/shop-2026-11-28-001/abort',
      headers,
      payload: '',
    });
    expect(abort.statusCode).toBe(200);
    const empty = await t.app.inject({ method: 'POST', url: '/v1/deployments', headers, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: '(root)', message: 'must be an object' }],
    });
  });

  it('refuses prototype-poisoning JSON as malformed', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/deployments',
      headers: { ...auth('writer'), 'content-type': 'application/json' },
      payload: '{"__proto__": {"admin": true}}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'MALFORMED_JSON' });
  });
});
