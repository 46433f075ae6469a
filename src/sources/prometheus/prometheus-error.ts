/**
 * What can go wrong talking to Prometheus, as a closed set of kinds. `retryable` kinds are tried
 * again within the step (timeouts, network trouble, 5xx and Prometheus' own timeout/unavailable
 * answers); a rejected query (`bad_data`, `execution`, 4xx) or an answer of the wrong shape is not.
 */

export const BACKEND_ERROR_KINDS = [
  'timeout',
  'network',
  'unavailable',
  'rejected',
  'invalid-response',
] as const;
/**
 * `timeout`: no answer in time; `network`: connection refused/reset; `unavailable`: 5xx, 429 or
 * errorType timeout/canceled/internal/unavailable; `rejected`: the query was refused (bad_data,
 * execution, other 4xx); `invalid-response`: an answer that is not the Prometheus API's shape.
 */
export type BackendErrorKind = (typeof BACKEND_ERROR_KINDS)[number];

const RETRYABLE: ReadonlySet<BackendErrorKind> = new Set(['timeout', 'network', 'unavailable']);

/** One failed Prometheus call: names the endpoint and query, keeps the cause. */
export class PrometheusQueryError extends Error {
  readonly code = 'PROMETHEUS_QUERY_FAILED';
  constructor(
    readonly kind: BackendErrorKind,
    readonly endpoint: string,
    readonly query: string,
    detail: string,
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Prometheus ${endpoint} failed (${kind}${httpStatus !== undefined ? `, HTTP ${httpStatus}` : ''}) for ${JSON.stringify(query)}: ${detail}`,
      options,
    );
    this.name = 'PrometheusQueryError';
  }

  /** True when trying again may help. */
  get isRetryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** Prometheus' own `errorType` values that mean "try again later". */
const RETRYABLE_ERROR_TYPES = new Set(['timeout', 'canceled', 'internal', 'unavailable']);

/** The kind of an answer with `status: "error"` (or a non-2xx status), from errorType and HTTP status. */
export function classifyErrorAnswer(httpStatus: number, errorType: string | undefined): BackendErrorKind {
  if (errorType !== undefined && RETRYABLE_ERROR_TYPES.has(errorType)) return 'unavailable';
  if (httpStatus >= 500 || httpStatus === 429) return 'unavailable';
  return 'rejected';
}
