/**
 * One way to validate outside input against a TypeBox schema and report every problem with a
 * readable path (`khis[2].direction: must be one of increase, decrease, either`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** One problem found in an input: where (`khis[2].direction`) and what. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** A string that must be one of `values`; compiles to JSON Schema `enum` for readable errors. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { default?: T[number]; description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

const ajv = new Ajv({ allErrors: true, strict: false });
// date-time, uri, ... are checked, not ignored.
addFormats.default(ajv);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Validates `value` against `schema`; returns every issue (empty when valid). */
export function validateAgainstSchema<S extends TSchema>(
  schema: S,
  value: unknown,
): { ok: true; value: Static<S> } | { ok: false; issues: ValidationIssue[] } {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return { ok: true, value: value as Static<S> };
  return { ok: false, issues: issuesFromAjvErrors(validate.errors ?? []) };
}

/** Formats a path of keys and indices as `khis[2].direction`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path === '' ? '(root)' : path;
}

/** Ajv errors as deduplicated `{ path, message }` issues (shared with the API's validator). */
export function issuesFromAjvErrors(errors: readonly ErrorObject[]): ValidationIssue[] {
  return dedupeIssues(errors.map(toIssue));
}

function toIssue(error: ErrorObject): ValidationIssue {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
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
    case 'maxProperties':
      return { path: formatPath(segments), message: `must have at most ${String(params['limit'])} key(s)` };
    case 'enum':
      return {
        path: formatPath(segments),
        message: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}`,
      };
    case 'type':
      return { path: formatPath(segments), message: `must be ${article(String(params['type']))}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path: formatPath(segments),
        message: `must be ${comparisonWords(error.keyword)} ${String(params['limit'])}`,
      };
    case 'format':
      return { path: formatPath(segments), message: `must be a valid ${String(params['format'])}` };
    case 'pattern':
      return { path: formatPath(segments), message: `must match ${String(params['pattern'])}` };
    case 'minItems':
      return { path: formatPath(segments), message: `must have at least ${String(params['limit'])} item(s)` };
    case 'maxItems':
      return { path: formatPath(segments), message: `must have at most ${String(params['limit'])} item(s)` };
    case 'minLength':
      return {
        path: formatPath(segments),
        message: `must be at least ${String(params['limit'])} character(s) long`,
      };
    case 'maxLength':
      return {
        path: formatPath(segments),
        message: `must be at most ${String(params['limit'])} character(s) long`,
      };
    default:
      return { path: formatPath(segments), message: error.message ?? error.keyword };
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function comparisonWords(keyword: string): string {
  return {
    minimum: '>=',
    maximum: '<=',
    exclusiveMinimum: '>',
    exclusiveMaximum: '<',
  }[keyword] as string;
}

function dedupeIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
