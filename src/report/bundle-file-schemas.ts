/**
 * Schemas of the bundle files the validation report reads (store/artifacts/bundle-layout.ts), as
 * far as it reads them. A bundle is read back months later, maybe after a disk error or by a newer
 * Vigil, so each file is checked before it is trusted; unknown extra fields are allowed (a newer
 * writer may add some), a missing or mistyped field the report needs makes the file "damaged".
 * Non-finite statistics are written as null (JSON has no NaN), hence the nullable numbers.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';
import { DIRECTIONS, KHI_KINDS, TEST_NAMES } from '../analysis/rule-set.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Measure = Nullable(Type.Number());
const Count = Type.Number({ minimum: 0 });

const CLASSIFICATIONS = ['pass', 'high', 'low', 'nodata', 'inconclusive', 'error'] as const;
const VERDICT_OUTCOMES = ['promote', 'rollback', 'inconclusive', 'aborted'] as const;
const RESOLVED_TEST_NAMES = TEST_NAMES.filter(
  (name): name is Exclude<(typeof TEST_NAMES)[number], 'auto'> => name !== 'auto',
);
const KAYENTA_LABELS = ['Pass', 'High', 'Low', 'Nodata', 'NodataFailMetric', 'Error'] as const;

/** A KhiResult as judgement.json and the verdict hold it. */
export const KhiResultFileSchema = Type.Object({
  name: Type.String(),
  classification: StringEnum(CLASSIFICATIONS),
  critical: Type.Boolean(),
  failed: Type.Boolean(),
  test: StringEnum(RESOLVED_TEST_NAMES),
  method: Type.Optional(Type.String()),
  statistic: Type.Optional(Measure),
  pValue: Type.Optional(Measure),
  adjustedPValue: Type.Optional(Measure),
  effect: Type.Object({
    baseline: Type.Optional(Measure),
    canary: Type.Optional(Measure),
    ratio: Type.Optional(Measure),
    difference: Type.Optional(Measure),
    differenceMethod: Type.Optional(StringEnum(['mean', 'hodges-lehmann'] as const)),
    lower: Type.Optional(Measure),
    upper: Type.Optional(Measure),
    confidence: Type.Optional(Measure),
    baselineSamples: Type.Optional(Measure),
    canarySamples: Type.Optional(Measure),
  }),
  weight: Type.Number(),
  group: Type.String(),
  reason: Type.String(),
  kayenta: Type.Optional(Type.Object({ label: StringEnum(KAYENTA_LABELS), critical: Type.Boolean() })),
  evidence: Type.Optional(Type.Array(Type.String())),
});

/** `steps/NNNN/judgement.json`: the judge's output for the analysis up to that interval. */
export const JudgementFileSchema = Type.Object({
  interval: Type.Integer({ minimum: 1 }),
  khis: Type.Array(KhiResultFileSchema),
  score: Measure,
  decision: Type.Object({
    outcome: StringEnum(['continue', 'promote', 'rollback', 'inconclusive'] as const),
    reasons: Type.Array(Type.String()),
  }),
});

const ObservationSchema = Type.Union([
  Type.Object({ events: Count, total: Count }),
  Type.Object({ values: Type.Array(Measure) }),
]);

/** `steps/NNNN/observations.json`: that interval's Observations. */
export const ObservationsFileSchema = Type.Object({
  khis: Type.Record(
    Type.String(),
    Type.Object({ baseline: Type.Optional(ObservationSchema), canary: Type.Optional(ObservationSchema) }),
  ),
});

/** `rule-set/applied.json`: the compiled rule set with the rule file's hash. */
export const AppliedRuleSetFileSchema = Type.Object({
  name: Type.String(),
  sha256: Type.String(),
  ruleSet: Type.Object({
    name: Type.String(),
    description: Type.Optional(Type.String()),
    analysis: Type.Object({
      intervalSeconds: Type.Number({ exclusiveMinimum: 0 }),
      minIntervals: Type.Integer({ minimum: 1 }),
      maxIntervals: Type.Integer({ minimum: 1 }),
    }),
    khis: Type.Array(
      Type.Object({
        name: Type.String(),
        kind: StringEnum(KHI_KINDS),
        direction: StringEnum(DIRECTIONS),
        critical: Type.Boolean(),
        description: Type.Optional(Type.String()),
      }),
    ),
  }),
});

