import { describe, expect, it } from 'vitest';
import { API_ERRORS, ApiError } from '../../src/api/api-errors.js';
import { toApiError } from '../../src/api/error-handler.js';
import { IngestError } from '../../src/ingest/ingest-errors.js';

describe('toApiError', () => {
  it('keeps an ApiError as it is', () => {
    const error = new ApiError('FORBIDDEN', 'token x lacks the scope admin');
    expect(toApiError(error)).toBe(error);
  });

  it('maps a port error by its code, keeping a client error message and details', () => {
    const mapped = toApiError(
      new IngestError('UNKNOWN_RULE_SET', 'rule set "x" is not loaded', [
        { path: 'ruleSet', message: 'unknown' },
      ]),
    );
    expect(mapped).toMatchObject({
      code: 'UNKNOWN_RULE_SET',
      statusCode: 422,
      message: 'rule set "x" is not loaded',
    });
    expect(mapped.details).toEqual([{ path: 'ruleSet', message: 'unknown' }]);
  });

  it('hides the message of a server-side port error', () => {
    const mapped = toApiError(
      Object.assign(new Error('redis 10.0.0.7 timed out'), { code: 'STORE_UNAVAILABLE' }),
    );
    expect(mapped).toMatchObject({
      code: 'STORE_UNAVAILABLE',
      statusCode: 503,
      message: API_ERRORS.STORE_UNAVAILABLE.message,
    });
  });

  it('maps Fastify client errors and hides everything else', () => {
    expect(
      toApiError(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).code,
    ).toBe('BODY_TOO_LARGE');
    expect(
      toApiError(Object.assign(new Error('Bad URL'), { code: 'FST_ERR_BAD_URL', statusCode: 400 })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'Bad URL',
    });
    expect(
      toApiError(Object.assign(new Error('ECONNREFUSED 10.0.0.7'), { code: 'ECONNREFUSED' })),
    ).toMatchObject({
      code: 'INTERNAL_ERROR',
      message: 'internal error',
    });
    expect(toApiError(undefined).code).toBe('INTERNAL_ERROR');
  });

  it('gives every catalogue code a 4xx or 5xx status', () => {
    for (const { status } of Object.values(API_ERRORS)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
