/**
 * POST /v1/traces — the embedded OTLP/HTTP trace receiver (OTLP specification, OTLP/HTTP):
 * binary protobuf (`application/x-protobuf`) or OTLP/JSON (`application/json`), optionally gzip.
 * Answers in the request's encoding: 200 with an ExportTraceServiceResponse (its partial_success
 * set when spans were rejected or dropped), and every failure with a google.rpc.Status body —
 * 400 for a body that does not decode, 401/403 without a token granting `traces:write`, 413 above
 * the size limit (also after decompression), 415 for any other content type or encoding. A failed
 * request changes nothing already summarised.
 */
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import {
  decodeOtlp,
  exemplarTrace,
  OtlpDecodeError,
  readSpans,
  type OtlpEncoding,
} from '../sources/traces/otlp/read-otlp.js';
import { ExportTraceServiceResponse, RpcStatus } from '../sources/traces/otlp/otlp-trace-schema.js';
import type { TraceSummaries } from '../sources/traces/trace-summaries.js';
import { ApiError } from './api-errors.js';
import { requireScope, type Authenticator } from './authentication.js';
import { toApiError } from './error-handler.js';

const unzip = promisify(gunzip);

const PROTOBUF_TYPE = 'application/x-protobuf';
const JSON_TYPE = 'application/json';
/** The OTLP specification's recommended limit, before and after decompression. */
export const DEFAULT_OTLP_BODY_LIMIT_BYTES = 20 * 1024 * 1024;
/** google.rpc.Code values for the failures answered here (informational: clients go by HTTP status). */
const RPC_CODES: Readonly<Record<number, number>> = {
  400: 3,
  401: 16,
  403: 7,
  413: 8,
  415: 3,
  500: 13,
  503: 14,
};

export interface OtlpReceiver {
  readonly summaries: TraceSummaries;
  /** The resource attribute holding the version (`service.version` by default). */
  readonly versionAttribute: string;
  readonly bodyLimitBytes?: number;
  /** Spans by outcome: `kept`, `rejected` (unusable), `dropped` (over the memory bounds). */
  readonly spans?: Counter<'outcome'>;
}

/** Registers the receiver in its own encapsulated context: its parsers and errors stay its own. */
export function registerOtlpRoutes(
  instance: FastifyInstance,
  receiver: OtlpReceiver,
  authenticate: Authenticator,
): void {
  const limit = receiver.bodyLimitBytes ?? DEFAULT_OTLP_BODY_LIMIT_BYTES;
  void instance.register((otlp, _options, done) => {
    otlp.removeAllContentTypeParsers();
    // Bodies stay bytes here; the route decodes them after authentication and decompression.
    otlp.addContentTypeParser(
      [PROTOBUF_TYPE, JSON_TYPE],
      { parseAs: 'buffer', bodyLimit: limit },
      (_request, body, next) => {
        next(null, body);
      },
    );
    otlp.addContentTypeParser('*', (_request, _payload, next) => {
      next(unsupportedType());
    });
    otlp.setErrorHandler((error, request, reply) => answerFailure(request, reply, toApiError(error)));

    otlp.post(
      '/v1/traces',
      {
        onRequest: requireScope(authenticate, 'traces:write'),
        bodyLimit: limit,
        schema: {
          summary: 'Receive spans over OTLP/HTTP (protobuf or JSON)',
          description:
            'Scope traces:write. The OTLP/HTTP trace export: ExportTraceServiceRequest in, ExportTraceServiceResponse out.',
          tags: ['traces'],
          security: [{ bearerAuth: [] }],
        },
      },
      async (request, reply) => {
        const encoding = encodingOf(request);
        if (encoding === undefined) throw unsupportedType();
        const body = await decompressed(request, limit);
        let exportRequest;
        try {
          exportRequest = decodeOtlp(body, encoding);
        } catch (error) {
          if (error instanceof OtlpDecodeError) throw new ApiError('BAD_REQUEST', error.message);
          throw error;
        }
        const batch = readSpans(exportRequest, { versionAttribute: receiver.versionAttribute });
        const added = receiver.summaries.add(batch.spans, (traceId) => exemplarTrace(exportRequest, traceId));
        const dropped = Object.values(added.dropped).reduce((sum, count) => sum + count, 0);
        receiver.spans?.inc({ outcome: 'kept' }, added.kept);
        if (batch.rejected > 0) receiver.spans?.inc({ outcome: 'rejected' }, batch.rejected);
        if (dropped > 0) receiver.spans?.inc({ outcome: 'dropped' }, dropped);
        const messages = [...batch.rejections];
        for (const [reason, count] of Object.entries(added.dropped))
          messages.push(`${count} dropped: ${dropReasonText(reason)}`);
        const rejected = batch.rejected + dropped;
        return answerSuccess(reply, encoding, rejected, messages.join('; '));
      },
    );
    done();
  });
}

function unsupportedType(): ApiError {
  return new ApiError('UNSUPPORTED_MEDIA_TYPE', `OTLP/HTTP takes ${PROTOBUF_TYPE} or ${JSON_TYPE}`);
}

function encodingOf(request: FastifyRequest): OtlpEncoding | undefined {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === PROTOBUF_TYPE) return 'protobuf';
  if (type === JSON_TYPE) return 'json';
  return undefined;
}

/** The body, gunzipped when the client said so; bounded by `limit` after decompression too. */
async function decompressed(request: FastifyRequest, limit: number): Promise<Buffer> {
  const body = request.body as Buffer | undefined;
  if (body === undefined || body.length === 0) return Buffer.alloc(0);
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip')
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not supported (gzip is)`);
  try {
    return await unzip(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ApiError('BODY_TOO_LARGE', `the body is larger than ${limit} bytes once decompressed`);
    throw new ApiError('BAD_REQUEST', `the body is not valid gzip: ${(error as Error).message}`);
  }
}

function answerSuccess(
  reply: FastifyReply,
  encoding: OtlpEncoding,
  rejected: number,
  message: string,
): FastifyReply {
  const partialSuccess = rejected > 0 ? { rejectedSpans: rejected, errorMessage: message } : undefined;
  if (encoding === 'json') {
    const json =
      partialSuccess === undefined
        ? {}
        : { partialSuccess: { rejectedSpans: String(rejected), errorMessage: message } };
    return reply.code(200).type(JSON_TYPE).send(JSON.stringify(json));
  }
  const bytes = ExportTraceServiceResponse.encode(
    ExportTraceServiceResponse.fromObject(partialSuccess === undefined ? {} : { partialSuccess }),
  ).finish();
  return reply.code(200).type(PROTOBUF_TYPE).send(Buffer.from(bytes));
}

function answerFailure(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  const status = error.statusCode;
  if (status >= 500) request.log.error({ err: error.cause ?? error }, 'OTLP request failed');
  const message = status >= 500 ? 'internal error' : error.message;
  const code = RPC_CODES[status] ?? 2;
  if (encodingOf(request) === 'protobuf') {
    const bytes = RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
    return reply.code(status).type(PROTOBUF_TYPE).send(Buffer.from(bytes));
  }
  return reply.code(status).type(JSON_TYPE).send(JSON.stringify({ code, message }));
}

function dropReasonText(reason: string): string {
  return reason === 'cell-limit'
    ? 'the receiver holds as many operation summaries as it may (memory bound)'
    : 'the span starts outside the retention window';
}
