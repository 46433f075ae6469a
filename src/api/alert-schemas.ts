/**
 * HTTP schemas of the Alertmanager receiver (TypeBox): Alertmanager's webhook message, version 4
 * (Alertmanager configuration reference, `webhook_config`), and the stored alerts the timeline
 * reads. Fields Alertmanager may add later are ignored, not rejected.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';
import { ALERT_STATUSES } from '../store/alert-store.js';
import { CandidateFields } from './correlation-schemas.js';

/** Most alerts one message may carry (set Alertmanager's `max_alerts` at or below it). */
export const MAX_ALERTS_PER_MESSAGE = 2000;
/** Largest accepted message, in bytes. */
export const DEFAULT_ALERTS_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

const LabelSet = (description: string) =>
  Type.Record(Type.String(), Type.String({ maxLength: 4096 }), { maxProperties: 128, description });
const Annotations = (description: string) =>
  Type.Record(Type.String(), Type.String({ maxLength: 65_536 }), { maxProperties: 128, description });
const Status = StringEnum(ALERT_STATUSES);
const RFC3339 = (description: string) => Type.String({ format: 'date-time', maxLength: 64, description });

export const AlertmanagerAlertSchema = Type.Object({
  status: Status,
  labels: LabelSet(
    'The alert labels; the service comes from settings alerts.serviceLabel (default service).',
  ),
  annotations: Annotations('The alert annotations.'),
  startsAt: RFC3339('When the alert started firing.'),
  endsAt: RFC3339("When it resolved; Go's zero time 0001-01-01T00:00:00Z while unknown."),
  generatorURL: Type.String({ maxLength: 8192, description: 'The rule, in the Prometheus that fired it.' }),
  fingerprint: Type.String({
    pattern: '^[A-Za-z0-9]{1,64}$',
    description: 'Identifies the alert (its label set); with startsAt, one firing.',
  }),
});

export const AlertmanagerMessageSchema = Type.Object(
  {
    version: Type.Literal('4', { description: 'The webhook message version; only 4 is understood.' }),
    groupKey: Type.String({ maxLength: 16_384 }),
    truncatedAlerts: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Alerts left out because of max_alerts.' }),
    ),
    status: Status,
    receiver: Type.String({ maxLength: 1024 }),
    groupLabels: LabelSet('Labels the group was formed by.'),
    commonLabels: LabelSet('Labels every alert of the group has.'),
    commonAnnotations: Annotations('Annotations every alert of the group has.'),
    externalURL: Type.String({ maxLength: 8192, description: 'The Alertmanager that sent it.' }),
    alerts: Type.Array(AlertmanagerAlertSchema, { maxItems: MAX_ALERTS_PER_MESSAGE }),
  },
  { description: "Alertmanager's webhook message, version 4." },
);

export const ReceivedAlertsSchema = Type.Object({
  received: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  truncatedAlerts: Type.Integer(),
  alerts: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Status,
      service: Type.Union([Type.String(), Type.Null()]),
      topCandidate: Type.Union([Type.String(), Type.Null()], {
        description: 'The id of the most likely deployment, or null when none started near the alert.',
      }),
    }),
  ),
});

export const AlertListQuerySchema = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Alerts that started at or after: epoch ms or ISO-8601.',
      }),
    ),
    to: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Alerts that started at or before: epoch ms or ISO-8601.',
      }),
    ),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Page size.' }),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 512, description: 'nextCursor of the previous page.' }),
    ),
  },
  { additionalProperties: false },
);

export const StoredAlertSchema = Type.Object({
  id: Type.String({ description: '<fingerprint>-<startsAt epoch ms>.' }),
  fingerprint: Type.String(),
  name: Type.Union([Type.String(), Type.Null()], { description: 'The alertname label.' }),
  status: Status,
  service: Type.Union([Type.String(), Type.Null()]),
  environment: Type.Union([Type.String(), Type.Null()]),
  startsAt: Type.String(),
  endsAt: Type.Union([Type.String(), Type.Null()], { description: 'When it resolved; null while firing.' }),
  labels: Type.Record(Type.String(), Type.String()),
  annotations: Type.Record(Type.String(), Type.String()),
  generatorURL: Type.String(),
  receiver: Type.String(),
  externalURL: Type.String(),
  receivedAt: Type.String(),
  updatedAt: Type.String(),
  candidates: Type.Array(Type.Object(CandidateFields), {
    description: 'Deployments most likely behind the alert, ranked when it was (last) received.',
  }),
  reason: Type.String(),
});

export const AlertPageSchema = Type.Object({
  items: Type.Array(StoredAlertSchema, { description: 'Newest startsAt first.' }),
  nextCursor: Type.Optional(Type.String()),
});

export type AlertmanagerMessageBody = Static<typeof AlertmanagerMessageSchema>;
export type AlertListQuery = Static<typeof AlertListQuerySchema>;
