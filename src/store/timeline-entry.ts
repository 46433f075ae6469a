/**
 * A verification reduced to what the timeline shows (one line, one dot): kept by the stores
 * beside the record so the timeline never reads whole records. In Redis it is the member of the
 * `index:timeline` sorted set (score: the marker's startedAt in ms) and is swapped atomically by
 * the create, step and decide scripts; the member is a short JSON array, so one ZRANGEBYSCORE
 * answers a month of deployments.
 */
import {
  VERIFICATION_STATUSES,
  type Verdict,
  type Verification,
  type VerificationStatus,
} from '../verification/verification.js';
import { StoreError } from './store-error.js';

/** One deployment on the timeline. */
export interface TimelineEntry {
  readonly id: string;
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly strategy: string;
  /** The marker's startedAt, ms since the epoch. */
  readonly startedAtMs: number;
  readonly status: VerificationStatus;
  /** When the verdict was recorded, ms; null while undecided. */
  readonly decidedAtMs: number | null;
  /** The verdict's score; null while undecided or when the verdict has none. */
  readonly score: number | null;
  /** The verdict's first reason, cut to REASON_CHARACTERS; null while undecided. */
  readonly reason: string | null;
}

/** The verdict's first reason is kept up to this many characters: the timeline shows one line. */
export const REASON_CHARACTERS = 240;
/** The member's first element: bumped when its layout changes. */
const ENTRY_FORMAT = 1;

/** The entry of `verification`, with `status` and `verdict` replaced when given (the state being written). */
export function timelineEntryOf(
  verification: Verification,
  status: VerificationStatus = verification.status,
  verdict: Verdict | null = verification.verdict,
): TimelineEntry {
  const { marker } = verification;
  const startedAtMs = Date.parse(marker.startedAt);
  const reason = verdict?.reasons[0];
  return {
    id: verification.id,
    service: marker.service,
    environment: marker.environment,
    version: marker.version,
    strategy: marker.strategy,
    startedAtMs: Number.isFinite(startedAtMs) ? startedAtMs : Date.parse(verification.createdAt),
    status,
    decidedAtMs: verdict === null ? null : Date.parse(verdict.decidedAt),
    score: verdict?.score ?? null,
    reason: reason === undefined ? null : reason.slice(0, REASON_CHARACTERS),
  };
}

/** The sorted-set member of an entry (its score is `startedAtMs`). */
export function encodeTimelineEntry(entry: TimelineEntry): string {
  return JSON.stringify([
    ENTRY_FORMAT,
    entry.id,
    entry.service,
    entry.environment,
    entry.version,
    entry.strategy,
    entry.startedAtMs,
    entry.status,
    entry.decidedAtMs,
    entry.score,
    entry.reason,
  ]);
}

/** Decodes a member; throws CORRUPT_RECORD naming the problem. */
export function decodeTimelineEntry(member: string): TimelineEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(member);
  } catch (cause) {
    throw corrupt(member, 'is not JSON', cause);
  }
  if (!Array.isArray(parsed) || parsed.length !== 11 || parsed[0] !== ENTRY_FORMAT)
    throw corrupt(member, 'is not a timeline entry of format 1');
  const [, id, service, environment, version, strategy, startedAtMs, status, decidedAtMs, score, reason] =
    parsed as unknown[];
  const isText = (value: unknown): value is string => typeof value === 'string';
  const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
  if (
    !isText(id) ||
    !isText(service) ||
    !isText(environment) ||
    !isText(version) ||
    !isText(strategy) ||
    !isTime(startedAtMs) ||
    !VERIFICATION_STATUSES.includes(status as VerificationStatus) ||
    !(decidedAtMs === null || isTime(decidedAtMs)) ||
    !(score === null || isTime(score)) ||
    !(reason === null || isText(reason))
  )
    throw corrupt(member, 'has a field of the wrong type');
  return {
    id,
    service,
    environment,
    version,
    strategy,
    startedAtMs,
    status: status as VerificationStatus,
    decidedAtMs,
    score,
    reason,
  };
}

/** Newest first: by startedAt, then id descending (the order both stores return). */
export function compareTimelineNewestFirst(a: TimelineEntry, b: TimelineEntry): number {
  if (a.startedAtMs !== b.startedAtMs) return b.startedAtMs - a.startedAtMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function corrupt(member: string, problem: string, cause?: unknown): StoreError {
  return new StoreError(
    'CORRUPT_RECORD',
    `timeline entry "${member.slice(0, 80)}" ${problem}`,
    cause === undefined ? undefined : { cause },
  );
}
