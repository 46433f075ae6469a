/**
 * Port: a KHI of a service as a time series over a range (for change points and the service
 * page's chart), one value per step. Adapters fetch and convert (NaN/±Inf and absent samples
 * become null); they never judge. Prometheus in the daemon (prometheus/prometheus-khi-series.ts),
 * memory in component tests (memory-khi-series-source.ts); one contract suite runs against both
 * (test/sources/khi-series-source-contract.ts).
 */
import type { KhiRule } from '../analysis/rule-set.js';

/** Prometheus refuses range queries of more than 11,000 points per series. */
export const MAX_SERIES_POINTS = 11_000;

export interface KhiSeriesRequest {
  readonly khi: KhiRule;
  readonly service: string;
  /** Filled into a template's `{{environment}}`; a template using it needs it. */
  readonly environment?: string;
  /** The labels that select the whole service (every version): rendered as `{{selector}}`. */
  readonly selector: Readonly<Record<string, string>>;
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepSeconds: number;
}

/** One step: `t` in epoch ms; `value` null when the backend had no finite value there. */
export interface KhiSeriesValue {
  readonly t: number;
  readonly value: number | null;
}

export type KhiSeriesResult =
  | { readonly ok: true; readonly points: readonly KhiSeriesValue[]; readonly query: string }
  | { readonly ok: false; readonly error: string; readonly query: string };

export interface KhiSeriesSource {
  /** The KHI's series on the step grid of `request` (see `seriesGrid`); failures are values, never throws. */
  series(request: KhiSeriesRequest): Promise<KhiSeriesResult>;
}

/**
 * The times a series is sampled at: every multiple of the step (in epoch ms) within
 * [fromMs, toMs], so the same range always gives the same points. Empty when none falls inside.
 */
export function seriesGrid(fromMs: number, toMs: number, stepSeconds: number): number[] {
  const stepMs = stepSeconds * 1000;
  const times: number[] = [];
  for (let t = Math.ceil(fromMs / stepMs) * stepMs; t <= toMs; t += stepMs) times.push(t);
  return times;
}

/**
 * Why `request` cannot be answered (a bad range or step, too many points), or undefined. Both
 * implementations refuse the same requests.
 */
export function checkSeriesRequest(request: KhiSeriesRequest): string | undefined {
  const { fromMs, toMs, stepSeconds } = request;
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs) {
    return `fromMs (${fromMs}) must be a time before toMs (${toMs})`;
  }
  if (!Number.isFinite(stepSeconds) || stepSeconds < 1 || !Number.isInteger(stepSeconds)) {
    return `stepSeconds must be a whole number of seconds ≥ 1, got ${stepSeconds}`;
  }
  const points = Math.floor((toMs - fromMs) / (stepSeconds * 1000)) + 1;
  if (points > MAX_SERIES_POINTS) {
    return `the range holds ${points} steps of ${stepSeconds}s; at most ${MAX_SERIES_POINTS} are allowed (raise stepSeconds)`;
  }
  return undefined;
}

/**
 * The step for a range: the requested one, or coarser so that the range holds at most
 * `maxPoints` steps (default 1,000: enough for a chart and for change points, far below Prometheus'
 * 11,000).
 */
export function chooseStepSeconds(
  fromMs: number,
  toMs: number,
  requestedSeconds: number,
  maxPoints = 1000,
): number {
  return Math.max(Math.ceil(requestedSeconds), Math.ceil((toMs - fromMs) / 1000 / maxPoints), 1);
}
