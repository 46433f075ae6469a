/**
 * HTTP schema of GET /v1/deployments/:id/intervals (interval-view.ts builds the answer).
 */
import { Type, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableNumber = Nullable(Type.Number());

const PointSchema = Type.Object({
  interval: Type.Integer({ minimum: 1 }),
  endMs: NullableNumber,
  baseline: NullableNumber,
  canary: NullableNumber,
  low: NullableNumber,
  high: NullableNumber,
  ratio: NullableNumber,
  difference: NullableNumber,
  pValue: NullableNumber,
  adjustedPValue: NullableNumber,
  classification: Type.String(),
  failed: Type.Boolean(),
});

export const DeploymentIntervalsSchema = Type.Object({
  deploymentId: Type.String(),
  service: Type.String(),
  environment: Type.String(),
  version: Type.String(),
  baselineVersion: Nullable(Type.String()),
  status: Type.String(),
  startedAt: Type.String({ format: 'date-time' }),
  intervalSeconds: NullableNumber,
  intervalsJudged: Type.Integer({ minimum: 0 }),
  verdict: Nullable(
    Type.Object({
      outcome: Type.String(),
      decidedAt: Type.String({ format: 'date-time' }),
      decidedAtInterval: Type.Integer({ minimum: 0 }),
      score: NullableNumber,
      reasons: Type.Array(Type.String()),
    }),
  ),
  steps: Type.Array(
    Type.Object({
      interval: Type.Integer({ minimum: 1 }),
      endMs: NullableNumber,
      score: NullableNumber,
      outcome: Type.String(),
    }),
  ),
  khis: Type.Array(
    Type.Object({
      name: Type.String(),
      critical: Type.Boolean(),
      classification: Type.String({ description: "The latest step's classification." }),
      reason: Type.String(),
      band: Nullable(
        Type.Union([Type.Literal('ratio'), Type.Literal('difference')], {
          description:
            'How low/high were made from the effect interval: baseline × the rate-ratio interval, or ' +
            'baseline + the difference interval.',
        }),
      ),
      points: Type.Array(PointSchema, {
        description: 'One per step: cumulative estimates as judged after that interval.',
      }),
    }),
  ),
  journeyRuns: Type.Array(
    Type.Object({
      interval: Type.Integer(),
      group: Type.String(),
      probe: Type.String(),
      outcome: Type.String(),
      reason: Type.String(),
      failedStep: Nullable(Type.String()),
      startedAt: Nullable(Type.String()),
      screenshot: Nullable(Type.String({ description: 'Bundle path; GET it under /artifacts/files/.' })),
      artifacts: Type.Array(Type.String()),
    }),
  ),
  traceFindings: Type.Array(
    Type.Object({
      khi: Type.String(),
      signature: Type.String(),
      type: Nullable(Type.String()),
      message: Nullable(Type.String()),
      count: NullableNumber,
      operations: Type.Array(Type.String()),
      exemplarPath: Nullable(Type.String()),
    }),
  ),
  notes: Type.Array(Type.String()),
});
