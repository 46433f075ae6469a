/**
 * What the validation report is drawn from: everything `renderReport` needs, already read from
 * the bundle and checked by `loadReportInput`, so rendering is pure and can be tested with plain
 * values.
 */
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { Group } from '../analysis/observations.js';
import type { Direction, KhiKind } from '../analysis/rule-set.js';
import type { JourneyOutcome } from '../journeys/journey-result.js';
import type { JourneyEvidence } from '../verification/gather-journeys.js';
import type { Verdict, Verification } from '../verification/verification.js';
import type { ExemplarFacts } from './exemplar-facts.js';
import type { KhiSeries } from './interval-series.js';

/** The rule set the judge ran, as far as the report describes it. */
export interface ReportRuleSet {
  readonly name: string;
  /** SHA-256 of the rule file (the verification's `ruleSetSha256`). */
  readonly sha256: string;
  readonly description?: string;
  readonly intervalSeconds?: number;
  readonly minIntervals?: number;
  readonly maxIntervals?: number;
  readonly khis: readonly ReportKhiRule[];
}

/** One KHI of the rule set (a trace family stands for all of its members). */
export interface ReportKhiRule {
  readonly name: string;
  readonly kind: KhiKind;
  readonly direction: Direction;
  readonly critical: boolean;
  readonly description?: string;
}

/** One journey run that did not pass, with what it left behind. */
export interface ReportJourneyRun {
  readonly interval: number;
  readonly group: Group;
  readonly probe: string;
  /** `unknown` when only its artifacts were found (its step's journeys.json is missing or damaged). */
  readonly outcome: Exclude<JourneyOutcome, 'pass'> | 'unknown';
  readonly reason: string;
  readonly failedStep?: string;
  /** ISO-8601. */
  readonly startedAt?: string;
  readonly screenshot?: ReportScreenshot;
  /** Bundle paths of the run's other artifacts (trace.zip, journey.json). */
  readonly artifacts: readonly string[];
}

/** A journey screenshot: embedded when it fitted the report's budget, else only linked. */
export interface ReportScreenshot {
  readonly path: string;
  /** `data:image/png;base64,...` when embedded. */
  readonly dataUri?: string;
  /** Why it is not embedded (over the budget, not a PNG, unreadable). */
  readonly omitted?: string;
}

/** A new error signature of a trace KHI and what its exemplar trace shows. */
export interface ReportTraceFinding {
  /** The rule-file trace KHI. */
  readonly khi: string;
  readonly signature: string;
  readonly type?: string;
  readonly message?: string;
  /** Occurrences in the canary so far. */
  readonly count?: number;
  readonly operations: readonly string[];
  /** Bundle path of the exemplar (OTLP/JSON). */
  readonly exemplarPath?: string;
  readonly exemplar?: ExemplarFacts;
  /** Why there are no exemplar facts (none was kept, or it could not be read). */
  readonly exemplarProblem?: string;
}

/** One step of the decision log. */
export interface ReportStep {
  readonly interval: number;
  /** ISO-8601; absent when the step is known from its judgement only. */
  readonly recordedAt?: string;
  readonly score: number | null;
  /** `continue` or a verdict outcome. */
  readonly outcome: string;
  /** KHI name → why it failed in this step. */
  readonly failures: Readonly<Record<string, string>>;
}

/** A file of the bundle. */
export interface ReportFile {
  readonly path: string;
  readonly bytes: number;
}

/** Everything one report shows; made by `loadReportInput`, drawn by `renderReport`. */
export interface ReportInput {
  readonly deploymentId: string;
  /** ISO-8601, when the report was made (the renderer reads no clock). */
  readonly generatedAt: string;
  /** The verification as recorded, or as far as the bundle tells it; absent when its marker is unreadable. */
  readonly verification?: Verification;
  /** Null while the analysis is running. */
  readonly verdict: Verdict | null;
  readonly progress: { readonly intervalsJudged: number; readonly maxIntervals?: number };
  readonly ruleSet?: ReportRuleSet;
  /** The verdict's KHI results, or the latest judgement's while analysing. */
  readonly khis: readonly KhiResult[];
  /** KHI name → its observations interval by interval. */
  readonly series: Readonly<Record<string, KhiSeries>>;
  /** Every step's journey evidence, for the impact summary. */
  readonly journeys: readonly JourneyEvidence[];
  /** Runs that did not pass, failures first, screenshots embedded within the budget. */
  readonly journeyRuns: readonly ReportJourneyRun[];
  readonly traceFindings: readonly ReportTraceFinding[];
  readonly steps: readonly ReportStep[];
  /** Services that depend on this one. */
  readonly dependents?: readonly string[];
  readonly files: readonly ReportFile[];
  /** What could not be read or was left out, in sentences: shown in the report. */
  readonly notes: readonly string[];
}
