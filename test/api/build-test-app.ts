/**
 * Builds the API with in-memory dependencies: the memory verification store, the real ingest with
 * a recording step scheduler and the repository's web-service rule set, a pino logger writing to
 * an array, a fresh prom-client registry and a switchable readiness check.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { hashToken } from '../../src/api/authentication.js';
import type { ApiDeps, Scope } from '../../src/api/api-deps.js';
import { buildApp } from '../../src/api/build-app.js';
import { loadRuleSetFile } from '../../src/config/load-rule-set.js';
import { createIngest } from '../../src/ingest/accept-marker.js';
import type { DeploymentMarker } from '../../src/ingest/deployment-marker-schema.js';
import {
  createMemoryVerificationStore,
  type MemoryVerificationStore,
} from '../../src/store/memory-verification-store.js';

const webServiceRuleSet = loadRuleSetFile(new URL('../../rules/web-service.yaml', import.meta.url).pathname);

/** Plaintext tokens of the test app, by role. */
export const TOKENS = {
  writer: 'writer-token-0123456789',
  reader: 'reader-token-0123456789',
  admin: 'admin-token-0123456789',
  tracer: 'tracer-token-0123456789',
  pinner: 'pinner-token-0123456789',
  none: 'no-scope-token-0123456789',
} as const;

const TOKEN_SCOPES: Record<keyof typeof TOKENS, Scope[]> = {
  writer: ['markers:write'],
  reader: ['verdicts:read'],
  admin: ['admin'],
  tracer: ['traces:write'],
  pinner: ['artifacts:pin'],
  none: [],
};

/** `Authorization` header for a role. */
export function auth(role: keyof typeof TOKENS): { authorization: string } {
  return { authorization: `Bearer ${TOKENS[role]}` };
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: MemoryVerificationStore;
  readonly registry: Registry;
  /** Every log line, parsed. */
  readonly logs: Record<string, unknown>[];
  /** The raw log text, for "never logged" checks. */
  logText(): string;
  /** Deployment ids the scheduler was asked to step / to cancel. */
  readonly scheduled: string[];
  readonly cancelled: string[];
  /** What /readyz reports; change it in a test. */
  readiness: { redis: boolean; prometheus: boolean } | Error;
  close(): Promise<void>;
}

/** Builds a test app; `overrides` replace any dependency. */
export async function buildTestApp(overrides: Partial<ApiDeps> = {}): Promise<TestApp> {
  const store = createMemoryVerificationStore();
  const registry = new Registry();
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  const scheduled: string[] = [];
  const cancelled: string[] = [];
  const webService = await webServiceRuleSet;
  const ingest = createIngest({
    store,
    scheduler: {
      schedule: (id) => {
        scheduled.push(id);
        return Promise.resolve();
      },
      cancel: (id) => {
        cancelled.push(id);
        return Promise.resolve();
      },
    },
    ruleSets: new Map([['web-service', webService]]),
    now: () => Date.now(),
    logger,
    queryDelaySeconds: 0,
  });
  const testApp: TestApp = {
    app: undefined as unknown as FastifyInstance,
    store,
    registry,
    get logs() {
      return lines
        .flatMap((line) => line.split('\n').filter((l) => l !== ''))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => lines.join(''),
    scheduled,
    cancelled,
    readiness: { redis: true, prometheus: true },
    close: async () => {
      await testApp.app.close();
      await store.close();
    },
  };
  const app = buildApp({
    store,
    ingest,
    tokens: Object.entries(TOKENS).map(([role, token]) => ({
      name: role,
      scopes: TOKEN_SCOPES[role as keyof typeof TOKENS],
      tokenSha256: hashToken(token),
    })),
    logger,
    metricsRegistry: registry,
    readiness: () =>
      testApp.readiness instanceof Error
        ? Promise.reject(testApp.readiness)
        : Promise.resolve(testApp.readiness),
    maxWaitSeconds: 10,
    ...overrides,
  });
  (testApp as { app: FastifyInstance }).app = app;
  await app.ready();
  return testApp;
}

/** A valid marker; `overrides` replace top-level fields. */
export function marker(overrides: Partial<DeploymentMarker> = {}): DeploymentMarker {
  return {
    id: 'shop-2026-11-28-001',
    service: 'shop',
    environment: 'production',
    version: 'v2.4.0',
    baselineVersion: 'v2.3.9',
    strategy: 'canary',
    ruleSet: 'web-service',
    canary: { labels: { version: 'v2.4.0', track: 'canary' } },
    baseline: { labels: { version: 'v2.3.9', track: 'stable' } },
    commit: '4f2a9c1',
    ...overrides,
  };
}
