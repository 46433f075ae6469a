/**
 * Calls the Prometheus HTTP API with timeouts and retries (exponential backoff with jitter),
 * one trace span and one QueryRecord per call, and validated answers. Never throws for backend
 * trouble: every outcome is a value.
 */
import { backoffDelayMs } from '../../http/backoff.js';
import { boundedTextRequest } from '../../http/bounded-request.js';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { QueryRecord } from '../metric-source.js';
import { classifyErrorAnswer, PrometheusQueryError, type BackendErrorKind } from './prometheus-error.js';
import { parseEnvelope, parseQueryData, type ParsedResult, type ResultType } from './prometheus-response.js';

export interface PrometheusClientOptions {
  /** e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  readonly baseUrl: string;
  /** Per call, in milliseconds (default 5000); also sent to Prometheus as its query timeout. */
  readonly timeoutMs?: number;
  /** Extra attempts after a retryable failure (default 3). */
  readonly retries?: number;
  /** First backoff delay in milliseconds (default 250), doubling per retry up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number;
  /** Backoff ceiling in milliseconds (default 4000). */
  readonly maxBackoffMs?: number;
  /** Largest answer accepted, in bytes (default 16 MiB). */
  readonly maxResponseBytes?: number;
  readonly http?: AxiosInstance;
  /** Waits between attempts; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds on a monotonic clock, for durations; injectable for tests. */
  readonly now?: () => number;
  /** Uniform random numbers in [0, 1) for jitter; injectable for tests. */
  readonly random?: () => number;
  /** Defaults to `trace.getTracer('vigil')`. */
  readonly tracer?: Tracer;
  /** Called with every call's record (successful or not). */
  readonly onQuery?: (record: QueryRecord) => void;
  /** Called once per failed call, e.g. to count backend errors in a prom-client counter. */
  readonly onBackendError?: (kind: BackendErrorKind) => void;
}

export type QueryOutcome =
  | { readonly ok: true; readonly result: ParsedResult; readonly records: readonly QueryRecord[] }
  | { readonly ok: false; readonly error: PrometheusQueryError; readonly records: readonly QueryRecord[] };

export interface PrometheusClient {
  /** `/api/v1/query` at `timeSeconds` (Unix seconds). */
  instantQuery(query: string, timeSeconds: number, accepted: readonly ResultType[]): Promise<QueryOutcome>;
  /** `/api/v1/query_range` over [startSeconds, endSeconds] every `stepSeconds`. */
  rangeQuery(
    query: string,
    range: { startSeconds: number; endSeconds: number; stepSeconds: number },
  ): Promise<QueryOutcome>;
  /** True when `/-/ready` answers 200 within the timeout. */
  isReady(): Promise<boolean>;
}

const RAW_TEXT_LIMIT = 2048;

