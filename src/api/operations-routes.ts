/**
 * Operational endpoints, without authentication: liveness, readiness (Redis and Prometheus),
 * Prometheus metrics, and the OpenAPI document.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { StringEnum } from '../config/schema-validation.js';
import type { ReadinessCheck } from './api-deps.js';

const CheckState = StringEnum(['up', 'down', 'unknown'] as const);
const ReadinessSchema = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Object({ redis: CheckState, prometheus: CheckState }),
});

/** Registers /healthz, /readyz, /metrics and /openapi.json. */
export function registerOperationsRoutes(
  instance: FastifyInstance,
  context: { readonly readiness: ReadinessCheck; readonly metricsRegistry: Registry },
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Readiness: Redis and Prometheus are reachable',
        description: '200 when both are up; 503 naming which is down.',
        tags: ['operations'],
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (request, reply) => {
      try {
        const { redis, prometheus } = await context.readiness();
        const checks = {
          redis: redis ? ('up' as const) : ('down' as const),
          prometheus: prometheus ? ('up' as const) : ('down' as const),
        };
        const ready = redis && prometheus;
        if (!ready) request.log.warn({ checks }, 'not ready');
        return reply.status(ready ? 200 : 503).send({ ready, checks });
      } catch (error) {
        request.log.error({ err: error }, 'readiness check failed');
        return reply.status(503).send({ ready: false, checks: { redis: 'unknown', prometheus: 'unknown' } });
      }
    },
  );

  app.get(
    '/metrics',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Prometheus metrics of the daemon (text exposition format)',
        tags: ['operations'],
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: Type.String() } },
          },
        },
      },
    },
    async (_request, reply) => {
      const text = await context.metricsRegistry.metrics();
      return reply.type(context.metricsRegistry.contentType).send(text);
    },
  );

  app.get('/openapi.json', { logLevel: 'warn', schema: { hide: true } }, () => instance.swagger());
}
