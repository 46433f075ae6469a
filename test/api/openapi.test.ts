import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './build-test-app.js';

interface Operation {
  responses: Record<string, unknown>;
  security?: unknown[];
  requestBody?: {
    content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }>;
  };
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
}

let t: TestApp;
let doc: Document;
beforeAll(async () => {
  t = await buildTestApp();
  const response = await t.app.inject({ url: '/openapi.json' });
  expect(response.statusCode).toBe(200);
  doc = response.json<Document>();
});
afterAll(async () => {
  await t.close();
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3 document with info, paths and the bearer scheme', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info.title).toBe('Vigil API');
    expect(typeof doc.info.version).toBe('string');
    expect(doc.components.securitySchemes['bearerAuth']).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/annotations',
      '/v1/argo/deployments/{id}',
      '/v1/deployments',
      '/v1/deployments/{id}',
      '/v1/deployments/{id}/abort',
      '/v1/deployments/{id}/intervals',
      '/v1/deployments/{id}/phases/{phase}/start',
      '/v1/deployments/{id}/phases/{phase}/verdict',
      '/v1/deployments/{id}/verdict',
      '/v1/flagger/{hook}',
      '/v1/timeline',
    ]);
  });

  it('gives every operation responses keyed by status code, and every v1 operation bearer security', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(['get', 'post'], `${method} ${path}`).toContain(method);
        expect(Object.keys(operation.responses).length, `${method} ${path}`).toBeGreaterThan(0);
        for (const status of Object.keys(operation.responses)) expect(status).toMatch(/^[1-5]\d\d$/);
        if (path.startsWith('/v1/'))
          expect(operation.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
      }
    }
  });

  it('documents the marker schema as the POST body, with every field', () => {
    const body = doc.paths['/v1/deployments']?.['post']?.requestBody?.content['application/json']?.schema;
    expect(Object.keys(body?.properties ?? {}).sort()).toEqual(
      [
        'id',
        'service',
        'environment',
        'version',
        'baselineVersion',
        'strategy',
        'ruleSet',
        'startedAt',
        'canary',
        'baseline',
        'commit',
        'changeTier',
        'links',
        'metadata',
        'killSwitches',
        'phases',
      ].sort(),
    );
    expect(body?.required).toEqual(
      expect.arrayContaining([
        'service',
        'environment',
        'version',
        'strategy',
        'ruleSet',
        'canary',
        'baseline',
      ]),
    );
    expect(Object.keys(doc.paths['/v1/deployments']?.['post']?.responses ?? {}).sort()).toEqual(
      ['200', '201', '400', '401', '403', '409', '413', '415', '422'].sort(),
    );
  });

  it('documents query parameters with their limits', () => {
    const list = doc.paths['/v1/deployments']?.['get']?.parameters ?? [];
    expect(list.find((p) => p.name === 'limit')).toMatchObject({
      in: 'query',
      schema: { minimum: 1, maximum: 500, default: 50 },
    });
    const verdict = doc.paths['/v1/deployments/{id}/verdict']?.['get']?.parameters ?? [];
    expect(verdict.find((p) => p.name === 'wait')).toMatchObject({
      in: 'query',
      schema: { minimum: 0, maximum: 10 },
    });
    expect(verdict.find((p) => p.name === 'id')).toMatchObject({ in: 'path' });
  });

  it('is plain JSON (no schema-library internals)', () => {
    expect(JSON.stringify(doc)).not.toMatch(/TypeBox|\[Kind\]/);
  });
});
