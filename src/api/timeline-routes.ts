/**
 * The timeline: every deployment that started in a time range, counted per hour or day and
 * verdict, and listed newest first a page at a time. Read from the store's compact timeline
 * entries (one sorted-set range in Redis), aggregated in one pass (timeline-view.ts).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireScope } from './authentication.js';
import { errorResponses } from './deployment-schemas.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';
import { TimelineQuerySchema, TimelineSchema } from './timeline-schemas.js';
import { buildTimeline, checkTimelineQuery } from './timeline-view.js';

/** Registers GET /v1/timeline; `now` (ms) is the default end of the range. */
export function registerTimelineRoutes(
  instance: FastifyInstance,
  context: RouteContext,
  now: () => number = Date.now,
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/timeline',
    {
      onRequest: requireScope(context.authenticate, 'verdicts:read'),
      schema: {
        summary: 'Deployments over time: counts per bucket and verdict, and a page of them',
        description:
          'Scope verdicts:read. Deployments whose marker started in [from, to], filtered by service, ' +
          'environment and verdict; counted per hour (ranges up to 7 days) or day; items newest first, ' +
          'paged with nextCursor. The Server-Timing header splits the time between store and aggregation.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        querystring: TimelineQuerySchema,
        response: { 200: TimelineSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const checked = checkTimelineQuery(request.query, now());
      const started = performance.now();
      const entries = await context.store.listTimeline({ fromMs: checked.fromMs, toMs: checked.toMs });
      const read = performance.now();
      const timeline = buildTimeline(entries, checked);
      const built = performance.now();
      void reply.header(
        'server-timing',
        `store;dur=${(read - started).toFixed(1)}, aggregate;dur=${(built - read).toFixed(1)}`,
      );
      return timeline;
    },
  );
}
