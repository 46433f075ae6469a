import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArtifactsDeps } from '../../src/api/api-deps.js';
import { createMemoryDeliveryLog, type DeliveryLogEntry } from '../../src/delivery/delivery-log.js';
import { ArtifactError } from '../../src/store/artifacts/artifact-error.js';
import type { ArtifactStore } from '../../src/store/artifacts/artifact-store.js';
import { checkBundle, sha256Hex, type AfterVerdictIndex } from '../../src/store/artifacts/bundle-manifest.js';
import { createMemoryBundlePins } from '../../src/store/artifacts/bundle-pins.js';
import { createMemoryArtifactStore } from '../../src/store/artifacts/memory-artifact-store.js';
import type { BundleSeal } from '../../src/verification/verification.js';
import { seedBundle } from '../support/seed-bundle.js';
import { readTarGz } from '../support/tar-entries.js';
import { auth, buildTestApp, marker, type TestApp } from './build-test-app.js';
import { verdict } from './fixtures.js';

const ID = 'shop-2026-11-28-001';
const BASE = `/v1/deployments/${ID}`;
const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
const RETENTION = { retentionDays: { promote: 14, rollback: 90, inconclusive: 90, aborted: 14 } };
const DELIVERED: DeliveryLogEntry = {
  at: '2026-11-28T02:30:05.000Z',
  messageId: 'verdict-1',
  event: 'verdict',
  target: 'webhook:ci',
  outcome: 'delivered',
  attempt: 1,
};

let t: TestApp;
let artifacts: ArtifactsDeps & { store: ArtifactStore };
let rendered: string[];

async function build(overrides: Partial<ArtifactsDeps> = {}): Promise<void> {
  rendered = [];
  artifacts = {
    store: createMemoryArtifactStore(),
    pins: createMemoryBundlePins(),
    deliveryLog: createMemoryDeliveryLog(),
    retention: RETENTION,
    renderReport: (id) => {
      rendered.push(id);
      return Promise.resolve(`<!doctype html><title>live</title><p>${id} so far</p>`);
    },
    ...overrides,
  };
  t = await buildTestApp({ artifacts });
}

/** Posts the marker and, unless `decided` is false, records a promote verdict sealing the bundle. */
async function deployment(decided = true): Promise<BundleSeal | undefined> {
  const posted = await t.app.inject({
    method: 'POST',
    url: '/v1/deployments',
    headers: auth('writer'),
    payload: marker(),
  });
  expect(posted.statusCode).toBe(201);
  if (!decided) return undefined;
  const seal = await seedBundle(artifacts.store, ID);
  await t.store.decide(ID, { ...verdict('promote'), artifacts: seal });
  return seal;
}

beforeEach(async () => {
  await build();
});
afterEach(async () => {
  await t.close();
});