/** Creates a client for one Prometheus. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = options.retries ?? 3;
  const initialBackoffMs = options.initialBackoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 4000;
  const maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  // Keep-alive sockets, and uncompressed answers: gunzip was 18% of the daemon's CPU under load
  // (bench/daemon/capacity.ts) and Prometheus spends CPU compressing too.
  const http =
    options.http ??
    axios.create({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
      decompress: false,
      headers: { 'accept-encoding': 'identity' },
    });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? (() => performance.now());
  const random = options.random ?? Math.random;
  const tracer = options.tracer ?? trace.getTracer('vigil');
  if (!(timeoutMs > 0) || !Number.isInteger(retries) || retries < 0) {
    throw new TypeError(`invalid Prometheus client options: timeoutMs ${timeoutMs}, retries ${retries}`);
  }

  /** One HTTP call: a span, a record, a validated answer or a classified error. */
  const call = async (
    endpoint: string,
    query: string,
    params: Record<string, string>,
    accepted: readonly ResultType[],
    attempt: number,
  ): Promise<{ record: QueryRecord; result?: ParsedResult; error?: PrometheusQueryError }> => {
    const span = tracer.startSpan('prometheus.query', {
      kind: SpanKind.CLIENT,
      attributes: {
        'prometheus.query': query,
        'prometheus.endpoint': endpoint,
        'prometheus.attempt': attempt,
      },
    });
    const started = now();
    let response: AxiosResponse<unknown> | undefined;
    let body: unknown;
    let error: PrometheusQueryError | undefined;
    let result: ParsedResult | undefined;
    let warnings: readonly string[] | undefined;
    try {
      response = await http.post<unknown>(`${baseUrl}${endpoint}`, new URLSearchParams(params).toString(), {
        ...boundedTextRequest(timeoutMs, maxResponseBytes),
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      });
      body = decodeBody(response.data);
      const envelope = parseEnvelope(body);
      if (envelope === undefined) {
        const kind: BackendErrorKind =
          response.status >= 500 || response.status === 429 ? 'unavailable' : 'invalid-response';
        error = new PrometheusQueryError(
          kind,
          endpoint,
          query,
          `answer is not a Prometheus API response: ${preview(body)}`,
          response.status,
        );
      } else {
        warnings = envelope.warnings;
        if (envelope.status === 'error' || response.status < 200 || response.status >= 300) {
          const kind = classifyErrorAnswer(response.status, envelope.errorType);
          error = new PrometheusQueryError(
            kind,
            endpoint,
            query,
            `${envelope.errorType ?? 'error'}: ${envelope.error ?? `status ${envelope.status}`}`,
            response.status,
          );
        } else {
          const parsed = parseQueryData(envelope.data, accepted);
          if (parsed.ok) result = parsed.result;
          else
            error = new PrometheusQueryError(
              'invalid-response',
              endpoint,
              query,
              parsed.problem,
              response.status,
            );
        }
      }
    } catch (cause) {
      error = classifyTransportError(cause, endpoint, query);
    }
    const durationMs = now() - started;
    const notes =
      result !== undefined && result.droppedSamples > 0
        ? [`vigil: dropped ${result.droppedSamples} non-finite sample(s) (NaN or ±Inf)`]
        : [];
    const allWarnings = [...(warnings ?? []), ...notes];
    const record: QueryRecord = {
      query,
      endpoint,
      params,
      durationMs,
      ...(body !== undefined && { response: body }),
      ...(error !== undefined && { error: error.message }),
      ...(allWarnings.length > 0 && { warnings: allWarnings }),
    };
    span.setAttribute('prometheus.status', error === undefined ? 'success' : error.kind);
    if (response !== undefined) span.setAttribute('http.response.status_code', response.status);
    if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
    options.onQuery?.(record);
    if (error !== undefined) options.onBackendError?.(error.kind);
    return { record, ...(result !== undefined && { result }), ...(error !== undefined && { error }) };
  };

  /** Calls until success, a non-retryable error, or the retries are spent. */
  const withRetries = async (
    endpoint: string,
    query: string,
    params: Record<string, string>,
    accepted: readonly ResultType[],
  ): Promise<QueryOutcome> => {
    const records: QueryRecord[] = [];
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await call(endpoint, query, params, accepted, attempt + 1);
      records.push(outcome.record);
      if (outcome.result !== undefined) return { ok: true, result: outcome.result, records };
      const error = outcome.error as PrometheusQueryError;
      if (!error.isRetryable || attempt >= retries) return { ok: false, error, records };
      await sleep(backoffDelayMs(attempt, initialBackoffMs, maxBackoffMs, random));
    }
  };

  const timeoutParam = `${Math.max(1, Math.round(timeoutMs))}ms`;
  return {
    instantQuery: (query, timeSeconds, accepted) =>
      withRetries(
        '/api/v1/query',
        query,
        { query, time: formatSeconds(timeSeconds), timeout: timeoutParam },
        accepted,
      ),
    rangeQuery: (query, range) =>
      withRetries(
        '/api/v1/query_range',
        query,
        {
          query,
          start: formatSeconds(range.startSeconds),
          end: formatSeconds(range.endSeconds),
          step: formatSeconds(range.stepSeconds),
          timeout: timeoutParam,
        },
        ['matrix'],
      ),
    isReady: async () => {
      try {
        const response = await http.get(`${baseUrl}/-/ready`, {
          timeout: timeoutMs,
          signal: AbortSignal.timeout(timeoutMs + 100),
          validateStatus: () => true,
          responseType: 'text',
          maxRedirects: 0,
        });
        return response.status === 200;
      } catch {
        // Unreachable counts as not ready; the caller reports it.
        return false;
      }
    },
  };
}

function classifyTransportError(cause: unknown, endpoint: string, query: string): PrometheusQueryError {
  const code = axios.isAxiosError(cause) ? cause.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED' ||
    (cause instanceof Error && cause.name === 'TimeoutError')
  ) {
    return new PrometheusQueryError('timeout', endpoint, query, message, undefined, { cause });
  }
  if (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || /maxContentLength/.test(message)) {
    return new PrometheusQueryError(
      'invalid-response',
      endpoint,
      query,
      `answer too large: ${message}`,
      undefined,
      { cause },
    );
  }
  return new PrometheusQueryError('network', endpoint, query, `${code ?? 'error'}: ${message}`, undefined, {
    cause,
  });
}

function decodeBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    // Not JSON (a proxy's HTML page, a truncated answer): keep the start of the text as evidence.
    return data.length > RAW_TEXT_LIMIT ? `${data.slice(0, RAW_TEXT_LIMIT)}…` : data;
  }
}

function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? String(body));
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Unix seconds with millisecond precision, as Prometheus accepts them. */
function formatSeconds(seconds: number): string {
  return (Math.round(seconds * 1000) / 1000).toString();
}
