/**
 * Dead letters of verdict webhooks (scope admin): list what was given up after the last retry,
 * and send one again once its receiver is fixed. And a deployment's delivery log (verdicts:read):
 * every attempt to deliver its messages and how it ended.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { DeliveryLog } from '../delivery/delivery-log.js';
import type { Outbox } from '../delivery/outbox.js';
import { ApiError } from './api-errors.js';
import { requireScope, type Authenticator } from './authentication.js';
import { DeploymentIdParamsSchema, errorResponses } from './deployment-schemas.js';
import { BEARER_SECURITY } from './route-context.js';

const DeadLetterSchema = Type.Object({
  id: Type.String({ description: 'The message id, also its idempotency key.' }),
  notifier: Type.String(),
  event: Type.String(),
  deploymentId: Type.String(),
  createdAt: Type.String(),
  attempts: Type.Integer(),
  lastError: Type.Optional(Type.String()),
  deadAt: Type.Optional(Type.String()),
});

/** Registers GET /v1/deliveries/dead and POST /v1/deliveries/dead/:id/redeliver. */
export function registerDeliveryRoutes(
  instance: FastifyInstance,
  context: {
    readonly outbox: Outbox;
    readonly log: DeliveryLog;
    readonly authenticate: Authenticator;
    readonly onRedelivered: () => void;
  },
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const isAdmin = requireScope(context.authenticate, 'admin');

  app.get(
    '/v1/deployments/:id/deliveries',
    {
      onRequest: requireScope(context.authenticate, 'verdicts:read'),
      schema: {
        summary: "A deployment's delivery log: webhooks, GitHub statuses, kill switches",
        description:
          'Scope verdicts:read. Every delivery attempt of its messages and how it ended, oldest first.',
        tags: ['deliveries'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                at: Type.String(),
                messageId: Type.String(),
                event: Type.String(),
                target: Type.String(),
                outcome: Type.String(),
                attempt: Type.Integer(),
                error: Type.Optional(Type.String()),
              }),
            ),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => ({ items: await context.log.list(request.params.id) }),
  );

  app.get(
    '/v1/deliveries/dead',
    {
      onRequest: isAdmin,
      schema: {
        summary: 'Webhook messages given up after their last retry',
        description: 'Scope admin. Oldest first, at most `limit` (default 100).',
        tags: ['deliveries'],
        security: BEARER_SECURITY,
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(DeadLetterSchema),
            pending: Type.Integer(),
            dead: Type.Integer(),
          }),
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const [items, counts] = await Promise.all([
        context.outbox.dead(request.query.limit ?? 100),
        context.outbox.counts(),
      ]);
      return {
        items: items.map(({ body: _, ...message }) => message),
        ...counts,
      };
    },
  );

  app.post(
    '/v1/deliveries/dead/:id/redeliver',
    {
      onRequest: isAdmin,
      schema: {
        summary: 'Send a dead webhook message again',
        description:
          'Scope admin. Back in the outbox, due now, attempts reset; same body and idempotency key.',
        tags: ['deliveries'],
        security: BEARER_SECURITY,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 512 }) }),
        response: {
          202: Type.Object({ id: Type.String(), status: Type.Literal('queued') }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      if (!(await context.outbox.redeliver(request.params.id, Date.now())))
        throw new ApiError('DEAD_LETTER_NOT_FOUND', `no dead letter with id ${request.params.id}`);
      context.onRedelivered();
      return reply.status(202).send({ id: request.params.id, status: 'queued' as const });
    },
  );
}
