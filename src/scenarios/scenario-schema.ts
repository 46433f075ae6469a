/**
 * The offline scenario format of `vigil judge`: a rule set and a list of intervals, each exactly
 * the Observations the daemon gathers live. Documented in docs/scenarios.md.
 */
import { Type, type Static } from '@sinclair/typebox';

const CountObservationSchema = Type.Object(
  { events: Type.Number({ minimum: 0 }), total: Type.Number({ minimum: 0 }) },
  { additionalProperties: false },
);

/** What a histogram KHI's values were read from (the daemon records it; the judge reads `values`). */
const HistogramCountersSchema = Type.Object(
  {
    le: Type.Array(Type.Union([Type.Number(), Type.Literal('+Inf'), Type.Literal('-Inf')]), {
      maxItems: 10_000,
    }),
    counts: Type.Array(Type.Number(), { maxItems: 10_000 }),
    maxValues: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);

const ValuesObservationSchema = Type.Object(
  {
    values: Type.Array(Type.Union([Type.Number(), Type.Null()]), { maxItems: 5_000_000 }),
    histogram: Type.Optional(HistogramCountersSchema),
  },
  { additionalProperties: false },
);

/** Kept loose here (`object`) so the loader can say which of the two shapes was meant. */
const ObservationSchema = Type.Object({}, { additionalProperties: true });

const KhiObservationsSchema = Type.Object(
  { baseline: Type.Optional(ObservationSchema), canary: Type.Optional(ObservationSchema) },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    rules: Type.Union([Type.String({ minLength: 1 }), Type.Object({}, { additionalProperties: true })]),
    intervals: Type.Array(
      Type.Object(
        { khis: Type.Record(Type.String(), KhiObservationsSchema) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10_000 },
    ),
    expected: Type.Optional(
      Type.Object(
        {
          verdict: Type.Optional(Type.String()),
          decidedAtInterval: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ScenarioDocument = Static<typeof ScenarioSchema>;
export { CountObservationSchema, ValuesObservationSchema };
