/**
 * How a verification is stored: a flat map of string fields (a Redis hash; the memory store keeps
 * the same map), JSON for the nested parts. Decoding checks everything it reads, so a foreign or
 * edited value becomes a StoreError instead of an `undefined` deep in a worker; encoding checks
 * the input the same way, so nothing is stored that could not be read back.
 */
import { histogramCountersProblem, valuesFromHistogram } from '../analysis/histogram-values.js';
import type { HistogramCounters } from '../analysis/observations.js';
import type { JudgeState } from '../analysis/judge/judge-state.js';
import type { Judgement } from '../analysis/judge/judge-interval.js';
import { DeploymentMarkerSchema } from '../ingest/deployment-marker-schema.js';
import { validateAgainstSchema } from '../config/schema-validation.js';
import {
  VERIFICATION_STATUSES,
  isDecided,
  type Verdict,
  type Verification,
  type VerificationStatus,
} from '../verification/verification.js';
import type { StepEvidence, StepUpdate } from './verification-store.js';
import { StoreError, type StoreErrorCode } from './store-error.js';
import { orderKey } from './verification-order.js';

/** Bumped when the stored layout changes incompatibly. */
export const RECORD_FORMAT = '1';

/**
 * Evidence entries kept per verification (the newest; older ones are dropped). One entry per
 * step, and a rule set has at most 1000 intervals, so by default nothing is dropped.
 */
export const DEFAULT_EVIDENCE_LIMIT = 1000;

/** Checks an `evidenceLimit` option. */
export function checkEvidenceLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new StoreError('INVALID_INPUT', `evidenceLimit must be a positive integer, got ${limit}`);
  }
  return limit;
}

/** The hash fields of one stored verification. */
export type RecordFields = Readonly<Record<string, string>>;

type Json = Record<string, unknown>;

/** Encodes a verification for storage; throws INVALID_INPUT if it could not be decoded again. */
function encodeVerification(verification: Verification): RecordFields {
  const fields: Record<string, string> = {
    format: RECORD_FORMAT,
    id: verification.id,
    marker: JSON.stringify(verification.marker),
    markerSha256: verification.markerSha256,
    ruleSetSha256: verification.ruleSetSha256,
    status: verification.status,
    createdAt: verification.createdAt,
    updatedAt: verification.updatedAt,
    intervalsJudged: String(verification.intervalsJudged),
    failedSteps: String(verification.failedSteps),
    lastJudgement: JSON.stringify(verification.lastJudgement ?? null),
    verdict: JSON.stringify(verification.verdict ?? null),
    ...(verification.plan !== undefined && { plan: JSON.stringify(verification.plan) }),
  };
  decodeVerificationAs('INVALID_INPUT', `create(${verification.id})`, verification.id, fields);
  return fields;
}

/** A new verification encoded for storage: its fields, judge state and order key. */
export interface EncodedCreate {
  readonly fields: RecordFields;
  readonly judgeState: string;
  readonly orderKey: string;
}

/** Checks and encodes what `create` stores; throws INVALID_INPUT. */
export function encodeCreate(verification: Verification, judgeState: JudgeState): EncodedCreate {
  const operation = `create(${verification.id})`;
  const fields = encodeVerification(verification);
  const state = encodeJudgeState(operation, judgeState);
  if (judgeState.intervalsJudged !== verification.intervalsJudged) {
    throw new StoreError(
      'INVALID_INPUT',
      `${operation}: judge state has intervalsJudged ${judgeState.intervalsJudged}, the verification ${verification.intervalsJudged}`,
    );
  }
  return { fields, judgeState: state, orderKey: orderKey(verification.createdAt, verification.id) };
}

/** A step update encoded for storage. */
export interface EncodedStep {
  readonly expected: string;
  readonly intervalsJudged: string;
  readonly failedSteps: string;
  readonly lastJudgement: string;
  readonly judgeState: string;
}

