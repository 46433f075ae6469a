/**
 * Benchmark (issue 5): spans per second the embedded OTLP receiver ingests on one core, over
 * OTLP/HTTP protobuf and JSON, beside a bare `node:http` server that only reads the same bodies,
 * in the same run; and the receiver's RSS through a flood of ever-new operations (a cardinality
 * attack that runs into its memory bounds). Target: ≥ 30,000 spans/s protobuf on one core, memory
 * flat.
 *
 *   node dist/bench/traces/otlp-ingest.js [--quick]
 *
 * Bodies are real exports: spans made with the OpenTelemetry SDK, serialised by its OTLP
 * serialisers (what its OTLP/HTTP exporters send), 512 spans each (the SDK's default batch), 20
 * operations, 5% errors with exception events. Each server is its own process (single-threaded:
 * one core); wrk, with one thread, has the other core.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { startRedis } from '../../src/stack/redis-server.js';
import { answerWith, forkServer, type ChildServer } from '../daemon/child-server.js';
import { ensureWrk, runWrk } from '../daemon/wrk.js';

const TOKEN = 'bench-otlp-token-0123456789';
const SPANS_PER_BATCH = 512;
const OPERATIONS = 20;
const CONNECTIONS = 8;
const FLOOD_BODIES = 100;

export interface IngestRow {
  readonly server: 'receiver' | 'bare';
  readonly encoding: 'protobuf' | 'json';
  readonly bodyBytes: number;
  readonly requestsPerSecond: number;
  readonly spansPerSecond: number;
  /** Spans per CPU-second of the server process: what one fully used core ingests. */
  readonly spansPerCpuSecond: number;
  readonly cpuShareOfOneCore: number;
  readonly errors: number;
}

export interface FloodFigures {
  readonly seconds: number;
  readonly spansSent: number;
  /** RSS samples (MiB) every few seconds, from the start of the flood. */
  readonly rssMiB: readonly number[];
  readonly cells: number;
  readonly dropped: number;
}

export interface OtlpIngestResult {
  readonly quick: boolean;
  readonly durationSeconds: number;
  readonly rows: readonly IngestRow[];
  readonly flood: FloodFigures;
  readonly idleRssMiB: number;
}

/** Runs the benchmark; progress lines go to `log` (stderr by default). */
export async function runOtlpIngest(options: {
  quick: boolean;
  log?: (line: string) => void;
}): Promise<OtlpIngestResult> {
  const log = options.log ?? ((line: string) => console.error(line));
  const durationSeconds = options.quick ? 4 : 10;
  const floodSeconds = options.quick ? 10 : 30;
  await ensureWrk();
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-otlp-'));
  const started: ChildServer[] = [];
  // The receiver flushes its summaries to Redis every second, as every daemon does.
  const redis = await startRedis();
  try {
    const spans = makeBatch(0, false);
    const files = {
      protobuf: join(dir, 'batch.pb'),
      json: join(dir, 'batch.json'),
    };
    const bodies = {
      protobuf: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array()),
      json: Buffer.from(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array()),
    };
    await writeFile(files.protobuf, bodies.protobuf);
    await writeFile(files.json, bodies.json);
    const receiver = await forkServer(new URL('./receiver-process.js', import.meta.url), {
      VIGIL_BENCH_TOKEN: TOKEN,
      VIGIL_BENCH_REDIS_URL: redis.url,
    });
    started.push(receiver);
    const bare = await forkServer(new URL('./bare-body-process.js', import.meta.url), {});
    started.push(bare);
    const idleRssMiB = (await receiver.memory()).rssBytes / 2 ** 20;
    const rows: IngestRow[] = [];
    for (const encoding of ['protobuf', 'json'] as const) {
      for (const [name, server] of [
        ['receiver', receiver],
        ['bare', bare],
      ] as const) {
        const load = {
          url: `${server.url}/v1/traces`,
          connections: CONNECTIONS,
          threads: 1,
          method: 'POST',
          bodyFiles: [files[encoding]],
          headers: {
            authorization: `Bearer ${TOKEN}`,
            'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
          },
        };
        await runWrk({ ...load, durationSeconds: 2 }); // warm-up
        const cpuBefore = await server.cpuSeconds();
        const wallStart = performance.now();
        const wrk = await runWrk({ ...load, durationSeconds });
        const wallSeconds = (performance.now() - wallStart) / 1000;
        const cpuSeconds = (await server.cpuSeconds()) - cpuBefore;
        const row: IngestRow = {
          server: name,
          encoding,
          bodyBytes: bodies[encoding].length,
          requestsPerSecond: wrk.requestsPerSecond,
          spansPerSecond: wrk.requestsPerSecond * SPANS_PER_BATCH,
          spansPerCpuSecond: (wrk.requests * SPANS_PER_BATCH) / cpuSeconds,
          cpuShareOfOneCore: cpuSeconds / wallSeconds,
          errors: wrk.non2xx + wrk.socketErrors,
        };
        rows.push(row);
        log(
          `  ${name} ${encoding}: ${row.spansPerSecond.toFixed(0)} spans/s, ${row.spansPerCpuSecond.toFixed(0)} per CPU-second, ` +
            `server CPU ${(row.cpuShareOfOneCore * 100).toFixed(0)}%, errors ${row.errors}`,
        );
      }
    }
    const flood = await floodReceiver(receiver, dir, floodSeconds, log);
    return { quick: options.quick, durationSeconds, rows, flood, idleRssMiB };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bodies whose every span is a new operation, sent in turn while RSS is sampled. */
async function floodReceiver(
  receiver: ChildServer,
  dir: string,
  seconds: number,
  log: (line: string) => void,
): Promise<FloodFigures> {
  const files: string[] = [];
  for (let index = 0; index < FLOOD_BODIES; index += 1) {
    const file = join(dir, `flood-${index}.pb`);
    await writeFile(
      file,
      ProtobufTraceSerializer.serializeRequest(makeBatch(index, true)) ?? new Uint8Array(),
    );
    files.push(file);
  }
  const rssMiB: number[] = [];
  const sampleEveryMs = 5000;
  const sampler = setInterval(() => {
    void receiver.memory().then((memory) => rssMiB.push(memory.rssBytes / 2 ** 20));
  }, sampleEveryMs);
  const wrk = await runWrk({
    url: `${receiver.url}/v1/traces`,
    connections: CONNECTIONS,
    threads: 1,
    durationSeconds: seconds,
    method: 'POST',
    bodyFiles: files,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-protobuf' },
  });
  clearInterval(sampler);
  rssMiB.push((await receiver.memory()).rssBytes / 2 ** 20);
  const { stats } = (await receiver.request('stats', answerWith('stats'))) as {
    stats: { cells: number; dropped: Record<string, number> };
  };
  const dropped = Object.values(stats.dropped).reduce((sum, count) => sum + count, 0);
  log(
    `  flood: ${wrk.requests * SPANS_PER_BATCH} spans of ${FLOOD_BODIES * SPANS_PER_BATCH} distinct operations in ${seconds} s; ` +
      `RSS ${rssMiB.map((mib) => mib.toFixed(0)).join(' → ')} MiB; cells ${stats.cells}, dropped ${dropped}`,
  );
  return { seconds, spansSent: wrk.requests * SPANS_PER_BATCH, rssMiB, cells: stats.cells, dropped };
}

/** One export of SPANS_PER_BATCH spans; `distinct` gives every span its own operation name. */
function makeBatch(batch: number, distinct: boolean): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop', 'service.version': 'v2' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('vigil-bench', '1.0.0');
  const now = Date.now();
  for (let index = 0; index < SPANS_PER_BATCH; index += 1) {
    const name = distinct ? `GET /flood/${batch}/${index}` : `GET /route/${index % OPERATIONS}`;
    const span = tracer.startSpan(name, {
      kind: SpanKind.SERVER,
      startTime: now - 1000,
      attributes: { 'http.request.method': 'GET', 'http.route': name, 'http.response.status_code': 200 },
    });
    if (index % 20 === 0) {
      span.recordException(new Error(`upstream ${index % 10} timed out after ${100 + index} ms`));
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream timed out' });
    }
    span.end(now - 1000 + 5 + (index % 50));
  }
  return exporter.getFinishedSpans();
}

