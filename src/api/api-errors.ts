/**
 * The one catalogue of API errors: each stable `code` has one HTTP status and a default message.
 * Every error response is `{ code, message, details? }`; the error handler (error-handler.ts) maps
 * thrown errors to it, and nothing else decides statuses.
 */

/** One problem in a request: where (`canary.labels`, `limit`) and what. */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly details?: readonly ErrorDetail[];
}

export const API_ERRORS = {
  VALIDATION_FAILED: { status: 400, message: 'the request does not match the schema' },
  MALFORMED_JSON: { status: 400, message: 'the request body is not valid JSON' },
  INVALID_CURSOR: { status: 400, message: 'the cursor was not issued by this server' },
  BAD_REQUEST: { status: 400, message: 'bad request' },
  UNAUTHENTICATED: { status: 401, message: 'a valid bearer token is required' },
  FORBIDDEN: { status: 403, message: 'the token lacks the scope this operation needs' },
  DEPLOYMENT_NOT_FOUND: { status: 404, message: 'no deployment with this id' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no such route' },
  DEAD_LETTER_NOT_FOUND: { status: 404, message: 'no dead webhook message with this id' },
  PHASE_NOT_FOUND: { status: 404, message: 'the deployment has no phase with this name' },
  PIN_NOT_FOUND: { status: 404, message: "the deployment's evidence bundle is not pinned" },
  REPORT_NOT_FOUND: { status: 404, message: 'the deployment has no report yet' },
  ARTIFACT_NOT_FOUND: { status: 404, message: "the deployment's evidence bundle has no such file" },
  PHASE_ORDER: { status: 409, message: 'a phase starts only once the phase before it was promoted' },
  DEPLOYMENT_CONFLICT: { status: 409, message: 'a deployment with this id exists with a different marker' },
  ALREADY_DECIDED: { status: 409, message: 'the deployment is already decided' },
  BODY_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'the request body must be application/json' },
  UNKNOWN_RULE_SET: { status: 422, message: 'the marker names a rule set that does not exist' },
  UNKNOWN_FLAG_PROVIDER: { status: 422, message: 'the marker names a flag provider that is not configured' },
  INTERNAL_ERROR: { status: 500, message: 'internal error' },
  STORE_UNAVAILABLE: { status: 503, message: 'the verification store is unavailable; retry later' },
  STORE_CLOSED: { status: 503, message: 'the daemon is shutting down; retry later' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** True when `code` is one of the catalogue's codes (errors from ports may carry one). */
export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(API_ERRORS, code);
}

/** An error the API answers with as is: a catalogue code, a message for the client, details. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** The HTTP status of this error's code (a field, not a getter: Fastify assigns it on validation errors). */
  readonly statusCode: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string = API_ERRORS[code].message,
    readonly details?: readonly ErrorDetail[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.statusCode = API_ERRORS[code].status;
  }
}

/** Fastify's own error codes, translated into the catalogue. */
export const FASTIFY_ERROR_CODES: Readonly<Record<string, ApiErrorCode>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_NOT_FOUND: 'ROUTE_NOT_FOUND',
};