/** Checks and encodes a step update; throws INVALID_INPUT. */
export function encodeStep(id: string, update: StepUpdate): EncodedStep {
  const operation = `saveStep(${id})`;
  const expected = checkCount(operation, 'expectedIntervalsJudged', update.expectedIntervalsJudged);
  const intervalsJudged = checkCount(operation, 'intervalsJudged', update.intervalsJudged);
  const failedSteps = checkCount(operation, 'failedSteps', update.failedSteps);
  if (update.intervalsJudged < update.expectedIntervalsJudged) {
    throw new StoreError(
      'INVALID_INPUT',
      `${operation}: intervalsJudged ${intervalsJudged} is below expectedIntervalsJudged ${expected}`,
    );
  }
  const judgeState = encodeJudgeState(operation, update.judgeState);
  if (update.judgeState.intervalsJudged !== update.intervalsJudged) {
    throw new StoreError(
      'INVALID_INPUT',
      `${operation}: judge state has intervalsJudged ${update.judgeState.intervalsJudged}, the update ${intervalsJudged}`,
    );
  }
  return {
    expected,
    intervalsJudged,
    failedSteps,
    lastJudgement: encodeJudgement(id, update.lastJudgement),
    judgeState,
  };
}

/** Decodes stored fields of verification `id`; throws CORRUPT_RECORD naming what is wrong. */
export function decodeVerification(id: string, fields: RecordFields): Verification {
  return decodeVerificationAs('CORRUPT_RECORD', `verification ${id}`, id, fields);
}

function decodeVerificationAs(
  code: StoreErrorCode,
  what: string,
  id: string,
  fields: RecordFields,
): Verification {
  const fail = (problem: string, cause?: unknown): never => {
    throw new StoreError(code, `${what}: ${problem}`, cause === undefined ? undefined : { cause });
  };
  const text = (name: string): string => {
    const value = fields[name];
    if (typeof value !== 'string' || value === '') fail(`field ${name} is missing`);
    return value as string;
  };
  const count = (name: string): number => {
    const value = text(name);
    if (!/^\d{1,9}$/.test(value))
      fail(`field ${name} is not a non-negative integer: "${value.slice(0, 40)}"`);
    return Number(value);
  };
  const json = (name: string): unknown => {
    try {
      return JSON.parse(text(name));
    } catch (cause) {
      return fail(`field ${name} is not JSON`, cause);
    }
  };
  const time = (name: string): string => {
    const value = text(name);
    if (!Number.isFinite(Date.parse(value)))
      fail(`field ${name} is not an ISO-8601 time: "${value.slice(0, 40)}"`);
    return value;
  };

  if (text('format') !== RECORD_FORMAT) fail(`unknown record format "${text('format').slice(0, 20)}"`);
  if (text('id') !== id) fail(`field id is "${text('id').slice(0, 140)}"`);
  const status = text('status') as VerificationStatus;
  if (!VERIFICATION_STATUSES.includes(status)) fail(`unknown status "${status.slice(0, 40)}"`);
  const marker = json('marker');
  const markerProblem = problemInMarker(marker, id);
  if (markerProblem !== undefined) fail(`marker ${markerProblem}`);
  const lastJudgement = json('lastJudgement');
  const judgementProblem = lastJudgement === null ? undefined : problemInJudgement(lastJudgement);
  if (judgementProblem !== undefined) fail(`lastJudgement ${judgementProblem}`);
  const verdict = json('verdict');
  const verdictProblem = verdict === null ? undefined : problemInVerdict(verdict);
  if (verdictProblem !== undefined) fail(`verdict ${verdictProblem}`);
  if (isDecided(status) !== (verdict !== null))
    fail(`status ${status} does not match verdict ${verdict === null ? 'null' : 'set'}`);
  if (verdict !== null && (verdict as Verdict).outcome !== status)
    fail(`status ${status} differs from verdict outcome`);

  return {
    id,
    marker: marker as Verification['marker'],
    markerSha256: text('markerSha256'),
    ruleSetSha256: text('ruleSetSha256'),
    status,
    createdAt: time('createdAt'),
    updatedAt: time('updatedAt'),
    intervalsJudged: count('intervalsJudged'),
    failedSteps: count('failedSteps'),
    lastJudgement: lastJudgement as Judgement | null,
    verdict: verdict as Verdict | null,
    ...(fields['plan'] !== undefined && { plan: decodePlan(json('plan'), fail) }),
  };
}