/** Markdown for docs/benchmarks.md. */
export function renderOtlpIngest(result: OtlpIngestResult): string {
  const receiver = (encoding: 'protobuf' | 'json') =>
    result.rows.find((row) => row.server === 'receiver' && row.encoding === encoding)!;
  const bare = (encoding: 'protobuf' | 'json') =>
    result.rows.find((row) => row.server === 'bare' && row.encoding === encoding)!;
  const lines = [
    `wrk -t 1 -c ${CONNECTIONS} -d ${result.durationSeconds}s, ${SPANS_PER_BATCH} spans per request${result.quick ? ' — **quick mode**' : ''}`,
    '',
    '| server | encoding | body bytes | spans/s | spans per CPU-second (one core) | server CPU (one core = 100%) | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...result.rows.map(
      (row) =>
        `| ${row.server === 'receiver' ? 'Vigil receiver' : 'bare `node:http`, reads the body'} | ${row.encoding} | ${row.bodyBytes} | ${row.spansPerSecond.toFixed(0)} | ${row.spansPerCpuSecond.toFixed(0)} | ${(row.cpuShareOfOneCore * 100).toFixed(0)}% | ${row.errors} |`,
    ),
    '',
    `Receiver / bare (spans/s): protobuf ${((receiver('protobuf').spansPerSecond / bare('protobuf').spansPerSecond) * 100).toFixed(0)}%, ` +
      `JSON ${((receiver('json').spansPerSecond / bare('json').spansPerSecond) * 100).toFixed(0)}%. ` +
      `Target ≥ 30,000 spans/s protobuf on one core: **${receiver('protobuf').spansPerSecond >= 30_000 ? 'met' : 'missed'}** ` +
      `(${receiver('protobuf').spansPerSecond.toFixed(0)}).`,
    '',
    `Flood of new operations (protobuf, ${result.flood.seconds} s, ${result.flood.spansSent} spans, every span a new operation): ` +
      `RSS ${result.idleRssMiB.toFixed(0)} MiB idle, then ${result.flood.rssMiB.map((mib) => mib.toFixed(0)).join(' → ')} MiB; ` +
      `${result.flood.cells} summary cells kept (the cap), ${result.flood.dropped} spans dropped and counted.`,
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  console.log(renderOtlpIngest(await runOtlpIngest({ quick: values.quick === true })));
}
