/**
 * Alerts on Redis. One hash per alert (`<prefix>alerts:alert:<id>`: `body` JSON, `status`,
 * `endsAt`, `receivedAt`, `updatedAt`), expiring `ALERT_RETENTION_MS` after its last write; a
 * sorted set of ids by start (`<prefix>alerts:by-start`) and one per service
 * (`<prefix>alerts:by-service:<sha256(service)>`). One Lua script records an alert atomically:
 * `receivedAt` kept, a resolved status kept, the indexes updated and trimmed (older than the
 * retention, beyond `MAX_ALERTS`), trimmed alerts deleted. So any number of daemons (and an
 * Alertmanager cluster sending every alert from each peer) record each alert once.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  ALERT_RETENTION_MS,
  decodeAlertCursor,
  encodeAlertCursor,
  isBefore,
  MAX_ALERTS,
  type AlertCursor,
  type AlertStore,
  type StoredAlert,
} from './alert-store.js';
import { StoreError } from './store-error.js';

export interface RedisAlertStoreOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly now?: () => number;
  readonly maxAlerts?: number;
  readonly retentionMs?: number;
}

const RECORD_LUA = `
local created = redis.call('HSETNX', KEYS[1], 'receivedAt', ARGV[5])
redis.call('HSET', KEYS[1], 'body', ARGV[2], 'updatedAt', ARGV[6])
if redis.call('HGET', KEYS[1], 'status') ~= 'resolved' then
  redis.call('HSET', KEYS[1], 'status', ARGV[3], 'endsAt', ARGV[4])
end
redis.call('PEXPIRE', KEYS[1], ARGV[8])
local oldest = '(' .. ARGV[9]
local max = tonumber(ARGV[10])
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[7], ARGV[1])
  local dropped = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', oldest)
  local excess = redis.call('ZCARD', KEYS[i]) - #dropped - max
  if excess > 0 then
    local more = redis.call('ZRANGE', KEYS[i], #dropped, #dropped + excess - 1)
    for _, id in ipairs(more) do dropped[#dropped + 1] = id end
  end
  for _, id in ipairs(dropped) do
    redis.call('ZREM', KEYS[i], id)
    if i == 2 then redis.call('DEL', ARGV[11] .. id) end
  end
end
return { created, redis.call('HGET', KEYS[1], 'status'), redis.call('HGET', KEYS[1], 'endsAt'), redis.call('HGET', KEYS[1], 'receivedAt') }
`;
const RECORD_SHA = createHash('sha1').update(RECORD_LUA).digest('hex');

/** The alert fields kept in `body` (status, endsAt and receivedAt have their own hash fields). */
type AlertBody = Omit<StoredAlert, 'status' | 'endsAt' | 'receivedAt'>;