function decodePlan(value: unknown, fail: (problem: string) => never): NonNullable<Verification['plan']> {
  const plan = value as Record<string, unknown> | null;
  const ok =
    plan !== null &&
    typeof plan === 'object' &&
    ['intervalSeconds', 'minIntervals', 'maxIntervals'].every(
      (key) => typeof plan[key] === 'number' && Number.isFinite(plan[key]),
    );
  if (!ok) return fail('field plan is malformed');
  return {
    intervalSeconds: plan['intervalSeconds'] as number,
    minIntervals: plan['minIntervals'] as number,
    maxIntervals: plan['maxIntervals'] as number,
  };
}

/** Encodes a verdict; throws INVALID_INPUT when it is malformed. */
export function encodeVerdict(id: string, verdict: Verdict): string {
  const problem = problemInVerdict(verdict);
  if (problem !== undefined) throw new StoreError('INVALID_INPUT', `decide(${id}): verdict ${problem}`);
  return JSON.stringify(verdict);
}

function encodeJudgement(id: string, judgement: Judgement | null): string {
  const problem = judgement === null ? undefined : problemInJudgement(judgement);
  if (problem !== undefined)
    throw new StoreError('INVALID_INPUT', `saveStep(${id}): lastJudgement ${problem}`);
  return JSON.stringify(judgement);
}

function encodeJudgeState(operation: string, state: JudgeState): string {
  const problem = problemInJudgeState(state);
  if (problem !== undefined) throw new StoreError('INVALID_INPUT', `${operation}: judge state ${problem}`);
  return JSON.stringify(withValuesKeptAsHistograms(state));
}

/**
 * A group whose values all came from histogram counters is stored as the counters (~15 numbers
 * per interval) without the values (one per request): decoding regenerates them bit for bit.
 * With one value per request this was most of the state's size and its JSON work.
 */
function withValuesKeptAsHistograms(state: JudgeState): JudgeState {
  let khis: Record<string, JudgeState['khis'][string]> | undefined;
  for (const [name, khi] of Object.entries(state.khis)) {
    const baseline = withoutValues(khi.baseline);
    const canary = withoutValues(khi.canary);
    if (baseline === khi.baseline && canary === khi.canary) continue;
    khis ??= { ...state.khis };
    khis[name] = { ...khi, baseline, canary };
  }
  return khis === undefined ? state : { ...state, khis };
}

function withoutValues<T extends { readonly values: unknown; readonly histograms?: readonly unknown[] }>(
  group: T,
): T {
  if (group.histograms === undefined || group.histograms.length === 0) return group;
  const { values: _values, ...rest } = group;
  return rest as T;
}

/** Decodes a stored judge state; throws CORRUPT_RECORD. */
export function decodeJudgeState(id: string, text: string): JudgeState {
  const value = parseStored(`judge state of ${id}`, text);
  const problem = problemInJudgeState(value) ?? restoreValuesFromHistograms(value);
  if (problem !== undefined) throw new StoreError('CORRUPT_RECORD', `judge state of ${id}: ${problem}`);
  return value as JudgeState;
}

/** Puts back the values of groups stored as histogram counters; a problem names the KHI. */
function restoreValuesFromHistograms(state: unknown): string | undefined {
  const khis = (state as Json)['khis'] as Json;
  for (const [name, khi] of Object.entries(khis)) {
    if (!isObject(khi)) continue;
    for (const group of ['baseline', 'canary'] as const) {
      const accumulation = khi[group];
      if (!isObject(accumulation) || accumulation['values'] !== undefined) continue;
      const histograms = accumulation['histograms'];
      if (!Array.isArray(histograms)) return `KHI ${name} ${group} has neither values nor histograms`;
      const values: number[] = [];
      for (const [index, counters] of histograms.entries()) {
        const problem = histogramCountersProblem(counters);
        if (problem !== undefined) return `KHI ${name} ${group} histograms[${index}] ${problem}`;
        for (const v of valuesFromHistogram(counters as HistogramCounters)) values.push(v);
      }
      accumulation['values'] = values;
    }
  }
  return undefined;
}

