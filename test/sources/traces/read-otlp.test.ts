import { SpanKind } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { errorSignature } from '../../../src/sources/traces/error-signature.js';
import {
  decodeOtlp,
  exemplarTrace,
  MAX_EXEMPLAR_SPANS,
  OtlpDecodeError,
  readSpans,
  type OtlpEncoding,
} from '../../../src/sources/traces/otlp/read-otlp.js';
import { jsonBody, makeSpans, protobufBody } from './otlp-spans.js';

const START = Date.UTC(2026, 10, 28, 8, 0, 0);
const SHOP = { 'service.name': 'shop', 'service.version': 'v2.4.0' };
const OPTIONS = { versionAttribute: 'service.version' };

function spansOf(body: Buffer, encoding: OtlpEncoding) {
  return readSpans(decodeOtlp(body, encoding), OPTIONS);
}

describe.each([
  ['protobuf', protobufBody],
  ['json', jsonBody],
] as const)('reading OTLP/HTTP %s from the OpenTelemetry SDK', (encoding, encode) => {
  it('reads service, version, operation, kind, timing and errors', () => {
    const spans = makeSpans(SHOP, [
      { name: 'GET /products', durationMs: 12.5, startMs: START },
      {
        name: 'POST /checkout',
        durationMs: 250,
        startMs: START + 1000,
        exception: new TypeError('Order 4711 not found'),
      },
      {
        name: 'SELECT orders',
        kind: SpanKind.CLIENT,
        durationMs: 3,
        startMs: START + 1001,
        errorMessage: 'timeout after 3000 ms',
      },
    ]);
    const batch = spansOf(encode(spans), encoding);
    expect(batch.rejected).toBe(0);
    expect(batch.spans).toHaveLength(3);
    const [products, checkout, select] = batch.spans;
    expect(products).toMatchObject({
      service: 'shop',
      version: 'v2.4.0',
      operation: 'GET /products',
      kind: 'server',
      error: undefined,
    });
    expect(products!.startMs).toBeCloseTo(START, 3);
    expect(products!.durationMs).toBeCloseTo(12.5, 3);
    expect(products!.traceId).toBe(spans[0]!.spanContext().traceId);
    expect(checkout!.error).toEqual({
      type: 'TypeError',
      message: 'Order 4711 not found',
      signature: 'TypeError: Order <n> not found',
    });
    expect(select).toMatchObject({ kind: 'client', error: { type: '', message: 'timeout after 3000 ms' } });
  });

  it('rejects, and counts, spans of a resource without service.name, keeping the rest', () => {
    const anonymous = makeSpans({ 'service.version': 'v1' }, [
      { name: 'GET /', durationMs: 1, startMs: START },
    ]);
    const shop = makeSpans(SHOP, [{ name: 'GET /', durationMs: 1, startMs: START }]);
    const batch = spansOf(encode([...anonymous, ...shop]), encoding);
    expect(batch.spans.map((span) => span.service)).toEqual(['shop']);
    expect(batch.rejected).toBe(1);
    expect(batch.rejections).toEqual(['a resource has no service.name attribute']);
  });

  it('gives an exemplar: every span of the trace as OTLP/JSON with hex ids', () => {
    const spans = makeSpans(SHOP, [
      { name: 'POST /checkout', durationMs: 5, startMs: START, exception: new Error('boom') },
    ]);
    const request = decodeOtlp(encode(spans), encoding);
    const traceId = spans[0]!.spanContext().traceId;
    const exemplar = exemplarTrace(request, traceId) as {
      resourceSpans: {
        resource: { attributes: { key: string }[] };
        scopeSpans: { spans: Record<string, unknown>[] }[];
      }[];
    };
    const span = exemplar.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({
      traceId,
      spanId: spans[0]!.spanContext().spanId,
      name: 'POST /checkout',
      kind: 2,
    });
    expect(span['status']).toMatchObject({ code: 2, message: 'boom' });
    expect(exemplar.resourceSpans[0]!.resource.attributes.map((a) => a.key)).toContain('service.name');
    expect(exemplarTrace(request, '0'.repeat(31) + '1')).toEqual({ resourceSpans: [] });
  });
});

