/**
 * Validates Prometheus HTTP API answers (`/api/v1/query`, `/api/v1/query_range`) and converts
 * them to series of finite samples. The envelope is `{status, data, errorType?, error?,
 * warnings?}`; `data` is `{resultType, result}` with vector items `{metric, value: [t, "v"]}`,
 * matrix items `{metric, values: [[t, "v"], ...]}` and scalars `[t, "v"]`. Sample values are
 * strings; `NaN`, `+Inf` and `-Inf` are dropped and counted, anything else unparseable is an
 * invalid answer.
 */
import { Type, type Static } from '@sinclair/typebox';
import { validateAgainstSchema } from '../../config/schema-validation.js';

const Sample = Type.Tuple([Type.Number(), Type.String()]);
const Metric = Type.Record(Type.String(), Type.String());

export const PrometheusEnvelopeSchema = Type.Object({
  status: Type.Union([Type.Literal('success'), Type.Literal('error')]),
  data: Type.Optional(Type.Unknown()),
  errorType: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  warnings: Type.Optional(Type.Array(Type.String())),
  infos: Type.Optional(Type.Array(Type.String())),
});
export type PrometheusEnvelope = Static<typeof PrometheusEnvelopeSchema>;

const VectorData = Type.Object({
  resultType: Type.Literal('vector'),
  result: Type.Array(Type.Object({ metric: Metric, value: Sample })),
});
const MatrixData = Type.Object({
  resultType: Type.Literal('matrix'),
  result: Type.Array(Type.Object({ metric: Metric, values: Type.Array(Sample) })),
});
const ScalarData = Type.Object({ resultType: Type.Literal('scalar'), result: Sample });
const QueryData = Type.Object({ resultType: Type.String(), result: Type.Unknown() });

export type ResultType = 'vector' | 'matrix' | 'scalar';

export interface SeriesSample {
  /** Unix seconds. */
  readonly timeSeconds: number;
  readonly value: number;
}

export interface Series {
  readonly metric: Readonly<Record<string, string>>;
  readonly samples: readonly SeriesSample[];
}

export interface ParsedResult {
  readonly resultType: ResultType;
  readonly series: readonly Series[];
  /** NaN and ±Inf samples left out. */
  readonly droppedSamples: number;
}

export type ParseOutcome =
  { readonly ok: true; readonly result: ParsedResult } | { readonly ok: false; readonly problem: string };

/** Validates the envelope; undefined when `body` is not a Prometheus API answer at all. */
export function parseEnvelope(body: unknown): PrometheusEnvelope | undefined {
  const checked = validateAgainstSchema(PrometheusEnvelopeSchema, body);
  return checked.ok ? checked.value : undefined;
}

/** Validates `data` of a successful answer against the result types the caller accepts. */
export function parseQueryData(data: unknown, accepted: readonly ResultType[]): ParseOutcome {
  const head = validateAgainstSchema(QueryData, data);
  if (!head.ok) return { ok: false, problem: `data: ${describeIssues(head.issues)}` };
  const resultType = head.value.resultType;
  if (!(accepted as readonly string[]).includes(resultType)) {
    return {
      ok: false,
      problem: `resultType ${JSON.stringify(resultType)} where ${accepted.join(' or ')} was expected`,
    };
  }
  switch (resultType) {
    case 'vector': {
      const checked = validateAgainstSchema(VectorData, data);
      if (!checked.ok) return { ok: false, problem: describeIssues(checked.issues) };
      return toResult(
        'vector',
        checked.value.result.map((item) => ({ metric: item.metric, raw: [item.value] })),
      );
    }
    case 'matrix': {
      const checked = validateAgainstSchema(MatrixData, data);
      if (!checked.ok) return { ok: false, problem: describeIssues(checked.issues) };
      return toResult(
        'matrix',
        checked.value.result.map((item) => ({ metric: item.metric, raw: item.values })),
      );
    }
    default: {
      const checked = validateAgainstSchema(ScalarData, data);
      if (!checked.ok) return { ok: false, problem: describeIssues(checked.issues) };
      return toResult('scalar', [{ metric: {}, raw: [checked.value.result] }]);
    }
  }
}

/**
 * Parses a Prometheus sample value: decimal or exponent notation, `NaN`, `+Inf`, `-Inf`.
 * Undefined when the text is none of these.
 */
export function parseSampleValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function toResult(
  resultType: ResultType,
  items: readonly { metric: Record<string, string>; raw: readonly (readonly [number, string])[] }[],
): ParseOutcome {
  let droppedSamples = 0;
  const series: Series[] = [];
  for (const [index, item] of items.entries()) {
    const samples: SeriesSample[] = [];
    for (const [timeSeconds, text] of item.raw) {
      const value = parseSampleValue(text);
      if (value === undefined)
        return {
          ok: false,
          problem: `result[${index}]: sample value ${JSON.stringify(text)} is not a number`,
        };
      if (!Number.isFinite(timeSeconds))
        return { ok: false, problem: `result[${index}]: timestamp ${timeSeconds} is not finite` };
      if (Number.isFinite(value)) samples.push({ timeSeconds, value });
      else droppedSamples += 1;
    }
    series.push({ metric: item.metric, samples });
  }
  return { ok: true, result: { resultType, series, droppedSamples } };
}

function describeIssues(issues: readonly { path: string; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path} ${issue.message}`)
    .join('; ');
}
