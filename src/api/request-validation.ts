/**
 * Validation of request bodies, query strings and path parameters against the routes' TypeBox
 * schemas. Bodies are checked strictly (no type coercion, unknown keys rejected, not removed);
 * query strings and parameters are strings on the wire, so their types are coerced. Every problem
 * is reported as `{ path, message }` (`canary.labels`, `limit`) in a 400 VALIDATION_FAILED.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { formatPath, type ValidationIssue } from '../config/schema-validation.js';
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
    if (validate(data)) return { value: data };
    const details = issuesOf(validate.errors ?? []);
    return {
      error: new ApiError('VALIDATION_FAILED', `invalid ${where}: ${details.length} problem(s)`, details),
    };
  };
};

/** Turns Ajv errors into deduplicated `{ path, message }` issues. */
export function issuesOf(errors: readonly ErrorObject[]): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const issue = toIssue(error);
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(error: ErrorObject): ValidationIssue {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = formatPath(segments);
  const params = error.params as Record<string, unknown>;
  const limit = String(params['limit']);
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        path: formatPath([...segments, String(params['additionalProperty'])]),
        message: 'unknown key (not part of the schema)',
      };
    case 'required':
      return { path: formatPath([...segments, String(params['missingProperty'])]), message: 'is required' };
    case 'propertyNames':
      return {
        path: formatPath([...segments, String(params['propertyName'])]),
        message: 'is not an allowed key',
      };
    case 'enum':
      return { path, message: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}` };
    case 'type':
      return {
        path,
        message: `must be ${/^[aeiou]/.test(String(params['type'])) ? 'an' : 'a'} ${String(params['type'])}`,
      };
    case 'minimum':
      return { path, message: `must be >= ${limit}` };
    case 'maximum':
      return { path, message: `must be <= ${limit}` };
    case 'pattern':
      return { path, message: `must match ${String(params['pattern'])}` };
    case 'format':
      return { path, message: `must be a valid ${String(params['format'])}` };
    case 'minLength':
      return { path, message: `must be at least ${limit} character(s) long` };
    case 'maxLength':
      return { path, message: `must be at most ${limit} character(s) long` };
    case 'maxProperties':
      return { path, message: `must have at most ${limit} key(s)` };
    default:
      return { path, message: error.message ?? error.keyword };
  }
}
