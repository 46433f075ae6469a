/**
 * The rule-set file format (`rules/*.yaml`), schema version 1. Documented in docs/rules.md;
 * every field here is part of the contract with the teams that write rule sets.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  DIRECTIONS,
  KHI_KINDS,
  MULTIPLE_COMPARISONS,
  NAN_STRATEGIES,
  TEST_NAMES,
} from '../analysis/rule-set.js';
import { SPAN_KINDS } from '../sources/traces/received-span.js';
import { SPENDING_FUNCTIONS } from '../analysis/sequential/alpha-spending.js';
import { StringEnum } from './schema-validation.js';

/** `30s`, `5m`, `1h`, `250ms`. */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';

const Probability = (description: string) =>
  Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description });

const NonNegative = (description: string) => Type.Number({ minimum: 0, description });

const Tolerance = Type.Object(
  {
    relative: Type.Optional(NonNegative('Allowed relative change before it matters (0.2 = 20%).')),
    absolute: Type.Optional(NonNegative("Allowed absolute change, in the KHI's unit.")),
  },
  { additionalProperties: false },
);

const Slo = Type.Object(
  {
    max: Type.Optional(Type.Number({ description: 'The canary fails if confidently above this.' })),
    min: Type.Optional(Type.Number({ description: 'The canary fails if confidently below this.' })),
    quantile: Type.Optional(
      Probability('For distributions and gauges: which quantile the bound applies to.'),
    ),
  },
  { additionalProperties: false },
);

const Outliers = Type.Object(
  {
    strategy: StringEnum(['keep', 'remove'] as const),
    factor: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'IQR multiple (default 3).' })),
  },
  { additionalProperties: false },
);

