/**
 * The offline scenario format of `vigil judge`: a rule set and a list of intervals, each exactly
 * the Observations the daemon gathers live. Documented in docs/scenarios.md.
 */
import { Type, type Static } from '@sinclair/typebox';

const CountObservationSchema = Type.Object(
  { events: Type.Number({ minimum: 0 }), total: Type.Number({ minimum: 0 }) },
  { additionalProperties: false },
);

const ValuesObservationSchema = Type.Object(
  { values: Type.Array(Type.Union([Type.Number(), Type.Null()]), { maxItems: 5_000_000 }) },
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
