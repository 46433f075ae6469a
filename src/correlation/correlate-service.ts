/**
 * The correlation use case: for a service over a time range, its KHIs as series (KhiSeriesSource),
 * the change points in each (analysis/change-points, PELT), and the deployments of the service and
 * of everything it depends on ranked for each bad change (Gandalf-style blame, explained). Also the
 * same series with the deployment markers and no ranking, for the dashboard's service page.
 *
 * A KHI whose query fails is a note and an `error` on that KHI, never a failed request; a KHI
 * without enough data has no change points, so missing data never blames anybody.
 */
import type { BlameWindow } from '../analysis/change-points/blame-window.js';
import { DEFAULT_BLAME_WINDOW } from '../analysis/change-points/blame-window.js';
import type { BlameEvidence } from '../analysis/change-points/blame-evidence.js';
import {
  detectChangePoints,
  type ChangePoint,
  type DetectChangePointsOptions,
} from '../analysis/change-points/detect-change-points.js';
import type { DeploymentFact, DeploymentVerdictFact } from '../analysis/change-points/deployment-fact.js';
import { rankDeployments, type RankedDeployment } from '../analysis/change-points/rank-deployments.js';
import type { Direction, KhiKind, KhiRule, RuleSet } from '../analysis/rule-set.js';
import {
  chooseStepSeconds,
  type KhiSeriesSource,
  type KhiSeriesValue,
} from '../sources/khi-series-source.js';
import {
  findDeployments,
  type DeploymentHistory,
  type DeploymentMarkerView,
  type DeploymentRelation,
} from './deployment-facts.js';
import { chooseServiceKhis } from './service-khis.js';
import { dependenciesOf, isKnownService, serviceSelector, type ServiceSettings } from './service-scope.js';

export interface ServiceCorrelationDeps {
  readonly history: DeploymentHistory;
  readonly series: KhiSeriesSource;
  readonly ruleSets: ReadonlyMap<string, { readonly ruleSet: RuleSet }>;
  readonly services: ServiceSettings;
  /** How far from a change a deployment may start and be blamed (default 30 min before, 2 min after). */
  readonly window?: BlameWindow;
  /** Finest step of a series, in seconds (default 60); coarser for long ranges (≤ 1,000 points). */
  readonly stepSeconds?: number;
  /** Most KHIs charted per service (default 20). */
  readonly maxKhis?: number;
  /** Series queries in flight at once (default 4). */
  readonly queryConcurrency?: number;
  readonly detect?: DetectChangePointsOptions;
}

