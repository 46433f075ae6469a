/**
 * buildApp(deps): the HTTP API as a Fastify instance, not listening (main.ts listens; tests use
 * `app.inject()`). Routes live in one file per group; errors go through one handler and catalogue.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_MAX_WAIT_SECONDS, type ApiDeps } from './api-deps.js';
import { createAuthenticator } from './authentication.js';
import { registerDeploymentRoutes } from './deployment-routes.js';
import { handleError, handleNotFound } from './error-handler.js';
import { answerDecidedVerdict, DecidedVerdicts, type DecidedVerdictAnswerer } from './decided-verdicts.js';
import { createHttpDurationObserver, httpDurationHistogram } from './http-metrics.js';
import { registerOperationsRoutes } from './operations-routes.js';
import { registerOtlpRoutes } from './otlp-routes.js';
import { registerDeliveryRoutes } from './delivery-routes.js';
import { registerAnnotationRoutes } from './annotation-routes.js';
import { registerArgoRoutes } from './argo-routes.js';
import { registerArtifactRoutes } from './artifact-routes.js';
import { registerAlertRoutes } from './alert-routes.js';
import { registerCorrelationRoutes } from './correlation-routes.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import { registerIntervalRoutes } from './interval-routes.js';
import { registerFlaggerRoutes } from './flagger-routes.js';
import { registerPhaseRoutes } from './phase-routes.js';
import { lazyChildLoggerFactory } from './request-logger.js';
import { validatorCompiler } from './request-validation.js';
import type { RouteContext } from './route-context.js';
import { registerVerdictRoutes } from './verdict-routes.js';
import { registerTimelineRoutes } from './timeline-routes.js';
import { createLinks } from './verification-views.js';

/** Log paths that may hold a token; censored whatever the logger's serializers include. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'request.headers.authorization',
  'headers.authorization',
  'authorization',
];

/** Answers slower than this (beyond a long-poll's own `wait`) are logged. */
const SLOW_REQUEST_MS = 2000;
const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Request ids shaped like UUIDs: a random prefix per app, then a counter (unique within the app by
 * the counter, across apps and restarts by the prefix's 80 random bits). A random UUID per request
 * cost several times more.
 */
function requestIds(): () => string {
  const prefix = randomUUID().slice(0, 24);
  let counter = 0;
  return () => {
    counter += 1;
    return prefix + counter.toString(16).padStart(12, '0');
  };
}

/** Builds the API. Throws when a configured token hash is malformed. */
export function buildApp(deps: ApiDeps): FastifyInstance {
  const maxWaitSeconds = deps.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const shutdown = new AbortController();
  const context: RouteContext = {
    store: deps.store,
    ingest: deps.ingest,
    authenticate: createAuthenticator(deps.tokens),
    links: createLinks(deps.publicBaseUrl),
    maxWaitSeconds,
    shutdown: shutdown.signal,
    decided: new DecidedVerdicts(),
  };
  const nextRequestId = requestIds();
  const histogram = httpDurationHistogram(deps.metricsRegistry);
  const decidedVerdictAnswerer: DecidedVerdictAnswerer = {
    decided: context.decided,
    authenticate: context.authenticate,
    maxWaitSeconds,
    // As Fastify does with `requestIdHeader`: the caller's id when it sent one.
    requestId: (request) => (request.headers[REQUEST_ID_HEADER] as string | undefined) || nextRequestId(),
    observe: (method, route, statusCode, elapsedMs) =>
      histogram.observe(method, route, statusCode, elapsedMs / 1000),
    closing: () => shutdown.signal.aborted,
  };
  const logger = deps.logger.child(
    { component: 'api' },
    { redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
  ) as FastifyBaseLogger;

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    requestIdHeader: REQUEST_ID_HEADER,
    // Two log lines per request were 15% of the verdict endpoint's CPU; onResponse below logs
    // failures and slow answers only.
    logController: new LogController({ disableRequestLogging: true }),
    // Each request's logger (reqId, then tokenName) is created when it first writes a line.
    childLoggerFactory: lazyChildLoggerFactory,
    genReqId: nextRequestId,
    // Fastify's own HTTP/1 server, with stored decided verdicts answered before it routes
    // (src/api/decided-verdicts.ts). The timeouts are the ones Fastify sets on the server it makes.
    serverFactory: (handler, options) => {
      const server = createServer((request: IncomingMessage, response: ServerResponse) => {
        if (!answerDecidedVerdict(decidedVerdictAnswerer, request, response)) handler(request, response);
      });
      const option = (name: string): number | undefined =>
        typeof options[name] === 'number' ? options[name] : undefined;
      server.keepAliveTimeout = option('keepAliveTimeout') ?? server.keepAliveTimeout;
      server.requestTimeout = option('requestTimeout') ?? server.requestTimeout;
      server.setTimeout(option('connectionTimeout') ?? 0);
      const maxRequestsPerSocket = option('maxRequestsPerSocket') ?? 0;
      if (maxRequestsPerSocket > 0) server.maxRequestsPerSocket = maxRequestsPerSocket;
      return server;
    },
  });
  // JSON only: without this Fastify would parse text/plain bodies too, and answer 400, not 415.
  // An empty JSON body counts as no body (curl -H 'Content-Type: application/json' -X POST .../abort).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') done(null, undefined);
    else void parseJson(request, text, done);
  });
  // Any other type is 415 — unless the body is empty: HTTP clients label bodiless POSTs (abort)
  // with a default type such as application/x-www-form-urlencoded.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text === '') done(null, undefined);
    else
      done(
        Object.assign(new Error('unsupported media type'), {
          code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
          statusCode: 415,
        }),
        undefined,
      );
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  // Hooks are sync and few: each one is a step of every request. The request id is set before
  // anything can fail, so error answers carry it too.
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('preClose', (done) => {
    shutdown.abort();
    done();
  });
  const observeDuration = createHttpDurationObserver(deps.metricsRegistry);
  app.addHook('onResponse', (request, reply, done) => {
    const elapsedMs = reply.elapsedTime;
    observeDuration(request, reply.statusCode, elapsedMs);
    // A long-poll is slow only beyond the wait it asked for.
    const waitSeconds = Number((request.query as { wait?: unknown } | undefined)?.wait ?? 0);
    const askedMs = Number.isFinite(waitSeconds) && waitSeconds > 0 ? waitSeconds * 1000 : 0;
    if (reply.statusCode >= 500 || elapsedMs - askedMs > SLOW_REQUEST_MS) {
      request.log.warn(
        { method: request.method, url: request.url, statusCode: reply.statusCode, elapsedMs },
        'request answered',
      );
    }
    done();
  });

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        description: 'Deployment markers in, verdicts out. The contract is described in docs/api.md.',
      },
      ...(deps.publicBaseUrl !== undefined && { servers: [{ url: deps.publicBaseUrl }] }),
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token from the daemon configuration.',
          },
        },
      },
      tags: [
        { name: 'deployments', description: 'Deployment markers and verifications' },
        { name: 'verdicts', description: 'Verdicts, long-polled' },
        { name: 'operations', description: 'Health, readiness, metrics' },
        { name: 'traces', description: 'The embedded OTLP/HTTP trace receiver' },
        { name: 'artifacts', description: 'Evidence bundles, reports and legal holds' },
        {
          name: 'alerts',
          description: "Alertmanager's webhook receiver and the alerts linked to deployments",
        },
      ],
    },
  });
  void app.register((instance, _options, done) => {
    registerDeploymentRoutes(instance, context);
    registerVerdictRoutes(instance, context);
    registerArgoRoutes(instance, context);
    registerFlaggerRoutes(instance, context);
    registerPhaseRoutes(instance, context);
    registerAnnotationRoutes(instance, context);
    registerOperationsRoutes(instance, { readiness: deps.readiness, metricsRegistry: deps.metricsRegistry });
    if (deps.traces !== undefined) registerOtlpRoutes(instance, deps.traces, context.authenticate);
    if (deps.deliveries !== undefined)
      registerDeliveryRoutes(instance, { ...deps.deliveries, authenticate: context.authenticate });
    if (deps.artifacts !== undefined) registerArtifactRoutes(instance, context, deps.artifacts);
    if (deps.correlation !== undefined)
      registerCorrelationRoutes(instance, deps.correlation, context.authenticate);
    if (deps.alerts !== undefined) registerAlertRoutes(instance, deps.alerts, context.authenticate);
    registerTimelineRoutes(instance, context);
    registerIntervalRoutes(instance, context, deps.artifacts);
    registerDashboardRoutes(instance, deps.dashboard);
    done();
  });
  return app;
}
