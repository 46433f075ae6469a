/**
 * The Prometheus adapter of the KhiSeriesSource port: a KHI of a whole service (every version) as
 * one `/api/v1/query_range` series on the step grid. It fetches and converts; it never judges.
 *
 * How a KHI becomes one series (templates rendered with the service's selector, `{{interval}}` =
 * the rate window, max(step, minWindowSeconds)):
 * - ratio: `(sum(<events>) or vector(0)) / sum(<total>)`: the share of events per window; no
 *   events series beside a total is 0, no total is no value, a total of 0 is NaN (no value);
 * - distribution: `histogram_quantile(q, <histogram>)`, q the KHI's `slo.quantile` or 0.95 (a rule
 *   set's histogram template gives buckets only, so the mean is not available);
 * - gauge: `<values>` as written.
 * The answer must be one series (or none: no data); NaN, ±Inf and absent samples become null.
 */
import type { KhiRule } from '../../analysis/rule-set.js';
import type { QueryContext } from '../metric-source.js';
import {
  checkSeriesRequest,
  seriesGrid,
  type KhiSeriesRequest,
  type KhiSeriesResult,
  type KhiSeriesSource,
} from '../khi-series-source.js';
import { listPlaceholders, QueryTemplateError, renderQueryTemplate } from '../query-template.js';
import {
  createPrometheusClient,
  type PrometheusClient,
  type PrometheusClientOptions,
} from './prometheus-client.js';

/** Quantile of a distribution KHI's series when its rule has no SLO quantile. */
export const DEFAULT_SERIES_QUANTILE = 0.95;
/** Shortest rate window: a step shorter than a few scrape intervals leaves `increase()` without samples. */
export const DEFAULT_MIN_WINDOW_SECONDS = 60;

export interface PrometheusKhiSeriesOptions extends PrometheusClientOptions {
  /** Shortest `{{interval}}` window, in seconds (default 60); raise it above 4 scrape intervals. */
  readonly minWindowSeconds?: number;
  /** An existing client to share (its options win over the ones above). */
  readonly client?: PrometheusClient;
}

/** Creates the Prometheus KhiSeriesSource. */
export function createPrometheusKhiSeries(options: PrometheusKhiSeriesOptions): KhiSeriesSource {
  const client = options.client ?? createPrometheusClient(options);
  const minWindowSeconds = options.minWindowSeconds ?? DEFAULT_MIN_WINDOW_SECONDS;
  return {
    series: async (request) => {
      let query: string;
      try {
        query = khiSeriesQuery(request, Math.max(request.stepSeconds, minWindowSeconds));
      } catch (error) {
        if (error instanceof QueryTemplateError) return { ok: false, error: error.message, query: '' };
        throw error;
      }
      const problem = checkSeriesRequest(request);
      if (problem !== undefined) return { ok: false, error: problem, query };
      const grid = seriesGrid(request.fromMs, request.toMs, request.stepSeconds);
      if (grid.length === 0) return { ok: true, points: [], query };
      const outcome = await client.rangeQuery(query, {
        startSeconds: (grid[0] as number) / 1000,
        endSeconds: (grid[grid.length - 1] as number) / 1000,
        stepSeconds: request.stepSeconds,
      });
      if (!outcome.ok) return { ok: false, error: outcome.error.message, query };
      return toPoints(outcome.result.series, grid, request.khi, query);
    },
  };
}

/**
 * The PromQL of one KHI's series for a whole service; throws `QueryTemplateError` when the KHI
 * has no query for its kind or a template needs what a service-wide series lacks (`{{version}}`,
 * or `{{environment}}` without an environment).
 */
export function khiSeriesQuery(request: KhiSeriesRequest, windowSeconds: number): string {
  const { khi } = request;
  const context: QueryContext = {
    service: request.service,
    environment: request.environment ?? '',
    version: '',
    labels: request.selector,
  };
  const render = (part: 'events' | 'total' | 'histogram' | 'values'): string => {
    const template = khi.query?.[part];
    if (template === undefined) {
      throw new QueryTemplateError('missing-query', '', `KHI ${khi.name} (${khi.kind}) has no query.${part}`);
    }
    const used = listPlaceholders(template);
    if (used.includes('version')) {
      throw new QueryTemplateError(
        'invalid-value',
        template,
        `KHI ${khi.name}: {{version}} has no value in a series of the whole service; select groups with {{selector}}`,
      );
    }
    if (used.includes('environment') && request.environment === undefined) {
      throw new QueryTemplateError(
        'invalid-value',
        template,
        `KHI ${khi.name}: the template uses {{environment}}; ask for one environment`,
      );
    }
    return renderQueryTemplate(template, context, windowSeconds);
  };
  switch (khi.kind) {
    case 'ratio':
      return `(sum(${render('events')}) or vector(0)) / sum(${render('total')})`;
    case 'distribution':
      return `histogram_quantile(${quantileOf(khi)}, ${render('histogram')})`;
    case 'gauge':
      return render('values');
  }
}

function quantileOf(khi: KhiRule): number {
  const quantile = khi.slo?.quantile;
  return quantile !== undefined && quantile > 0 && quantile < 1 ? quantile : DEFAULT_SERIES_QUANTILE;
}

function toPoints(
  series: readonly {
    metric: Readonly<Record<string, string>>;
    samples: readonly { timeSeconds: number; value: number }[];
  }[],
  grid: readonly number[],
  khi: KhiRule,
  query: string,
): KhiSeriesResult {
  if (series.length > 1) {
    return {
      ok: false,
      error: `KHI ${khi.name}: the query returned ${series.length} series (first labels ${JSON.stringify(series[0]?.metric)}); a KHI series must be one: aggregate it (sum, avg, sum by (le))`,
      query,
    };
  }
  const byTime = new Map<number, number>();
  for (const sample of series[0]?.samples ?? [])
    byTime.set(Math.round(sample.timeSeconds * 1000), sample.value);
  // Non-finite samples were dropped by the client: their steps are null like absent ones.
  return { ok: true, points: grid.map((t) => ({ t, value: byTime.get(t) ?? null })), query };
}
