/**
 * Span summaries shared by every daemon through Redis. A load balancer sends a service's exports
 * to any daemon, and any daemon may judge the next step: each daemon's receiver keeps its own
 * bounded TraceSummaries and flushes the cells that changed (every second, and on stop) to Redis;
 * the trace source reads and merges every daemon's cells for a window.
 *
 * Layout (every key starts with `keyPrefix`, expires after the retention):
 * - `traces:cells:<release>:<bucket>` — a hash per release (service and version, hashed) and time
 *   bucket; field `<daemon> <kind> <operation>` holds that daemon's whole cell as JSON (counts,
 *   the DDSketch as protobuf, error signatures), so a flush overwrites rather than adds: flushing
 *   twice, or after a lost answer, never counts a span twice.
 * - `traces:exemplar:<id>` — an exemplar trace as OTLP/JSON; ids carry their daemon's name.
 */
import { createHash } from 'node:crypto';
import { DDSketch } from '@datadog/sketches-js';
import type { Redis } from 'ioredis';
import { SPAN_KINDS, type SpanKind } from './received-span.js';
import type { TraceSource } from './trace-source.js';
import {
  mergeCells,
  newSketch,
  type CellSnapshot,
  type CellView,
  type OperationSummary,
  type SummaryQuery,
  type TraceSummaries,
} from './trace-summaries.js';

export interface RedisTraceSummariesOptions {
  /** Connection for commands; owned by the caller. */
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** Must be the same on every daemon (bucket numbers are start time ÷ width). */
  readonly bucketSeconds: number;
  readonly retentionSeconds: number;
  /** This daemon's name among those sharing the summaries. */
  readonly daemonId: string;
}

export interface RedisTraceSummaries {
  /** Writes what changed in this daemon's summaries since the last flush; returns cells written. */
  flush(summaries: TraceSummaries): Promise<number>;
  /** Reads every daemon's summaries. */
  readonly source: TraceSource;
}

/** Stored cell: short keys, one per cell and daemon. */
interface StoredCell {
  readonly s: string;
  readonly v: string;
  readonly k: string;
  readonly o: string;
  readonly r: number;
  readonly e: number;
  /** DDSketch protobuf, base64. */
  readonly l: string;
  /** [signature, type, message, count, exemplarId?] */
  readonly g: readonly (readonly [string, string, string, number, string?])[];
}

/**
 * Cells written per flush: under a flood of new operations a flush would otherwise serialise every
 * cell at once (20,000 by default, ~1 GiB of RSS measured); the rest waits a second.
 */
const MAX_CELLS_PER_FLUSH = 2000;

export function createRedisTraceSummaries(options: RedisTraceSummariesOptions): RedisTraceSummaries {
  const { redis, keyPrefix } = options;
  const bucketMs = options.bucketSeconds * 1000;
  const ttlMs = options.retentionSeconds * 1000 + bucketMs;
  const cellsKey = (service: string, version: string, bucket: number) =>
    `${keyPrefix}traces:cells:${releaseId(service, version)}:${bucket}`;
  const exemplarKey = (id: string) => `${keyPrefix}traces:exemplar:${id}`;

  return {
    async flush(summaries) {
      const changed = summaries.changed(MAX_CELLS_PER_FLUSH);
      if (changed.cells.length === 0 && changed.exemplars.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const [id, trace] of changed.exemplars)
        pipeline.set(exemplarKey(id), JSON.stringify(trace), 'PX', ttlMs);
      for (const cell of changed.cells) {
        const key = cellsKey(cell.service, cell.version, cell.bucket);
        pipeline.hset(
          key,
          `${options.daemonId} ${cell.kind} ${cell.operation}`,
          JSON.stringify(encodeCell(cell)),
        );
        pipeline.pexpire(key, ttlMs);
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed !== undefined) throw failed[0] as Error;
      summaries.acknowledge(changed.token);
      return changed.cells.length;
    },
    source: {
      async operations(query: SummaryQuery): Promise<readonly OperationSummary[]> {
        const first = Math.ceil(query.fromMs / bucketMs);
        const end = Math.ceil(query.toMs / bucketMs);
        const pipeline = redis.pipeline();
        const keys: string[] = [];
        for (let bucket = first; bucket < end; bucket += 1) {
          const key = cellsKey(query.service, query.version, bucket);
          keys.push(key);
          pipeline.hgetall(key);
        }
        const results = (await pipeline.exec()) ?? [];
        const cells: CellView[] = [];
        results.forEach(([error, fields], index) => {
          if (error !== null) throw error;
          for (const [field, text] of Object.entries(fields as Record<string, string>)) {
            const cell = decodeCell(text, `${keys[index]} ${field}`);
            if (cell.service !== query.service || cell.version !== query.version) continue;
            if (query.kinds !== undefined && !query.kinds.includes(cell.kind)) continue;
            cells.push(cell);
          }
        });
        const exemplarIds = new Set(
          cells.flatMap((cell) => cell.signatures.flatMap((s) => s.exemplarId ?? [])),
        );
        const kept = await existing(redis, [...exemplarIds].map(exemplarKey));
        return mergeCells(cells, (id) => kept.has(exemplarKey(id)));
      },
      async exemplar(id) {
        const text = await redis.get(exemplarKey(id));
        if (text === null) return undefined;
        return JSON.parse(text) as Record<string, unknown>;
      },
    },
  };
}

