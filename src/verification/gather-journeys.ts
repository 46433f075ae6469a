/**
 * Gather for journey KHIs: run each journey probe of the rule set `runsPerInterval` times against
 * the canary's and the baseline's URL, and turn the runs into Observations — failed runs out of
 * judged runs for `success`, seconds of each passing run for `duration`. Both KHIs of a probe share
 * the same runs. Runs that could not judge the application (`error`: broken probe, timeout, foreign
 * host, browser failure) are never counted as passes; when no run of a group could judge, the
 * probe's KHIs fail for this interval with the runs' reason, like a failed backend query.
 */
import type { Group, KhiObservations } from '../analysis/observations.js';
import type { KhiRule, RuleSet } from '../analysis/rule-set.js';
import type { JourneyResult } from '../journeys/journey-result.js';
import { summarizeJourneys } from '../journeys/journey-summary.js';
import { appendFailure } from './gather-observations.js';
import type { Verification } from './verification.js';

/** Port: runs journeys of a named probe (locally or through a shared queue). */
export interface JourneyDispatch {
  /** `runs` journeys; resolves with one result per run, never rejects for probe or app trouble. */
  runJourneys(request: JourneyBatch): Promise<readonly JourneyResult[]>;
}

export interface JourneyBatch {
  /** Probe name: `probes/<probe>.ts`. */
  readonly probe: string;
  readonly baseUrl: string;
  /** The marker's canary and baseline URLs: the only origins the browser may reach. */
  readonly allowedOrigins: readonly string[];
  readonly runs: number;
  readonly evidence: { readonly verificationId: string; readonly pathPrefix: string };
}

/** What one probe's runs in one group left behind, for the step's evidence. */
export interface JourneyEvidence {
  readonly probe: string;
  readonly group: Group;
  readonly baseUrl?: string;
  readonly runs: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  /** Outcome, reason, steps and stored artifacts of every run that did not pass, and sampled passes. */
  readonly results: readonly JourneyResult[];
}

export interface GatheredJourneys {
  readonly khis: Record<
    string,
    { baseline?: KhiObservations['baseline']; canary?: KhiObservations['canary'] }
  >;
  /** KHI name → why it could not be observed this interval. */
  readonly failures: Map<string, string>;
  readonly journeys: readonly JourneyEvidence[];
  /** Journey KHIs of the rule set. */
  readonly journeyKhis: number;
}

const GROUPS: readonly Group[] = ['baseline', 'canary'];

/** Runs every journey probe of the rule set for interval `interval` (1-based). */
export async function gatherJourneys(
  dispatch: JourneyDispatch | undefined,
  verification: Verification,
  ruleSet: RuleSet,
  interval: number,
): Promise<GatheredJourneys> {
  const byProbe = new Map<string, KhiRule[]>();
  for (const khi of ruleSet.khis) {
    if (khi.journey !== undefined)
      byProbe.set(khi.journey.probe, [...(byProbe.get(khi.journey.probe) ?? []), khi]);
  }
  const gathered: GatheredJourneys = { khis: {}, failures: new Map(), journeys: [], journeyKhis: 0 };
  if (byProbe.size === 0) return gathered;
  const { marker } = verification;
  const urls = { canary: marker.canary.url, baseline: marker.baseline.url };
  const allowedOrigins = [urls.canary, urls.baseline].filter((url): url is string => url !== undefined);
  const journeys: JourneyEvidence[] = [];
  const tasks = [...byProbe].flatMap(([probe, khis]) => GROUPS.map((group) => ({ probe, khis, group })));
  await Promise.all(
    tasks.map(async ({ probe, khis, group }) => {
      const baseUrl = urls[group];
      const runs = Math.max(...khis.map((khi) => khi.journey?.runsPerInterval ?? 0));
      if (baseUrl === undefined) {
        for (const khi of khis)
          fail(gathered.failures, khi.name, group, `the marker has no ${group}.url to run ${probe} against`);
        return;
      }
      const results = await (dispatch?.runJourneys({
        probe,
        baseUrl,
        allowedOrigins,
        runs,
        evidence: {
          verificationId: verification.id,
          pathPrefix: `journeys/interval-${interval}/${group}/${probe}`,
        },
      }) ?? Promise.resolve(undefined));
      if (results === undefined) {
        for (const khi of khis)
          fail(gathered.failures, khi.name, group, 'journeys are not enabled on this daemon');
        return;
      }
      const summary = summarizeJourneys(results);
      journeys.push({
        probe,
        group,
        baseUrl,
        runs: summary.runs,
        passed: summary.passed,
        failed: summary.failed,
        errors: summary.errors,
        results: results.filter((result) => result.outcome !== 'pass' || result.artifacts.length > 0),
      });
      const judged = summary.passed + summary.failed;
      if (judged === 0) {
        const reason = results.find((result) => result.outcome === 'error')?.reason ?? 'no journey ran';
        for (const khi of khis)
          fail(
            gathered.failures,
            khi.name,
            group,
            `no ${probe} journey could judge the application: ${reason}`,
          );
        return;
      }
      for (const khi of khis) {
        const observation =
          khi.journey?.measure === 'duration'
            ? { values: summary.passingDurationsMs.map((ms) => ms / 1000) }
            : { events: summary.failed, total: judged };
        (gathered.khis[khi.name] ??= {})[group] = observation;
      }
    }),
  );
  // Half a comparison is no comparison: a KHI with a failed group contributes nothing this interval.
  for (const name of gathered.failures.keys()) delete gathered.khis[name];
  return {
    ...gathered,
    journeys,
    journeyKhis: [...byProbe.values()].reduce((sum, khis) => sum + khis.length, 0),
  };
}

function fail(failures: Map<string, string>, khi: string, group: Group, reason: string): void {
  failures.set(khi, appendFailure(failures.get(khi), group, reason));
}
