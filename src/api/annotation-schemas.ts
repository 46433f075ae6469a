/**
 * HTTP schemas of the annotations endpoint (TypeBox): the query Grafana's Infinity (or JSON API)
 * data source sends, and the deployment markers and verdicts it draws (docs/grafana.md).
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';
import { VERIFICATION_STATUSES } from '../verification/verification.js';

/** Most annotations one request answers with. */
export const MAX_ANNOTATIONS = 5000;
export const DEFAULT_ANNOTATIONS = 1000;
/** Longest range one request may cover, in days. */
export const MAX_ANNOTATION_RANGE_DAYS = 90;
/** Range when `from` is absent: this many hours before `to`. */
export const DEFAULT_ANNOTATION_RANGE_HOURS = 24;

const Time = (description: string) => Type.String({ minLength: 1, maxLength: 64, description });
/** Empty means no filter: Grafana sends `service=` when a dashboard variable has no value. */
const Filter = (maxLength: number, description: string) => Type.String({ maxLength, description });

export const AnnotationQuerySchema = Type.Object(
  {
    from: Type.Optional(
      Time(
        'Start of the range: epoch milliseconds (what Grafana sends for ${__from}) or ISO-8601 with a ' +
          `zone. Default: ${DEFAULT_ANNOTATION_RANGE_HOURS} hours before to.`,
      ),
    ),
    to: Type.Optional(
      Time('End of the range: epoch milliseconds (${__to}) or ISO-8601 with a zone. Default: now.'),
    ),
    service: Type.Optional(Filter(128, 'Only this service; empty for every service.')),
    environment: Type.Optional(Filter(64, 'Only this environment; empty for every environment.')),
    limit: Type.Integer({
      minimum: 1,
      maximum: MAX_ANNOTATIONS,
      default: DEFAULT_ANNOTATIONS,
      description: 'Most annotations to answer with, the newest.',
    }),
  },
  { additionalProperties: false },
);

export const AnnotationSchema = Type.Object(
  {
    id: Type.String({ description: 'The deployment id.' }),
    time: Type.Integer({ description: "The marker's startedAt, epoch milliseconds." }),
    timeEnd: Type.Optional(
      Type.Integer({
        description:
          'When the verdict was recorded, epoch milliseconds (a region); absent while undecided (a point).',
      }),
    ),
    title: Type.String({ description: 'HTML-escaped: `checkout v2.4.1 → rollback`.' }),
    text: Type.String({
      description:
        'HTML (Grafana sanitises and renders it): what was compared, the reasons, a link to the report.',
    }),
    tags: Type.Array(Type.String(), { description: '[service, environment, strategy, outcome or status].' }),
    tagsCsv: Type.String({
      description:
        'The tags joined by commas (commas inside a tag become spaces), for Infinity: Grafana splits a text tags field on commas.',
    }),
    status: StringEnum(VERIFICATION_STATUSES),
    reportUrl: Type.String({ description: 'The validation report (needs a verdicts:read token).' }),
  },
  { description: 'One deployment as a Grafana annotation: a region from the marker to the verdict.' },
);

export const AnnotationListSchema = Type.Array(AnnotationSchema, {
  description: 'Verifications whose span overlaps the range, newest first.',
});

export type AnnotationQuery = Static<typeof AnnotationQuerySchema>;
export type Annotation = Static<typeof AnnotationSchema>;
