/**
 * GET a JSON answer from a trace backend (Jaeger query, Tempo) with a timeout, keep-alive
 * sockets and errors that say what went wrong where: the backend, the URL path, the HTTP status
 * and the start of the body, or that the call timed out. Shared by the Jaeger and Tempo adapters;
 * validating the answer is the caller's job.
 */
import { boundedTextRequest } from '../../../http/bounded-request.js';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { TraceBackendError } from './json-fields.js';

export interface TraceBackendHttpOptions {
  /** Names the backend in errors: `jaeger`, `tempo`. */
  readonly backend: string;
  /** e.g. `http://jaeger-query:16686` (a path prefix such as `/jaeger` is kept). */
  readonly baseUrl: string;
  /** Per call, in milliseconds. */
  readonly timeoutMs: number;
  /** Sent with every call, e.g. `X-Scope-OrgID` or `Authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TraceBackendHttp {
  /** The parsed JSON body of a 2xx answer to `GET path?params`; throws TraceBackendError otherwise. */
  getJson(path: string, params?: Readonly<Record<string, string>>): Promise<unknown>;
}

/** Trace search answers are large (every span of up to a few thousand traces), but not unbounded. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const PREVIEW_CHARS = 300;

export function createTraceBackendHttp(options: TraceBackendHttpOptions): TraceBackendHttp {
  const { backend, timeoutMs } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl))
    throw new TypeError(`${backend}: baseUrl must be an http(s) URL, got ${JSON.stringify(options.baseUrl)}`);
  if (!(timeoutMs > 0)) throw new TypeError(`${backend}: timeoutMs must be positive, got ${timeoutMs}`);
  const http: AxiosInstance = axios.create({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
  });

  return {
    getJson: async (path, params = {}) => {
      const query = new URLSearchParams(params).toString();
      const url = `${baseUrl}${path}${query === '' ? '' : `?${query}`}`;
      // The path as the backend sees it (with any prefix of the base URL), for errors.
      const where = `GET ${new URL(url).pathname}`;
      let response: AxiosResponse<string>;
      try {
        response = await http.get<string>(url, {
          ...boundedTextRequest(timeoutMs, MAX_RESPONSE_BYTES),
          headers: { ...options.headers, accept: 'application/json' },
        });
      } catch (cause) {
        throw transportError(cause, `${backend}: ${where}`, timeoutMs);
      }
      const body = typeof response.data === 'string' ? response.data : String(response.data);
      if (response.status < 200 || response.status >= 300) {
        throw new TraceBackendError(
          `${backend}: ${where} answered HTTP ${response.status}: ${preview(body) || '(empty body)'}`,
        );
      }
      try {
        return JSON.parse(body) as unknown;
      } catch {
        // A proxy's HTML page or a truncated answer: show its start as evidence.
        throw new TraceBackendError(
          `${backend}: ${where} answered a body that is not JSON: ${preview(body)}`,
        );
      }
    },
  };
}

function transportError(cause: unknown, prefix: string, timeoutMs: number): TraceBackendError {
  const code = axios.isAxiosError(cause) ? cause.code : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (
    code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED' ||
    (cause instanceof Error && cause.name === 'TimeoutError')
  ) {
    return new TraceBackendError(`${prefix} timed out after ${timeoutMs} ms`, { cause });
  }
  if (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || /maxContentLength/.test(message)) {
    return new TraceBackendError(`${prefix} answered more than ${MAX_RESPONSE_BYTES} bytes`, { cause });
  }
  return new TraceBackendError(`${prefix} failed: ${code ?? 'error'}: ${message}`, { cause });
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
}
