/**
 * The verification-store contract: one suite run against every implementation (memory, Redis).
 * `setup` gives a fresh, empty store per test and `peers` more handles on the same data (separate
 * connections for Redis) to race against each other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { valuesFromHistogram } from '../../src/analysis/histogram-values.js';
import { judgeInterval } from '../../src/analysis/judge/judge-interval.js';
import type { HistogramCounters } from '../../src/analysis/observations.js';
import { StoreError, type StoreErrorCode } from '../../src/store/store-error.js';
import type { VerificationStore } from '../../src/store/verification-store.js';
import type { Verification } from '../../src/verification/verification.js';
import {
  minutesAfter,
  ruleSet,
  sampleJudgeState,
  sampleStep,
  sampleVerdict,
  sampleVerification,
} from './sample-verification.js';

export interface StoreUnderTest {
  readonly store: VerificationStore;
  /** `count` more stores on the same data. */
  peers(count: number): Promise<readonly VerificationStore[]>;
  /** Closes everything and removes the data. */
  dispose(): Promise<void>;
}

export interface StoreSetupOptions {
  readonly evidenceLimit?: number;
}

const T0 = '2026-03-01T12:00:00.000Z';

async function expectStoreError(promise: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

/** Registers the contract tests for one implementation. */
export function describeVerificationStoreContract(
  name: string,
  setup: (options?: StoreSetupOptions) => Promise<StoreUnderTest>,
): void {
  describe(`${name}: VerificationStore contract`, () => {
    let subject: StoreUnderTest;
    let store: VerificationStore;
    const disposeLater: StoreUnderTest[] = [];
    beforeEach(async () => {
      subject = await setup();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
      for (const other of disposeLater.splice(0)) await other.dispose();
    });
    const createAt = async (
      id: string,
      minutes: number,
      extra: { service?: string; environment?: string } = {},
    ) =>
      (
        await store.create(
          sampleVerification({ id, createdAt: minutesAfter(T0, minutes), ...extra }),
          sampleJudgeState(),
        )
      ).verification;
    const ids = (items: readonly Verification[]) => items.map((item) => item.id);

    describe('create and get', () => {
      it('creates a verification and reads back exactly what was stored', async () => {
        const verification = sampleVerification({ id: 'dep-1' });
        const result = await store.create(verification, sampleJudgeState());
        expect(result).toEqual({ created: true, verification });
        expect(await store.get('dep-1')).toEqual(verification);
        expect(await store.getJudgeState('dep-1')).toEqual(sampleJudgeState());
      });

      it('returns the stored verification, unchanged, when the id exists', async () => {
        const first = sampleVerification({ id: 'dep-1', markerSha256: '1'.repeat(64) });
        await store.create(first, sampleJudgeState());
        const retry = await store.create(
          sampleVerification({ id: 'dep-1', markerSha256: '2'.repeat(64) }),
          sampleJudgeState(),
        );
        expect(retry).toEqual({ created: false, verification: first });
        expect(await store.get('dep-1')).toEqual(first);
      });

      it('creates a verification once when the same id is created concurrently', async () => {
        const peers = await subject.peers(8);
        const results = await Promise.all(
          peers.map((peer, index) =>
            peer.create(
              sampleVerification({ id: 'dep-1', markerSha256: String(index).repeat(64) }),
              sampleJudgeState(),
            ),
          ),
        );
        const winners = results.filter((result) => result.created);
        expect(winners).toHaveLength(1);
        for (const result of results) expect(result.verification).toEqual(winners[0]?.verification);
        expect((await store.countByStatus()).pending).toBe(1);
      });

      it('returns undefined, no judge state and no evidence for an unknown id', async () => {
        expect(await store.get('nope')).toBeUndefined();
        expect(await store.getJudgeState('nope')).toBeUndefined();
        expect(await store.listEvidence('nope')).toEqual([]);
      });

      it('rejects a verification it could not read back, storing nothing', async () => {
        const bad = { ...sampleVerification({ id: 'dep-1' }), status: 'exploded' } as unknown as Verification;
        await expectStoreError(store.create(bad, sampleJudgeState()), 'INVALID_INPUT');
        const badTime = sampleVerification({ id: 'dep-2', createdAt: 'yesterday' });
        await expectStoreError(store.create(badTime, sampleJudgeState()), 'INVALID_INPUT');
        expect(await store.get('dep-1')).toBeUndefined();
        expect(await store.get('dep-2')).toBeUndefined();
        expect((await store.list({ limit: 10 })).items).toEqual([]);
      });
    });

    describe('list', () => {
      it('lists newest first, ties broken by id (descending)', async () => {
        await createAt('b', 0);
        await createAt('c', 2);
        await createAt('a', 1);
        await createAt('d', 1);
        expect(ids((await store.list({ limit: 10 })).items)).toEqual(['c', 'd', 'a', 'b']);
      });

      it('pages with an opaque cursor until the last page, which has no cursor', async () => {
        for (let index = 0; index < 7; index += 1) await createAt(`dep-${index}`, index % 3);
        const pages: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ limit: 3, ...(cursor !== undefined && { cursor }) });
          pages.push(ids(page.items));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(ids((await store.list({ limit: 500 })).items));
        expect(new Set(pages.flat()).size).toBe(7);
      });

      it('gives no cursor when the page is exactly full', async () => {
        await createAt('a', 0);
        await createAt('b', 1);
        const page = await store.list({ limit: 2 });
        expect(ids(page.items)).toEqual(['b', 'a']);
        expect(page.nextCursor).toBeUndefined();
      });

      it('filters by service, environment, status and since, alone and together', async () => {
        await createAt('co-prod-1', 0, { service: 'checkout', environment: 'production' });
        await createAt('co-stag-1', 1, { service: 'checkout', environment: 'staging' });
        await createAt('ca-prod-1', 2, { service: 'cart', environment: 'production' });
        await createAt('co-prod-2', 3, { service: 'checkout', environment: 'production' });
        await store.decide('co-prod-1', sampleVerdict('rollback'));
        await store.saveStep('co-prod-2', sampleStep(sampleJudgeState()));
        const list = async (filter: Parameters<VerificationStore['list']>[0]) =>
          ids((await store.list(filter)).items);
        expect(await list({ limit: 10, service: 'checkout' })).toEqual([
          'co-prod-2',
          'co-stag-1',
          'co-prod-1',
        ]);
        expect(await list({ limit: 10, environment: 'production' })).toEqual([
          'co-prod-2',
          'ca-prod-1',
          'co-prod-1',
        ]);
        expect(await list({ limit: 10, service: 'checkout', environment: 'production' })).toEqual([
          'co-prod-2',
          'co-prod-1',
        ]);
        expect(await list({ limit: 10, status: 'pending' })).toEqual(['ca-prod-1', 'co-stag-1']);
        expect(await list({ limit: 10, status: 'analyzing' })).toEqual(['co-prod-2']);
        expect(await list({ limit: 10, status: 'rollback' })).toEqual(['co-prod-1']);
        expect(await list({ limit: 10, status: 'promote' })).toEqual([]);
        expect(await list({ limit: 10, since: minutesAfter(T0, 2) })).toEqual(['co-prod-2', 'ca-prod-1']);
        expect(await list({ limit: 10, service: 'checkout', status: 'pending' })).toEqual(['co-stag-1']);
        expect(await list({ limit: 10, service: 'checkout', since: minutesAfter(T0, 1) })).toEqual([
          'co-prod-2',
          'co-stag-1',
        ]);
        expect(await list({ limit: 10, service: 'unknown' })).toEqual([]);
      });

      it('pages through a filtered list spread among many others', async () => {
        for (let index = 0; index < 130; index += 1) {
          await createAt(`dep-${String(index).padStart(3, '0')}`, index, {
            service: index % 10 === 0 ? 'rare' : 'common',
          });
        }
        await store.decide('dep-050', sampleVerdict('promote'));
        await store.decide('dep-120', sampleVerdict('promote'));
        const first = await store.list({ limit: 5, environment: 'production', status: 'promote' });
        expect(ids(first.items)).toEqual(['dep-120', 'dep-050']);
        const rare: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({
            limit: 4,
            service: 'rare',
            ...(cursor !== undefined && { cursor }),
          });
          rare.push(...ids(page.items));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(rare).toEqual([
          'dep-120',
          'dep-110',
          'dep-100',
          'dep-090',
          'dep-080',
          'dep-070',
          'dep-060',
          'dep-050',
          'dep-040',
          'dep-030',
          'dep-020',
          'dep-010',
          'dep-000',
        ]);
        const all = await store.list({ limit: 500 });
        expect(all.items).toHaveLength(130);
        expect(all.nextCursor).toBeUndefined();
      });

      it('rejects a foreign cursor, a bad limit, a bad since and an unknown status', async () => {
        await expectStoreError(store.list({ limit: 10, cursor: 'not-a-cursor' }), 'INVALID_CURSOR');
        await expectStoreError(
          store.list({ limit: 10, cursor: Buffer.from('v1:12:x').toString('base64url') }),
          'INVALID_CURSOR',
        );
        await expectStoreError(store.list({ limit: 0 }), 'INVALID_INPUT');
        await expectStoreError(store.list({ limit: 501 }), 'INVALID_INPUT');
        await expectStoreError(store.list({ limit: 1.5 }), 'INVALID_INPUT');
        await expectStoreError(store.list({ limit: 10, since: 'last tuesday' }), 'INVALID_INPUT');
        await expectStoreError(store.list({ limit: 10, status: 'done' as never }), 'INVALID_INPUT');
      });
    });

    describe('saveStep', () => {
      it('records a step, moving pending to analyzing', async () => {
        await createAt('dep-1', 0);
        const step = sampleStep(sampleJudgeState(), 2);
        expect(await store.saveStep('dep-1', step)).toBe(true);
        const saved = await store.get('dep-1');
        expect(saved).toMatchObject({
          status: 'analyzing',
          intervalsJudged: 1,
          failedSteps: 2,
          lastJudgement: step.lastJudgement,
        });
        expect(saved?.updatedAt).not.toBe(saved?.createdAt);
        expect(await store.getJudgeState('dep-1')).toEqual(step.judgeState);
        const next = sampleStep(step.judgeState);
        expect(await store.saveStep('dep-1', next)).toBe(true);
        expect(await store.get('dep-1')).toMatchObject({
          status: 'analyzing',
          intervalsJudged: 2,
          failedSteps: 0,
        });
      });

      it('keeps histogram KHIs as their counters and gives back the same values, bit for bit', async () => {
        await createAt('dep-1', 0);
        const counters = (scale: number): HistogramCounters => ({
          le: [0.05, 0.1, 0.25, '+Inf'],
          counts: [400 * scale, 900 * scale, 1190 * scale, 1200 * scale],
          maxValues: 200_000,
        });
        const judged = judgeInterval(ruleSet, sampleJudgeState(), {
          khis: {
            'error-rate': { baseline: { events: 1, total: 1000 }, canary: { events: 1, total: 1000 } },
            latency: {
              baseline: { values: valuesFromHistogram(counters(1)), histogram: counters(1) },
              canary: { values: valuesFromHistogram(counters(2)), histogram: counters(2) },
            },
          },
        });
        expect(judged.state.khis['latency']?.canary.values).toHaveLength(2400);
        const step = {
          expectedIntervalsJudged: 0,
          intervalsJudged: 1,
          failedSteps: 0,
          judgeState: judged.state,
          lastJudgement: judged.judgement,
        };
        expect(await store.saveStep('dep-1', step)).toBe(true);
        expect(await store.getJudgeState('dep-1')).toEqual(judged.state);
      });

      it('refuses a step whose expected intervalsJudged is stale, changing nothing', async () => {
        await createAt('dep-1', 0);
        const step = sampleStep(sampleJudgeState());
        expect(await store.saveStep('dep-1', step)).toBe(true);
        const before = await store.get('dep-1');
        expect(await store.saveStep('dep-1', step)).toBe(false);
        expect(await store.get('dep-1')).toEqual(before);
        expect(await store.getJudgeState('dep-1')).toEqual(step.judgeState);
      });

      it('records a step raced by several workers exactly once', async () => {
        await createAt('dep-1', 0);
        const peers = await subject.peers(10);
        const step = sampleStep(sampleJudgeState());
        const results = await Promise.all(peers.map((peer) => peer.saveStep('dep-1', step)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get('dep-1')).toMatchObject({ intervalsJudged: 1 });
      });

      it('refuses steps once decided', async () => {
        await createAt('dep-1', 0);
        expect(await store.decide('dep-1', sampleVerdict('aborted'))).toBe(true);
        expect(await store.saveStep('dep-1', sampleStep(sampleJudgeState()))).toBe(false);
        expect(await store.get('dep-1')).toMatchObject({ status: 'aborted', intervalsJudged: 0 });
        expect(await store.getJudgeState('dep-1')).toEqual(sampleJudgeState());
      });

      it('throws VERIFICATION_NOT_FOUND for an unknown id, creating nothing', async () => {
        await expectStoreError(
          store.saveStep('nope', sampleStep(sampleJudgeState())),
          'VERIFICATION_NOT_FOUND',
        );
        expect(await store.get('nope')).toBeUndefined();
        expect(await store.getJudgeState('nope')).toBeUndefined();
      });

      it('rejects an inconsistent update, changing nothing', async () => {
        await createAt('dep-1', 0);
        const step = sampleStep(sampleJudgeState());
        await expectStoreError(store.saveStep('dep-1', { ...step, intervalsJudged: 5 }), 'INVALID_INPUT');
        await expectStoreError(store.saveStep('dep-1', { ...step, failedSteps: -1 }), 'INVALID_INPUT');
        await expectStoreError(
          store.saveStep('dep-1', { ...step, judgeState: null as never }),
          'INVALID_INPUT',
        );
        expect(await store.get('dep-1')).toMatchObject({ status: 'pending', intervalsJudged: 0 });
      });
    });

    describe('decide', () => {
      it('records the verdict and its outcome as the status', async () => {
        await createAt('dep-1', 0);
        await store.saveStep('dep-1', sampleStep(sampleJudgeState()));
        const verdict = sampleVerdict('rollback');
        expect(await store.decide('dep-1', verdict)).toBe(true);
        expect(await store.get('dep-1')).toMatchObject({ status: 'rollback', verdict, intervalsJudged: 1 });
      });

      it('records only the first verdict', async () => {
        await createAt('dep-1', 0);
        expect(await store.decide('dep-1', sampleVerdict('promote'))).toBe(true);
        expect(await store.decide('dep-1', sampleVerdict('rollback'))).toBe(false);
        expect(await store.get('dep-1')).toMatchObject({
          status: 'promote',
          verdict: sampleVerdict('promote'),
        });
      });

      it('decides exactly once when 20 deciders race', async () => {
        await createAt('dep-1', 0);
        const peers = await subject.peers(20);
        const outcomes = ['promote', 'rollback', 'inconclusive', 'aborted'] as const;
        const verdicts = peers.map((_, index) =>
          sampleVerdict(outcomes[index % 4] ?? 'aborted', `decider ${index}`),
        );
        const results = await Promise.all(
          peers.map((peer, index) => peer.decide('dep-1', verdicts[index] ?? sampleVerdict('aborted'))),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = verdicts[results.indexOf(true)];
        expect(await store.get('dep-1')).toMatchObject({ status: winner?.outcome, verdict: winner });
        const counts = await store.countByStatus();
        expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(1);
      });

      it('throws VERIFICATION_NOT_FOUND for an unknown id, creating nothing', async () => {
        await expectStoreError(store.decide('nope', sampleVerdict('aborted')), 'VERIFICATION_NOT_FOUND');
        expect(await store.get('nope')).toBeUndefined();
        expect((await store.list({ limit: 10 })).items).toEqual([]);
        expect(await store.countByStatus()).toMatchObject({ aborted: 0 });
      });

      it('rejects a malformed verdict, changing nothing', async () => {
        await createAt('dep-1', 0);
        await expectStoreError(
          store.decide('dep-1', { ...sampleVerdict('promote'), outcome: 'analyzing' as never }),
          'INVALID_INPUT',
        );
        await expectStoreError(
          store.decide('dep-1', { ...sampleVerdict('promote'), reasons: 'fine' as never }),
          'INVALID_INPUT',
        );
        expect(await store.get('dep-1')).toMatchObject({ status: 'pending', verdict: null });
      });
    });

    describe('waitForDecision', () => {
      it('resolves promptly when another handle decides', async () => {
        await createAt('dep-1', 0);
        const [decider] = await subject.peers(1);
        const started = performance.now();
        const waiting = store.waitForDecision('dep-1', 10_000);
        setTimeout(() => void decider?.decide('dep-1', sampleVerdict('promote')), 50);
        const decided = await waiting;
        expect(decided).toMatchObject({ status: 'promote', verdict: sampleVerdict('promote') });
        expect(performance.now() - started).toBeLessThan(2_000);
      });

      it('wakes every waiter', async () => {
        await createAt('dep-1', 0);
        const waiting = [store.waitForDecision('dep-1', 10_000), store.waitForDecision('dep-1', 10_000)];
        await new Promise((resolve) => setTimeout(resolve, 30));
        await store.decide('dep-1', sampleVerdict('rollback'));
        for (const result of await Promise.all(waiting)) expect(result?.status).toBe('rollback');
      });

      it('returns the current state when the time is up', async () => {
        await createAt('dep-1', 0);
        await store.saveStep('dep-1', sampleStep(sampleJudgeState()));
        const started = performance.now();
        const result = await store.waitForDecision('dep-1', 150);
        const elapsedMs = performance.now() - started;
        expect(result).toMatchObject({ status: 'analyzing', intervalsJudged: 1 });
        expect(elapsedMs).toBeGreaterThanOrEqual(140);
        expect(elapsedMs).toBeLessThan(2_000);
      });

      it('returns at once when already decided, and undefined for an unknown id', async () => {
        await createAt('dep-1', 0);
        await store.decide('dep-1', sampleVerdict('aborted'));
        const started = performance.now();
        expect(await store.waitForDecision('dep-1', 10_000)).toMatchObject({ status: 'aborted' });
        expect(await store.waitForDecision('nope', 10_000)).toBeUndefined();
        expect(performance.now() - started).toBeLessThan(1_000);
      });

      it('rejects a negative timeout', async () => {
        await expectStoreError(store.waitForDecision('dep-1', -1), 'INVALID_INPUT');
      });
    });

    describe('evidence', () => {
      it('appends and lists evidence in order', async () => {
        await createAt('dep-1', 0);
        const entries = [1, 2, 3].map((interval) => ({
          interval,
          recordedAt: minutesAfter(T0, interval),
          queries: [
            {
              khi: 'error-rate',
              group: 'canary',
              query: 'sum(increase(x[60s]))',
              answer: { status: 'success' },
            },
          ],
        }));
        for (const entry of entries) await store.appendEvidence('dep-1', entry);
        expect(await store.listEvidence('dep-1')).toEqual(entries);
      });

      it('keeps only the newest entries beyond the limit', async () => {
        const capped = await setup({ evidenceLimit: 3 });
        disposeLater.push(capped);
        await capped.store.create(sampleVerification({ id: 'dep-1' }), sampleJudgeState());
        for (let interval = 1; interval <= 5; interval += 1) {
          await capped.store.appendEvidence('dep-1', { interval, recordedAt: minutesAfter(T0, interval) });
        }
        expect((await capped.store.listEvidence('dep-1')).map((entry) => entry.interval)).toEqual([3, 4, 5]);
      });

      it('refuses evidence for an unknown id or without interval, storing nothing', async () => {
        await expectStoreError(
          store.appendEvidence('nope', { interval: 1, recordedAt: T0 }),
          'VERIFICATION_NOT_FOUND',
        );
        expect(await store.listEvidence('nope')).toEqual([]);
        await createAt('dep-1', 0);
        await expectStoreError(store.appendEvidence('dep-1', { recordedAt: T0 } as never), 'INVALID_INPUT');
        expect(await store.listEvidence('dep-1')).toEqual([]);
      });
    });

    describe('countByStatus and listActive', () => {
      it('counts every status as verifications move through them', async () => {
        expect(await store.countByStatus()).toEqual({
          pending: 0,
          analyzing: 0,
          promote: 0,
          rollback: 0,
          inconclusive: 0,
          aborted: 0,
        });
        for (let index = 0; index < 5; index += 1) await createAt(`dep-${index}`, index);
        await store.saveStep('dep-1', sampleStep(sampleJudgeState()));
        await store.saveStep('dep-2', sampleStep(sampleJudgeState()));
        await store.decide('dep-2', sampleVerdict('rollback'));
        await store.decide('dep-3', sampleVerdict('promote'));
        expect(await store.countByStatus()).toEqual({
          pending: 2,
          analyzing: 1,
          promote: 1,
          rollback: 1,
          inconclusive: 0,
          aborted: 0,
        });
      });

      it('lists the undecided ids, oldest first', async () => {
        await createAt('dep-b', 1);
        await createAt('dep-a', 2);
        await createAt('dep-c', 0);
        await createAt('dep-d', 3);
        await store.saveStep('dep-a', sampleStep(sampleJudgeState()));
        await store.decide('dep-d', sampleVerdict('inconclusive'));
        expect(await store.listActive()).toEqual(['dep-c', 'dep-b', 'dep-a']);
      });
    });

    describe('listTimeline', () => {
      const range = (fromMinutes: number, toMinutes: number) => ({
        fromMs: Date.parse(minutesAfter(T0, fromMinutes)),
        toMs: Date.parse(minutesAfter(T0, toMinutes)),
      });

      it('lists the deployments started in the range, newest first, as compact entries', async () => {
        await createAt('b', 0, { service: 'cart' });
        await createAt('c', 2);
        await createAt('a', 1);
        await createAt('d', 1);
        await createAt('later', 10);
        const entries = await store.listTimeline(range(0, 2));
        expect(entries.map((entry) => entry.id)).toEqual(['c', 'd', 'a', 'b']);
        expect(entries[3]).toEqual({
          id: 'b',
          service: 'cart',
          environment: 'production',
          version: 'v2.0.1',
          strategy: 'canary',
          startedAtMs: Date.parse(T0),
          status: 'pending',
          decidedAtMs: null,
          score: null,
          reason: null,
        });
        expect(await store.listTimeline(range(3, 9))).toEqual([]);
      });

      it('follows each verification through analyzing to its verdict', async () => {
        await createAt('dep-1', 0);
        await createAt('dep-2', 1);
        await createAt('dep-3', 2);
        await store.saveStep('dep-1', sampleStep(sampleJudgeState()));
        await store.saveStep('dep-2', sampleStep(sampleJudgeState()));
        await store.decide('dep-2', sampleVerdict('rollback', 'critical KHI error-rate failed'));
        await store.decide('dep-3', sampleVerdict('promote'));
        const byId = new Map((await store.listTimeline(range(0, 5))).map((entry) => [entry.id, entry]));
        expect(byId.get('dep-1')).toMatchObject({ status: 'analyzing', decidedAtMs: null, reason: null });
        expect(byId.get('dep-2')).toMatchObject({
          status: 'rollback',
          decidedAtMs: Date.parse('2026-01-01T00:05:00.000Z'),
          score: null,
          reason: 'critical KHI error-rate failed',
        });
        expect(byId.get('dep-3')).toMatchObject({ status: 'promote', score: 100, reason: 'decided promote' });
        expect(byId.size).toBe(3);
      });

      it('keeps one entry per verification whatever the number of steps and racing verdicts', async () => {
        await createAt('dep-1', 0);
        let state = sampleJudgeState();
        for (let step = 0; step < 3; step += 1) {
          const update = sampleStep(state);
          await store.saveStep('dep-1', update);
          state = update.judgeState;
        }
        const peers = await subject.peers(4);
        await Promise.all(peers.map((peer) => peer.decide('dep-1', sampleVerdict('rollback'))));
        const entries = await store.listTimeline(range(-1, 1));
        expect(entries.map((entry) => [entry.id, entry.status])).toEqual([['dep-1', 'rollback']]);
      });

      it('refuses a range that ends before it starts', async () => {
        await expectStoreError(store.listTimeline({ fromMs: 10, toMs: 9 }), 'INVALID_INPUT');
        await expectStoreError(store.listTimeline({ fromMs: 0.5, toMs: 9 }), 'INVALID_INPUT');
      });
    });
  });
}
