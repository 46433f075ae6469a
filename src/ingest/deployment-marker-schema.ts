/**
 * The deployment marker: what a CD pipeline posts to `POST /v1/deployments`. A contract with every
 * pipeline that calls Vigil (docs/api.md); every value that reaches a query is escaped there, and
 * label names are checked here.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';

export const STRATEGIES = ['canary', 'blue-green', 'rolling', 'ring'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** Prometheus label names: no quoting is possible for them, so they are validated instead. */
export const LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]{0,127}$';
export const DEPLOYMENT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

const Text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description !== undefined && { description }) });

const GroupIdentity = Type.Object(
  {
    labels: Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN }), Type.String({ maxLength: 1024 }), {
      maxProperties: 32,
      // A Record compiles to patternProperties; without this, keys that miss the pattern pass.
      additionalProperties: false,
      description: 'Prometheus labels that select this group, e.g. {"version": "v2", "track": "canary"}.',
    }),
    url: Type.Optional(
      Type.String({ format: 'uri', maxLength: 2048, description: 'Base URL (for journeys).' }),
    ),
  },
  { additionalProperties: false },
);

export const DeploymentMarkerSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({ pattern: DEPLOYMENT_ID_PATTERN, description: 'Idempotency key; generated when absent.' }),
    ),
    service: Text(128),
    environment: Text(64),
    version: Text(256),
    baselineVersion: Type.Optional(Text(256)),
    strategy: StringEnum(STRATEGIES),
    ruleSet: Type.String({
      pattern: '^[a-z0-9][a-z0-9_.-]{0,62}$',
      description: 'Name of a rule set in the rules directory.',
    }),
    startedAt: Type.Optional(Type.String({ format: 'date-time' })),
    canary: GroupIdentity,
    baseline: GroupIdentity,
    commit: Type.Optional(Text(128)),
    changeTier: Type.Optional(Text(64)),
    links: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 2048 }), { maxProperties: 32 }),
    ),
    metadata: Type.Optional(
      Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), { maxProperties: 64 }),
    ),
    phases: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }),
            trafficShare: Type.Number({
              exclusiveMinimum: 0,
              maximum: 1,
              description: 'Share of traffic the canary gets in this phase (0.01 = 1%).',
            }),
          },
          { additionalProperties: false },
        ),
        {
          minItems: 2,
          maxItems: 10,
          description:
            'Rings or phases, in order: the marker verifies the first; each next one is started once the one before is promoted.',
        },
      ),
    ),
    killSwitches: Type.Optional(
      Type.Array(
        Type.Object(
          {
            provider: Type.String({
              pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
              description: 'A flag provider of the settings (flagProviders[].name).',
            }),
            flag: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' }),
          },
          { additionalProperties: false },
        ),
        {
          maxItems: 32,
          description: 'Feature flags turned off when the verdict is rollback (docs/integrations.md).',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export type DeploymentMarker = Static<typeof DeploymentMarkerSchema>;
