/**
 * The TraceQL Vigil sends to Tempo. Service and version come from deployment markers, i.e. from
 * outside: they only ever enter a query as string literals, escaped so that no value can end
 * the literal and add conditions of its own (`shop" || true || "` stays one string).
 */
import { SPAN_KINDS, type SpanKind } from '../received-span.js';

/**
 * What the search selects on top of what Tempo always returns (span id, start, duration): the
 * span name, kind and status, and the status message for errors without a fetched trace.
 */
export const SELECTED_FIELDS = ['name', 'kind', 'status', 'statusMessage'] as const;

/** A double-quoted TraceQL string literal (Go syntax) holding exactly `value`. */
export function traceqlString(value: string): string {
  let literal = '"';
  for (const char of value) {
    const code = char.codePointAt(0) as number;
    if (char === '\\') literal += '\\\\';
    else if (char === '"') literal += '\\"';
    else if (char === '\n') literal += '\\n';
    else if (char === '\r') literal += '\\r';
    else if (char === '\t') literal += '\\t';
    // Other control characters are not allowed raw inside a Go string literal.
    else if (code < 0x20 || code === 0x7f) literal += `\\u${code.toString(16).padStart(4, '0')}`;
    else literal += char;
  }
  return `${literal}"`;
}

/** `resource.<name>`, quoted (`resource."<name>"`) when the name is not a plain dotted identifier. */
export function resourceAttribute(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*$/.test(name)
    ? `resource.${name}`
    : `resource.${traceqlString(name)}`;
}

export interface SpanSearch {
  readonly service: string;
  readonly version: string;
  /** The resource attribute that holds the version. */
  readonly versionAttribute: string;
  /** All kinds when absent. */
  readonly kinds?: readonly SpanKind[];
}

/**
 * `{ resource.service.name = "shop" && resource.service.version = "v2" && (kind = server) }
 * | select(name, kind, status, statusMessage)`: the spans of one release and kinds.
 */
export function spanSearchQuery(search: SpanSearch): string {
  const conditions = [
    `resource.service.name = ${traceqlString(search.service)}`,
    `${resourceAttribute(search.versionAttribute)} = ${traceqlString(search.version)}`,
  ];
  if (search.kinds !== undefined) conditions.push(`(${search.kinds.map(kindCondition).join(' || ')})`);
  return `{ ${conditions.join(' && ')} } | select(${SELECTED_FIELDS.join(', ')})`;
}

/** Kinds are TraceQL keywords, not strings: only the known ones are ever written. */
function kindCondition(kind: SpanKind): string {
  if (!SPAN_KINDS.includes(kind)) throw new TypeError(`not a span kind: ${JSON.stringify(kind)}`);
  return `kind = ${kind}`;
}