/** Encodes one step's evidence; throws INVALID_INPUT when it is malformed. */
export function encodeEvidence(id: string, evidence: StepEvidence): string {
  const problem = problemInEvidence(evidence);
  if (problem !== undefined)
    throw new StoreError('INVALID_INPUT', `appendEvidence(${id}): evidence ${problem}`);
  return JSON.stringify(evidence);
}

/** Decodes one stored evidence entry; throws CORRUPT_RECORD. */
export function decodeEvidence(id: string, text: string): StepEvidence {
  const value = parseStored(`evidence of ${id}`, text);
  const problem = problemInEvidence(value);
  if (problem !== undefined) throw new StoreError('CORRUPT_RECORD', `evidence of ${id}: ${problem}`);
  return value as StepEvidence;
}

function checkCount(operation: string, name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || value > 999_999_999) {
    throw new StoreError(
      'INVALID_INPUT',
      `${operation}: ${name} must be a non-negative integer, got ${value}`,
    );
  }
  return String(value);
}

function parseStored(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new StoreError('CORRUPT_RECORD', `${what}: not JSON`, { cause });
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function problemInMarker(marker: unknown, id: string): string | undefined {
  if (!isObject(marker)) return 'is not an object';
  if (marker['id'] !== id) return `id is not ${id}`;
  if (typeof marker['startedAt'] !== 'string') return 'has no startedAt';
  const checked = validateAgainstSchema(DeploymentMarkerSchema, marker);
  if (!checked.ok) return checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return undefined;
}

function problemInJudgement(judgement: unknown): string | undefined {
  if (!isObject(judgement)) return 'is not an object';
  if (!isCount(judgement['interval'])) return 'has no interval';
  if (!Array.isArray(judgement['khis'])) return 'has no khis';
  if (judgement['score'] !== null && typeof judgement['score'] !== 'number')
    return 'has a score that is not a number';
  const decision = judgement['decision'];
  if (!isObject(decision) || typeof decision['outcome'] !== 'string' || !Array.isArray(decision['reasons'])) {
    return 'has no decision';
  }
  return undefined;
}

function problemInVerdict(verdict: unknown): string | undefined {
  if (!isObject(verdict)) return 'is not an object';
  if (
    !VERIFICATION_STATUSES.includes(verdict['outcome'] as VerificationStatus) ||
    !isDecided(verdict['outcome'] as VerificationStatus)
  ) {
    return `has outcome ${String(verdict['outcome'])}`;
  }
  if (typeof verdict['decidedAt'] !== 'string' || !Number.isFinite(Date.parse(verdict['decidedAt'])))
    return 'has no decidedAt time';
  if (!isCount(verdict['decidedAtInterval'])) return 'has no decidedAtInterval';
  if (verdict['score'] !== null && typeof verdict['score'] !== 'number')
    return 'has a score that is not a number';
  if (!Array.isArray(verdict['khis'])) return 'has no khis';
  const reasons = verdict['reasons'];
  if (!Array.isArray(reasons) || !reasons.every((reason) => typeof reason === 'string'))
    return 'has no reasons';
  return undefined;
}

function problemInJudgeState(state: unknown): string | undefined {
  if (!isObject(state)) return 'is not an object';
  if (!isCount(state['intervalsJudged'])) return 'has no intervalsJudged';
  if (!isObject(state['khis'])) return 'has no khis';
  return undefined;
}

function problemInEvidence(evidence: unknown): string | undefined {
  if (!isObject(evidence)) return 'is not an object';
  if (!isCount(evidence['interval'])) return 'has no interval';
  if (typeof evidence['recordedAt'] !== 'string') return 'has no recordedAt';
  return undefined;
}
