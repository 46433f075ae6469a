/**
 * The compiled rule set the analysis core runs: every default filled in, every cross-field rule
 * checked, frozen. Produced from a rule file by `config/compile-rule-set.ts`.
 */
import type { SpendingFunction } from './sequential/alpha-spending.js';

export const KHI_KINDS = ['ratio', 'distribution', 'gauge'] as const;
export const DIRECTIONS = ['increase', 'decrease', 'either'] as const;
export const TEST_NAMES = [
  'auto',
  'poisson',
  'msprt',
  'fisher',
  'mann-whitney',
  'welch',
  'ks',
  'kayenta',
] as const;
export const NAN_STRATEGIES = ['remove', 'replace'] as const;
export const MULTIPLE_COMPARISONS = ['holm', 'benjamini-hochberg'] as const;

export type KhiKind = (typeof KHI_KINDS)[number];
/** Which change is bad: `increase` (e.g. errors, latency), `decrease` (e.g. throughput), `either`. */
export type Direction = (typeof DIRECTIONS)[number];
export type TestName = (typeof TEST_NAMES)[number];
/** A test after `auto` has been resolved for the KHI's kind. */
export type ResolvedTestName = Exclude<TestName, 'auto'>;
export type NanStrategy = (typeof NAN_STRATEGIES)[number];
export type MultipleComparisons = (typeof MULTIPLE_COMPARISONS)[number];

/** Tests that apply to each kind of KHI; the first is what `auto` picks. */
export const TESTS_BY_KIND: Readonly<Record<KhiKind, readonly ResolvedTestName[]>> = {
  ratio: ['poisson', 'msprt', 'fisher', 'kayenta'],
  distribution: ['mann-whitney', 'welch', 'ks', 'kayenta'],
  gauge: ['mann-whitney', 'welch', 'ks', 'kayenta'],
};

/**
 * Default `detect.relative`: the smallest regression a KHI must be able to catch. Vigil does not
 * promote while the data cannot rule it out (ratio ×2, distributions +10 %, gauges +25 %).
 */
export const DEFAULT_DETECT_RELATIVE: Readonly<Record<KhiKind, number>> = {
  ratio: 1,
  distribution: 0.1,
  gauge: 0.25,
};

/** Default `minSamples`: canary requests for ratios, canary observations otherwise. */
export const DEFAULT_MIN_SAMPLES: Readonly<Record<KhiKind, number>> = {
  ratio: 1000,
  distribution: 50,
  gauge: 10,
};

export interface Tolerance {
  /** Allowed relative change (0.2 = 20%) before a difference matters. */
  readonly relative: number;
  /** Allowed absolute change, in the KHI's unit (a rate for ratios). */
  readonly absolute: number;
}

export interface Slo {
  readonly max?: number;
  readonly min?: number;
  /** For distributions and gauges: the quantile the bound applies to (ratios use the rate). */
  readonly quantile: number;
}

export interface KayentaEffectSize {
  readonly measure: 'meanRatio' | 'cles';
  readonly allowedIncrease: number;
  readonly allowedDecrease: number;
  readonly criticalIncrease: number;
  readonly criticalDecrease: number;
}

/** Kayenta's metric options, with Kayenta's names and defaults. */
export interface KayentaOptions {
  readonly confidence: number;
  readonly tolerance: number;
  readonly direction: Direction;
  readonly nanStrategy: NanStrategy;
  readonly critical: boolean;
  readonly mustHaveData: boolean;
  readonly effectSize: KayentaEffectSize;
  readonly outliers: { readonly strategy: 'keep' | 'remove'; readonly outlierFactor: number };
}

export interface KhiQuery {
  readonly events?: string;
  readonly total?: string;
  readonly histogram?: string;
  readonly values?: string;
}