describe('exemplars of huge traces', () => {
  it('keep at most MAX_EXEMPLAR_SPANS spans, the failing ones first', () => {
    const specs = Array.from({ length: 300 }, (_, i) => ({
      name: `step ${i}`,
      durationMs: 1,
      startMs: START,
      ...(i === 250 && { exception: new Error('late failure') }),
    }));
    // One trace: every span a child of the first.
    const spans = makeSpans(SHOP, specs, { oneTrace: true });
    const request = decodeOtlp(protobufBody(spans), 'protobuf');
    const exemplar = exemplarTrace(request, spans[0]!.spanContext().traceId) as {
      resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
    };
    const names = exemplar.resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)),
    );
    expect(names).toHaveLength(MAX_EXEMPLAR_SPANS);
    expect(names).toContain('step 250');
  });
});

describe('reading malformed OTLP', () => {
  it('refuses bytes that are not an export request', () => {
    expect(() => decodeOtlp(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf')).toThrow(
      OtlpDecodeError,
    );
    expect(() => decodeOtlp(Buffer.from('{"resourceSpans": '), 'json')).toThrow(/not JSON/);
    expect(() => decodeOtlp(Buffer.from('[1, 2]'), 'json')).toThrow(/JSON object/);
    expect(() => decodeOtlp(Buffer.from('{"resourceSpans": 7}'), 'json')).toThrow(/resourceSpans/);
  });

  it('reads an empty request as no spans', () => {
    expect(spansOf(Buffer.alloc(0), 'protobuf')).toMatchObject({ spans: [], rejected: 0 });
    expect(spansOf(Buffer.from('{}'), 'json')).toMatchObject({ spans: [], rejected: 0 });
  });

  it('rejects each span with a bad id or timing and keeps its neighbours', () => {
    const good = {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'GET /',
      startTimeUnixNano: '1764316800000000000',
      endTimeUnixNano: '1764316800005000000',
    };
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
          scopeSpans: [
            {
              spans: [
                good,
                { ...good, traceId: 'not-hex' },
                { ...good, spanId: '00'.repeat(8) },
                { ...good, endTimeUnixNano: '1764316799000000000' },
                { ...good, name: '' },
              ],
            },
          ],
        },
      ],
    };
    const batch = spansOf(Buffer.from(JSON.stringify(body)), 'json');
    expect(batch.spans).toHaveLength(1);
    expect(batch.spans[0]).toMatchObject({ version: '', durationMs: 5 });
    expect(batch.rejected).toBe(4);
    expect(batch.rejections).toHaveLength(4);
    expect(batch.rejections.join(' ')).toMatch(/traceId.*spanId.*ends before.*no name/);
  });

  it('reads the version from the attribute the settings name', () => {
    const spans = makeSpans({ 'service.name': 'shop', 'deployment.release': 'r42' }, [
      { name: 'GET /', durationMs: 1, startMs: START },
    ]);
    const batch = readSpans(decodeOtlp(protobufBody(spans), 'protobuf'), {
      versionAttribute: 'deployment.release',
    });
    expect(batch.spans[0]!.version).toBe('r42');
  });
});

describe('errorSignature', () => {
  it('groups messages that differ only in values, and keeps different shapes apart', () => {
    expect(errorSignature('NotFound', 'Order 4711 not found')).toBe(
      errorSignature('NotFound', 'Order 815 not found'),
    );
    expect(errorSignature('E', 'user "ann" at 10.0.0.7:5432 id 3f2a9c1e-0b4d-4c1a-9e2f-7a6b5c4d3e2f')).toBe(
      'E: user <quoted> at <ip> id <uuid>',
    );
    expect(errorSignature('E', 'GET https://api.example.com/x?id=9 failed')).toBe('E: GET <url> failed');
    expect(errorSignature('E', 'hash deadbeef01 mismatch')).toBe('E: hash <hex> mismatch');
    expect(errorSignature('TypeError', 'x is undefined')).not.toBe(
      errorSignature('RangeError', 'x is undefined'),
    );
    expect(errorSignature('', 'plain')).toBe('plain');
    expect(errorSignature('E', 'x'.repeat(1000)).length).toBeLessThanOrEqual(203);
  });
});
