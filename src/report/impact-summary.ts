/**
 * The business impact of a verdict in plain words, for incident messages and reports: what got
 * worse and by how much, which journeys broke, which errors are new, and which services depend
 * on the one deployed. Pure. Only KHIs the judge failed are said to have got worse: a KHI that is
 * merely inconclusive or without data is reported as such, never as a regression.
 */
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { JourneyEvidence } from '../verification/gather-journeys.js';
import type { Verdict, Verification } from '../verification/verification.js';
import { describeChange, isMedian, subjectOf, unitOf, type KhiSubject } from './khi-wording.js';

export interface ImpactSummary {
  /** One sentence: the outcome and its main cause, e.g. "checkout v2.4.1 was rolled back: error rate rose …". */
  readonly headline: string;
  /** Failed KHIs, most important first (critical, then by weight); baseline/canary in the KHI's unit. */
  readonly worsened: readonly {
    khi: string;
    what: string;
    baseline?: number;
    canary?: number;
    change: string;
    critical: boolean;
  }[];
  /** Failed journey KHIs; runs and failedRuns are the canary's, over the journey evidence given. */
  readonly brokenJourneys: readonly {
    khi: string;
    probe: string;
    failedRuns: number;
    runs: number;
    step?: string;
    reason?: string;
  }[];
  /** Failed new-error trace KHIs: error signatures the canary shows and the baseline never did. */
  readonly newErrors: readonly { khi: string; signature: string }[];
  /** Services that depend on this one (directly or not), sorted. */
  readonly dependents: readonly string[];
  /** Plain-language explanation, most important first. */
  readonly sentences: readonly string[];
}

type Worsened = ImpactSummary['worsened'][number];
type BrokenJourney = ImpactSummary['brokenJourneys'][number];

/** Summarises the impact of `verdict`; `journeys` and `dependents` add detail when known. */
export function summariseImpact(input: {
  verification: Verification;
  verdict: Verdict;
  journeys?: readonly JourneyEvidence[];
  dependents?: readonly string[];
}): ImpactSummary {
  const { verification, verdict } = input;
  const journeys = input.journeys ?? [];
  const probes = [...new Set(journeys.map((journey) => journey.probe))];
  const failed = [...verdict.khis]
    .map((result, order) => ({ result, order }))
    .filter(({ result }) => result.failed)
    .sort((a, b) => rank(b.result) - rank(a.result) || a.order - b.order)
    .map(({ result }) => result);

  const worsened: Worsened[] = [];
  const brokenJourneys: BrokenJourney[] = [];
  const newErrors: { khi: string; signature: string }[] = [];
  const problems: string[] = [];
  for (const result of failed) {
    const subject = subjectOf(result, probes);
    const unit = unitOf(result, subject);
    const what = whatOf(subject, isMedian(unit));
    const described = describeChange(result, unit);
    const change = described ?? `worse: ${withoutFullStop(result.reason)}`;
    worsened.push({
      khi: result.name,
      what,
      ...(result.effect.baseline !== undefined && { baseline: result.effect.baseline }),
      ...(result.effect.canary !== undefined && { canary: result.effect.canary }),
      change,
      critical: result.critical,
    });
    if (subject.kind === 'journey' && subject.measure === 'success') {
      const broken = brokenJourney(result, subject.probe, journeys);
      brokenJourneys.push(broken);
      problems.push(describeBrokenJourney(broken, journeys));
    } else if (subject.kind === 'new-error') {
      newErrors.push({ khi: result.name, signature: subject.signature });
      problems.push(`the canary throws an error the baseline never did: ${subject.signature}`);
    } else {
      const verb = result.classification === 'low' ? 'fell' : 'rose';
      const body =
        described === undefined ? `got worse (${withoutFullStop(result.reason)})` : `${verb} ${described}`;
      const note = result.critical
        ? ''
        : '; it is not critical, so it lowers the score but cannot block a release alone';
      problems.push(`${what} ${body}${note}`);
    }
  }

  const missing = verdict.khis.filter(
    (result) => result.classification === 'nodata' || result.classification === 'error',
  );
  const missingWhat = missing.map((result) => whatOf(subjectOf(result, probes), false));
  const dependents = [...new Set(input.dependents ?? [])].sort();
  const { marker } = verification;
  const subject = `${marker.service} ${marker.version}`;

  const sentences = [
    ...problems.map(capitalise),
    ...missing.map(
      (result, i) => `Vigil had no usable data for ${missingWhat[i]}: ${withoutFullStop(result.reason)}.`,
    ),
    ...(verdict.outcome !== 'promote' && dependents.length > 0
      ? [`Services that depend on ${marker.service}, directly or through others: ${dependents.join(', ')}.`]
      : []),
  ].map(endSentence);

  return {
    headline: headline(verdict, subject, problems, missingWhat),
    worsened,
    brokenJourneys,
    newErrors,
    dependents,
    sentences,
  };
}

