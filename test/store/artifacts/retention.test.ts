/** Retention: the pure eviction plan, then the sweep over a real filesystem store and Redis pins. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBundlePins, type BundlePins } from '../../../src/store/artifacts/bundle-pins.js';
import { createFilesystemArtifactStore } from '../../../src/store/artifacts/filesystem-artifact-store.js';
import { createRedisBundlePins } from '../../../src/store/artifacts/redis-bundle-pins.js';
import {
  bundleExpiry,
  planEviction,
  type BundleFacts,
  type RetentionPolicy,
} from '../../../src/store/artifacts/retention-plan.js';
import { sweepBundles } from '../../../src/store/artifacts/retention-sweeper.js';
import type { VerdictOutcome, Verification } from '../../../src/verification/verification.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-08T00:00:00Z');
const policy: RetentionPolicy = {
  retentionDays: { promote: 14, rollback: 90, inconclusive: 90, aborted: 14 },
};
const daysAgo = (days: number) => new Date(NOW - days * DAY).toISOString();

function bundle(
  id: string,
  outcome: VerdictOutcome | undefined,
  decidedDaysAgo: number,
  bytes = 100,
  pinned = false,
): BundleFacts {
  return {
    verificationId: id,
    bytes,
    pinned,
    ...(outcome !== undefined && { verdict: { outcome, decidedAt: daysAgo(decidedDaysAgo) } }),
  };
}

describe('retention plan', () => {
  it('expires each decided bundle after its verdict’s retention, rolled-back ones kept 90 days', () => {
    const plan = planEviction(
      [
        bundle('promoted-old', 'promote', 15),
        bundle('promoted-new', 'promote', 13),
        bundle('rollback-89', 'rollback', 89),
        bundle('rollback-91', 'rollback', 91),
        bundle('inconclusive-60', 'inconclusive', 60),
        bundle('running', undefined, 0),
      ],
      policy,
      NOW,
    );
    expect(plan.evict.map((e) => [e.verificationId, e.reason])).toEqual([
      ['promoted-old', 'expired'],
      ['rollback-91', 'expired'],
    ]);
  });

  it('never deletes a pinned bundle, however old', () => {
    const plan = planEviction([bundle('held', 'promote', 400, 100, true)], { ...policy, quotaBytes: 1 }, NOW);
    expect(plan.evict).toEqual([]);
    expect(plan.overQuotaBytes).toBe(99);
    expect(
      bundleExpiry({ pinned: true, verdict: { outcome: 'promote', decidedAt: daysAgo(1) } }, policy),
    ).toBeNull();
  });

  it('over the quota, deletes the oldest unpinned promoted bundles first, then aborted, never rolled back', () => {
    const plan = planEviction(
      [
        bundle('rollback-old', 'rollback', 30, 500),
        bundle('promoted-3', 'promote', 3, 300),
        bundle('promoted-5-pinned', 'promote', 5, 300, true),
        bundle('promoted-4', 'promote', 4, 300),
        bundle('aborted-1', 'aborted', 1, 300),
        bundle('promoted-1', 'promote', 1, 300),
      ],
      { ...policy, quotaBytes: 1200 },
      NOW,
    );
    // 2000 bytes; the oldest unpinned promoted go first (4 days, then 3): 1400; then promoted-1: 1100.
    expect(plan.evict.map((e) => e.verificationId)).toEqual(['promoted-4', 'promoted-3', 'promoted-1']);
    expect(plan.evict.every((e) => e.reason === 'quota')).toBe(true);
    expect(plan.overQuotaBytes).toBe(0);
  });

  it('reports what the quota could not free rather than touching rolled-back evidence', () => {
    const plan = planEviction(
      [
        bundle('rollback', 'rollback', 10, 900),
        bundle('promoted', 'promote', 1, 200),
        bundle('aborted', 'aborted', 2, 200),
      ],
      { ...policy, quotaBytes: 500 },
      NOW,
    );
    expect(plan.evict.map((e) => e.verificationId)).toEqual(['promoted', 'aborted']);
    expect(plan.overQuotaBytes).toBe(400);
  });
});

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});

let prefixes = 0;
describe.each([
  ['memory', () => createMemoryBundlePins()],
  ['redis', () => createRedisBundlePins(redis, `pins-${(prefixes += 1)}:`)],
] as [string, () => BundlePins][])('bundle pins (%s)', (_, create) => {
  it('pins, re-pins with a new reason, lists and unpins', async () => {
    const pins = create();
    const pin = {
      deploymentId: 'dep-1',
      reason: 'INC-1: checkout outage',
      pinnedBy: 'oncall',
      pinnedAt: daysAgo(0),
    };
    expect(await pins.pin(pin)).toEqual(pin);
    await pins.pin({ ...pin, reason: 'INC-1 and legal hold' });
    expect((await pins.get('dep-1'))?.reason).toBe('INC-1 and legal hold');
    expect([...(await pins.pinnedIds())]).toEqual(['dep-1']);
    expect(await pins.unpin('dep-1')).toBe(true);
    expect(await pins.unpin('dep-1')).toBe(false);
    expect(await pins.get('dep-1')).toBeUndefined();
  });
});

describe('retention sweep', () => {
  it('deletes expired and over-quota bundles from disk, keeps pinned and running ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-retention-'));
    try {
      const artifacts = createFilesystemArtifactStore(root);
      const verdicts = new Map<string, { outcome: VerdictOutcome; decidedAt: string }>([
        ['promoted-old', { outcome: 'promote', decidedAt: daysAgo(30) }],
        ['promoted-pinned', { outcome: 'promote', decidedAt: daysAgo(30) }],
        ['promoted-new', { outcome: 'promote', decidedAt: daysAgo(2) }],
        ['rolled-back', { outcome: 'rollback', decidedAt: daysAgo(30) }],
      ]);
      for (const id of [...verdicts.keys(), 'running', 'unknown'])
        await artifacts.put(id, 'steps/0001/answers.json', Buffer.alloc(1000, id.length));
      const pins = createRedisBundlePins(redis, 'sweep:');
      await pins.pin({
        deploymentId: 'promoted-pinned',
        reason: 'INC-7',
        pinnedBy: 'oncall',
        pinnedAt: daysAgo(1),
      });
      const store = {
        get: (id: string) =>
          Promise.resolve(
            id === 'unknown'
              ? undefined
              : ({
                  id,
                  verdict: verdicts.has(id) ? { ...verdicts.get(id), khis: [], reasons: [] } : null,
                } as unknown as Verification),
          ),
      };
      const swept: number[] = [];
      const report = await sweepBundles({
        artifacts,
        store,
        pins,
        policy: { ...policy, quotaBytes: 3500 },
        now: () => NOW,
        logger: pino({ level: 'silent' }),
        onSwept: (r) => swept.push(r.bytes),
      });
      expect(report.evicted.map((e) => [e.verificationId, e.reason])).toEqual([
        ['promoted-old', 'expired'],
        ['promoted-new', 'quota'],
      ]);
      const left = (await artifacts.bundles()).map((b) => b.verificationId).sort();
      expect(left).toEqual(['promoted-pinned', 'rolled-back', 'running', 'unknown']);
      expect(report.bytes).toBe(4000);
      expect(report.overQuotaBytes).toBe(500);
      expect(swept).toEqual([4000]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
