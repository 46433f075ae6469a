/** In-memory AlertStore for component tests: the same merge, order, bounds and cursors as Redis. */
import {
  ALERT_RETENTION_MS,
  decodeAlertCursor,
  encodeAlertCursor,
  isBefore,
  MAX_ALERTS,
  mergeAlert,
  type AlertFilter,
  type AlertPage,
  type AlertStore,
  type StoredAlert,
} from './alert-store.js';

export interface MemoryAlertStoreOptions {
  readonly now?: () => number;
  readonly maxAlerts?: number;
  readonly retentionMs?: number;
}

export function createMemoryAlertStore(options: MemoryAlertStoreOptions = {}): AlertStore {
  const now = options.now ?? Date.now;
  const maxAlerts = options.maxAlerts ?? MAX_ALERTS;
  const retentionMs = options.retentionMs ?? ALERT_RETENTION_MS;
  const alerts = new Map<string, StoredAlert>();
  const key = (alert: StoredAlert) => ({ startsAtMs: Date.parse(alert.startsAt), id: alert.id });
  const ordered = (): StoredAlert[] =>
    [...alerts.values()].sort((a, b) => (isBefore(key(a), key(b)) ? -1 : isBefore(key(b), key(a)) ? 1 : 0));

  return {
    record(alert) {
      const stored = alerts.get(alert.id);
      const merged = mergeAlert(stored, alert);
      alerts.set(alert.id, merged);
      const oldest = now() - retentionMs;
      const kept = ordered().filter((a) => Date.parse(a.startsAt) >= oldest);
      for (const dropped of ordered()) if (!kept.includes(dropped)) alerts.delete(dropped.id);
      for (const dropped of kept.slice(maxAlerts)) alerts.delete(dropped.id);
      return Promise.resolve({ created: stored === undefined, alert: merged });
    },
    // Through a promise, so that a bad cursor rejects as Redis' does rather than throwing.
    list: (filter) => Promise.resolve(filter).then(listNow),
  };

  function listNow(filter: AlertFilter): AlertPage {
    const after = filter.cursor === undefined ? undefined : decodeAlertCursor(filter.cursor);
    const matching = ordered().filter((alert) => {
      const startsAtMs = Date.parse(alert.startsAt);
      return (
        (filter.fromMs === undefined || startsAtMs >= filter.fromMs) &&
        (filter.toMs === undefined || startsAtMs <= filter.toMs) &&
        (filter.service === undefined || alert.service === filter.service) &&
        (after === undefined || isBefore(after, key(alert)))
      );
    });
    const items = matching.slice(0, filter.limit);
    const last = items[items.length - 1];
    return {
      items,
      ...(matching.length > filter.limit &&
        last !== undefined && { nextCursor: encodeAlertCursor(key(last)) }),
    };
  }
}
