import { describe, expect, it } from 'vitest';
import { parseQueryData, parseSampleValue } from '../../../src/sources/prometheus/prometheus-response.js';
import { recorded } from './fake-prometheus-http.js';

describe('parseSampleValue', () => {
  it.each([
    ['160', 160],
    ['28.616', 28.616],
    ['-0.5', -0.5],
    ['1e-3', 0.001],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
  ])('parses %s', (text, expected) => {
    expect(parseSampleValue(text)).toBe(expected);
  });

  it('parses NaN and rejects what is not a number', () => {
    expect(parseSampleValue('NaN')).toBeNaN();
    for (const text of ['', ' 1', '0x10', 'five', '1,5', 'Infinity'])
      expect(parseSampleValue(text)).toBeUndefined();
  });
});

describe('parseQueryData', () => {
  it('parses the recorded matrix with every sample in order', () => {
    const body = recorded('gauge-matrix').body as { data: unknown };
    const parsed = parseQueryData(body.data, ['matrix']);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.result.resultType).toBe('matrix');
      expect(parsed.result.series[0]?.samples.length).toBeGreaterThan(1);
    }
  });

  it('counts the recorded NaN and ±Inf samples as dropped', () => {
    const body = recorded('nan-and-inf-vector').body as { data: unknown };
    const parsed = parseQueryData(body.data, ['vector']);
    expect(parsed).toMatchObject({ ok: true, result: { droppedSamples: 3 } });
    if (parsed.ok) expect(parsed.result.series.flatMap((s) => s.samples.map((x) => x.value))).toEqual([7]);
  });

  it('names what is wrong with a malformed answer', () => {
    expect(
      parseQueryData({ resultType: 'vector', result: [{ metric: {}, value: [1] }] }, ['vector']),
    ).toMatchObject({
      ok: false,
      problem: expect.stringContaining('result[0].value') as unknown,
    });
    expect(parseQueryData({ result: [] }, ['vector'])).toMatchObject({ ok: false });
    expect(parseQueryData(null, ['vector'])).toMatchObject({ ok: false });
  });
});
