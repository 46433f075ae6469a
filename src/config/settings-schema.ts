/**
 * Daemon settings: a YAML file (`VIGIL_CONFIG`) with environment overrides, validated at start;
 * a bad setting stops start-up with a message naming it. Documented in docs/configuration.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './schema-validation.js';

export const SCOPES = [
  'markers:write',
  'verdicts:read',
  'traces:write',
  'artifacts:pin',
  'alerts:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

const TokenSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    token: Type.Optional(
      Type.String({ minLength: 16, description: 'Plain token (at least 16 characters).' }),
    ),
    tokenSha256: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the token, hex.' }),
    ),
    scopes: Type.Array(StringEnum(SCOPES), { minItems: 1, uniqueItems: true }),
  },
  { additionalProperties: false },
);

/** How a delivery target (notifier, flag provider) is called and retried through the outbox. */
function deliveryRetries(defaults: { backoffBaseMs: number; backoffMaxMs: number }) {
  return {
    timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
    maxAttempts: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    backoffBaseMs: Type.Integer({ minimum: 10, maximum: 600_000, default: defaults.backoffBaseMs }),
    backoffMaxMs: Type.Integer({ minimum: 10, maximum: 86_400_000, default: defaults.backoffMaxMs }),
  };
}

const NotifierSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }),
    kind: StringEnum(['webhook', 'github-deployment-status', 'slack'] as const, {
      default: 'webhook',
      description:
        "webhook: Vigil's signed payload to url. github-deployment-status: a deployment status on GitHub. slack: incident messages to a Slack incoming webhook (unsigned, as Slack expects).",
    }),
    url: Type.String({
      pattern: '^https?://',
      description:
        'webhook: where to POST. github-deployment-status: the REST API base (https://api.github.com). slack: the incoming webhook URL (a secret).',
    }),
    secret: Type.Optional(
      Type.String({ minLength: 16, description: 'webhook: HMAC-SHA256 key of the vigil-signature header.' }),
    ),
    repository: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
        description: 'github-deployment-status: owner/repo.',
      }),
    ),
    token: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'github-deployment-status: a token allowed to write deployments.',
      }),
    ),
    services: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Only these services (default all).',
      }),
    ),
    events: Type.Array(StringEnum(['verdict', 'progress', 'incident'] as const), {
      minItems: 1,
      uniqueItems: true,
      default: ['verdict'],
      description:
        'webhook: verdicts, with progress each judged interval too, with incident an incident message (incidentOn). slack notifiers get incident messages only.',
    }),
    incidentOn: Type.Array(StringEnum(['rollback', 'inconclusive'] as const), {
      minItems: 1,
      uniqueItems: true,
      default: ['rollback'],
      description: 'slack, and webhook with events [incident]: the verdicts that send an incident message.',
    }),
    incidentTemplate: StringEnum(
      ['rollback-notification', 'incident-update', 'maintenance-notice'] as const,
      {
        default: 'rollback-notification',
        description: 'The incident message template (src/delivery/incident-templates/<name>.mustache).',
      },
    ),
    ...deliveryRetries({ backoffBaseMs: 1000, backoffMaxMs: 600_000 }),
  },
  { additionalProperties: false },
);

const FlagProviderSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' }),
    kind: StringEnum(['unleash', 'http'] as const, {
      description: 'unleash: its admin API; http: a request template of your own.',
    }),
    url: Type.String({
      pattern: '^https?://',
      description:
        'unleash: its base URL. http: the URL to call, with {flag}, {service}, {environment} filled in (URL-encoded).',
    }),
    token: Type.Optional(
      Type.String({ minLength: 1, description: 'unleash: an admin API token (Authorization header).' }),
    ),
    project: Type.String({
      minLength: 1,
      default: 'default',
      description: 'unleash: the project of the flags.',
    }),
    environment: Type.Optional(
      Type.String({
        minLength: 1,
        description: "unleash: the environment to turn off in (default: the marker's).",
      }),
    ),
    method: StringEnum(['POST', 'PUT', 'PATCH', 'DELETE'] as const, { default: 'POST' }),
    headers: Type.Record(Type.String(), Type.String(), { default: {}, description: 'http: sent as is.' }),
    body: Type.Optional(
      Type.String({
        description: 'http: the body, with {flag}, {service}, {environment} filled in (JSON-escaped).',
      }),
    ),
    ...deliveryRetries({ backoffBaseMs: 500, backoffMaxMs: 60_000 }),
  },
  { additionalProperties: false },
);

