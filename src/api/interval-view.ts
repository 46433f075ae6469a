/**
 * A deployment's KHIs interval by interval, for the dashboard's charts: per step, each KHI's
 * baseline and canary estimates (cumulative, as judged), the band the effect's confidence interval
 * puts the canary in, the p-values and the classification. Built from the store's step evidence
 * (`listEvidence`), so it answers while the analysis runs; the bundle adds journeys and traces.
 */
import type { Judgement } from '../analysis/judge/judge-interval.js';
import type { Effect, KhiResult } from '../analysis/judge/khi-result.js';
import type { ReportJourneyRun, ReportTraceFinding } from '../report/report-input.js';
import type { StepEvidence } from '../store/verification-store.js';
import type { Verification } from '../verification/verification.js';
import { verdictSummary } from './verification-views.js';

/** One step of one KHI, as charted. Null where the step had no such number. */
export interface IntervalChartPoint {
  readonly interval: number;
  /** End of the interval's window, ms since 1970. */
  readonly endMs: number | null;
  readonly baseline: number | null;
  readonly canary: number | null;
  /** The canary's plausible range given the effect's interval (see `bandFrom`). */
  readonly low: number | null;
  readonly high: number | null;
  readonly ratio: number | null;
  readonly difference: number | null;
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  readonly classification: string;
  readonly failed: boolean;
}

/** One KHI across the steps. */
export interface KhiIntervals {
  readonly name: string;
  readonly critical: boolean;
  /** The latest step's classification and sentence. */
  readonly classification: string;
  readonly reason: string;
  /** How low/high were made: baseline × the rate-ratio interval, or baseline + the difference interval. */
  readonly band: 'ratio' | 'difference' | null;
  readonly points: IntervalChartPoint[];
}

export interface IntervalStep {
  readonly interval: number;
  readonly endMs: number | null;
  readonly score: number | null;
  readonly outcome: string;
}

export interface JourneyRunView {
  readonly interval: number;
  readonly group: string;
  readonly probe: string;
  readonly outcome: string;
  readonly reason: string;
  readonly failedStep: string | null;
  readonly startedAt: string | null;
  /** Bundle path of the screenshot (fetch it through /artifacts/files/...). */
  readonly screenshot: string | null;
  readonly artifacts: string[];
}

export interface TraceFindingView {
  readonly khi: string;
  readonly signature: string;
  readonly type: string | null;
  readonly message: string | null;
  readonly count: number | null;
  readonly operations: string[];
  readonly exemplarPath: string | null;
}

/** The answer of GET /v1/deployments/:id/intervals. */
export interface DeploymentIntervals {
  readonly deploymentId: string;
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly baselineVersion: string | null;
  readonly status: string;
  readonly startedAt: string;
  readonly intervalSeconds: number | null;
  readonly intervalsJudged: number;
  readonly verdict: {
    readonly outcome: string;
    readonly decidedAt: string;
    readonly decidedAtInterval: number;
    readonly score: number | null;
    readonly reasons: string[];
  } | null;
  readonly steps: IntervalStep[];
  readonly khis: KhiIntervals[];
  readonly journeyRuns: JourneyRunView[];
  readonly traceFindings: TraceFindingView[];
  /** What could not be read. */
  readonly notes: string[];
}

/** What the bundle adds, when there is one. */
export interface BundleFindings {
  readonly journeyRuns: readonly ReportJourneyRun[];
  readonly traceFindings: readonly ReportTraceFinding[];
  readonly notes: readonly string[];
}

