/**
 * POST /v1/traces: the OTLP/HTTP statuses and bodies the specification prescribes, with requests
 * serialised by the OpenTelemetry SDK's own OTLP serialisers.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** `expect.stringMatching`, typed as what it stands for. */
const stringMatching = (pattern: RegExp): string => expect.stringMatching(pattern) as string;
import { ExportTraceServiceResponse, RpcStatus } from '../../src/sources/traces/otlp/otlp-trace-schema.js';
import { TraceSummaries } from '../../src/sources/traces/trace-summaries.js';
import { jsonBody, makeSpans, protobufBody } from '../sources/traces/otlp-spans.js';
import { auth, buildTestApp, type TestApp } from './build-test-app.js';

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
const LIMIT = 64 * 1024;
let t: TestApp;
let summaries: TraceSummaries;

beforeEach(async () => {
  summaries = new TraceSummaries();
  t = await buildTestApp({
    traces: { summaries, versionAttribute: 'service.version', bodyLimitBytes: LIMIT },
  });
});
afterEach(async () => {
  await t.close();
});

function shopSpans(count = 3, version = 'v2') {
  const now = Date.now();
  return makeSpans(
    { 'service.name': 'shop', 'service.version': version },
    Array.from({ length: count }, (_, i) => ({
      name: 'POST /checkout',
      durationMs: 10 + i,
      startMs: now - 1000,
      ...(i === 0 && { exception: new TypeError('card 4242 declined') }),
    })),
  );
}

function post(body: Buffer | string, contentType: string, headers: Record<string, string> = auth('tracer')) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': contentType, ...headers },
    payload: body,
  });
}

function checkout() {
  return summaries.operations({
    service: 'shop',
    version: 'v2',
    fromMs: Date.now() - 60_000,
    toMs: Date.now() + 1,
  })[0];
}

describe('POST /v1/traces', () => {
  it('takes protobuf and answers an empty ExportTraceServiceResponse in protobuf', async () => {
    const response = await post(protobufBody(shopSpans()), PROTOBUF);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(PROTOBUF);
    expect(
      ExportTraceServiceResponse.toObject(ExportTraceServiceResponse.decode(response.rawPayload)),
    ).toEqual({});
    expect(checkout()).toMatchObject({ requests: 3, errors: 1 });
    expect(checkout()!.signatures[0]).toMatchObject({ signature: 'TypeError: card <n> declined', count: 1 });
  });

  it('takes OTLP/JSON, gzipped too, and answers JSON', async () => {
    const response = await post(jsonBody(shopSpans()), JSON_TYPE);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json()).toEqual({});
    const zipped = await t.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': JSON_TYPE, 'content-encoding': 'gzip', ...auth('tracer') },
      payload: gzipSync(jsonBody(shopSpans())),
    });
    expect(zipped.statusCode).toBe(200);
    expect(checkout()).toMatchObject({ requests: 6, errors: 2 });
  });

  it('answers partial success naming what it rejected, and keeps the rest', async () => {
    const anonymous = makeSpans({ 'service.version': 'v2' }, [
      { name: 'GET /', durationMs: 1, startMs: Date.now() },
    ]);
    const response = await post(protobufBody([...shopSpans(), ...anonymous]), PROTOBUF);
    expect(response.statusCode).toBe(200);
    const answer = ExportTraceServiceResponse.toObject(
      ExportTraceServiceResponse.decode(response.rawPayload),
      {
        longs: Number,
      },
    );
    expect(answer).toEqual({
      partialSuccess: { rejectedSpans: 1, errorMessage: 'a resource has no service.name attribute' },
    });
    const json = await post(jsonBody(anonymous), JSON_TYPE);
    expect(json.json()).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: 'a resource has no service.name attribute' },
    });
    expect(checkout()).toMatchObject({ requests: 3 });
  });

  it('answers 400 with a google.rpc.Status for bodies that do not decode, and keeps what it has', async () => {
    await post(protobufBody(shopSpans()), PROTOBUF);
    const bad = await post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), PROTOBUF);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toBe(PROTOBUF);
    expect(RpcStatus.decode(bad.rawPayload).toJSON()).toMatchObject({
      code: 3,
      message: stringMatching(/ExportTraceServiceRequest/),
    });
    const badJson = await post('{"resourceSpans": 7}', JSON_TYPE);
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ code: 3, message: stringMatching(/resourceSpans/) });
    const badGzip = await t.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': PROTOBUF, 'content-encoding': 'gzip', ...auth('tracer') },
      payload: Buffer.from('not gzip at all'),
    });
    expect(badGzip.statusCode).toBe(400);
    expect(checkout()).toMatchObject({ requests: 3 });
  });

  it('answers 415 for other content types and encodings', async () => {
    const text = await post('hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({
      message: stringMatching(/application\/x-protobuf or application\/json/),
    });
    const brotli = await t.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': PROTOBUF, 'content-encoding': 'br', ...auth('tracer') },
      payload: Buffer.from([1, 2, 3]),
    });
    expect(brotli.statusCode).toBe(415);
  });

  it('answers 413 above the limit, before and after decompression', async () => {
    const big = Buffer.alloc(LIMIT + 1, 0x20);
    expect((await post(big, JSON_TYPE)).statusCode).toBe(413);
    const bomb = await t.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': JSON_TYPE, 'content-encoding': 'gzip', ...auth('tracer') },
      payload: gzipSync(Buffer.alloc(LIMIT * 4, 0x20)),
    });
    expect(bomb.statusCode).toBe(413);
    expect(bomb.json()).toMatchObject({ message: stringMatching(/decompressed/) });
  });

  it('wants a token granting traces:write', async () => {
    expect((await post(protobufBody(shopSpans()), PROTOBUF, {})).statusCode).toBe(401);
    const forbidden = await post(protobufBody(shopSpans()), PROTOBUF, auth('reader'));
    expect(forbidden.statusCode).toBe(403);
    expect(RpcStatus.decode(forbidden.rawPayload).toJSON()).toMatchObject({ code: 7 });
    expect((await post(protobufBody(shopSpans()), PROTOBUF, auth('admin'))).statusCode).toBe(200);
    expect(checkout()).toMatchObject({ requests: 3 });
  });

  it('answers an empty request with success', async () => {
    const response = await post(Buffer.alloc(0), PROTOBUF);
    expect(response.statusCode).toBe(200);
  });
});
