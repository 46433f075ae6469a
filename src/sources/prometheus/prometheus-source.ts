/**
 * The Prometheus adapter of the MetricSource port: renders a KHI's query templates for one group
 * and turns Prometheus' answers into that interval's Observation. It fetches and converts; it
 * never judges. Backend trouble comes back as `{ ok: false }` after the retries, never thrown.
 *
 * - ratio: `query.events` and `query.total` as instant queries at the window's end (templates use
 *   `increase(...[{{interval}}])`); each vector is summed and rounded (`increase` extrapolates),
 *   events are clamped to [0, total]. An empty `total` vector is no data; an empty `events`
 *   vector beside a non-empty total means 0 events (no 5xx series exist yet).
 * - distribution: `query.histogram` as an instant query returning cumulative bucket counts per
 *   `le`; one value per request (see analysis/histogram-values.ts).
 * - gauge: `query.values` as a range query over (end − interval, end] every interval/10 (at
 *   least 1 s); every finite sample of every series. The window's start is left out so that
 *   consecutive intervals do not share a sample.
 */
import type { Observation } from '../../analysis/observations.js';
import type { KhiQuery } from '../../analysis/rule-set.js';
import type { MetricSource, ObservationRequest, ObservationResult } from '../metric-source.js';
import { QueryTemplateError, renderQueryTemplate } from '../query-template.js';
import {
  createPrometheusClient,
  type PrometheusClient,
  type PrometheusClientOptions,
} from './prometheus-client.js';
import {
  DEFAULT_MAX_HISTOGRAM_VALUES,
  histogramCounters,
  histogramToValues,
  type CumulativeBucket,
} from '../../analysis/histogram-values.js';
import { parseSampleValue, type ParsedResult, type Series } from './prometheus-response.js';

export interface PrometheusSourceOptions extends PrometheusClientOptions {
  /** Most values a distribution observation holds before thinning (default 200 000). */
  readonly maxHistogramValues?: number;
}

/** Creates the Prometheus MetricSource. */
export function createPrometheusSource(options: PrometheusSourceOptions): MetricSource {
  const client = createPrometheusClient(options);
  const maxValues = options.maxHistogramValues ?? DEFAULT_MAX_HISTOGRAM_VALUES;
  return {
    observe: async (request) => {
      try {
        switch (request.khi.kind) {
          case 'ratio':
            return await observeRatio(client, request);
          case 'distribution':
            return await observeDistribution(client, request, maxValues);
          case 'gauge':
            return await observeGauge(client, request);
        }
      } catch (error) {
        if (error instanceof QueryTemplateError) return { ok: false, error: error.message, queries: [] };
        throw error;
      }
    },
    isReady: () => client.isReady(),
  };
}

async function observeRatio(
  client: PrometheusClient,
  request: ObservationRequest,
): Promise<ObservationResult> {
  const eventsQuery = render(request, 'events');
  const totalQuery = render(request, 'total');
  const time = request.window.endMs / 1000;
  const [events, total] = await Promise.all([
    client.instantQuery(eventsQuery, time, ['vector', 'scalar']),
    client.instantQuery(totalQuery, time, ['vector', 'scalar']),
  ]);
  const queries = [...events.records, ...total.records];
  if (!events.ok) return { ok: false, error: events.error.message, queries };
  if (!total.ok) return { ok: false, error: total.error.message, queries };
  const totalSum = sumSamples(total.result);
  if (totalSum === undefined) return { ok: true, observation: undefined, queries };
  const totalCount = Math.max(0, Math.round(totalSum));
  if (totalCount === 0) return { ok: true, observation: { events: 0, total: 0 }, queries };
  const eventCount = Math.min(totalCount, Math.max(0, Math.round(sumSamples(events.result) ?? 0)));
  return { ok: true, observation: { events: eventCount, total: totalCount }, queries };
}

async function observeDistribution(
  client: PrometheusClient,
  request: ObservationRequest,
  maxValues: number,
): Promise<ObservationResult> {
  const query = render(request, 'histogram');
  const outcome = await client.instantQuery(query, request.window.endMs / 1000, ['vector']);
  if (!outcome.ok) return { ok: false, error: outcome.error.message, queries: outcome.records };
  const queries = outcome.records;
  const series = outcome.result.series.filter((s) => s.samples.length > 0);
  if (series.length === 0) return { ok: true, observation: undefined, queries };
  const buckets: CumulativeBucket[] = [];
  for (const s of series) {
    const le = s.metric['le'] === undefined ? undefined : parseSampleValue(s.metric['le']);
    if (le === undefined || Number.isNaN(le)) {
      return {
        ok: false,
        error: `histogram query ${JSON.stringify(query)} returned a series without a numeric le label: ${JSON.stringify(s.metric)}`,
        queries,
      };
    }
    buckets.push({ le, count: s.samples[0]?.value ?? 0 });
  }
  const converted = histogramToValues(buckets, maxValues);
  if (converted === undefined) {
    return {
      ok: false,
      error: `histogram query ${JSON.stringify(query)} returned requests but no finite bucket bound`,
      queries,
    };
  }
  return {
    ok: true,
    observation: { values: converted.values, histogram: histogramCounters(buckets, maxValues) },
    queries,
  };
}

async function observeGauge(
  client: PrometheusClient,
  request: ObservationRequest,
): Promise<ObservationResult> {
  const query = render(request, 'values');
  const { endMs, intervalSeconds } = request.window;
  const stepSeconds = Math.max(1, intervalSeconds / 10);
  const endSeconds = endMs / 1000;
  const outcome = await client.rangeQuery(query, {
    startSeconds: endSeconds - intervalSeconds + stepSeconds,
    endSeconds,
    stepSeconds,
  });
  if (!outcome.ok) return { ok: false, error: outcome.error.message, queries: outcome.records };
  const series = [...outcome.result.series].filter((s) => s.samples.length > 0).sort(bySeriesLabels);
  if (series.length === 0) return { ok: true, observation: undefined, queries: outcome.records };
  const observation: Observation = { values: series.flatMap((s) => s.samples.map((sample) => sample.value)) };
  return { ok: true, observation, queries: outcome.records };
}

function render(request: ObservationRequest, part: keyof KhiQuery): string {
  const template = request.khi.query?.[part];
  if (template === undefined) {
    throw new QueryTemplateError(
      'missing-query',
      '',
      `KHI ${request.khi.name} (${request.khi.kind}) has no query.${part}`,
    );
  }
  return renderQueryTemplate(template, request.context, request.window.intervalSeconds);
}

/** Sum of every series' latest sample; undefined when there is none (no data). */
function sumSamples(result: ParsedResult): number | undefined {
  const values = result.series.flatMap((s) => s.samples.slice(-1).map((sample) => sample.value));
  return values.length === 0 ? undefined : values.reduce((sum, v) => sum + v, 0);
}

function bySeriesLabels(a: Series, b: Series): number {
  const key = (s: Series): string =>
    JSON.stringify(Object.entries(s.metric).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  const ka = key(a);
  const kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