function headline(
  verdict: Verdict,
  subject: string,
  problems: readonly string[],
  missing: readonly string[],
): string {
  const cause = problems[0];
  const reason = verdict.reasons[0];
  switch (verdict.outcome) {
    case 'promote':
      return endSentence(`${subject} was promoted: ${cause ?? 'no key health indicator got worse'}`);
    case 'rollback':
      return endSentence(`${subject} was rolled back: ${cause ?? reason ?? 'the verification failed'}`);
    case 'inconclusive':
      if (missing.length > 0)
        return endSentence(
          `${subject} was not promoted: the verification was inconclusive, with no usable data for ${listWords(missing)}`,
        );
      return endSentence(
        `${subject} was not promoted: the verification was inconclusive${(cause ?? reason) ? `: ${cause ?? reason}` : ''}`,
      );
    case 'aborted':
      return endSentence(
        `${subject}: the verification was aborted${reason !== undefined ? `: ${reason}` : ''}`,
      );
  }
}

/** Critical failures first, heavier ones before lighter ones. */
function rank(result: KhiResult): number {
  return (result.critical ? 1_000_000 : 0) + result.weight;
}

/** What the KHI measures, in words starting lowercase (sentences capitalise them). */
function whatOf(subject: KhiSubject, median: boolean): string {
  const prefix = median ? 'median ' : '';
  switch (subject.kind) {
    case 'metric':
      return `${prefix}${subject.label}`;
    case 'trace-errors':
      return `error share of ${subject.operation}`;
    case 'trace-latency':
      return `${prefix}latency of ${subject.operation}`;
    case 'new-error':
      return `new error ${subject.signature}`;
    case 'new-operation':
      return `error share of the new operation ${subject.operation}`;
    case 'journey':
      return subject.measure === 'success'
        ? `share of failed ${subject.probe} journeys`
        : `${prefix}duration of ${subject.probe} journeys`;
  }
}

function brokenJourney(
  result: KhiResult,
  probe: string,
  journeys: readonly JourneyEvidence[],
): BrokenJourney {
  const canary = journeys.filter((journey) => journey.probe === probe && journey.group === 'canary');
  const firstFailure = canary.flatMap((journey) => journey.results).find((run) => run.outcome === 'fail');
  const counted =
    canary.length > 0
      ? {
          failedRuns: sum(canary.map((journey) => journey.failed)),
          runs: sum(canary.map((journey) => journey.runs)),
        }
      : // Without the runs themselves, the judged counts behind the rate are what is known.
        {
          runs: result.effect.canarySamples ?? 0,
          failedRuns: Math.round((result.effect.canary ?? 0) * (result.effect.canarySamples ?? 0)),
        };
  return {
    khi: result.name,
    probe,
    ...counted,
    ...(firstFailure?.failedStep !== undefined && { step: firstFailure.failedStep }),
    ...(firstFailure !== undefined && { reason: firstFailure.reason }),
  };
}

function describeBrokenJourney(broken: BrokenJourney, journeys: readonly JourneyEvidence[]): string {
  const baseline = journeys.filter(
    (journey) => journey.probe === broken.probe && journey.group === 'baseline',
  );
  const against =
    baseline.length > 0
      ? ` (baseline: ${sum(baseline.map((journey) => journey.failed))} of ${sum(baseline.map((journey) => journey.runs))})`
      : '';
  const where = broken.step !== undefined ? `, at step "${broken.step}"` : '';
  const why = broken.reason !== undefined ? `: ${broken.reason}` : '';
  return `the ${broken.probe} journey failed in ${broken.failedRuns} of ${broken.runs} canary runs${against}${where}${why}`;
}

/**
 * Services that depend on `service`, directly or through others, sorted; `service` itself is
 * never among them, and cycles end the walk.
 */
export function dependentsOf(
  service: string,
  services: Readonly<Record<string, { dependsOn: readonly string[] }>>,
): string[] {
  const found = new Set<string>();
  const pending = [service];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const [name, { dependsOn }] of Object.entries(services)) {
      if (name === service || found.has(name) || !dependsOn.includes(next)) continue;
      found.add(name);
      pending.push(name);
    }
  }
  return [...found].sort();
}

function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Ends with a full stop unless the text already ends a sentence. */
function endSentence(text: string): string {
  return /[.!?…]$/.test(text) ? text : `${text}.`;
}

function withoutFullStop(text: string): string {
  return text.replace(/\.+$/, '');
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
