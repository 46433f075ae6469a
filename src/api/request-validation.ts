/**
 * Validation of request bodies, query strings and path parameters against the routes' TypeBox
 * schemas. Bodies are checked strictly (no type coercion, unknown keys rejected, not removed);
 * query strings and parameters are strings on the wire, so their types are coerced. Every problem
 * is reported as `{ path, message }` (`canary.labels`, `limit`) in a 400 VALIDATION_FAILED.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { issuesFromAjvErrors } from '../config/schema-validation.js';
import { ApiError } from './api-errors.js';

// Ajv ships no formats; these are the two the API's schemas use.
const formats = {
  'date-time': (value: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) &&
    !Number.isNaN(Date.parse(value)),
  uri: (value: string) => URL.canParse(value) && /^[a-z][a-z0-9+.-]*:/i.test(value),
};

const bodyAjv = new Ajv({
  allErrors: true,
  strict: false,
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: false,
  formats,
});
const parameterAjv = new Ajv({
  allErrors: true,
  strict: false,
  coerceTypes: true,
  useDefaults: true,
  formats,
});

/** Fastify validator compiler using the two Ajv instances above. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : parameterAjv;
  const validate: ValidateFunction = ajv.compile(schema as object);
  const where =
    httpPart === 'querystring' ? 'query string' : httpPart === 'params' ? 'path' : (httpPart ?? 'request');
  return (data: unknown) => {
    // `true`, not `{ value }`: Ajv coerces and fills defaults in place, and Fastify keeps the object.
    if (validate(data)) return true;
    const details = issuesFromAjvErrors(validate.errors ?? []);
    return {
      error: new ApiError('VALIDATION_FAILED', `invalid ${where}: ${details.length} problem(s)`, details),
    };
  };
};
