/**
 * Everything the validation report shows, read from a verification's bundle through the
 * ArtifactStore port: marker, rule set, each step's observations, judgement, journeys and traces,
 * the decision log, screenshots and exemplar traces. Nothing here throws for a damaged or missing
 * file: each becomes a note the report shows, and the report says what it could not check.
 */
import type { Judgement } from '../analysis/judge/judge-interval.js';
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { IntervalObservations } from '../analysis/observations.js';
import { DeploymentMarkerSchema } from '../ingest/deployment-marker-schema.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import { BUNDLE_FILES, intervalOfStepPath, stepFilePath } from '../store/artifacts/bundle-layout.js';
import type { JourneyEvidence } from '../verification/gather-journeys.js';
import type { Verdict, Verification } from '../verification/verification.js';
import {
  AppliedRuleSetFileSchema,
  DecisionLogFileSchema,
  JourneysFileSchema,
  JudgementFileSchema,
  ObservationsFileSchema,
  TracesFileSchema,
  type AppliedRuleSetFile,
  type JudgementFile,
  type KhiResultFile,
  type TracesFile,
  type VerdictFile,
} from './bundle-file-schemas.js';
import { openBundleReader, type BundleReader } from './bundle-reader.js';
import { seriesFromObservations } from './interval-series.js';
import { loadJourneyRuns } from './load-journey-runs.js';
import { loadTraceFindings } from './load-trace-findings.js';
import type { ReportInput, ReportRuleSet, ReportStep } from './report-input.js';

/** Screenshot bytes embedded in one report by default: it stays small enough to mail. */
export const DEFAULT_MAX_SCREENSHOT_BYTES = 2 * 1024 * 1024;
/** Screenshots embedded in one report by default. */
export const DEFAULT_MAX_SCREENSHOTS = 12;

/** What the bundle does not hold, and the report's limits. */
export interface LoadReportOptions {
  /** The verification as recorded; without it, verdict and progress come from the bundle alone. */
  readonly verification?: Verification;
  /** ISO-8601, shown as when the report was made. */
  readonly generatedAt: string;
  /** Total bytes of embedded screenshots (default 2 MiB); the others are linked. */
  readonly maxScreenshotBytes?: number;
  /** Screenshots embedded at most (default 12). */
  readonly maxScreenshots?: number;
  /** Services that depend on this one (settings `services`), for the impact summary. */
  readonly dependents?: readonly string[];
}

/** Reads the bundle of `deploymentId` into the report's input; never throws for bundle damage. */
export async function loadReportInput(
  store: ArtifactStore,
  deploymentId: string,
  options: LoadReportOptions,
): Promise<ReportInput> {
  const reader = await openBundleReader(store, deploymentId);
  const given = options.verification;
  const marker = given?.marker ?? (await readMarker(reader));
  if (given !== undefined && reader.files.length > 0 && reader.file(BUNDLE_FILES.marker) === undefined)
    reader.notes.push(`${BUNDLE_FILES.marker} is missing from the bundle.`);
  const applied = await reader.json(BUNDLE_FILES.ruleSetApplied, AppliedRuleSetFileSchema, true);
  const log = await reader.json(BUNDLE_FILES.decisionLog, DecisionLogFileSchema, Boolean(given?.verdict));
  if (log !== undefined && log.deploymentId !== deploymentId)
    reader.notes.push(`${BUNDLE_FILES.decisionLog} names another deployment (${log.deploymentId}).`);

  const observations: { interval: number; observations: IntervalObservations }[] = [];
  const judgements: JudgementFile[] = [];
  const journeysByInterval = new Map<number, readonly JourneyEvidence[] | undefined>();
  const tracesByInterval = new Map<number, TracesFile>();
  for (const interval of stepIntervals(reader, log?.steps.map((step) => step.interval) ?? [], given)) {
    const read = await reader.json(stepFilePath(interval, 'observations'), ObservationsFileSchema, true);
    if (read !== undefined) observations.push({ interval, observations: read });
    const judgement = await reader.json(stepFilePath(interval, 'judgement'), JudgementFileSchema, true);
    if (judgement !== undefined) judgements.push(judgement);
    journeysByInterval.set(
      interval,
      await reader.json(stepFilePath(interval, 'journeys'), JourneysFileSchema, false),
    );
    const traces = await reader.json(stepFilePath(interval, 'traces'), TracesFileSchema, false);
    if (traces !== undefined) tracesByInterval.set(interval, traces);
  }

  const lastFile = judgements[judgements.length - 1];
  const latest = given?.lastJudgement ?? (lastFile === undefined ? undefined : judgementFromFile(lastFile));
  const verdict = given?.verdict ?? (log?.verdict == null ? null : verdictFromFile(log.verdict));
  const khis = verdict !== null && verdict.khis.length > 0 ? verdict.khis : (latest?.khis ?? []);
  const ruleSet = applied === undefined ? undefined : reportRuleSet(applied);
  const intervalsJudged =
    given?.intervalsJudged ??
    Math.max(0, latest?.interval ?? 0, ...(log?.steps.map((step) => step.interval) ?? []));
  const maxIntervals = given?.plan?.maxIntervals ?? ruleSet?.maxIntervals;
  const journeys = [...journeysByInterval.values()].flatMap((evidence) => evidence ?? []);
  const journeyRuns = await loadJourneyRuns(reader, journeysByInterval, khis, {
    maxBytes: options.maxScreenshotBytes ?? DEFAULT_MAX_SCREENSHOT_BYTES,
    maxCount: options.maxScreenshots ?? DEFAULT_MAX_SCREENSHOTS,
  });
  const traceFindings = await loadTraceFindings(reader, tracesByInterval, khis);
  const verification =
    given ??
    (marker === undefined
      ? undefined
      : {
          // Rebuilt from the bundle for the report's wording: the fields it does not hold are empty.
          id: deploymentId,
          marker,
          markerSha256: '',
          ruleSetSha256: ruleSet?.sha256 ?? '',
          ...(applied !== undefined && { plan: applied.ruleSet.analysis }),
          status: verdict?.outcome ?? 'analyzing',
          createdAt: marker.startedAt,
          updatedAt: verdict?.decidedAt ?? marker.startedAt,
          intervalsJudged,
          failedSteps: 0,
          lastJudgement: latest ?? null,
          verdict,
        });
  return {
    deploymentId,
    generatedAt: options.generatedAt,
    ...(verification !== undefined && { verification }),
    verdict,
    progress: { intervalsJudged, ...(maxIntervals !== undefined && { maxIntervals }) },
    ...(ruleSet !== undefined && { ruleSet }),
    khis,
    series: seriesFromObservations(observations),
    journeys,
    journeyRuns,
    traceFindings,
    steps: log?.steps ?? judgements.map(stepFromJudgement),
    ...(options.dependents !== undefined && { dependents: options.dependents }),
    files: reader.files.map((file) => ({ path: file.path, bytes: file.bytes })),
    notes: reader.notes,
  };
}

