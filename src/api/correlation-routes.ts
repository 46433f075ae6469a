/**
 * GET /v1/correlate — change points in a service's KHIs over a range and the deployments ranked for
 * each (docs/correlation.md); GET /v1/services/:service/khis — the same series with every
 * deployment marker of the service and its dependencies, no ranking (the dashboard's service page).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type {
  CorrelationReport,
  ServiceCorrelation,
  ServiceSeriesReport,
} from '../correlation/correlate-service.js';
import { ApiError } from './api-errors.js';
import { requireScope, type Authenticator } from './authentication.js';
import {
  CorrelateQuerySchema,
  CorrelationReportSchema,
  MAX_CORRELATION_RANGE_DAYS,
  ServiceKhisQuerySchema,
  ServiceKhisReportSchema,
  ServiceParamsSchema,
} from './correlation-schemas.js';
import { errorResponses } from './deployment-schemas.js';
import { BEARER_SECURITY } from './route-context.js';

const DAY_MS = 24 * 3_600_000;
/** Epoch milliseconds, as Grafana's `${__from}` expands. */
const EPOCH_MS = /^\d{1,15}$/;
/** A date, or a date-time with a zone (a time without one would depend on the daemon's zone). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** Registers the correlation routes (scope verdicts:read). */
export function registerCorrelationRoutes(
  instance: FastifyInstance,
  correlation: ServiceCorrelation,
  authenticate: Authenticator,
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const onRequest = requireScope(authenticate, 'verdicts:read');

  app.get(
    '/v1/correlate',
    {
      onRequest,
      schema: {
        summary: 'Change points in a service KHIs and the deployments most likely behind them',
        description:
          'Scope verdicts:read. The KHIs of the rule sets the service was verified with, as Prometheus series over ' +
          '[from, to]; their change points (PELT); for each change in the bad direction, the deployments of the ' +
          'service and its dependencies near it, ranked, with the evidence (docs/correlation.md).',
        tags: ['verdicts'],
        security: BEARER_SECURITY,
        querystring: CorrelateQuerySchema,
        response: { 200: CorrelationReportSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { fromMs, toMs } = parseRange(request.query.from, request.query.to, MAX_CORRELATION_RANGE_DAYS);
      return writable<CorrelationReport>(
        await correlation.correlate({
          service: request.query.service,
          ...(request.query.environment !== undefined && { environment: request.query.environment }),
          fromMs,
          toMs,
        }),
      );
    },
  );

  app.get(
    '/v1/services/:service/khis',
    {
      onRequest,
      schema: {
        summary: 'A service KHI series with every deployment marker',
        description:
          'Scope verdicts:read. The same series as /v1/correlate, with the deployments of the service and of ' +
          'every service it depends on in [from, to], for charts. No change points, no ranking.',
        tags: ['verdicts'],
        security: BEARER_SECURITY,
        params: ServiceParamsSchema,
        querystring: ServiceKhisQuerySchema,
        response: { 200: ServiceKhisReportSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { fromMs, toMs } = parseRange(request.query.from, request.query.to, MAX_CORRELATION_RANGE_DAYS);
      return writable<ServiceSeriesReport>(
        await correlation.serviceSeries({
          service: request.params.service,
          ...(request.query.environment !== undefined && { environment: request.query.environment }),
          fromMs,
          toMs,
        }),
      );
    },
  );
}

/**
 * Parses `from` and `to` (epoch ms or ISO-8601 with a zone); throws VALIDATION_FAILED naming the
 * field unless from < to and the range is at most `maxDays` long.
 */
export function parseRange(from: string, to: string, maxDays: number): { fromMs: number; toMs: number } {
  const fromMs = parseTime(from, 'from');
  const toMs = parseTime(to, 'to');
  if (fromMs >= toMs) {
    throw invalid(
      'from',
      `must be before to (${new Date(fromMs).toISOString()} ≥ ${new Date(toMs).toISOString()})`,
    );
  }
  if (toMs - fromMs > maxDays * DAY_MS) {
    throw invalid(
      'from',
      `the range is ${((toMs - fromMs) / DAY_MS).toFixed(1)} days long; at most ${maxDays} are allowed`,
    );
  }
  return { fromMs, toMs };
}

/** Epoch ms or ISO-8601 with a zone; throws VALIDATION_FAILED naming `field`. */
export function parseTime(text: string, field: string): number {
  const ms = EPOCH_MS.test(text) ? Number(text) : ISO_8601.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms) || ms > 8.64e15) {
    throw invalid(field, `"${text}" is neither epoch milliseconds nor an ISO-8601 time with a zone`);
  }
  return ms;
}

/** A use case's read-only answer typed as the (mutable) response schema's type; nothing is copied. */
export type Writable<T> = T extends readonly [infer A, infer B]
  ? [Writable<A>, Writable<B>]
  : T extends readonly (infer U)[]
    ? Writable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Writable<T[K]> }
      : T;

export function writable<T>(value: T): Writable<T> {
  return value as Writable<T>;
}

function invalid(path: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', `invalid query string: ${path} ${message}`, [{ path, message }]);
}
