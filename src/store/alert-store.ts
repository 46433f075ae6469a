/**
 * Port: where alerts received from Alertmanager live, with the deployments linked to each. Redis
 * in the daemon (redis-alert-store.ts), memory in component tests (memory-alert-store.ts); one
 * contract suite runs against both (test/store/alert-store-contract.ts).
 *
 * An alert is one firing of one Alertmanager alert: its fingerprint and `startsAt` (a rule that
 * fires again after resolving starts anew). Re-sent alerts update the stored one, never add
 * another; a resolved alert stays resolved. Alerts that started over `ALERT_RETENTION_MS` ago, and
 * the oldest beyond `MAX_ALERTS`, are dropped.
 */
import type { BlameEvidence } from '../analysis/change-points/blame-evidence.js';
import type { DeploymentVerdictFact } from '../analysis/change-points/deployment-fact.js';
import { StoreError } from './store-error.js';

export const ALERT_STATUSES = ['firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Alerts kept at most. */
export const MAX_ALERTS = 50_000;
/** Alerts are kept 30 days after they started. */
export const ALERT_RETENTION_MS = 30 * 24 * 3_600_000;

/** A deployment that may be behind an alert (from rankForAlert), most likely first. */
export interface AlertCandidate {
  readonly rank: number;
  readonly deploymentId: string;
  readonly service: string;
  readonly version: string;
  readonly environment: string;
  readonly startedAt: string;
  readonly verdict: DeploymentVerdictFact | null;
  readonly score: number;
  readonly gapMs: number;
  readonly explanation: string;
  readonly evidence: readonly BlameEvidence[];
}

/** One alert as stored. Times are ISO-8601 (ms precision). */
export interface StoredAlert {
  /** `<fingerprint>-<startsAt in epoch ms>`. */
  readonly id: string;
  readonly fingerprint: string;
  /** The `alertname` label, when present. */
  readonly name: string | null;
  readonly status: AlertStatus;
  /** From the configured service label (settings `alerts.serviceLabel`); null when absent. */
  readonly service: string | null;
  readonly environment: string | null;
  readonly startsAt: string;
  /** When it resolved; null while firing. */
  readonly endsAt: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly generatorURL: string;
  readonly receiver: string;
  readonly externalURL: string;
  /** First received. */
  readonly receivedAt: string;
  /** Last received (a re-send or the resolution). */
  readonly updatedAt: string;
  /** Computed when (re-)received. */
  readonly candidates: readonly AlertCandidate[];
  readonly reason: string;
}

export interface AlertFilter {
  /** Alerts that started at or after this time (epoch ms). */
  readonly fromMs?: number;
  /** ... and at or before this one. */
  readonly toMs?: number;
  readonly service?: string;
  /** 1–500. */
  readonly limit: number;
  readonly cursor?: string;
}

export interface AlertPage {
  /** Newest `startsAt` first. */
  readonly items: readonly StoredAlert[];
  readonly nextCursor?: string;
}

export interface AlertStore {
  /**
   * Stores the alert, or updates the one with its id: status and endsAt (resolved stays
   * resolved), everything else from `alert`; `receivedAt` stays the first one's.
   */
  record(alert: StoredAlert): Promise<{ readonly created: boolean; readonly alert: StoredAlert }>;
  /** Newest first; unknown cursor: StoreError INVALID_CURSOR. */
  list(filter: AlertFilter): Promise<AlertPage>;
}

/** The id of an alert firing: fingerprint and start. */
export function alertId(fingerprint: string, startsAtMs: number): string {
  return `${fingerprint}-${startsAtMs}`;
}

/** The stored alert after `incoming` arrived: resolved stays resolved, first receipt kept. */
export function mergeAlert(stored: StoredAlert | undefined, incoming: StoredAlert): StoredAlert {
  if (stored === undefined) return incoming;
  const resolved = stored.status === 'resolved';
  return {
    ...incoming,
    status: resolved ? 'resolved' : incoming.status,
    endsAt: resolved ? stored.endsAt : incoming.endsAt,
    receivedAt: stored.receivedAt,
  };
}

/** Where a page ends: the last alert's start and id (alerts are ordered by both, descending). */
export interface AlertCursor {
  readonly startsAtMs: number;
  readonly id: string;
}

/** Opaque cursor text. */
export function encodeAlertCursor(cursor: AlertCursor): string {
  return Buffer.from(JSON.stringify([cursor.startsAtMs, cursor.id]), 'utf8').toString('base64url');
}

/** Parses a cursor; StoreError INVALID_CURSOR when it was not made by `encodeAlertCursor`. */
export function decodeAlertCursor(text: string): AlertCursor {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      Number.isFinite(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return { startsAtMs: value[0], id: value[1] };
    }
  } catch (cause) {
    throw new StoreError(
      'INVALID_CURSOR',
      `alerts list: cursor ${JSON.stringify(text)} is not one this server issued`,
      {
        cause,
      },
    );
  }
  throw new StoreError(
    'INVALID_CURSOR',
    `alerts list: cursor ${JSON.stringify(text)} is not one this server issued`,
  );
}

/** True when `a` comes before `b` in a list: later start first, then the greater id. */
export function isBefore(a: AlertCursor, b: AlertCursor): boolean {
  return a.startsAtMs > b.startsAtMs || (a.startsAtMs === b.startsAtMs && a.id > b.id);
}