describe('GET /v1/deployments/:id/artifacts', () => {
  it('lists every stored file with the seal, no pin, the expiry and the links', async () => {
    const seal = await deployment();
    const response = await t.app.inject({ url: `${BASE}/artifacts`, headers: auth('reader') });
    expect(response.statusCode).toBe(200);
    const stored = await artifacts.store.list(ID);
    expect(response.json()).toEqual({
      deploymentId: ID,
      status: 'promote',
      seal,
      pin: null,
      // decidedAt 2026-11-28T02:30Z plus the 14 days promoted bundles are kept.
      expiresAt: '2026-12-12T02:30:00.000Z',
      files: stored.map((ref) => ({ path: ref.path, sha256: ref.sha256, bytes: ref.bytes })),
      links: { bundle: `${BASE}/artifacts/bundle.tar.gz`, report: `${BASE}/report` },
    });
    expect(stored.map((ref) => ref.path)).toContain('manifest.json');
  });

  it('answers an unsealed listing while the analysis runs', async () => {
    await deployment(false);
    await artifacts.store.put(ID, 'steps/0001/answers.json', Buffer.from('{}'));
    const body = (await t.app.inject({ url: `${BASE}/artifacts`, headers: auth('reader') })).json<{
      seal: unknown;
      expiresAt: unknown;
      files: { path: string }[];
    }>();
    expect(body.seal).toBeNull();
    expect(body.expiresAt).toBeNull();
    expect(body.files.map((file) => file.path)).toEqual(['steps/0001/answers.json']);
  });

  it('answers 404 DEPLOYMENT_NOT_FOUND for an unknown deployment, on every read route', async () => {
    for (const url of [
      '/v1/deployments/nope/artifacts',
      '/v1/deployments/nope/artifacts/bundle.tar.gz',
      '/v1/deployments/nope/report',
    ]) {
      const response = await t.app.inject({ url, headers: auth('reader') });
      expect(response.statusCode, url).toBe(404);
      expect(response.json<{ code: string }>().code, url).toBe('DEPLOYMENT_NOT_FOUND');
    }
  });

  it('answers 401 without a token and 403 without verdicts:read, on every read route', async () => {
    await deployment();
    for (const url of [`${BASE}/artifacts`, `${BASE}/artifacts/bundle.tar.gz`, `${BASE}/report`]) {
      expect((await t.app.inject({ url })).statusCode, url).toBe(401);
      const forbidden = await t.app.inject({ url, headers: auth('pinner') });
      expect(forbidden.statusCode, url).toBe(403);
      expect(forbidden.json<{ code: string }>().code).toBe('FORBIDDEN');
    }
  });

  it('is not served when the daemon has no artifact store', async () => {
    const plain = await buildTestApp();
    const response = await plain.app.inject({ url: `${BASE}/artifacts`, headers: auth('reader') });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ code: string }>().code).toBe('ROUTE_NOT_FOUND');
    await plain.close();
  });
});