export interface CorrelationRequest {
  readonly service: string;
  readonly environment?: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** One KHI's series: `points` as [epoch ms, value or null]. */
export interface KhiSeriesView {
  readonly name: string;
  readonly kind: KhiKind;
  readonly direction: Direction;
  readonly query: string;
  readonly points: readonly (readonly [number, number | null])[];
  readonly error?: string;
}

/** A KHI's series with its change points and the detector's reason. */
export interface KhiChangeView extends KhiSeriesView {
  readonly changePoints: readonly ChangePointView[];
  readonly reason: string;
}

export interface ChangePointView {
  readonly khi: string;
  readonly atMs: number;
  readonly before: number;
  readonly after: number;
  readonly relativeChange: number | null;
  readonly direction: 'up' | 'down';
  readonly bad: boolean;
  readonly strength: number;
}

export interface CandidateView {
  readonly rank: number;
  readonly deploymentId: string;
  readonly service: string;
  readonly version: string;
  readonly environment: string;
  readonly relation: DeploymentRelation;
  readonly startedAt: string;
  readonly verdict: DeploymentVerdictFact | null;
  readonly score: number;
  readonly gapMs: number;
  readonly explanation: string;
  readonly evidence: readonly BlameEvidence[];
}

export interface RankedChangeView extends ChangePointView {
  readonly candidates: readonly CandidateView[];
  readonly reason: string;
}

/** The service page: series and deployment markers. Times ISO-8601 except series points (ms). */
export interface ServiceSeriesReport {
  readonly service: string;
  readonly environment?: string;
  readonly from: string;
  readonly to: string;
  readonly stepSeconds: number;
  readonly dependsOn: readonly string[];
  readonly khis: readonly KhiSeriesView[];
  readonly deployments: readonly DeploymentMarkerView[];
  readonly notes: readonly string[];
}

/** GET /v1/correlate: the series, their change points, the bad ones ranked strongest first. */
export interface CorrelationReport extends ServiceSeriesReport {
  readonly window: BlameWindow;
  readonly khis: readonly KhiChangeView[];
  readonly changePoints: readonly RankedChangeView[];
}

/** What the API calls (ApiDeps.correlation). */
export interface ServiceCorrelation {
  correlate(request: CorrelationRequest): Promise<CorrelationReport>;
  serviceSeries(request: CorrelationRequest): Promise<ServiceSeriesReport>;
}

const DEFAULT_STEP_SECONDS = 60;
const DEFAULT_MAX_KHIS = 20;
/** Recent deployments of the service whose rule sets name its KHIs. */
const RECENT_DEPLOYMENTS = 20;

/** Creates the correlation use case over its ports. */
export function createServiceCorrelation(deps: ServiceCorrelationDeps): ServiceCorrelation {
  const window = deps.window ?? DEFAULT_BLAME_WINDOW;

  const gather = async (request: CorrelationRequest, deploymentsFromMs: number) => {
    const { service, environment, fromMs, toMs } = request;
    const notes: string[] = [];
    const stepSeconds = chooseStepSeconds(fromMs, toMs, deps.stepSeconds ?? DEFAULT_STEP_SECONDS);
    const dependsOn = dependenciesOf(service, deps.services);
    if (!isKnownService(service, deps.services)) {
      notes.push(
        `${service} is not in settings.services: no dependencies known, its series select service="${service}"`,
      );
    }
    const recent = await deps.history.list({
      service,
      ...(environment !== undefined && { environment }),
      limit: RECENT_DEPLOYMENTS,
    });
    const chosen = chooseServiceKhis(
      deps.ruleSets,
      recent.items.map((v) => v.marker.ruleSet),
      deps.maxKhis ?? DEFAULT_MAX_KHIS,
    );
    if (chosen.khis.length === 0) notes.push('no loaded rule set has a KHI with a Prometheus query');
    else if (chosen.fromDeployments)
      notes.push(`KHIs of the rule sets ${service}'s recent deployments used: ${chosen.ruleSets.join(', ')}`);
    else
      notes.push(
        `no recent deployment of ${service} names a loaded rule set: KHIs of every rule set (${chosen.ruleSets.join(', ')})`,
      );
    if (chosen.omitted.length > 0) notes.push(`KHIs left out (too many): ${chosen.omitted.join(', ')}`);
    const selector = serviceSelector(service, deps.services);
    const [series, found] = await Promise.all([
      mapConcurrently(chosen.khis, deps.queryConcurrency ?? 4, (khi) =>
        seriesOf(deps.series, khi, { service, environment, selector, fromMs, toMs, stepSeconds }),
      ),
      findDeployments(deps.history, {
        services: [
          { name: service, relation: 'self' },
          ...dependsOn.map((name) => ({ name, relation: 'dependency' as const })),
        ],
        ...(environment !== undefined && { environment }),
        fromMs: deploymentsFromMs,
        toMs,
      }),
    ]);
    for (const khi of series) if (khi.error !== undefined) notes.push(`${khi.name}: ${khi.error}`);
    if (found.truncated) notes.push('too many deployments in the range: only the first ones are listed');
    return { stepSeconds, dependsOn, series, found, notes };
  };

  const header = (request: CorrelationRequest, stepSeconds: number, dependsOn: readonly string[]) => ({
    service: request.service,
    ...(request.environment !== undefined && { environment: request.environment }),
    from: new Date(request.fromMs).toISOString(),
    to: new Date(request.toMs).toISOString(),
    stepSeconds,
    dependsOn,
  });

  return {
    async serviceSeries(request) {
      const gathered = await gather(request, request.fromMs);
      return {
        ...header(request, gathered.stepSeconds, gathered.dependsOn),
        khis: gathered.series.map(({ khi: _khi, raw: _raw, ...view }) => view),
        deployments: gathered.found.markers,
        notes: gathered.notes,
      };
    },

    async correlate(request) {
      const gathered = await gather(request, request.fromMs - window.beforeMs);
      const { found, notes } = gathered;
      const all: ChangePoint[] = [];
      const khis: KhiChangeView[] = gathered.series.map(({ khi, raw, ...view }) => {
        if (view.error !== undefined) {
          return { ...view, changePoints: [], reason: `${khi.name}: no series (${view.error})` };
        }
        const result = detectChangePoints(
          { khi: khi.name, direction: khi.direction, points: raw },
          deps.detect,
        );
        if (result.kind !== 'change-points') {
          notes.push(result.reason);
          return { ...view, changePoints: [], reason: result.reason };
        }
        all.push(...result.changePoints);
        return { ...view, changePoints: result.changePoints.map(toChangePointView), reason: result.reason };
      });
      const relations = new Map(found.markers.map((m) => [m.id, m.relation]));
      const ranked = rankDeployments({
        changePoints: all,
        deployments: found.facts,
        service: request.service,
        dependsOn: gathered.dependsOn,
        window,
        resolutionMs: gathered.stepSeconds * 1000,
        ...(request.environment !== undefined && { environment: request.environment }),
      });
      return {
        ...header(request, gathered.stepSeconds, gathered.dependsOn),
        window,
        khis,
        changePoints: ranked.map(({ changePoint, candidates, reason }) => ({
          ...toChangePointView(changePoint),
          candidates: candidates.map((c) => toCandidateView(c, relations)),
          reason,
        })),
        deployments: found.markers,
        notes,
      };
    },
  };
}

interface GatheredSeries extends KhiSeriesView {
  readonly khi: KhiRule;
  readonly raw: readonly KhiSeriesValue[];
}

async function seriesOf(
  source: KhiSeriesSource,
  khi: KhiRule,
  request: {
    service: string;
    environment: string | undefined;
    selector: Readonly<Record<string, string>>;
    fromMs: number;
    toMs: number;
    stepSeconds: number;
  },
): Promise<GatheredSeries> {
  const { environment, ...rest } = request;
  const result = await source.series({ khi, ...rest, ...(environment !== undefined && { environment }) });
  const base = { khi, name: khi.name, kind: khi.kind, direction: khi.direction, query: result.query };
  if (!result.ok) return { ...base, raw: [], points: [], error: result.error };
  return { ...base, raw: result.points, points: result.points.map((p) => [p.t, p.value] as const) };
}

function toChangePointView(c: ChangePoint): ChangePointView {
  return {
    khi: c.khi,
    atMs: c.atMs,
    before: c.before,
    after: c.after,
    relativeChange: c.relativeChange,
    direction: c.direction,
    bad: c.bad,
    strength: c.strength,
  };
}

function toCandidateView(
  candidate: RankedDeployment,
  relations: ReadonlyMap<string, DeploymentRelation>,
): CandidateView {
  const d: DeploymentFact = candidate.deployment;
  return {
    rank: candidate.rank,
    deploymentId: d.id,
    service: d.service,
    version: d.version,
    environment: d.environment,
    relation: relations.get(d.id) ?? 'dependency',
    startedAt: new Date(d.startedAtMs).toISOString(),
    verdict: d.verdict ?? null,
    score: candidate.score,
    gapMs: candidate.gapMs,
    explanation: candidate.explanation,
    evidence: candidate.evidence,
  };
}

/** `fn` over `items` with at most `limit` calls in flight, results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
