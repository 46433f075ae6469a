/**
 * Renders a KHI query template for one group. Every value from a deployment marker reaches the
 * query only as the content of a PromQL string literal, escaped, and label names are validated,
 * so a marker cannot change what a query means (no PromQL injection).
 *
 * Placeholders: `{{selector}}` (the group's labels as `k1="v1",k2="v2"`, keys sorted),
 * `{{version}}`, `{{service}}`, `{{environment}}` (escaped string-literal content: the template
 * writes the quotes, e.g. `version="{{version}}"`; double quotes, never backticks) and
 * `{{interval}}` (a Prometheus duration such as `60s`). Whitespace inside the braces is allowed.
 */
import type { QueryContext } from './metric-source.js';

/** Prometheus label names cannot be quoted, so they are validated instead. */
export const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const QUERY_PLACEHOLDERS = ['selector', 'version', 'service', 'environment', 'interval'] as const;
export type QueryPlaceholder = (typeof QUERY_PLACEHOLDERS)[number];

export type QueryTemplateProblem =
  | 'unknown-placeholder'
  | 'malformed-placeholder'
  | 'invalid-label-name'
  | 'empty-selector'
  | 'invalid-value'
  | 'invalid-interval'
  | 'missing-query';

/** A template that cannot be rendered safely for this group; `problem` says why. */
export class QueryTemplateError extends Error {
  readonly code = 'INVALID_QUERY_TEMPLATE';
  constructor(
    readonly problem: QueryTemplateProblem,
    readonly template: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot render query template ${JSON.stringify(template)}: ${message}`, options);
    this.name = 'QueryTemplateError';
  }
}

const PLACEHOLDER = /\{\{\s*([^{}\s]*)\s*\}\}/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Renders `template` for one group and interval; throws `QueryTemplateError` when it cannot. */
export function renderQueryTemplate(
  template: string,
  context: QueryContext,
  intervalSeconds: number,
): string {
  let rendered = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const literal = template.slice(last, match.index);
    assertNoStrayBraces(template, literal);
    rendered += literal + renderPlaceholder(template, match[1] ?? '', context, intervalSeconds);
    last = match.index + match[0].length;
  }
  const tail = template.slice(last);
  assertNoStrayBraces(template, tail);
  return rendered + tail;
}

/** The names of the placeholders a template uses, in order of first use (unknown ones included). */
export function listPlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

/**
 * Escapes `value` as the content of a PromQL double-quoted string literal: backslash, `"` as
 * `\"`, `'` as `\x27` (PromQL's lexer accepts only the opening quote as a named escape), control
 * characters as `\n`-style or `\uXXXX` escapes. In a single-quoted template a value with `"`
 * fails to parse (closed, never injected). Throws on lone UTF-16 surrogates (no valid encoding).
 */
export function escapePromqlString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new TypeError('value contains a lone UTF-16 surrogate');
  let escaped = '';
  for (const char of value) {
    escaped += escapeChar(char);
  }
  return escaped;
}

/** The labels as a PromQL matcher list `k1="v1",k2="v2"`, keys sorted; validates names. */
export function renderSelector(labels: Readonly<Record<string, string>>, template = ''): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) {
    throw new QueryTemplateError(
      'empty-selector',
      template,
      '{{selector}} needs at least one label: an empty selector would match every series of both groups',
    );
  }
  return names
    .map((name) => {
      if (!PROMETHEUS_LABEL_NAME.test(name)) {
        throw new QueryTemplateError(
          'invalid-label-name',
          template,
          `label name ${JSON.stringify(name)} must match ${PROMETHEUS_LABEL_NAME.source}`,
        );
      }
      return `${name}="${escapeValue(template, `label ${name}`, labels[name] ?? '')}"`;
    })
    .join(',');
}

/** A Prometheus duration for a number of seconds: `60s`, or `1500ms` when not whole seconds. */
export function formatPrometheusDuration(seconds: number, template = ''): string {
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new QueryTemplateError(
      'invalid-interval',
      template,
      `interval must be a positive number of seconds, got ${seconds}`,
    );
  }
  if (Number.isInteger(seconds)) return `${seconds}s`;
  const ms = Math.round(seconds * 1000);
  if (ms < 1)
    throw new QueryTemplateError('invalid-interval', template, `interval ${seconds}s is shorter than 1ms`);
  return `${ms}ms`;
}

function renderPlaceholder(
  template: string,
  name: string,
  context: QueryContext,
  intervalSeconds: number,
): string {
  switch (name as QueryPlaceholder) {
    case 'selector':
      return renderSelector(context.labels, template);
    case 'version':
      return escapeValue(template, 'version', context.version);
    case 'service':
      return escapeValue(template, 'service', context.service);
    case 'environment':
      return escapeValue(template, 'environment', context.environment);
    case 'interval':
      return formatPrometheusDuration(intervalSeconds, template);
    default:
      throw new QueryTemplateError(
        'unknown-placeholder',
        template,
        `unknown placeholder {{${name}}} (known: ${QUERY_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`,
      );
  }
}

function escapeValue(template: string, what: string, value: string): string {
  try {
    return escapePromqlString(value);
  } catch (error) {
    throw new QueryTemplateError('invalid-value', template, `${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function assertNoStrayBraces(template: string, literal: string): void {
  if (literal.includes('{{')) {
    throw new QueryTemplateError(
      'malformed-placeholder',
      template,
      `malformed placeholder near ${JSON.stringify(literal.slice(literal.indexOf('{{'), literal.indexOf('{{') + 24))}`,
    );
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  "'": '\\x27',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

function escapeChar(char: string): string {
  const simple = SIMPLE_ESCAPES[char];
  if (simple !== undefined) return simple;
  const code = char.codePointAt(0) ?? 0;
  // Other control characters (and DEL, and the C1 range) as \u escapes so the query stays one printable line.
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) {
    return `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return char;
}