/** The charts' data from a verification and its step evidence (any order). */
export function buildDeploymentIntervals(
  verification: Verification,
  evidence: readonly StepEvidence[],
  bundle: BundleFindings | undefined,
): DeploymentIntervals {
  const { marker, verdict } = verification;
  const notes: string[] = [...(bundle?.notes ?? [])];
  const khis = new Map<
    string,
    { critical: boolean; latest: KhiResult; band: KhiIntervals['band']; points: IntervalChartPoint[] }
  >();
  const steps: IntervalStep[] = [];
  for (const entry of [...evidence].sort((a, b) => a.interval - b.interval)) {
    const judgement = judgementOf(entry);
    if (judgement === undefined) {
      notes.push(`step ${entry.interval} has no judgement in its evidence`);
      continue;
    }
    const endMs = windowEndMs(entry);
    steps.push({
      interval: entry.interval,
      endMs,
      score: judgement.score,
      outcome: judgement.decision.outcome,
    });
    for (const khi of judgement.khis) {
      const band = bandKind(khi.effect);
      const series = khis.get(khi.name) ?? { critical: khi.critical, latest: khi, band, points: [] };
      series.latest = khi;
      series.band ??= band;
      series.points.push(chartPoint(entry.interval, endMs, khi));
      khis.set(khi.name, series);
    }
  }
  return {
    deploymentId: verification.id,
    service: marker.service,
    environment: marker.environment,
    version: marker.version,
    baselineVersion: marker.baselineVersion ?? null,
    status: verification.status,
    startedAt: marker.startedAt,
    intervalSeconds: verification.plan?.intervalSeconds ?? null,
    intervalsJudged: verification.intervalsJudged,
    verdict: verdict === null ? null : verdictSummary(verdict),
    steps,
    khis: [...khis].map(([name, series]) => ({
      name,
      critical: series.critical,
      classification: series.latest.classification,
      reason: series.latest.reason,
      band: series.band,
      points: series.points,
    })),
    journeyRuns: (bundle?.journeyRuns ?? []).map((run) => ({
      interval: run.interval,
      group: run.group,
      probe: run.probe,
      outcome: run.outcome,
      reason: run.reason,
      failedStep: run.failedStep ?? null,
      startedAt: run.startedAt ?? null,
      screenshot: run.screenshot?.path ?? null,
      artifacts: [...run.artifacts],
    })),
    traceFindings: (bundle?.traceFindings ?? []).map((finding) => ({
      khi: finding.khi,
      signature: finding.signature,
      type: finding.type ?? null,
      message: finding.message ?? null,
      count: finding.count ?? null,
      operations: [...finding.operations],
      exemplarPath: finding.exemplarPath ?? null,
    })),
    notes,
  };
}

/**
 * Which interval `lower`/`upper` are: values KHIs carry a difference interval (they name its
 * `differenceMethod`), ratio KHIs a rate-ratio interval.
 */
function bandKind(effect: Effect): KhiIntervals['band'] {
  if (effect.lower === undefined || effect.upper === undefined) return null;
  return effect.differenceMethod !== undefined ? 'difference' : effect.ratio !== undefined ? 'ratio' : null;
}

/** The canary's range implied by the effect interval around the baseline estimate. */
export function bandFrom(effect: Effect): { low: number; high: number } | undefined {
  const { baseline, lower, upper } = effect;
  const kind = bandKind(effect);
  if (kind === null || baseline === undefined || lower === undefined || upper === undefined) return undefined;
  const [low, high] =
    kind === 'difference' ? [baseline + lower, baseline + upper] : [baseline * lower, baseline * upper];
  return Number.isFinite(low) && Number.isFinite(high) ? { low, high } : undefined;
}

function chartPoint(interval: number, endMs: number | null, khi: KhiResult): IntervalChartPoint {
  const { effect } = khi;
  const band = bandFrom(effect);
  const finite = (value: number | undefined) =>
    value !== undefined && Number.isFinite(value) ? value : null;
  return {
    interval,
    endMs,
    baseline: finite(effect.baseline),
    canary: finite(effect.canary),
    low: band?.low ?? null,
    high: band?.high ?? null,
    ratio: finite(effect.ratio),
    difference: finite(effect.difference),
    pValue: finite(khi.pValue),
    adjustedPValue: finite(khi.adjustedPValue),
    classification: khi.classification,
    failed: khi.failed,
  };
}

function judgementOf(entry: StepEvidence): Judgement | undefined {
  const judgement = entry['judgement'] as Partial<Judgement> | null | undefined;
  if (judgement === null || typeof judgement !== 'object' || !Array.isArray(judgement.khis)) return undefined;
  if (typeof judgement.decision?.outcome !== 'string') return undefined;
  return judgement as Judgement;
}

function windowEndMs(entry: StepEvidence): number | null {
  const window = entry['window'] as { endMs?: unknown } | undefined;
  return typeof window?.endMs === 'number' && Number.isFinite(window.endMs) ? window.endMs : null;
}
