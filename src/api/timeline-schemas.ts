/**
 * HTTP schemas of the timeline endpoint (TypeBox): the query, checked further by
 * timeline-view.ts (times, range), and the answer, which Fastify serialises with it.
 */
import { Type } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';
import { VERIFICATION_STATUSES } from '../verification/verification.js';
import { DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT } from './timeline-view.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const TimeParameter = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 40, description }));

export const TimelineQuerySchema = Type.Object(
  {
    from: TimeParameter('Start of the range (ISO-8601 or ms since 1970); default: 7 days before `to`.'),
    to: TimeParameter('End of the range (ISO-8601 or ms); default: now. At most 400 days after `from`.'),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    environment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    verdict: Type.Optional(
      StringEnum(VERIFICATION_STATUSES, {
        description: 'Only deployments in this state (a verdict or not yet).',
      }),
    ),
    limit: Type.Integer({
      minimum: 1,
      maximum: MAX_TIMELINE_LIMIT,
      default: DEFAULT_TIMELINE_LIMIT,
      description: 'Items per page.',
    }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'nextCursor of the previous page.' }),
    ),
  },
  { additionalProperties: false },
);

const CountsSchema = Type.Object(
  Object.fromEntries(VERIFICATION_STATUSES.map((status) => [status, Type.Integer({ minimum: 0 })])) as Record<
    (typeof VERIFICATION_STATUSES)[number],
    ReturnType<typeof Type.Integer>
  >,
);

export const TimelineSchema = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  total: Type.Integer({ minimum: 0, description: 'Deployments in the range passing the filters.' }),
  bucketSeconds: Type.Integer({ description: '3600 for ranges up to 7 days, else 86400.' }),
  buckets: Type.Array(
    Type.Object({
      startMs: Type.Integer({ description: 'Bucket start, ms since 1970 (UTC hour or day).' }),
      counts: CountsSchema,
    }),
  ),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      service: Type.String(),
      environment: Type.String(),
      version: Type.String(),
      strategy: Type.String(),
      startedAt: Type.String({ format: 'date-time' }),
      decidedAt: Nullable(Type.String({ format: 'date-time' })),
      status: StringEnum(VERIFICATION_STATUSES),
      score: Nullable(Type.Number()),
      reason: Nullable(Type.String({ description: "The verdict's first reason (up to 240 characters)." })),
    }),
    { description: 'Newest first (startedAt, then id).' },
  ),
  nextCursor: Nullable(Type.String()),
  facets: Type.Object({
    services: Type.Array(Type.String()),
    environments: Type.Array(Type.String()),
  }),
});
