/**
 * POST /v1/alerts — Alertmanager's webhook receiver (scope alerts:write: Alertmanager sends the
 * token from `http_config.authorization.credentials`): each alert stored and linked to the
 * deployments most likely behind it. GET /v1/alerts — the stored alerts for the timeline (scope
 * verdicts:read), newest first, paginated. docs/correlation.md.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AlertReceiver, ReceivedAlerts } from '../correlation/receive-alerts.js';
import type { AlertPage } from '../store/alert-store.js';
import {
  AlertListQuerySchema,
  AlertmanagerMessageSchema,
  AlertPageSchema,
  DEFAULT_ALERTS_BODY_LIMIT_BYTES,
  ReceivedAlertsSchema,
} from './alert-schemas.js';
import { requireScope, type Authenticator } from './authentication.js';
import { parseTime, writable } from './correlation-routes.js';
import { errorResponses } from './deployment-schemas.js';
import { ApiError } from './api-errors.js';
import { BEARER_SECURITY } from './route-context.js';

/** What the alert routes need (ApiDeps.alerts). */
export interface AlertsDeps {
  readonly receiver: AlertReceiver;
  /** Largest accepted webhook message; 4 MiB when absent. */
  readonly bodyLimitBytes?: number;
}

/** Registers POST and GET /v1/alerts. */
export function registerAlertRoutes(
  instance: FastifyInstance,
  deps: AlertsDeps,
  authenticate: Authenticator,
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/alerts',
    {
      onRequest: requireScope(authenticate, 'alerts:write'),
      bodyLimit: deps.bodyLimitBytes ?? DEFAULT_ALERTS_BODY_LIMIT_BYTES,
      schema: {
        summary: "Alertmanager's webhook receiver",
        description:
          'Scope alerts:write. A webhook message (version 4) from an Alertmanager webhook_configs receiver ' +
          '(send_resolved: true). Each alert is stored once per fingerprint and startsAt (re-sends update its ' +
          'status and endsAt) and linked to the deployments most likely behind it.',
        tags: ['alerts'],
        security: BEARER_SECURITY,
        body: AlertmanagerMessageSchema,
        response: { 200: ReceivedAlertsSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request) => {
      request.log.info(
        { receiver: request.body.receiver, status: request.body.status, alerts: request.body.alerts.length },
        'alerts received',
      );
      return writable<ReceivedAlerts>(await deps.receiver.receive(request.body));
    },
  );

  app.get(
    '/v1/alerts',
    {
      onRequest: requireScope(authenticate, 'verdicts:read'),
      schema: {
        summary: 'Received alerts and the deployments linked to them',
        description:
          'Scope verdicts:read. Alerts that started in [from, to] (either optional), of one service when given, ' +
          'newest first; follow nextCursor for more.',
        tags: ['alerts'],
        security: BEARER_SECURITY,
        querystring: AlertListQuerySchema,
        response: { 200: AlertPageSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { from, to, service, limit, cursor } = request.query;
      const fromMs = from === undefined ? undefined : parseTime(from, 'from');
      const toMs = to === undefined ? undefined : parseTime(to, 'to');
      if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
        throw new ApiError('VALIDATION_FAILED', 'invalid query string: from must not be after to', [
          { path: 'from', message: 'must not be after to' },
        ]);
      }
      const page = await deps.receiver.list({
        ...(fromMs !== undefined && { fromMs }),
        ...(toMs !== undefined && { toMs }),
        ...(service !== undefined && { service }),
        limit,
        ...(cursor !== undefined && { cursor }),
      });
      return writable<AlertPage>(page);
    },
  );
}
