/**
 * The AlertStore contract, run against every implementation (memory and Redis): one alert per
 * fingerprint and start, resolved stays resolved, newest first, pages, service filter, bounds.
 */
import { describe, expect, it } from 'vitest';
import { alertId, type AlertStore, type StoredAlert } from '../../src/store/alert-store.js';

const T0 = Date.parse('2026-11-28T10:00:00.000Z');

/** An alert as the receiver stores it; `overrides` replace fields. */
export function storedAlert(
  fingerprint: string,
  startsAtMs: number,
  overrides: Partial<StoredAlert> = {},
): StoredAlert {
  const at = new Date(startsAtMs).toISOString();
  return {
    id: alertId(fingerprint, startsAtMs),
    fingerprint,
    name: 'HighErrorRate',
    status: 'firing',
    service: 'checkout',
    environment: 'production',
    startsAt: at,
    endsAt: null,
    labels: { alertname: 'HighErrorRate', service: 'checkout' },
    annotations: { summary: 'errors' },
    generatorURL: 'http://prometheus/graph?g0.expr=x',
    receiver: 'vigil',
    externalURL: 'http://alertmanager:9093',
    receivedAt: at,
    updatedAt: at,
    candidates: [],
    reason: 'no deployment',
    ...overrides,
  };
}

export interface AlertStoreFactoryOptions {
  readonly now: () => number;
  readonly maxAlerts?: number;
  readonly retentionMs?: number;
}

/** Runs the contract against `create`. */
export function describeAlertStoreContract(
  name: string,
  create: (options: AlertStoreFactoryOptions) => AlertStore,
): void {
  describe(`alert store contract (${name})`, () => {
    const now = () => T0 + 3_600_000;

    it('stores a re-sent alert once, keeping the first receipt and resolving it', async () => {
      const store = create({ now });
      const first = await store.record(storedAlert('a1', T0, { receivedAt: '2026-11-28T10:00:05.000Z' }));
      expect(first.created).toBe(true);
      const again = await store.record(
        storedAlert('a1', T0, {
          updatedAt: '2026-11-28T10:05:00.000Z',
          receivedAt: '2026-11-28T10:05:00.000Z',
        }),
      );
      expect(again.created).toBe(false);
      expect(again.alert.receivedAt).toBe('2026-11-28T10:00:05.000Z');
      const resolved = await store.record(
        storedAlert('a1', T0, {
          status: 'resolved',
          endsAt: '2026-11-28T10:09:00.000Z',
          reason: 'recomputed',
        }),
      );
      expect(resolved.alert).toMatchObject({ status: 'resolved', endsAt: '2026-11-28T10:09:00.000Z' });
      const page = await store.list({ limit: 10 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        id: 'a1-' + T0,
        status: 'resolved',
        endsAt: '2026-11-28T10:09:00.000Z',
        receivedAt: '2026-11-28T10:00:05.000Z',
        reason: 'recomputed',
      });
    });

    it('keeps a resolved alert resolved when a late firing copy arrives', async () => {
      const store = create({ now });
      await store.record(storedAlert('a2', T0, { status: 'resolved', endsAt: '2026-11-28T10:09:00.000Z' }));
      const late = await store.record(storedAlert('a2', T0));
      expect(late.alert).toMatchObject({ status: 'resolved', endsAt: '2026-11-28T10:09:00.000Z' });
    });

    it('treats a new start of the same fingerprint as another alert', async () => {
      const store = create({ now });
      await store.record(storedAlert('a3', T0));
      await store.record(storedAlert('a3', T0 + 60_000));
      expect((await store.list({ limit: 10 })).items.map((a) => a.id)).toEqual([
        `a3-${T0 + 60_000}`,
        `a3-${T0}`,
      ]);
    });

    it('lists newest first by start, filtered by range and service, in pages', async () => {
      const store = create({ now });
      for (let i = 0; i < 7; i += 1) {
        await store.record(
          storedAlert(`f${i}`, T0 + i * 60_000, { service: i % 2 === 0 ? 'checkout' : 'cart' }),
        );
      }
      await store.record(storedAlert('g0', T0 + 3 * 60_000, { service: null }));
      const all = await store.list({ limit: 100 });
      expect(all.items.map((a) => a.fingerprint)).toEqual(['f6', 'f5', 'f4', 'g0', 'f3', 'f2', 'f1', 'f0']);
      const ranged = await store.list({ fromMs: T0 + 60_000, toMs: T0 + 4 * 60_000, limit: 100 });
      expect(ranged.items.map((a) => a.fingerprint)).toEqual(['f4', 'g0', 'f3', 'f2', 'f1']);
      const checkout = await store.list({ service: 'checkout', limit: 100 });
      expect(checkout.items.map((a) => a.fingerprint)).toEqual(['f6', 'f4', 'f2', 'f0']);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ limit: 3, ...(cursor !== undefined && { cursor }) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((a) => a.fingerprint));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toEqual(all.items.map((a) => a.fingerprint));
    });

    it('rejects a cursor it did not issue', async () => {
      const store = create({ now });
      await expect(store.list({ limit: 1, cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'INVALID_CURSOR',
      });
    });

    it('drops alerts beyond the bound and older than the retention, oldest first', async () => {
      const store = create({ now, maxAlerts: 3, retentionMs: 30 * 60_000 });
      await store.record(storedAlert('old', T0 + 60_000));
      for (let i = 0; i < 4; i += 1) await store.record(storedAlert(`n${i}`, T0 + 40 * 60_000 + i * 1000));
      expect((await store.list({ limit: 10 })).items.map((a) => a.fingerprint)).toEqual(['n3', 'n2', 'n1']);
    });
  });
}