export const SettingsSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    redisUrl: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
    prometheusUrl: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:9090' }),
    rulesDir: Type.String({ minLength: 1, default: 'rules' }),
    artifactsDir: Type.String({ minLength: 1, default: '.vigil/artifacts' }),
    keyPrefix: Type.String({ pattern: '^[A-Za-z0-9:_-]+$', default: 'vigil:' }),
    logLevel: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
      default: 'info',
    }),
    tokens: Type.Array(TokenSchema, { default: [] }),
    flagProviders: Type.Array(FlagProviderSchema, {
      default: [],
      description: 'Where kill switches are turned off on rollback (docs/integrations.md).',
    }),
    notifiers: Type.Array(NotifierSchema, {
      default: [],
      description: 'Webhook receivers of every verdict (docs/integrations.md).',
    }),
    prometheus: Type.Object(
      {
        timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 5000 }),
        retries: Type.Integer({ minimum: 0, maximum: 10, default: 3 }),
        queryDelaySeconds: Type.Number({
          minimum: 0,
          maximum: 600,
          default: 15,
          description: 'Wait this long after an interval ends before querying it (scrape lag).',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    analysis: Type.Object(
      {
        maxFailedSteps: Type.Integer({
          minimum: 1,
          maximum: 100,
          default: 3,
          description:
            'Consecutive steps whose backend queries all failed before the verdict is inconclusive.',
        }),
        stepConcurrency: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
      },
      { additionalProperties: false, default: {} },
    ),
    journeys: Type.Object(
      {
        probesDir: Type.String({
          minLength: 1,
          default: 'probes',
          description: 'Where probes/<name>.ts live.',
        }),
        chromiumPath: Type.String({ minLength: 1, default: '/usr/bin/chromium' }),
        concurrency: Type.Integer({
          minimum: 1,
          maximum: 32,
          default: 2,
          description: 'Journeys this daemon runs at once (one Chromium, a context per journey).',
        }),
        passingEvidenceRate: Type.Number({
          minimum: 0,
          maximum: 1,
          default: 0.05,
          description: 'Share of passing journeys whose trace and screenshot are kept too.',
        }),
        runTimeoutMs: Type.Integer({
          minimum: 1000,
          maximum: 3_600_000,
          default: 180_000,
          description: 'How long a step waits for one queued journey (queueing included).',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    traces: Type.Object(
      {
        receiver: Type.Boolean({
          default: true,
          description: 'Serve the embedded OTLP/HTTP trace receiver at POST /v1/traces (scope traces:write).',
        }),
        versionAttribute: Type.String({
          minLength: 1,
          default: 'service.version',
          description:
            "The resource attribute holding a span's version, matched against the marker's versions.",
        }),
        bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 20 * 1024 * 1024 }),
        bucketSeconds: Type.Integer({ minimum: 1, maximum: 300, default: 10 }),
        retentionSeconds: Type.Integer({ minimum: 60, maximum: 86_400, default: 3600 }),
        maxCells: Type.Integer({
          minimum: 100,
          maximum: 1_000_000,
          default: 20_000,
          description:
            'Operation summaries (series × time buckets) kept at once; spans beyond are dropped and counted.',
        }),
        maxExemplars: Type.Integer({ minimum: 0, maximum: 100_000, default: 500 }),
        backend: Type.Optional(
          Type.Object(
            {
              kind: StringEnum(['jaeger', 'tempo'] as const, {
                description: 'Read spans for trace KHIs from this backend instead of the embedded receiver.',
              }),
              url: Type.String({ pattern: '^https?://', description: 'Jaeger query or Tempo base URL.' }),
              timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
              maxTraces: Type.Integer({
                minimum: 1,
                maximum: 100_000,
                default: 1500,
                description: 'Traces asked for per query: the backend answers a sample, counts are of it.',
              }),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    artifacts: Type.Object(
      {
        maxFileBytes: Type.Integer({
          minimum: 1024,
          maximum: 4 * 1024 * 1024 * 1024,
          default: 64 * 1024 * 1024,
          description:
            'Largest evidence file kept; bigger ones keep their first maxFileBytes, marked truncated.',
        }),
        quotaBytes: Type.Optional(
          Type.Integer({
            minimum: 1024 * 1024,
            description:
              'Disk quota of all bundles: over it, the oldest unpinned promoted bundles are deleted first.',
          }),
        ),
        retentionDays: Type.Object(
          {
            promote: Type.Number({ minimum: 0, default: 14 }),
            rollback: Type.Number({ minimum: 1, default: 90 }),
            inconclusive: Type.Number({ minimum: 1, default: 90 }),
            aborted: Type.Number({ minimum: 0, default: 14 }),
          },
          {
            additionalProperties: false,
            default: {},
            description: 'Days a decided bundle is kept, by verdict; pinned bundles are kept regardless.',
          },
        ),
        sweepIntervalSeconds: Type.Integer({ minimum: 10, maximum: 86_400, default: 3600 }),
      },
      { additionalProperties: false, default: {} },
    ),
    services: Type.Record(
      Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
      Type.Object(
        {
          dependsOn: Type.Array(Type.String({ minLength: 1 }), {
            default: [],
            uniqueItems: true,
            description:
              'Services this one calls: incident messages name the services that depend on a broken one.',
          }),
          description: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          labels: Type.Optional(
            Type.Record(
              Type.String({ pattern: '^[a-zA-Z_][a-zA-Z0-9_]{0,127}$' }),
              Type.String({ maxLength: 1024 }),
              {
                minProperties: 1,
                maxProperties: 32,
                additionalProperties: false,
                description:
                  'Prometheus labels selecting the whole service (every version), for its KHI series in correlation (docs/correlation.md); default {service: "<name>"}. Values are escaped.',
              },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { default: {}, description: 'What is known of each service (dependencies), for incident messages.' },
    ),
    alerts: Type.Object(
      {
        serviceLabel: Type.String({
          pattern: '^[a-zA-Z_][a-zA-Z0-9_]{0,127}$',
          default: 'service',
          description: 'POST /v1/alerts: the alert label naming the service (docs/correlation.md).',
        }),
        environmentLabel: Type.String({
          pattern: '^[a-zA-Z_][a-zA-Z0-9_]{0,127}$',
          default: 'environment',
          description:
            'POST /v1/alerts: the alert label naming the environment; absent on an alert: any environment.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    correlation: Type.Object(
      {
        stepSeconds: Type.Integer({
          minimum: 1,
          maximum: 3600,
          default: 60,
          description:
            'Finest step of KHI series for correlation and service pages (coarser for long ranges: at most 1,000 points).',
        }),
        windowSeconds: Type.Integer({
          minimum: 1,
          maximum: 3600,
          default: 60,
          description: 'Shortest rate window of those series: at least two scrapes of the service.',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    api: Type.Object(
      {
        bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 256 * 1024 }),
        maxWaitSeconds: Type.Integer({ minimum: 0, maximum: 600, default: 60 }),
        publicBaseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Settings = Static<typeof SettingsSchema>;
export type TokenSetting = Static<typeof TokenSchema>;

/** Environment variables that override file settings, and the setting each one sets. */
export const ENVIRONMENT_OVERRIDES = {
  VIGIL_HOST: { path: ['host'], type: 'string' },
  VIGIL_PORT: { path: ['port'], type: 'integer' },
  VIGIL_REDIS_URL: { path: ['redisUrl'], type: 'string' },
  VIGIL_PROMETHEUS_URL: { path: ['prometheusUrl'], type: 'string' },
  VIGIL_RULES_DIR: { path: ['rulesDir'], type: 'string' },
  VIGIL_ARTIFACTS_DIR: { path: ['artifactsDir'], type: 'string' },
  VIGIL_KEY_PREFIX: { path: ['keyPrefix'], type: 'string' },
  VIGIL_LOG_LEVEL: { path: ['logLevel'], type: 'string' },
  VIGIL_QUERY_DELAY_SECONDS: { path: ['prometheus', 'queryDelaySeconds'], type: 'number' },
  VIGIL_PROBES_DIR: { path: ['journeys', 'probesDir'], type: 'string' },
  VIGIL_CHROMIUM_PATH: { path: ['journeys', 'chromiumPath'], type: 'string' },
} as const;
