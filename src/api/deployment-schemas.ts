/**
 * HTTP schemas of the deployment and verdict endpoints (TypeBox). Fastify validates requests and
 * serialises responses with them, and @fastify/swagger turns them into /openapi.json, so the
 * document cannot drift from the behaviour.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';
import { DEPLOYMENT_ID_PATTERN, DeploymentMarkerSchema } from '../ingest/deployment-marker-schema.js';
import { VERIFICATION_STATUSES } from '../verification/verification.js';
import { API_ERRORS, type ApiErrorCode } from './api-errors.js';
import { BundleSealSchema } from './artifact-schemas.js';

const CLASSIFICATIONS = ['pass', 'high', 'low', 'nodata', 'inconclusive', 'error'] as const;
const DECISION_OUTCOMES = ['continue', 'promote', 'rollback', 'inconclusive'] as const;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = (description: string) => Type.String({ format: 'date-time', description });

export const ErrorResponseSchema = Type.Object(
  {
    code: StringEnum(Object.keys(API_ERRORS) as ApiErrorCode[], {
      description: 'Stable error code (docs/api.md).',
    }),
    message: Type.String(),
    details: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { description: 'Every error answer has this shape.' },
);

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorResponseSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponseSchema]));
}

export const DeploymentIdParamsSchema = Type.Object({
  id: Type.String({ pattern: DEPLOYMENT_ID_PATTERN, description: 'Deployment id.' }),
});

export const ListQuerySchema = Type.Object(
  {
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    environment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    status: Type.Optional(StringEnum(VERIFICATION_STATUSES)),
    since: Type.Optional(Timestamp('Only deployments created at or after this time.')),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size.' }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'nextCursor of the previous page.' }),
    ),
  },
  { additionalProperties: false },
);

/** The verdict query; `wait` is capped by the daemon's maxWaitSeconds. */
export function verdictQuerySchema(maxWaitSeconds: number) {
  return Type.Object(
    {
      wait: Type.Number({
        minimum: 0,
        maximum: maxWaitSeconds,
        default: 0,
        description: `Seconds to wait for a decision (0–${maxWaitSeconds}); 0 answers at once.`,
      }),
    },
    { additionalProperties: false },
  );
}

export const DeploymentCreatedSchema = Type.Object({
  id: Type.String(),
  status: StringEnum(VERIFICATION_STATUSES),
  verdictUrl: Type.String({ description: 'Where to long-poll the verdict.' }),
});

/** A statistic: null when it was not finite (NaN, ±Infinity), as JSON (and `vigil judge --json`) writes it. */
const Measure = Nullable(Type.Number());

const EffectSchema = Type.Object(
  {
    baseline: Type.Optional(Measure),
    canary: Type.Optional(Measure),
    ratio: Type.Optional(Measure),
    difference: Type.Optional(Measure),
    lower: Type.Optional(Measure),
    upper: Type.Optional(Measure),
    confidence: Type.Optional(Measure),
    baselineSamples: Type.Optional(Measure),
    canarySamples: Type.Optional(Measure),
  },
  { additionalProperties: true },
);

/** One KHI's result, the same object `vigil judge --json` prints. */
export const KhiResultSchema = Type.Object(
  {
    name: Type.String(),
    classification: StringEnum(CLASSIFICATIONS),
    critical: Type.Boolean(),
    failed: Type.Boolean({ description: 'The classification counts against the release.' }),
    test: Type.String(),
    method: Type.Optional(Type.String()),
    statistic: Type.Optional(Measure),
    pValue: Type.Optional(Measure),
    adjustedPValue: Type.Optional(Measure),
    effect: EffectSchema,
    weight: Type.Number(),
    group: Type.String(),
    reason: Type.String(),
    kayenta: Type.Optional(Type.Object({ label: Type.String(), critical: Type.Boolean() })),
  },
  { additionalProperties: true },
);

export const VerificationRecordSchema = Type.Object({
  id: Type.String(),
  status: StringEnum(VERIFICATION_STATUSES),
  marker: DeploymentMarkerSchema,
  markerSha256: Type.String({ description: 'SHA-256 of the marker as posted (canonical JSON).' }),
  ruleSetSha256: Type.String({ description: 'SHA-256 of the rule set the analysis runs.' }),
  plan: Nullable(
    Type.Object(
      {
        intervalSeconds: Type.Number(),
        minIntervals: Type.Integer(),
        maxIntervals: Type.Integer(),
      },
      { description: "The rule set's timing, for progress displays (intervalsJudged of maxIntervals)." },
    ),
  ),
  createdAt: Timestamp('When the marker was accepted.'),
  updatedAt: Timestamp('Last change.'),
  intervalsJudged: Type.Integer({ minimum: 0 }),
  failedSteps: Type.Integer({ minimum: 0, description: 'Steps in a row whose backend queries all failed.' }),
  lastJudgement: Nullable(
    Type.Object({
      interval: Type.Integer({ minimum: 1 }),
      score: Nullable(Type.Number()),
      outcome: StringEnum(DECISION_OUTCOMES),
      reasons: Type.Array(Type.String()),
    }),
  ),
  verdict: Nullable(
    Type.Object({
      outcome: StringEnum(['promote', 'rollback', 'inconclusive', 'aborted'] as const),
      decidedAt: Timestamp('When the verdict was recorded.'),
      decidedAtInterval: Type.Integer({ minimum: 0 }),
      score: Nullable(Type.Number()),
      reasons: Type.Array(Type.String()),
      artifacts: Type.Optional(BundleSealSchema),
    }),
  ),
  verdictUrl: Type.String(),
});

export const VerificationPageSchema = Type.Object({
  items: Type.Array(VerificationRecordSchema),
  nextCursor: Nullable(
    Type.String({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  ),
});

export const VerdictResponseSchema = Type.Object({
  id: Type.String(),
  status: StringEnum(VERIFICATION_STATUSES),
  score: Nullable(Type.Number()),
  decidedAt: Nullable(Timestamp('When decided; null while undecided.')),
  decidedAtInterval: Nullable(Type.Integer({ minimum: 0 })),
  intervalsJudged: Type.Integer({ minimum: 0 }),
  khis: Type.Array(KhiResultSchema),
  reasons: Type.Array(Type.String()),
});

export type DeploymentCreated = Static<typeof DeploymentCreatedSchema>;
export type VerificationRecord = Static<typeof VerificationRecordSchema>;
export type VerdictResponse = Static<typeof VerdictResponseSchema>;