export function createRedisAlertStore(options: RedisAlertStoreOptions): AlertStore {
  const { redis, keyPrefix } = options;
  const now = options.now ?? Date.now;
  const maxAlerts = options.maxAlerts ?? MAX_ALERTS;
  const retentionMs = options.retentionMs ?? ALERT_RETENTION_MS;
  const recordPrefix = `${keyPrefix}alerts:alert:`;
  const byStart = `${keyPrefix}alerts:by-start`;
  const byService = (service: string) =>
    `${keyPrefix}alerts:by-service:${createHash('sha256').update(service).digest('hex').slice(0, 32)}`;

  const unavailable = (operation: string, cause: unknown): StoreError =>
    cause instanceof StoreError
      ? cause
      : new StoreError(
          'STORE_UNAVAILABLE',
          `alerts ${operation}: Redis failed: ${(cause as Error).message}`,
          {
            cause,
          },
        );

  const runRecord = async (keys: string[], args: string[]): Promise<unknown> => {
    try {
      return await redis.evalsha(RECORD_SHA, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(RECORD_LUA, keys.length, ...keys, ...args);
    }
  };

  const read = async (ids: readonly string[]): Promise<(StoredAlert | undefined)[]> => {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(recordPrefix + id);
    const answers = (await pipeline.exec()) ?? [];
    return answers.map(([error, fields], i) => {
      if (error) throw error;
      return decode(ids[i] as string, fields as Record<string, string>);
    });
  };

  return {
    async record(alert) {
      const { status, endsAt, receivedAt, ...body } = alert;
      const keys = [
        recordPrefix + alert.id,
        byStart,
        ...(alert.service === null ? [] : [byService(alert.service)]),
      ];
      let answer: unknown;
      try {
        answer = await runRecord(keys, [
          alert.id,
          JSON.stringify(body satisfies AlertBody),
          status,
          endsAt ?? '',
          receivedAt,
          alert.updatedAt,
          String(Date.parse(alert.startsAt)),
          String(Math.ceil(retentionMs)),
          String(now() - retentionMs),
          String(maxAlerts),
          recordPrefix,
        ]);
      } catch (error) {
        throw unavailable('record', error);
      }
      // Fields are missing (nil) only when the alert started before the retention and was dropped at once.
      const [created, storedStatus, storedEndsAt, storedReceivedAt] = answer as [
        number,
        string | null | undefined,
        string | null | undefined,
        string | null | undefined,
      ];
      return {
        created: created === 1,
        alert: {
          ...alert,
          status: (storedStatus ?? status) === 'resolved' ? 'resolved' : 'firing',
          endsAt:
            storedEndsAt === undefined || storedEndsAt === null
              ? endsAt
              : storedEndsAt === ''
                ? null
                : storedEndsAt,
          receivedAt: storedReceivedAt ?? receivedAt,
        },
      };
    },

    async list(filter) {
      const after = filter.cursor === undefined ? undefined : decodeAlertCursor(filter.cursor);
      const key = filter.service === undefined ? byStart : byService(filter.service);
      const max = Math.min(
        filter.toMs ?? Number.POSITIVE_INFINITY,
        after?.startsAtMs ?? Number.POSITIVE_INFINITY,
      );
      const min = filter.fromMs ?? Number.NEGATIVE_INFINITY;
      const items: StoredAlert[] = [];
      const batch = Math.max(100, 2 * filter.limit);
      try {
        for (let offset = 0; items.length <= filter.limit; offset += batch) {
          const raw = await redis.zrevrangebyscore(
            key,
            bound(max),
            bound(min),
            'WITHSCORES',
            'LIMIT',
            offset,
            batch,
          );
          const entries: AlertCursor[] = [];
          for (let i = 0; i + 1 < raw.length; i += 2) {
            entries.push({ id: raw[i] as string, startsAtMs: Number(raw[i + 1]) });
          }
          const wanted = entries.filter((entry) => after === undefined || isBefore(after, entry));
          const alerts = await read(wanted.map((entry) => entry.id));
          // An alert trimmed from the global index may linger in a service's: skipped.
          for (const alert of alerts)
            if (alert !== undefined && items.length <= filter.limit) items.push(alert);
          if (entries.length < batch) break;
        }
      } catch (error) {
        throw unavailable('list', error);
      }
      const page = items.slice(0, filter.limit);
      const last = page[page.length - 1];
      return {
        items: page,
        ...(items.length > filter.limit &&
          last !== undefined && {
            nextCursor: encodeAlertCursor({ startsAtMs: Date.parse(last.startsAt), id: last.id }),
          }),
      };
    },
  };
}

function bound(value: number): string {
  return value === Number.POSITIVE_INFINITY
    ? '+inf'
    : value === Number.NEGATIVE_INFINITY
      ? '-inf'
      : String(value);
}

function decode(id: string, fields: Record<string, string>): StoredAlert | undefined {
  if (fields['body'] === undefined) return undefined;
  let body: AlertBody;
  try {
    body = JSON.parse(fields['body']) as AlertBody;
  } catch (cause) {
    throw new StoreError('CORRUPT_RECORD', `alerts list: alert ${id} is not JSON this store wrote`, {
      cause,
    });
  }
  const endsAt = fields['endsAt'];
  return {
    ...body,
    status: fields['status'] === 'resolved' ? 'resolved' : 'firing',
    endsAt: endsAt === undefined || endsAt === '' ? null : endsAt,
    receivedAt: fields['receivedAt'] ?? body.updatedAt,
  };
}