const KayentaEffectSize = Type.Object(
  {
    measure: Type.Optional(StringEnum(['meanRatio', 'cles'] as const)),
    allowedIncrease: Type.Optional(Type.Number()),
    allowedDecrease: Type.Optional(Type.Number()),
    criticalIncrease: Type.Optional(Type.Number()),
    criticalDecrease: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

const KayentaOptions = Type.Object(
  {
    confidence: Type.Optional(Probability('Mann-Whitney confidence level (Kayenta default 0.98).')),
    tolerance: Type.Optional(NonNegative('Kayenta tolerance (default 0.25).')),
    direction: Type.Optional(StringEnum(DIRECTIONS)),
    nanStrategy: Type.Optional(StringEnum(NAN_STRATEGIES)),
    critical: Type.Optional(Type.Boolean()),
    mustHaveData: Type.Optional(Type.Boolean()),
    effectSize: Type.Optional(KayentaEffectSize),
    outliers: Type.Optional(
      Type.Object(
        {
          strategy: Type.Optional(StringEnum(['keep', 'remove'] as const)),
          outlierFactor: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const Query = Type.Object(
  {
    events: Type.Optional(Type.String({ minLength: 1, description: 'ratio: PromQL counting bad events.' })),
    total: Type.Optional(Type.String({ minLength: 1, description: 'ratio: PromQL counting all events.' })),
    histogram: Type.Optional(
      Type.String({ minLength: 1, description: 'distribution: PromQL of histogram bucket counters.' }),
    ),
    values: Type.Optional(
      Type.String({ minLength: 1, description: 'gauge: PromQL sampled over the interval.' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Kinds a rule file may use: the analysis kinds, `journey` (compiled into a ratio and a
 * distribution) and `trace` (compiled into families of ratios and distributions per operation).
 */
export const RULE_KHI_KINDS = [...KHI_KINDS, 'journey', 'trace'] as const;

export const JOURNEY_YIELDS = ['success', 'duration'] as const;
export const TRACE_YIELDS = ['errors', 'latency', 'new-errors', 'new-operations'] as const;

export const KhiSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,62}$', description: 'Unique KHI name.' }),
    description: Type.Optional(Type.String()),
    kind: StringEnum(RULE_KHI_KINDS),
    direction: StringEnum(DIRECTIONS),
    critical: Type.Optional(Type.Boolean()),
    weight: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    alphaWeight: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1e6,
        description: "Relative share of the analysis alpha for this KHI's hypotheses (default 1).",
      }),
    ),
    group: Type.Optional(Type.String({ minLength: 1 })),
    test: Type.Optional(StringEnum(TEST_NAMES)),
    tolerance: Type.Optional(Tolerance),
    detect: Type.Optional(
      Type.Object(
        {
          relative: Type.Number({
            exclusiveMinimum: 0,
            description:
              'Smallest relative regression that must be caught; no promotion until the data rule it out.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    slo: Type.Optional(Slo),
    minSamples: Type.Optional(Type.Integer({ minimum: 1 })),
    nanStrategy: Type.Optional(StringEnum(NAN_STRATEGIES)),
    nanReplacement: Type.Optional(Type.Number()),
    outliers: Type.Optional(Outliers),
    kayenta: Type.Optional(KayentaOptions),
    query: Type.Optional(Query),
    probe: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
        description: 'journey: the probe, probes/<probe>.ts.',
      }),
    ),
    runsPerInterval: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 200,
        description: 'journey: runs per group per interval (default 10).',
      }),
    ),
    yields: Type.Optional(
      Type.Array(StringEnum([...JOURNEY_YIELDS, ...TRACE_YIELDS]), {
        minItems: 1,
        uniqueItems: true,
        description:
          'journey: success (failed runs out of runs) and/or duration (default both). trace: errors, latency, new-errors, new-operations (default all).',
      }),
    ),
    service: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: "trace: the service whose spans are read (default: the marker's service).",
      }),
    ),
    spanKinds: Type.Optional(
      Type.Array(StringEnum(SPAN_KINDS), {
        minItems: 1,
        uniqueItems: true,
        description: 'trace: span kinds read (default [server]).',
      }),
    ),
    minOperationSpans: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'trace: operations with fewer spans in either group so far are listed, not judged one by one (default 200).',
      }),
    ),
    healthyReleases: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 20,
        description:
          "trace: a signature seen in any of the service's last N promoted releases is not new (default 3; 0: only the baseline's spans count).",
      }),
    ),
    newErrors: Type.Optional(
      StringEnum(['fail', 'report'] as const, {
        description:
          'trace: fail (a new error signature is a critical KHI of its own) or report (listed in the evidence only). Default fail.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RuleSetSchema = Type.Object(
  {
    schemaVersion: Type.Optional(Type.Literal(1, { description: 'Rule-set schema version (1).' })),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_.-]{0,62}$' }),
    description: Type.Optional(Type.String()),
    analysis: Type.Object(
      {
        interval: Type.String({ pattern: DURATION_PATTERN, description: 'Length of one look (e.g. 60s).' }),
        minIntervals: Type.Integer({ minimum: 1 }),
        maxIntervals: Type.Integer({ minimum: 1, maximum: 100 }),
        alpha: Probability('False-rollback budget for a healthy release over the whole analysis.'),
        multipleComparisons: Type.Optional(StringEnum(MULTIPLE_COMPARISONS)),
        spending: Type.Optional(
          Type.Object(
            {
              function: StringEnum(SPENDING_FUNCTIONS),
              rho: Type.Optional(
                Type.Number({
                  exclusiveMinimum: 0,
                  maximum: 20,
                  description: 'kim-demets only: the exponent of alpha·t^rho (default 1.5).',
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        power: Type.Optional(
          Probability('Power at which undetectable tolerances are reported (default 0.8).'),
        ),
        cautionAlpha: Type.Optional(
          Probability('A KHI trending worse at this unadjusted level is not a pass yet (default 0.05).'),
        ),
      },
      { additionalProperties: false },
    ),
    scoring: Type.Object(
      {
        pass: Type.Number({ minimum: 0, maximum: 100 }),
        marginal: Type.Number({ minimum: 0, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
    khis: Type.Array(KhiSchema, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);

/** A rule set exactly as written in the file (after schema validation, before defaults). */
export type RuleSetDocument = Static<typeof RuleSetSchema>;
export type KhiDocument = Static<typeof KhiSchema>;
