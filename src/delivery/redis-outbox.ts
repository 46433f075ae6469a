/**
 * The outbox on Redis. Keys (all under the store's prefix):
 * - `outbox:due` — sorted set of waiting message ids by the time they are due (ms); a claimed
 *   message is pushed to the end of its lease, so a daemon that dies mid-delivery only delays it;
 * - `outbox:messages` — hash id → the message as enqueued (JSON, never rewritten);
 * - `outbox:attempts`, `outbox:errors` — hashes id → attempts started, last error;
 * - `outbox:dead` — sorted set of dead letters by the time they died.
 * The verification store enqueues inside its `decide` script (`outboxKeys` names the keys), so a
 * verdict is never recorded without its messages.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Outbox, OutboxMessage, StoredMessage } from './outbox.js';

export function outboxKeys(prefix: string) {
  return {
    due: `${prefix}outbox:due`,
    messages: `${prefix}outbox:messages`,
    attempts: `${prefix}outbox:attempts`,
    errors: `${prefix}outbox:errors`,
    dead: `${prefix}outbox:dead`,
  };
}

/**
 * Lua that enqueues messages given as ARGV pairs (id, JSON) from index `firstArg`, due at
 * ARGV[dueArg]; KEYS[firstKey..+2] are due, messages, attempts. Idempotent: a message already
 * there (or dead) is left alone.
 */
export function enqueueLua(firstKey: number, firstArg: number, dueArg: number): string {
  const [due, messages, attempts] = [firstKey, firstKey + 1, firstKey + 2];
  return `
for i = ${firstArg}, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[${messages}], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[${due}], ARGV[${dueArg}], ARGV[i])
    redis.call('HSET', KEYS[${attempts}], ARGV[i], 0)
  end
end`;
}

// A due id without its message (it cannot be delivered) is dropped rather than handed out.
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  if redis.call('HEXISTS', KEYS[2], id) == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
  else
  redis.call('ZADD', KEYS[1], ARGV[3], id)
  local attempts = redis.call('HINCRBY', KEYS[3], id, 1)
  table.insert(out, id)
  table.insert(out, redis.call('HGET', KEYS[2], id) or '')
  table.insert(out, attempts)
  table.insert(out, redis.call('HGET', KEYS[4], id) or '')
  end
end
return out`;

const REDELIVER = `
if redis.call('HEXISTS', KEYS[5], ARGV[1]) == 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], 0)
redis.call('HDEL', KEYS[4], ARGV[1])
return 1`;

// Only a message still waiting (not completed or buried by another daemon meanwhile) moves.
const BURY = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1`;

const RETRY = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1`;

export function createRedisOutbox(redis: Redis, prefix: string): Outbox {
  const keys = outboxKeys(prefix);
  const decode = (
    id: string,
    text: string,
    attempts: number,
    lastError: string,
    deadAtMs?: number,
  ): StoredMessage => {
    let message: OutboxMessage;
    try {
      message = JSON.parse(text) as OutboxMessage;
    } catch {
      throw new Error(`outbox: message ${id} is not JSON`);
    }
    if (typeof message.body !== 'string' || typeof message.notifier !== 'string')
      throw new Error(`outbox: message ${id} lacks its notifier or body`);
    return {
      ...message,
      id,
      attempts,
      ...(lastError !== '' && { lastError }),
      ...(deadAtMs !== undefined && { deadAt: new Date(deadAtMs).toISOString() }),
    };
  };
  const enqueueSource = enqueueLua(1, 2, 1);
  return {
    async enqueue(messages, nowMs) {
      if (messages.length === 0) return;
      await evalScript(
        redis,
        enqueueSource,
        [keys.due, keys.messages, keys.attempts],
        [String(nowMs), ...messages.flatMap((message) => [message.id, JSON.stringify(message)])],
      );
    },
    async claim(nowMs, limit, leaseMs) {
      const flat = (await evalScript(
        redis,
        CLAIM,
        [keys.due, keys.messages, keys.attempts, keys.errors],
        [String(nowMs), String(limit), String(nowMs + leaseMs)],
      )) as (string | number)[];
      const claimed: StoredMessage[] = [];
      for (let i = 0; i < flat.length; i += 4) {
        const id = String(flat[i]);
        try {
          claimed.push(decode(id, String(flat[i + 1]), Number(flat[i + 2]), String(flat[i + 3])));
        } catch (error) {
          // One unreadable message goes to the dead letters; it must not hold up the others.
          await evalScript(
            redis,
            BURY,
            [keys.due, keys.dead, keys.errors],
            [id, String(nowMs), (error as Error).message],
          );
        }
      }
      return claimed;
    },
    async complete(id) {
      await redis
        .multi()
        .zrem(keys.due, id)
        .zrem(keys.dead, id)
        .hdel(keys.messages, id)
        .hdel(keys.attempts, id)
        .hdel(keys.errors, id)
        .exec();
    },
    async retry(id, dueMs, error) {
      await evalScript(redis, RETRY, [keys.due, keys.errors], [id, String(dueMs), error]);
    },
    async bury(id, error, nowMs) {
      await evalScript(redis, BURY, [keys.due, keys.dead, keys.errors], [id, String(nowMs), error]);
    },
    async dead(limit) {
      const entries = await redis.zrange(keys.dead, '0', String(limit - 1), 'WITHSCORES');
      const result: StoredMessage[] = [];
      for (let i = 0; i < entries.length; i += 2) {
        const id = entries[i] as string;
        const [text, attempts, error] = await Promise.all([
          redis.hget(keys.messages, id),
          redis.hget(keys.attempts, id),
          redis.hget(keys.errors, id),
        ]);
        if (text !== null)
          result.push(decode(id, text, Number(attempts ?? 0), error ?? '', Number(entries[i + 1])));
      }
      return result;
    },
    async redeliver(id, nowMs) {
      return (
        (await evalScript(
          redis,
          REDELIVER,
          [keys.dead, keys.due, keys.attempts, keys.errors, keys.messages],
          [id, String(nowMs)],
        )) === 1
      );
    },
    async counts() {
      const [pending, dead] = await Promise.all([redis.zcard(keys.due), redis.zcard(keys.dead)]);
      return { pending, dead };
    },
  };
}

const shas = new Map<string, string>();

async function evalScript(
  redis: Redis,
  source: string,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  let sha = shas.get(source);
  if (sha === undefined) shas.set(source, (sha = createHash('sha1').update(source).digest('hex')));
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return await redis.eval(source, keys.length, ...keys, ...args);
  }
}