function releaseId(service: string, version: string): string {
  return createHash('sha256').update(`${service}\u0000${version}`).digest('hex').slice(0, 32);
}

function encodeCell(cell: CellSnapshot): StoredCell {
  return {
    s: cell.service,
    v: cell.version,
    k: cell.kind,
    o: cell.operation,
    r: cell.requests,
    e: cell.errors,
    l: Buffer.from(cell.latencyProto).toString('base64'),
    g: cell.signatures.map((s) =>
      s.exemplarId === undefined
        ? ([s.signature, s.type, s.message, s.count] as const)
        : ([s.signature, s.type, s.message, s.count, s.exemplarId] as const),
    ),
  };
}

/** A stored cell, checked field by field: a damaged one fails the read, naming where it is. */
function decodeCell(text: string, where: string): CellView {
  const fail = (problem: string): never => {
    throw new Error(`shared trace summaries: ${where}: ${problem}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('is not JSON');
  }
  const cell = raw as Partial<Record<keyof StoredCell, unknown>>;
  if (typeof cell.s !== 'string' || typeof cell.v !== 'string' || typeof cell.o !== 'string')
    return fail('service, version and operation must be strings');
  if (!(SPAN_KINDS as readonly unknown[]).includes(cell.k))
    return fail(`kind ${String(cell.k)} is not a span kind`);
  const count = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  if (!count(cell.r) || !count(cell.e) || (cell.e as number) > (cell.r as number))
    return fail('requests and errors must be counts, errors at most requests');
  if (typeof cell.l !== 'string') return fail('latency sketch missing');
  const latency = newSketch();
  try {
    latency.merge(DDSketch.fromProto(Buffer.from(cell.l, 'base64')));
  } catch (error) {
    return fail(`latency sketch unreadable: ${(error as Error).message}`);
  }
  if (!Array.isArray(cell.g)) return fail('signatures must be a list');
  const signatures = (cell.g as unknown[]).map((entry) => {
    if (
      !Array.isArray(entry) ||
      typeof entry[0] !== 'string' ||
      typeof entry[1] !== 'string' ||
      typeof entry[2] !== 'string' ||
      !count(entry[3]) ||
      (entry[4] !== undefined && typeof entry[4] !== 'string')
    )
      return fail('each signature must be [signature, type, message, count, exemplarId?]');
    return {
      signature: entry[0],
      type: entry[1],
      message: entry[2],
      count: entry[3] as number,
      ...(entry[4] !== undefined && { exemplarId: entry[4] as string }),
    };
  });
  return {
    service: cell.s,
    version: cell.v,
    kind: cell.k as SpanKind,
    operation: cell.o,
    requests: cell.r as number,
    errors: cell.e as number,
    latency,
    signatures,
  };
}

/** Which of `keys` exist. */
async function existing(redis: Redis, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const pipeline = redis.pipeline();
  for (const key of keys) pipeline.exists(key);
  const results = (await pipeline.exec()) ?? [];
  return new Set(keys.filter((_, index) => results[index]?.[1] === 1));
}
