/**
 * HTTP schemas of the correlation endpoints (TypeBox): `GET /v1/correlate` (change points and
 * blame) and `GET /v1/services/:service/khis` (the service page's series and deployment markers).
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';
import { DEPLOYMENT_OUTCOMES } from '../analysis/change-points/deployment-fact.js';
import { DIRECTIONS, KHI_KINDS } from '../analysis/rule-set.js';

/** Longest range one request may cover, in days. */
export const MAX_CORRELATION_RANGE_DAYS = 31;

const Time = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });
/** As the deployment marker's `service`: 1–128 characters. */
const Service = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
const Environment = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "Only this environment's deployments (as the marker's environment).",
});
const RANGE = `Epoch milliseconds or ISO-8601 with a zone; from < to, at most ${MAX_CORRELATION_RANGE_DAYS} days apart.`;

export const CorrelateQuerySchema = Type.Object(
  {
    service: Service('The service whose KHIs to look at.'),
    from: Time(`Start of the range. ${RANGE}`),
    to: Time(`End of the range. ${RANGE}`),
    environment: Type.Optional(Environment),
  },
  { additionalProperties: false },
);

export const ServiceParamsSchema = Type.Object({ service: Service('The service.') });

export const ServiceKhisQuerySchema = Type.Object(
  {
    from: Time(`Start of the range. ${RANGE}`),
    to: Time(`End of the range. ${RANGE}`),
    environment: Type.Optional(Environment),
  },
  { additionalProperties: false },
);

/** A number or null, as one JSON Schema type list (fast-json-stringify serialises it inside tuples). */
const NullableNumber = () => Type.Unsafe<number | null>({ type: ['number', 'null'] });
const Outcome = StringEnum(DEPLOYMENT_OUTCOMES);

const DeploymentMarkerSchema = Type.Object({
  id: Type.String(),
  service: Type.String(),
  version: Type.String(),
  environment: Type.String(),
  startedAt: Type.String({ description: 'ISO-8601.' }),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Outcome, Type.Null()]),
  relation: StringEnum(['self', 'dependency'] as const),
});

const SeriesFields = {
  name: Type.String(),
  kind: StringEnum(KHI_KINDS),
  direction: StringEnum(DIRECTIONS),
  query: Type.String({ description: 'The PromQL asked (empty when it could not be rendered).' }),
  points: Type.Array(Type.Tuple([Type.Number(), NullableNumber()]), {
    description: '[epoch ms, value or null (no data)] every stepSeconds.',
  }),
  error: Type.Optional(Type.String({ description: 'Why the series could not be read.' })),
};

const ChangePointFields = {
  khi: Type.String(),
  atMs: Type.Number({ description: 'First point of the new level, epoch ms.' }),
  before: Type.Number(),
  after: Type.Number(),
  relativeChange: NullableNumber(),
  direction: StringEnum(['up', 'down'] as const),
  bad: Type.Boolean({ description: "Moved in the KHI's bad direction." }),
  strength: Type.Number({ description: '|after − before| in noise standard deviations.' }),
};

export const BlameEvidenceSchema = Type.Object({
  factor: Type.String(),
  weight: Type.Number(),
  detail: Type.String(),
});

export const CandidateFields = {
  rank: Type.Integer(),
  deploymentId: Type.String(),
  service: Type.String(),
  version: Type.String(),
  environment: Type.String(),
  startedAt: Type.String(),
  verdict: Type.Union([
    Type.Object({ outcome: Outcome, failedKhis: Type.Array(Type.String()) }),
    Type.Null(),
  ]),
  score: Type.Number(),
  gapMs: Type.Number({
    description: 'Event time − deployment start: positive when the deployment came first.',
  }),
  explanation: Type.String(),
  evidence: Type.Array(BlameEvidenceSchema),
};

const ReportFields = {
  service: Type.String(),
  environment: Type.Optional(Type.String()),
  from: Type.String(),
  to: Type.String(),
  stepSeconds: Type.Integer(),
  dependsOn: Type.Array(Type.String(), {
    description: 'Its dependencies, transitively (settings services).',
  }),
  deployments: Type.Array(DeploymentMarkerSchema, { description: 'Oldest first.' }),
  notes: Type.Array(Type.String()),
};

export const ServiceKhisReportSchema = Type.Object(
  { ...ReportFields, khis: Type.Array(Type.Object(SeriesFields)) },
  {
    description:
      "The service's KHI series and every deployment marker of it and its dependencies in the range.",
  },
);

export const CorrelationReportSchema = Type.Object(
  {
    ...ReportFields,
    window: Type.Object({ beforeMs: Type.Number(), afterMs: Type.Number() }),
    khis: Type.Array(
      Type.Object({
        ...SeriesFields,
        changePoints: Type.Array(Type.Object(ChangePointFields)),
        reason: Type.String(),
      }),
    ),
    changePoints: Type.Array(
      Type.Object({
        ...ChangePointFields,
        candidates: Type.Array(
          Type.Object({ ...CandidateFields, relation: StringEnum(['self', 'dependency'] as const) }),
        ),
        reason: Type.String(),
      }),
      { description: 'Change points in the bad direction, strongest first, each with its ranked suspects.' },
    ),
  },
  { description: 'Change points of the service KHIs and the deployments most likely behind each.' },
);

export type CorrelateQuery = Static<typeof CorrelateQuerySchema>;
export type ServiceKhisQuery = Static<typeof ServiceKhisQuerySchema>;
