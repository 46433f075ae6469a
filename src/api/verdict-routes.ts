/**
 * GET /v1/deployments/:id/verdict?wait=N — answers at once when decided (or wait=0), otherwise
 * long-polls the store for up to N seconds and answers with the decision or the current state.
 * A client that disconnects ends its wait: nothing is sent and nothing is held for it. When the
 * daemon stops, waits end at once with the current state, so the stop is not held up by them.
 */
import type { ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import { isDecided, type Verification } from '../verification/verification.js';
import { ApiError } from './api-errors.js';
import { requireScope } from './authentication.js';
import {
  DeploymentIdParamsSchema,
  VerdictResponseSchema,
  errorResponses,
  verdictQuerySchema,
} from './deployment-schemas.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';
import { toVerdictView } from './verification-views.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Registers the verdict long-poll. */
export function registerVerdictRoutes(instance: FastifyInstance, context: RouteContext): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { store, authenticate, maxWaitSeconds, decided } = context;
  // A verdict is recorded once and never changes: decided answers are kept serialised, as bytes.
  // Reading, decoding and re-serialising the record was most of this endpoint's CPU (bench/daemon).

  /** The answer for an id not among the decided answers: from the store, waiting when asked to. */
  async function answerFromStore(
    id: string,
    wait: number,
    log: FastifyBaseLogger,
    reply: FastifyReply,
  ): Promise<void> {
    const current = await store.get(id);
    if (current === undefined) throw new ApiError('DEPLOYMENT_NOT_FOUND', `no deployment with id ${id}`);
    if (isDecided(current.status)) {
      const body = Buffer.from(reply.serialize(toVerdictView(current)) as string); // the route serialiser yields JSON text
      decided.remember(id, body);
      void reply.type(JSON_TYPE).send(body);
      return;
    }
    if (wait === 0) {
      void reply.send(toVerdictView(current));
      return;
    }

    const waited = await untilInterrupted(
      store.waitForDecision(id, wait * 1000),
      reply.raw,
      context.shutdown,
    );
    if (waited.by === 'client') {
      log.debug({ deploymentId: id }, 'verdict wait ended by client disconnect');
      // The client is gone: answer nobody, and let Fastify forget the request.
      reply.hijack();
      return;
    }
    if (waited.by === 'shutdown') log.info({ deploymentId: id }, 'verdict wait ended by shutdown');
    void reply.send(toVerdictView(waited.value ?? current));
  }

  app.get(
    '/v1/deployments/:id/verdict',
    {
      onRequest: requireScope(authenticate, 'verdicts:read'),
      schema: {
        summary: 'Read the verdict, waiting up to `wait` seconds for it',
        description:
          'Scope verdicts:read. Answers at once when decided or when wait is 0; otherwise when the verdict is ' +
          'recorded or after wait seconds, whichever comes first, with the status at that moment.',
        tags: ['verdicts'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        querystring: verdictQuerySchema(maxWaitSeconds),
        response: { 200: VerdictResponseSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    // Not async: a decided answer is sent without a promise or a microtask (most reads once decided).
    (request, reply) => {
      const { id } = request.params;
      const cached = decided.get(id);
      // `as never`: the typed reply expects the view object; pre-serialised bytes are sent as they are.
      if (cached === undefined) return answerFromStore(id, request.query.wait, request.log, reply);
      void reply.type(JSON_TYPE).send(cached as never);
      return undefined;
    },
  );
}

type Waited =
  { by: 'client' } | { by: 'shutdown'; value?: undefined } | { by: 'store'; value: Verification | undefined };

/** Waits for `waiting`, or less when the client disconnects or the daemon stops first. */
async function untilInterrupted(
  waiting: Promise<Verification | undefined>,
  response: ServerResponse,
  shutdown: AbortSignal,
): Promise<Waited> {
  if (response.destroyed) return { by: 'client' };
  if (shutdown.aborted) return { by: 'shutdown' };
  const cleanups: (() => void)[] = [];
  const interrupted = new Promise<Waited>((resolve) => {
    const onClose = () => resolve({ by: 'client' });
    const onShutdown = () => resolve({ by: 'shutdown' });
    response.once('close', onClose);
    shutdown.addEventListener('abort', onShutdown, { once: true });
    cleanups.push(
      () => response.removeListener('close', onClose),
      () => shutdown.removeEventListener('abort', onShutdown),
    );
  });
  try {
    return await Promise.race([waiting.then((value): Waited => ({ by: 'store', value })), interrupted]);
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}
