/**
 * Axios request options for calling a server Vigil does not control (Prometheus, trace backends,
 * webhook receivers): a bounded time and size, the body as text, every status answered rather
 * than thrown, no redirects followed.
 */
export interface BoundedTextRequest {
  readonly timeout: number;
  readonly signal: AbortSignal;
  readonly responseType: 'text';
  readonly transformResponse: (data: unknown) => unknown;
  readonly validateStatus: () => boolean;
  readonly maxContentLength: number;
  readonly maxRedirects: number;
}

export function boundedTextRequest(timeoutMs: number, maxResponseBytes: number): BoundedTextRequest {
  return {
    timeout: timeoutMs,
    // axios's timeout does not cover a server that sends its headers and then stalls.
    signal: AbortSignal.timeout(timeoutMs + 100),
    responseType: 'text',
    transformResponse: (data: unknown) => data,
    validateStatus: () => true,
    maxContentLength: maxResponseBytes,
    maxRedirects: 0,
  };
}