describe('GET /v1/deployments/:id/artifacts/bundle.tar.gz', () => {
  it('streams every file, the delivery log and after-verdict.json, all matching the sealed manifest', async () => {
    const seal = await deployment();
    await artifacts.deliveryLog.append(ID, DELIVERED);
    const response = await t.app.inject({ url: `${BASE}/artifacts/bundle.tar.gz`, headers: auth('reader') });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/gzip');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${ID}.tar.gz"`);
    expect(response.headers['vigil-manifest-sha256']).toBe(seal?.manifestSha256);

    const entries = await readTarGz(response.rawPayload);
    const names = [...entries.keys()];
    expect(names.every((name) => name.startsWith(`${ID}/`))).toBe(true);
    const files = new Map([...entries].map(([name, entry]) => [name.slice(ID.length + 1), entry.content]));
    expect(JSON.parse(files.get('delivery-log.json')!.toString())).toEqual([DELIVERED]);
    const index = JSON.parse(files.get('after-verdict.json')!.toString()) as AfterVerdictIndex;
    expect(index.manifestSha256).toBe(seal?.manifestSha256);
    const { mismatches } = checkBundle({
      manifestBytes: files.get('manifest.json'),
      expectedManifestSha256: seal?.manifestSha256,
      fileHashes: new Map([...files].map(([path, content]) => [path, sha256Hex(content)])),
      afterVerdict: index.files,
    });
    expect(mismatches).toEqual([]);
    expect(files.size).toBe((await artifacts.store.list(ID)).length + 2);
  });

  it('serves the evidence so far while the analysis runs, naming no manifest', async () => {
    await deployment(false);
    await artifacts.store.put(ID, 'steps/0001/answers.json', Buffer.from('{"status":"success"}'));
    const response = await t.app.inject({ url: `${BASE}/artifacts/bundle.tar.gz`, headers: auth('reader') });
    expect(response.statusCode).toBe(200);
    expect(response.headers['vigil-manifest-sha256']).toBeUndefined();
    const entries = await readTarGz(response.rawPayload);
    expect([...entries.keys()]).toEqual([
      `${ID}/steps/0001/answers.json`,
      `${ID}/delivery-log.json`,
      `${ID}/after-verdict.json`,
    ]);
    const index = JSON.parse(
      entries.get(`${ID}/after-verdict.json`)!.content.toString(),
    ) as AfterVerdictIndex;
    expect(index.manifestSha256).toBeNull();
  });

  /** A store whose `steps/0003/answers.json` fails after its first bytes. */
  function failingStore(): ArtifactStore {
    const store = createMemoryArtifactStore();
    return {
      ...store,
      open: async (id, path) => {
        const opened = await store.open(id, path);
        if (path !== 'steps/0003/answers.json') return opened;
        return {
          bytes: opened.bytes,
          content: (async function* () {
            for await (const chunk of opened.content) yield chunk.subarray(0, 5);
            throw new ArtifactError('STORE_UNAVAILABLE', 'artifact store: the disk went away');
          })(),
        };
      },
    };
  }

  it('answers 503 when a stored file cannot be read before anything was sent', async () => {
    await t.close();
    await build({ store: failingStore() });
    await deployment();
    const response = await t.app.inject({ url: `${BASE}/artifacts/bundle.tar.gz`, headers: auth('reader') });
    expect(response.statusCode).toBe(503);
    expect(response.json<{ code: string }>().code).toBe('STORE_UNAVAILABLE');
  });

  it('ends the download broken, and logs it, when a stored file fails once bytes were sent', async () => {
    await t.close();
    await build({ store: failingStore() });
    await deployment();
    // Incompressible and sorted before the failing file: the answer has started when it fails.
    await artifacts.store.put(ID, 'journeys/interval-1/canary/checkout/trace.zip', randomBytes(1024 * 1024));
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${url}${BASE}/artifacts/bundle.tar.gz`, { headers: auth('reader') });
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(t.logText()).toContain('bundle download broken');
  });
});

describe('GET /v1/deployments/:id/report', () => {
  it('serves the stored report as HTML that cannot run scripts', async () => {
    await deployment();
    const response = await t.app.inject({ url: `${BASE}/report`, headers: auth('reader') });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(CSP);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).toContain('<h1>PROMOTE</h1>');
    expect(rendered).toEqual([]);
  });

  it('renders one from the evidence so far when the bundle has no report yet', async () => {
    await deployment(false);
    const response = await t.app.inject({ url: `${BASE}/report`, headers: auth('reader') });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-security-policy']).toBe(CSP);
    expect(response.body).toContain(`${ID} so far`);
    expect(rendered).toEqual([ID]);
  });

  it('answers 404 REPORT_NOT_FOUND without a stored report or a renderer', async () => {
    await t.close();
    await build({ renderReport: undefined });
    await deployment(false);
    const response = await t.app.inject({ url: `${BASE}/report`, headers: auth('reader') });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ code: string }>().code).toBe('REPORT_NOT_FOUND');
  });
});

describe('GET /v1/deployments/:id', () => {
  it('shows the seal with the verdict, so a pipeline can keep the manifest hash', async () => {
    const seal = await deployment();
    const response = await t.app.inject({ url: BASE, headers: auth('reader') });
    expect(response.json<{ verdict: { artifacts: unknown } }>().verdict.artifacts).toEqual(seal);
  });
});

describe('GET /v1/deployments/:id/artifacts/files/*', () => {
  it('serves one stored file with its recorded hash, typed, unable to run scripts', async () => {
    await deployment();
    const [ref] = (await artifacts.store.list(ID)).filter((file) => file.path.endsWith('.json'));
    const response = await t.app.inject({
      url: `${BASE}/artifacts/files/${ref?.path}`,
      headers: auth('reader'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['vigil-sha256']).toBe(ref?.sha256);
    expect(response.headers['content-security-policy']).toBe(CSP);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(sha256Hex(response.rawPayload)).toBe(ref?.sha256);
  });

  it('answers 404 for a path the bundle does not hold, and refuses escapes', async () => {
    await deployment();
    for (const path of ['nope.json', '../other/marker.json', '%2e%2e/marker.json']) {
      const response = await t.app.inject({
        url: `${BASE}/artifacts/files/${path}`,
        headers: auth('reader'),
      });
      expect(response.statusCode, path).toBe(404);
    }
    const anonymous = await t.app.inject({ url: `${BASE}/artifacts/files/manifest.json` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('PUT and DELETE /v1/deployments/:id/artifacts/pin', () => {
  const pin = (reason: unknown, role: Parameters<typeof auth>[0] = 'pinner') =>
    t.app.inject({ method: 'PUT', url: `${BASE}/artifacts/pin`, headers: auth(role), payload: { reason } });
  const unpin = (role: Parameters<typeof auth>[0] = 'admin') =>
    t.app.inject({ method: 'DELETE', url: `${BASE}/artifacts/pin`, headers: auth(role) });
  const listing = async () =>
    (await t.app.inject({ url: `${BASE}/artifacts`, headers: auth('reader') })).json<{
      pin: { reason: string } | null;
      expiresAt: string | null;
    }>();

  it('pins with the reason and the token name, holds the bundle past retention, and re-pins with a new reason', async () => {
    await deployment();
    const first = await pin('INC-1234: checkout outage');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      deploymentId: ID,
      reason: 'INC-1234: checkout outage',
      pinnedBy: 'pinner',
      pinnedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
    expect(await listing()).toMatchObject({ pin: { reason: 'INC-1234: checkout outage' }, expiresAt: null });

    const again = await pin('INC-1234: root cause found', 'admin');
    expect(again.json()).toMatchObject({ reason: 'INC-1234: root cause found', pinnedBy: 'admin' });
    expect((await artifacts.pins.get(ID))?.reason).toBe('INC-1234: root cause found');
  });

  it('releases the hold with admin only: 204, then 404 PIN_NOT_FOUND', async () => {
    await deployment();
    await pin('INC-1');
    const refused = await unpin('pinner');
    expect(refused.statusCode).toBe(403);
    expect(await artifacts.pins.get(ID)).toBeDefined();

    const released = await unpin();
    expect(released.statusCode).toBe(204);
    expect(released.body).toBe('');
    expect(await listing()).toMatchObject({ pin: null, expiresAt: '2026-12-12T02:30:00.000Z' });
    const twice = await unpin();
    expect(twice.statusCode).toBe(404);
    expect(twice.json<{ code: string }>().code).toBe('PIN_NOT_FOUND');
  });

  it('needs artifacts:pin to pin, and a known deployment', async () => {
    expect((await pin('INC-1', 'reader')).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'PUT', url: `${BASE}/artifacts/pin`, payload: { reason: 'x' } }))
        .statusCode,
    ).toBe(401);
    const unknown = await pin('INC-1');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json<{ code: string }>().code).toBe('DEPLOYMENT_NOT_FOUND');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['over 500 characters', 'x'.repeat(501)],
    ['not a string', 42],
  ])('refuses a reason that is %s with 400 VALIDATION_FAILED', async (_name, reason) => {
    await deployment();
    const response = await pin(reason);
    expect(response.statusCode).toBe(400);
    expect(response.json<{ code: string }>().code).toBe('VALIDATION_FAILED');
    expect(await artifacts.pins.get(ID)).toBeUndefined();
  });
});

describe('/openapi.json with artifacts', () => {
  it('documents the evidence routes, the tar.gz and the HTML answers', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    }>();
    expect(Object.keys(doc.paths['/v1/deployments/{id}/artifacts/pin'] ?? {}).sort()).toEqual([
      'delete',
      'put',
    ]);
    expect(
      Object.keys(
        doc.paths['/v1/deployments/{id}/artifacts/bundle.tar.gz']?.['get']?.responses['200']?.content ?? {},
      ),
    ).toEqual(['application/gzip']);
    expect(
      Object.keys(doc.paths['/v1/deployments/{id}/report']?.['get']?.responses['200']?.content ?? {}),
    ).toEqual(['text/html']);
    expect(doc.paths['/v1/deployments/{id}/artifacts']?.['get']?.responses['200']).toBeDefined();
  });
});
