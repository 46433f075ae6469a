/**
 * Gather: ask the metric source for every KHI of the rule set, for the canary and the baseline,
 * over one interval, and run its journeys (gather-journeys.ts). Failures stay per KHI (they become
 * evidence and an `error` KHI), so one broken query never hides the others.
 */
import type { Group, IntervalObservations, KhiObservations } from '../analysis/observations.js';
import type { RuleSet } from '../analysis/rule-set.js';
import type { MetricSource, QueryContext, QueryRecord } from '../sources/metric-source.js';
import { gatherJourneys, type JourneyDispatch, type JourneyEvidence } from './gather-journeys.js';
import { gatherTraces, type TraceDeps, type TraceEvidence } from './gather-traces.js';
import type { Verification } from './verification.js';

export interface GatheredInterval {
  readonly observations: IntervalObservations;
  /** KHI name → why its queries failed this interval. */
  readonly failures: ReadonlyMap<string, string>;
  /** Every backend call made, per KHI and group. */
  readonly queries: readonly {
    readonly khi: string;
    readonly group: Group;
    readonly records: readonly QueryRecord[];
  }[];
  /** Journeys run this interval, per probe and group. */
  readonly journeys: readonly JourneyEvidence[];
  /** What each trace KHI's spans showed so far (new error signatures, new operations). */
  readonly traces: readonly TraceEvidence[];
  /** KHIs that have queries, journeys or spans (the others cannot be observed live). */
  readonly queriedKhis: number;
}

/** Observes every KHI with a query for interval `interval` (1-based) of the verification. */
export async function gatherObservations(
  source: MetricSource,
  verification: Verification,
  ruleSet: RuleSet,
  interval: number,
  concurrency: number,
  journeyDispatch?: JourneyDispatch,
  traceDeps?: TraceDeps,
): Promise<GatheredInterval> {
  const startedAtMs = Date.parse(verification.marker.startedAt);
  const { intervalSeconds } = ruleSet.analysis;
  const window = { endMs: startedAtMs + interval * intervalSeconds * 1000, intervalSeconds };
  const tasks = ruleSet.khis
    .filter((khi) => khi.query !== undefined)
    .flatMap((khi) => (['baseline', 'canary'] as const).map((group) => ({ khi, group })));
  const [results, journeys, traces] = await Promise.all([
    mapLimited(tasks, concurrency, ({ khi, group }) =>
      source.observe({ khi, group, context: queryContext(verification, group), window }),
    ),
    gatherJourneys(journeyDispatch, verification, ruleSet, interval),
    gatherTraces(traceDeps, verification, ruleSet, interval),
  ]);
  const khis: Record<string, { baseline?: KhiObservations['baseline']; canary?: KhiObservations['canary'] }> =
    {};
  const failures = new Map<string, string>();
  const queries: GatheredInterval['queries'][number][] = [];
  tasks.forEach(({ khi, group }, i) => {
    const result = results[i];
    if (result === undefined) return;
    queries.push({ khi: khi.name, group, records: result.queries });
    if (!result.ok) {
      failures.set(khi.name, appendFailure(failures.get(khi.name), group, result.error));
      return;
    }
    if (result.observation !== undefined) (khis[khi.name] ??= {})[group] = result.observation;
  });
  // A KHI with a failed group contributes nothing this interval: half a comparison is no comparison.
  for (const name of failures.keys()) delete khis[name];
  for (const [name, failure] of [...journeys.failures, ...traces.failures]) failures.set(name, failure);
  return {
    observations: { khis: { ...khis, ...journeys.khis, ...traces.khis } },
    failures,
    queries,
    journeys: journeys.journeys,
    traces: traces.traces,
    queriedKhis: new Set(tasks.map((t) => t.khi.name)).size + journeys.journeyKhis + traces.traceKhis,
  };
}

/** The template variables of one group of the deployment. */
export function queryContext(verification: Verification, group: Group): QueryContext {
  const { marker } = verification;
  const identity = group === 'canary' ? marker.canary : marker.baseline;
  const version = group === 'canary' ? marker.version : (marker.baselineVersion ?? '');
  return { service: marker.service, environment: marker.environment, version, labels: identity.labels };
}

export function appendFailure(previous: string | undefined, group: Group, error: string): string {
  return previous === undefined ? `${group}: ${error}` : `${previous}; ${group}: ${error}`;
}

async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
