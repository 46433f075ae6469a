/**
 * The Lua scripts behind the Redis verification store's writes. Each runs atomically in Redis, so
 * the checks and the writes (record, judge state, status indexes, the decision message) happen
 * together or not at all, whatever the number of daemons. Replies are short status words.
 */
import { enqueueLua } from '../delivery/redis-outbox.js';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by SHA, loaded on first use (or after a Redis restart). */
export interface RedisScript {
  run(redis: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

function defineScript(source: string): RedisScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}

/**
 * Lua replacing the record's timeline entry (store/timeline-entry.ts): the member named by the
 * record's `timeline` field leaves the sorted set KEYS[index], ARGV[member] joins it with score
 * ARGV[score] (startedAt ms), and the field names the new member.
 */
function swapTimelineLua(index: number, score: number, member: number): string {
  return `
local previous = redis.call('HGET', KEYS[1], 'timeline')
if previous then redis.call('ZREM', KEYS[${index}], previous) end
redis.call('ZADD', KEYS[${index}], ARGV[${score}], ARGV[${member}])
redis.call('HSET', KEYS[1], 'timeline', ARGV[${member}])`;
}

/**
 * KEYS: record, judge state, timeline index, then every (lexicographic) index the new record belongs to.
 * ARGV: order key, judge state JSON, timeline score, timeline member, then the record's field/value pairs.
 * Reply: {1} when created, {0, existing fields} when the id exists.
 */
export const createScript = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('SET', KEYS[2], ARGV[2])
${swapTimelineLua(3, 3, 4)}
for i = 4, #KEYS do
  redis.call('ZADD', KEYS[i], 0, ARGV[1])
end
return {1}
`);

/** Status words shared by the scripts below. */
const STATUS_CHECK = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'NOT_FOUND' end
local decided = status == 'promote' or status == 'rollback' or status == 'inconclusive' or status == 'aborted'
if not decided and status ~= 'pending' and status ~= 'analyzing' then return 'CORRUPT' end
`;

/**
 * KEYS: record, judge state, pending index, analyzing index, timeline index.
 * ARGV: expected intervalsJudged, intervalsJudged, failedSteps, lastJudgement JSON, updatedAt,
 * judge state JSON, order key, timeline score, timeline member (status analyzing): written when
 * the record leaves pending, or has no entry yet (written before the timeline existed).
 * Reply: SAVED, STALE (another worker recorded it), DECIDED, NOT_FOUND or CORRUPT.
 */
export const saveStepScript = defineScript(`${STATUS_CHECK}
if decided then return 'DECIDED' end
local judged = redis.call('HGET', KEYS[1], 'intervalsJudged')
if not judged or not string.match(judged, '^%d+$') then return 'CORRUPT' end
if judged ~= ARGV[1] then return 'STALE' end
redis.call('HSET', KEYS[1], 'status', 'analyzing', 'intervalsJudged', ARGV[2], 'failedSteps', ARGV[3],
  'lastJudgement', ARGV[4], 'updatedAt', ARGV[5])
redis.call('SET', KEYS[2], ARGV[6])
if status == 'pending' then
  redis.call('ZREM', KEYS[3], ARGV[7])
  redis.call('ZADD', KEYS[4], 0, ARGV[7])
end
if status == 'pending' or redis.call('HEXISTS', KEYS[1], 'timeline') == 0 then
  ${swapTimelineLua(5, 8, 9)}
end
return 'SAVED'
`);

/**
 * KEYS: record, pending index, analyzing index, the outcome's index, then the outbox's due,
 * messages and attempts keys, then the timeline index.
 * ARGV: outcome, verdict JSON, updatedAt, order key, decision channel, id, now (ms), timeline
 * score, timeline member (with the verdict), then the verdict's outbox messages as (id, JSON)
 * pairs: enqueued with the verdict or not at all.
 * Reply: DECIDED (this call recorded it, and published the id), ALREADY_DECIDED, NOT_FOUND or CORRUPT.
 */
export const decideScript = defineScript(`${STATUS_CHECK}
if decided then return 'ALREADY_DECIDED' end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'verdict', ARGV[2], 'updatedAt', ARGV[3])
if status == 'pending' then
  redis.call('ZREM', KEYS[2], ARGV[4])
else
  redis.call('ZREM', KEYS[3], ARGV[4])
end
redis.call('ZADD', KEYS[4], 0, ARGV[4])
${swapTimelineLua(8, 8, 9)}
${enqueueLua(5, 10, 7)}
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 'DECIDED'
`);

/**
 * KEYS: record, evidence list. ARGV: evidence JSON, entries to keep.
 * Reply: APPENDED or NOT_FOUND.
 */
export const appendEvidenceScript = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'NOT_FOUND' end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
return 'APPENDED'
`);

/**
 * KEYS: record, timeline index. ARGV: timeline score, timeline member, the status it was made from.
 * Adds the entry of a record written before the timeline existed, unless the record has one by
 * now or changed status meanwhile (the write that changed it wrote its entry).
 * Reply: ADDED or SKIPPED.
 */
export const backfillTimelineScript = defineScript(`
if redis.call('HEXISTS', KEYS[1], 'timeline') == 1 then return 'SKIPPED' end
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[3] then return 'SKIPPED' end
${swapTimelineLua(2, 1, 2)}
return 'ADDED'
`);