async function readMarker(reader: BundleReader): Promise<Verification['marker'] | undefined> {
  const marker = await reader.json(BUNDLE_FILES.marker, DeploymentMarkerSchema, true);
  if (marker === undefined) return undefined;
  const { id, startedAt } = marker;
  if (id === undefined || startedAt === undefined) {
    reader.notes.push(`${BUNDLE_FILES.marker} is damaged: it has no id or no startedAt.`);
    return undefined;
  }
  return { ...marker, id, startedAt };
}

/** Intervals with a step folder, in the decision log, or judged according to the verification. */
function stepIntervals(
  reader: BundleReader,
  logged: readonly number[],
  given: Verification | undefined,
): number[] {
  const intervals = new Set(logged);
  for (const file of reader.files) {
    const interval = intervalOfStepPath(file.path);
    if (interval !== undefined && interval > 0) intervals.add(interval);
  }
  for (let interval = 1; interval <= (given?.intervalsJudged ?? 0); interval += 1) intervals.add(interval);
  return [...intervals].sort((a, b) => a - b);
}

function reportRuleSet(applied: AppliedRuleSetFile): ReportRuleSet {
  const { ruleSet } = applied;
  return {
    name: applied.name,
    sha256: applied.sha256,
    ...(ruleSet.description !== undefined && { description: ruleSet.description }),
    intervalSeconds: ruleSet.analysis.intervalSeconds,
    minIntervals: ruleSet.analysis.minIntervals,
    maxIntervals: ruleSet.analysis.maxIntervals,
    khis: ruleSet.khis.map((khi) => ({
      name: khi.name,
      kind: khi.kind,
      direction: khi.direction,
      critical: khi.critical,
      ...(khi.description !== undefined && { description: khi.description }),
    })),
  };
}

function stepFromJudgement(judgement: JudgementFile): ReportStep {
  return {
    interval: judgement.interval,
    score: judgement.score,
    outcome: judgement.decision.outcome,
    failures: Object.fromEntries(
      judgement.khis.filter((khi) => khi.failed).map((khi) => [khi.name, khi.reason]),
    ),
  };
}

function judgementFromFile(file: JudgementFile): Judgement {
  return { ...file, khis: file.khis.map(khiResultFromFile) };
}

function verdictFromFile(file: VerdictFile): Verdict {
  return { ...file, khis: file.khis.map(khiResultFromFile) };
}

/** A KHI result as written (non-finite numbers as null) back to its type (absent numbers). */
export function khiResultFromFile(file: KhiResultFile): KhiResult {
  const { statistic, pValue, adjustedPValue, effect, ...rest } = file;
  return {
    ...rest,
    ...withoutNulls({ statistic, pValue, adjustedPValue }),
    effect: withoutNulls(effect),
  };
}

type WithoutNulls<T> = { [K in keyof T]?: Exclude<T[K], null> };

function withoutNulls<T extends object>(fields: T): WithoutNulls<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== null && value !== undefined),
  ) as WithoutNulls<T>;
}
