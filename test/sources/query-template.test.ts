import { describe, expect, it } from 'vitest';
import type { QueryContext } from '../../src/sources/metric-source.js';
import {
  QueryTemplateError,
  escapePromqlString,
  formatPrometheusDuration,
  listPlaceholders,
  renderQueryTemplate,
  renderSelector,
} from '../../src/sources/query-template.js';

const canary: QueryContext = {
  service: 'shop',
  environment: 'prod',
  version: 'v2',
  labels: { version: 'v2', track: 'canary' },
};

function problemOf(render: () => unknown): string | undefined {
  try {
    render();
  } catch (error) {
    if (error instanceof QueryTemplateError) return error.problem;
    throw error;
  }
  return undefined;
}

describe('renderQueryTemplate', () => {
  it.each([
    [
      'sum(increase(http_requests_total{ {{selector}} }[{{interval}}]))',
      'sum(increase(http_requests_total{ track="canary",version="v2" }[60s]))',
    ],
    [
      'x{service="{{service}}",env="{{environment}}",version="{{version}}"}',
      'x{service="shop",env="prod",version="v2"}',
    ],
    ['x{ {{ selector }} }[{{ interval }}]', 'x{ track="canary",version="v2" }[60s]'],
    ['x{{{selector}}}', 'x{track="canary",version="v2"}'],
    ['up', 'up'],
  ])('renders %s', (template, expected) => {
    expect(renderQueryTemplate(template, canary, 60)).toBe(expected);
  });

  it('sorts selector keys so the query is the same whatever order the marker used', () => {
    const reordered = { ...canary, labels: { track: 'canary', version: 'v2', app: 'shop' } };
    expect(renderQueryTemplate('{{selector}}', reordered, 60)).toBe('app="shop",track="canary",version="v2"');
  });

  it('escapes an injection attempt in the version so it stays inside the string literal', () => {
    const hostile = { ...canary, version: 'v1"} or vector(1) #', labels: { version: 'v1"} or vector(1) #' } };
    expect(renderQueryTemplate('sum(x{version="{{version}}"})', hostile, 60)).toBe(
      'sum(x{version="v1\\"} or vector(1) #"})',
    );
    expect(renderQueryTemplate('sum(x{ {{selector}} })', hostile, 60)).toBe(
      'sum(x{ version="v1\\"} or vector(1) #" })',
    );
  });

  it('names an unknown placeholder', () => {
    expect(() => renderQueryTemplate('x{job="{{job}}"}', canary, 60)).toThrow(
      /unknown placeholder \{\{job\}\}/,
    );
    expect(problemOf(() => renderQueryTemplate('{{job}}', canary, 60))).toBe('unknown-placeholder');
  });

  it('rejects a malformed placeholder rather than sending it to Prometheus', () => {
    expect(problemOf(() => renderQueryTemplate('x{ {{selector} }', canary, 60))).toBe(
      'malformed-placeholder',
    );
    expect(problemOf(() => renderQueryTemplate('{{version as text}}', canary, 60))).toBe(
      'malformed-placeholder',
    );
  });

  it.each(['0version', 'track-name', 'a b', 'x"}', ''])('rejects the label name %j', (name) => {
    expect(
      problemOf(() => renderQueryTemplate('{{selector}}', { ...canary, labels: { [name]: 'v' } }, 60)),
    ).toBe('invalid-label-name');
  });

  it('rejects an empty selector, which would match both groups', () => {
    expect(problemOf(() => renderQueryTemplate('x{ {{selector}} }', { ...canary, labels: {} }, 60))).toBe(
      'empty-selector',
    );
    expect(renderQueryTemplate('x{version="{{version}}"}', { ...canary, labels: {} }, 60)).toBe(
      'x{version="v2"}',
    );
  });

  it('rejects a value that cannot be encoded', () => {
    expect(problemOf(() => renderQueryTemplate('"{{version}}"', { ...canary, version: 'v\uD800' }, 60))).toBe(
      'invalid-value',
    );
  });

  it('lists the placeholders a template uses', () => {
    expect(listPlaceholders('a{ {{selector}} }[{{interval}}] {{selector}} {{nope}}')).toEqual([
      'selector',
      'interval',
      'nope',
    ]);
  });
});

describe('escapePromqlString', () => {
  it.each([
    ['plain-v1.2.3', 'plain-v1.2.3'],
    ['a"b', 'a\\"b'],
    ["a'b", 'a\\x27b'],
    ['a\\b', 'a\\\\b'],
    ['\\"', '\\\\\\"'],
    ['line\nbreak\r\t', 'line\\nbreak\\r\\t'],
    ['bell\u0007\u0000\u001b\u007f', 'bell\\a\\u0000\\u001b\\u007f'],
    ['sep\u2028', 'sep\\u2028'],
    ['ünïcødé 🚀', 'ünïcødé 🚀'],
  ])('escapes %j', (value, expected) => {
    expect(escapePromqlString(value)).toBe(expected);
  });

  it('round-trips through JSON-style unescaping for the characters JSON shares with Go', () => {
    const value = 'v1"} or vector(1) # \\ \n';
    expect(JSON.parse(`"${escapePromqlString(value)}"`)).toBe(value);
  });
});

describe('renderSelector and formatPrometheusDuration', () => {
  it('renders matchers with escaped values', () => {
    expect(renderSelector({ b: 'x"y', a: '1' })).toBe('a="1",b="x\\"y"');
  });

  it.each([
    [60, '60s'],
    [1, '1s'],
    [0.5, '500ms'],
    [2.25, '2250ms'],
  ])('formats %s seconds as %s', (seconds, expected) => {
    expect(formatPrometheusDuration(seconds)).toBe(expected);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 0.0001])('rejects the interval %s', (seconds) => {
    expect(problemOf(() => formatPrometheusDuration(seconds))).toBe('invalid-interval');
  });
});