const BundleSealSchema = Type.Object({
  manifestSha256: Nullable(Type.String()),
  files: Count,
  bytes: Count,
  complete: Type.Boolean(),
  problems: Type.Array(Type.String()),
});

/** The verdict as `decision-log.json` records it. */
export const VerdictFileSchema = Type.Object({
  outcome: StringEnum(VERDICT_OUTCOMES),
  decidedAt: Type.String(),
  decidedAtInterval: Type.Integer({ minimum: 0 }),
  score: Measure,
  khis: Type.Array(KhiResultFileSchema),
  reasons: Type.Array(Type.String()),
  artifacts: Type.Optional(BundleSealSchema),
});

/** `decision-log.json`: every step's decision, then the verdict (null until decided). */
export const DecisionLogFileSchema = Type.Object({
  deploymentId: Type.String(),
  steps: Type.Array(
    Type.Object({
      interval: Type.Integer({ minimum: 1 }),
      recordedAt: Type.String(),
      score: Measure,
      outcome: Type.String(),
      reasons: Type.Array(Type.String()),
      failures: Type.Record(Type.String(), Type.String()),
    }),
  ),
  verdict: Nullable(VerdictFileSchema),
});

const ArtifactRefSchema = Type.Object({
  path: Type.String(),
  sha256: Type.String(),
  bytes: Count,
  truncated: Type.Optional(Type.Object({ originalBytes: Count })),
});

/** `steps/NNNN/journeys.json`: the JourneyEvidence of that interval. */
export const JourneysFileSchema = Type.Array(
  Type.Object({
    probe: Type.String(),
    group: StringEnum(['baseline', 'canary'] as const),
    baseUrl: Type.Optional(Type.String()),
    runs: Count,
    passed: Count,
    failed: Count,
    errors: Count,
    results: Type.Array(
      Type.Object({
        probe: Type.String(),
        probeSha256: Type.Optional(Type.String()),
        baseUrl: Type.String(),
        outcome: StringEnum(['pass', 'fail', 'error'] as const),
        reason: Type.String(),
        failedStep: Type.Optional(Type.String()),
        startedAt: Type.String(),
        durationMs: Count,
        steps: Type.Array(
          Type.Object({
            name: Type.String(),
            status: StringEnum(['passed', 'failed', 'skipped', 'timed-out'] as const),
            durationMs: Type.Optional(Count),
            error: Type.Optional(Type.String()),
          }),
        ),
        consoleErrors: Type.Array(Type.String()),
        failedRequests: Type.Array(
          Type.Object({ method: Type.String(), url: Type.String(), failure: Type.String() }),
        ),
        blockedHosts: Type.Array(Type.String()),
        artifacts: Type.Array(ArtifactRefSchema),
      }),
    ),
  }),
);

/** `steps/NNNN/traces.json`: what the spans showed so far, as far as the report reads it. */
export const TracesFileSchema = Type.Array(
  Type.Object({
    khi: Type.String(),
    service: Type.String(),
    newErrorSignatures: Type.Array(
      Type.Object({
        signature: Type.String(),
        type: Type.String(),
        message: Type.String(),
        count: Count,
        operations: Type.Array(Type.String()),
        exemplar: Type.Optional(ArtifactRefSchema),
        exemplarError: Type.Optional(Type.String()),
      }),
    ),
  }),
);

export type KhiResultFile = Static<typeof KhiResultFileSchema>;
export type JudgementFile = Static<typeof JudgementFileSchema>;
export type ObservationsFile = Static<typeof ObservationsFileSchema>;
export type AppliedRuleSetFile = Static<typeof AppliedRuleSetFileSchema>;
export type VerdictFile = Static<typeof VerdictFileSchema>;
export type DecisionLogFile = Static<typeof DecisionLogFileSchema>;
export type JourneysFile = Static<typeof JourneysFileSchema>;
export type TracesFile = Static<typeof TracesFileSchema>;