export interface KhiRule {
  readonly name: string;
  readonly description?: string;
  readonly kind: KhiKind;
  readonly direction: Direction;
  readonly critical: boolean;
  readonly weight: number;
  /**
   * Relative share of the rule set's alpha for this KHI's hypotheses (weighted Holm / BH): a KHI
   * with alphaWeight 8 among two with 1 is tested at 0.8 alpha while the others are not significant.
   */
  readonly alphaWeight: number;
  readonly group: string;
  /** The test as written (`auto` included). */
  readonly requestedTest: TestName;
  /** The test that runs. */
  readonly test: ResolvedTestName;
  readonly tolerance: Tolerance;
  /**
   * The smallest relative regression this KHI must catch: it is not a pass (so cannot promote)
   * until the upper confidence bound of the change lies below it.
   */
  readonly detect: { readonly relative: number };
  readonly slo?: Slo;
  readonly minSamples: number;
  readonly nanStrategy: NanStrategy;
  readonly nanReplacement: number;
  readonly outliers: { readonly strategy: 'keep' | 'remove'; readonly factor: number };
  readonly kayenta?: KayentaOptions;
  readonly query?: KhiQuery;
  /** Set when the KHI is observed by running a synthetic journey (rule-file `kind: journey`). */
  readonly journey?: JourneyMeasure;
  /**
   * Set when the KHI is observed from received spans (rule-file `kind: trace`). Such a KHI is a
   * family: its members (one per operation, error signature or new operation) are only known at
   * run time; see judge/trace-families.ts.
   */
  readonly trace?: TraceMeasure;
}

/** What a trace KHI family measures; every member is judged like a KHI of the family's kind. */
export const TRACE_MEASURES = ['errors', 'latency', 'new-errors', 'new-operations'] as const;
export type TraceMeasureName = (typeof TRACE_MEASURES)[number];

/**
 * A rule-file `kind: trace` compiles into up to four families over the same spans:
 * - `errors` (ratio, named like the rule-file KHI): failed spans out of spans, per operation seen in
 *   both groups;
 * - `latency` (distribution, `<name>.latency`): span durations in milliseconds, per operation;
 * - `new-errors` (ratio, `<name>.new-errors`): per error signature the canary shows and the
 *   baseline never did, its occurrences out of all spans (the baseline's are 0 by definition);
 * - `new-operations` (ratio, `<name>.new-operations`): per operation only the canary emits, its
 *   failed spans out of its spans, against the baseline's failed spans out of all of its spans.
 */
export interface TraceMeasure {
  readonly measure: TraceMeasureName;
  /** The service whose spans are read; the marker's service when absent. */
  readonly service?: string;
  /** Span kinds read (default `server`). */
  readonly spanKinds: readonly string[];
  /**
   * Operations with fewer spans than this in either group over the analysis so far are not judged
   * one by one (too little data for a verdict of their own); the evidence lists them.
   */
  readonly minOperationSpans: number;
  /** A signature seen in any of the service's last N promoted releases is not new. */
  readonly healthyReleases: number;
  /** On a member of the family: the operation or error signature it judges. */
  readonly member?: string;
}

/**
 * What a journey KHI measures. A rule-file `kind: journey` compiles into a ratio KHI of failed runs
 * out of all runs (`success`) and a distribution KHI of successful runs' durations in seconds
 * (`duration`, named `<name>.duration`); both share the same runs.
 */
export interface JourneyMeasure {
  /** Probe name: `probes/<probe>.ts`. */
  readonly probe: string;
  readonly runsPerInterval: number;
  readonly measure: 'success' | 'duration';
}

export interface AnalysisPlan {
  readonly intervalSeconds: number;
  readonly minIntervals: number;
  readonly maxIntervals: number;
  /** False-rollback budget for a healthy release over the whole analysis. */
  readonly alpha: number;
  readonly multipleComparisons: MultipleComparisons;
  /** How the group-sequential tests spend alpha over the maxIntervals looks. */
  readonly spending: SpendingPlan;
  /** Power at which the reasons state the smallest detectable change. */
  readonly power: number;
  /**
   * A KHI whose canary trends worse beyond its tolerance at this unadjusted, fixed-horizon level
   * is held at `inconclusive`: it blocks promotion but never causes a rollback by itself.
   */
  readonly cautionAlpha: number;
}

/**
 * Alpha spending of the group-sequential design (see sequential/alpha-spending.ts): `rho` is the
 * exponent of the Kim-DeMets family α·t^ρ and is only present for it.
 */
export interface SpendingPlan {
  readonly function: SpendingFunction;
  readonly rho?: number;
}

export interface RuleSet {
  readonly schemaVersion: 1;
  readonly name: string;
  readonly description?: string;
  readonly analysis: AnalysisPlan;
  readonly scoring: { readonly pass: number; readonly marginal: number };
  readonly khis: readonly KhiRule[];
}
