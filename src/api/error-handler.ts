/**
 * The one error handler: maps any error to a catalogue code and answers `{ code, message, details? }`.
 * Clients never see stack traces or internal messages; 5xx errors are logged with their stack.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { API_ERRORS, ApiError, FASTIFY_ERROR_CODES, isApiErrorCode, type ErrorBody } from './api-errors.js';

/** Translates an error into the catalogue: ApiErrors as they are, ports' coded errors by code. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const { code, message, statusCode, details } = (error ?? {}) as Partial<FastifyError> & {
    details?: unknown;
  };
  if (isApiErrorCode(code)) {
    // A port's typed error (ingest's UNKNOWN_RULE_SET, the store's STORE_UNAVAILABLE): a client
    // error's message names the operation and input; a server error's may hold internals.
    const isClientError = API_ERRORS[code].status < 500;
    return new ApiError(
      code,
      isClientError && typeof message === 'string' ? message : undefined,
      isClientError && isDetails(details) ? details : undefined,
      { cause: error },
    );
  }
  if (typeof code === 'string') {
    const mapped = FASTIFY_ERROR_CODES[code];
    if (mapped !== undefined) return new ApiError(mapped, undefined, undefined, { cause: error });
    // Other Fastify client errors (bad URL, bad content length...): their messages are safe to show.
    if (code.startsWith('FST_') && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return new ApiError('BAD_REQUEST', message, undefined, { cause: error });
    }
  }
  return new ApiError('INTERNAL_ERROR', undefined, undefined, { cause: error });
}

/** Fastify error handler answering with the catalogue's status and body. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error);
  const status = apiError.statusCode;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: apiError.code, status }, 'request rejected');
  const body: ErrorBody = {
    code: apiError.code,
    message: apiError.message,
    ...(apiError.details !== undefined && { details: apiError.details }),
  };
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Not-found handler: unknown routes get the same error shape. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return handleError(
    new ApiError('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`),
    request,
    reply,
  );
}

function isDetails(value: unknown): value is ErrorBody['details'] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof (item as { path?: unknown }).path === 'string' &&
        typeof (item as { message?: unknown }).message === 'string',
    )
  );
}
