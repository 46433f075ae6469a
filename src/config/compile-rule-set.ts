/**
 * Rule-set compiling: schema validation, cross-field checks and defaults, in one pass that
 * reports every problem with its path. A rule set that compiles is frozen and trusted after.
 */
import { resolveKayentaOptions } from '../analysis/kayenta/kayenta-metric-config.js';
import {
  DEFAULT_DETECT_RELATIVE,
  DEFAULT_MIN_SAMPLES,
  TESTS_BY_KIND,
  type KayentaOptions,
  type KhiKind,
  type KhiRule,
  type RuleSet,
  type SpendingPlan,
} from '../analysis/rule-set.js';
import { DEFAULT_SPENDING_RHO } from '../analysis/sequential/alpha-spending.js';
import { parseDurationSeconds } from './duration.js';
import { RuleSetError } from './rule-set-error.js';
import {
  JOURNEY_YIELDS,
  RuleSetSchema,
  TRACE_YIELDS,
  type KhiDocument,
  type RuleSetDocument,
} from './rule-set-schema.js';
import { validateAgainstSchema, type ValidationIssue } from './schema-validation.js';

const DEFAULT_OUTLIER_FACTOR = 3;
const DEFAULT_SLO_QUANTILE = 0.99;
/** Chosen with bench/detection: see docs/benchmarks.md. */
const DEFAULT_SPENDING: SpendingPlan = { function: 'kim-demets', rho: DEFAULT_SPENDING_RHO };

/** Compiles a parsed rule-set document; throws RuleSetError listing every issue. */
export function compileRuleSet(document: unknown, source: string): RuleSet {
  const validated = validateAgainstSchema(RuleSetSchema, document);
  if (!validated.ok) throw new RuleSetError(source, validated.issues);
  const issues = crossFieldIssues(validated.value);
  if (issues.length > 0) throw new RuleSetError(source, issues);
  return deepFreeze(applyDefaults(validated.value));
}

function crossFieldIssues(doc: RuleSetDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { analysis, scoring } = doc;
  if (analysis.minIntervals > analysis.maxIntervals) {
    issues.push({
      path: 'analysis.minIntervals',
      message: `must be <= analysis.maxIntervals (${analysis.maxIntervals})`,
    });
  }
  if ((parseDurationSeconds(analysis.interval) ?? 0) <= 0) {
    issues.push({ path: 'analysis.interval', message: 'must be a positive duration such as 60s' });
  }
  if (analysis.spending?.rho !== undefined && analysis.spending.function !== 'kim-demets') {
    issues.push({ path: 'analysis.spending.rho', message: 'only applies with function: kim-demets' });
  }
  if (scoring.marginal > scoring.pass) {
    issues.push({ path: 'scoring.marginal', message: `must be <= scoring.pass (${scoring.pass})` });
  }
  const seen = new Map<string, number>();
  doc.khis.forEach((khi, index) => {
    const at = (field: string) => `khis[${index}].${field}`;
    // A journey also defines `<name>.duration`; it must not collide with another KHI either.
    for (const name of compiledNames(khi)) {
      const first = seen.get(name);
      if (first !== undefined)
        issues.push({ path: at('name'), message: `duplicates khis[${first}].name "${name}"` });
      else seen.set(name, index);
    }
    issues.push(
      ...(khi.kind === 'journey'
        ? journeyIssues(khi, at)
        : khi.kind === 'trace'
          ? traceIssues(khi, at)
          : khiIssues(khi, khi.kind, at)),
    );
  });
  return issues;
}

const JOURNEY_ONLY_FIELDS = ['probe', 'runsPerInterval'] as const;
const TRACE_ONLY_FIELDS = [
  'service',
  'spanKinds',
  'minOperationSpans',
  'newErrors',
  'healthyReleases',
] as const;

/** The KHI names a rule-file KHI compiles into. */
function compiledNames(khi: KhiDocument): string[] {
  if (khi.kind === 'trace') return traceYields(khi).map(({ name }) => name);
  if (khi.kind !== 'journey') return [khi.name];
  const yields = khi.yields ?? JOURNEY_YIELDS;
  return [
    ...(yields.includes('success') ? [khi.name] : []),
    ...(yields.includes('duration') ? [`${khi.name}.duration`] : []),
  ];
}

function journeyIssues(khi: KhiDocument, at: (field: string) => string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (khi.probe === undefined) issues.push({ path: at('probe'), message: 'is required for journey KHIs' });
  if (khi.query !== undefined)
    issues.push({ path: at('query'), message: 'does not apply to journey KHIs (the probe is the query)' });
  if (khi.test !== undefined && khi.test !== 'auto')
    issues.push({
      path: at('test'),
      message: 'must be auto for journey KHIs (poisson for success, mann-whitney for duration)',
    });
  for (const field of ['slo', 'kayenta', 'nanStrategy', 'nanReplacement', 'outliers'] as const) {
    if (khi[field] !== undefined) issues.push({ path: at(field), message: 'does not apply to journey KHIs' });
  }
  for (const field of TRACE_ONLY_FIELDS) {
    if (khi[field] !== undefined) issues.push({ path: at(field), message: 'only applies to trace KHIs' });
  }
  issues.push(...yieldsIssues(khi, JOURNEY_YIELDS, at));
  return issues;
}

function traceIssues(khi: KhiDocument, at: (field: string) => string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (khi.direction !== 'increase')
    issues.push({
      path: at('direction'),
      message: 'must be increase for trace KHIs (more errors, slower spans)',
    });
  if (khi.query !== undefined)
    issues.push({ path: at('query'), message: 'does not apply to trace KHIs (spans are the data)' });
  if (khi.test !== undefined && khi.test !== 'auto')
    issues.push({
      path: at('test'),
      message: 'must be auto for trace KHIs (poisson for errors, mann-whitney for latency)',
    });
  for (const field of ['slo', 'kayenta', 'nanStrategy', 'nanReplacement', 'outliers'] as const) {
    if (khi[field] !== undefined) issues.push({ path: at(field), message: 'does not apply to trace KHIs' });
  }
  for (const field of JOURNEY_ONLY_FIELDS) {
    if (khi[field] !== undefined) issues.push({ path: at(field), message: 'only applies to journey KHIs' });
  }
  issues.push(...yieldsIssues(khi, TRACE_YIELDS, at));
  if (khi.newErrors === 'report' && khi.yields?.length === 1 && khi.yields[0] === 'new-errors')
    issues.push({
      path: at('newErrors'),
      message: 'report leaves nothing to judge when new-errors is all the KHI yields',
    });
  return issues;
}

function yieldsIssues(
  khi: KhiDocument,
  allowed: readonly string[],
  at: (field: string) => string,
): ValidationIssue[] {
  return (khi.yields ?? [])
    .map((item, index) => ({ item, index }))
    .filter(({ item }) => !allowed.includes(item))
    .map(({ item, index }) => ({
      path: at(`yields[${index}]`),
      message: `${item} is not something a ${khi.kind} KHI yields (use ${allowed.join(', ')})`,
    }));
}

function khiIssues(khi: KhiDocument, kind: KhiKind, at: (field: string) => string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const field of JOURNEY_ONLY_FIELDS) {
    if (khi[field] !== undefined) issues.push({ path: at(field), message: 'only applies to journey KHIs' });
  }
  if (khi.yields !== undefined)
    issues.push({ path: at('yields'), message: 'only applies to journey and trace KHIs' });
  for (const field of TRACE_ONLY_FIELDS) {
    if (khi[field] !== undefined) issues.push({ path: at(field), message: 'only applies to trace KHIs' });
  }
  const allowed = TESTS_BY_KIND[kind];
  if (khi.test !== undefined && khi.test !== 'auto' && !allowed.includes(khi.test)) {
    issues.push({
      path: at('test'),
      message: `${khi.test} does not apply to ${kind} KHIs (use ${['auto', ...allowed].join(', ')})`,
    });
  }
  if (khi.kayenta !== undefined && khi.test !== 'kayenta') {
    issues.push({ path: at('kayenta'), message: 'only applies with test: kayenta' });
  }
  if (khi.kayenta?.direction !== undefined && khi.kayenta.direction !== khi.direction) {
    issues.push({
      path: at('kayenta.direction'),
      message: `must match the KHI's direction (${khi.direction}) when given`,
    });
  }
  if (
    khi.detect !== undefined &&
    khi.tolerance?.relative !== undefined &&
    khi.detect.relative <= khi.tolerance.relative
  ) {
    issues.push({
      path: at('detect.relative'),
      message: `must be above tolerance.relative (${khi.tolerance.relative})`,
    });
  }
  if (khi.nanReplacement !== undefined && khi.nanStrategy !== 'replace') {
    issues.push({ path: at('nanReplacement'), message: 'only applies with nanStrategy: replace' });
  }
  if (kind === 'ratio' && (khi.nanStrategy !== undefined || khi.outliers !== undefined)) {
    const field = khi.nanStrategy !== undefined ? 'nanStrategy' : 'outliers';
    issues.push({
      path: at(field),
      message: 'applies to distribution and gauge KHIs only (ratios are counts)',
    });
  }
  const slo = khi.slo;
  if (slo !== undefined) {
    if (slo.max === undefined && slo.min === undefined)
      issues.push({ path: at('slo'), message: 'needs max or min' });
    if (slo.max !== undefined && slo.min !== undefined && slo.min > slo.max) {
      issues.push({ path: at('slo.min'), message: `must be <= slo.max (${slo.max})` });
    }
    if (kind === 'ratio') {
      if (slo.quantile !== undefined)
        issues.push({ path: at('slo.quantile'), message: 'does not apply to ratio KHIs' });
      for (const bound of ['max', 'min'] as const) {
        const value = slo[bound];
        if (value !== undefined && (value < 0 || value > 1)) {
          issues.push({ path: at(`slo.${bound}`), message: 'must be a rate between 0 and 1 for ratio KHIs' });
        }
      }
    }
  }
  if (khi.query !== undefined) issues.push(...queryIssues(khi, kind, at));
  return issues;
}

const QUERY_FIELDS_BY_KIND = {
  ratio: ['events', 'total'],
  distribution: ['histogram'],
  gauge: ['values'],
} as const;

function queryIssues(khi: KhiDocument, kind: KhiKind, at: (field: string) => string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const wanted: readonly string[] = QUERY_FIELDS_BY_KIND[kind];
  const query = khi.query as Record<string, string | undefined>;
  for (const field of wanted) {
    if (query[field] === undefined)
      issues.push({ path: at(`query.${field}`), message: `is required for ${kind} KHIs` });
  }
  for (const field of Object.keys(query)) {
    if (!wanted.includes(field)) {
      issues.push({
        path: at(`query.${field}`),
        message: `does not apply to ${kind} KHIs (use ${wanted.join(', ')})`,
      });
    }
  }
  return issues;
}

function applyDefaults(doc: RuleSetDocument): RuleSet {
  return {
    schemaVersion: 1,
    name: doc.name,
    ...(doc.description !== undefined && { description: doc.description }),
    analysis: {
      intervalSeconds: parseDurationSeconds(doc.analysis.interval) as number,
      minIntervals: doc.analysis.minIntervals,
      maxIntervals: doc.analysis.maxIntervals,
      alpha: doc.analysis.alpha,
      multipleComparisons: doc.analysis.multipleComparisons ?? 'holm',
      spending: spendingWithDefaults(doc.analysis.spending),
      power: doc.analysis.power ?? 0.8,
      cautionAlpha: doc.analysis.cautionAlpha ?? 0.05,
    },
    scoring: { pass: doc.scoring.pass, marginal: doc.scoring.marginal },
    khis: doc.khis.flatMap((khi) =>
      khi.kind === 'journey'
        ? journeyKhis(khi)
        : khi.kind === 'trace'
          ? traceKhis(khi)
          : [khiWithDefaults(khi, khi.kind)],
    ),
  };
}

function spendingWithDefaults(spending: RuleSetDocument['analysis']['spending']): SpendingPlan {
  const chosen = spending?.function ?? DEFAULT_SPENDING.function;
  return chosen === 'kim-demets'
    ? { function: chosen, rho: spending?.rho ?? DEFAULT_SPENDING_RHO }
    : { function: chosen };
}

/**
 * Journey defaults. Runs are few, so the failed-run share must move by 20 points (absolute) before
 * it matters: a broken journey fails every run, and 30 runs without a failure (3 intervals of 10)
 * are what rule out a 20-point rise at the caution level, so a healthy canary can promote at
 * minIntervals 3. Browser timings are noisy: durations tolerate 20%, must rule out +50% before they
 * pass, and are not critical. 10 runs per group before either KHI can pass.
 */
const JOURNEY_DEFAULT_RUNS = 10;
const JOURNEY_DEFAULTS = {
  success: { tolerance: { relative: 0, absolute: 0.2 }, minSamples: 10 },
  duration: { tolerance: { relative: 0.2 }, detect: { relative: 0.5 }, minSamples: 10 },
} as const;

/** A rule-file journey KHI as the analysis KHIs it yields, sharing the same runs. */
function journeyKhis(khi: KhiDocument): KhiRule[] {
  const yields = khi.yields ?? JOURNEY_YIELDS;
  const journey = {
    probe: khi.probe as string,
    runsPerInterval: khi.runsPerInterval ?? JOURNEY_DEFAULT_RUNS,
  };
  const base = { ...khi, test: undefined, probe: undefined, runsPerInterval: undefined, yields: undefined };
  const rules: KhiRule[] = [];
  if (yields.includes('success')) {
    const defaults = JOURNEY_DEFAULTS.success;
    const rule = khiWithDefaults(
      {
        ...base,
        direction: 'increase',
        tolerance: khi.tolerance ?? defaults.tolerance,
        minSamples: khi.minSamples ?? defaults.minSamples,
      },
      'ratio',
    );
    rules.push({ ...rule, journey: { ...journey, measure: 'success' } });
  }
  if (yields.includes('duration')) {
    const defaults = JOURNEY_DEFAULTS.duration;
    const rule = khiWithDefaults(
      {
        ...base,
        name: `${khi.name}.duration`,
        description: `Duration of successful ${journey.probe} journeys, in seconds.`,
        direction: 'increase',
        // Browser timings are noisy: a slower journey lowers the score, it does not veto alone.
        critical: false,
        tolerance: defaults.tolerance,
        detect: defaults.detect,
        minSamples: khi.minSamples ?? defaults.minSamples,
      },
      'distribution',
    );
    rules.push({ ...rule, journey: { ...journey, measure: 'duration' } });
  }
  return rules;
}

/**
 * Trace defaults. Per-operation KHIs look for the regression the service-wide metric KHIs dilute
 * — one operation much worse — on far fewer spans than the service has requests, so an error
 * share must move by 50% and a percentage point before it matters, and a tripling must be ruled
 * out before the operation passes (a doubling needs tens of thousands of spans at 1%). Latency
 * tolerates 10%, must rule out +25% and informs rather than vetoes, like journey durations. A new
 * error signature is tolerated only below 0.1% of spans, once the data show it stays there.
 */
const DEFAULT_MIN_OPERATION_SPANS = 200;
/** Signatures of the last 3 promoted releases are not new: rare known errors skip a baseline window. */
const DEFAULT_HEALTHY_RELEASES = 3;
const TRACE_DEFAULTS = {
  errors: {
    kind: 'ratio',
    suffix: '',
    tolerance: { relative: 0.5, absolute: 0.01 },
    detect: { relative: 2 },
  },
  latency: {
    kind: 'distribution',
    suffix: '.latency',
    tolerance: { relative: 0.1 },
    detect: { relative: 0.25 },
  },
  'new-errors': {
    kind: 'ratio',
    suffix: '.new-errors',
    tolerance: { relative: 0, absolute: 0.001 },
    detect: { relative: 1 },
  },
  'new-operations': {
    kind: 'ratio',
    suffix: '.new-operations',
    tolerance: { relative: 0.2, absolute: 0.005 },
    detect: { relative: 1 },
  },
} as const;

/** What a rule-file trace KHI yields (new-errors only when they fail the KHI), with their names. */
function traceYields(khi: KhiDocument): { measure: (typeof TRACE_YIELDS)[number]; name: string }[] {
  const yields = (khi.yields ?? TRACE_YIELDS).filter((item): item is (typeof TRACE_YIELDS)[number] =>
    (TRACE_YIELDS as readonly string[]).includes(item),
  );
  return yields
    .filter((measure) => measure !== 'new-errors' || khi.newErrors !== 'report')
    .map((measure) => ({ measure, name: `${khi.name}${TRACE_DEFAULTS[measure].suffix}` }));
}

/** A rule-file trace KHI as its families (trace-families.ts expands them at judge time). */
function traceKhis(khi: KhiDocument): KhiRule[] {
  const minOperationSpans = khi.minOperationSpans ?? DEFAULT_MIN_OPERATION_SPANS;
  const base = {
    ...khi,
    test: undefined,
    yields: undefined,
    service: undefined,
    spanKinds: undefined,
    minOperationSpans: undefined,
    newErrors: undefined,
    healthyReleases: undefined,
  };
  return traceYields(khi).map(({ measure, name }) => {
    const defaults = TRACE_DEFAULTS[measure];
    const own = measure === 'errors';
    const rule = khiWithDefaults(
      {
        ...base,
        name,
        ...(!own && {
          description: `${measure} of ${khi.name}'s spans.`,
          weight: undefined,
          alphaWeight: undefined,
        }),
        direction: 'increase',
        // The rule's own tolerance, detect, weights and critical flag are the errors family's; a
        // new error signature is critical unless reported only; latency and new operations inform.
        critical: own ? khi.critical : measure === 'new-errors',
        tolerance: (own ? khi.tolerance : undefined) ?? defaults.tolerance,
        detect: (own ? khi.detect : undefined) ?? defaults.detect,
        minSamples:
          khi.minSamples ??
          (defaults.kind === 'ratio' ? minOperationSpans : DEFAULT_MIN_SAMPLES.distribution),
      },
      defaults.kind,
    );
    return {
      ...rule,
      trace: {
        measure,
        ...(khi.service !== undefined && { service: khi.service }),
        spanKinds: khi.spanKinds ?? ['server'],
        minOperationSpans,
        healthyReleases: khi.healthyReleases ?? DEFAULT_HEALTHY_RELEASES,
      },
    };
  });
}

function khiWithDefaults(khi: KhiDocument, kind: KhiKind): KhiRule {
  const requestedTest = khi.test ?? 'auto';
  const test = requestedTest === 'auto' ? (TESTS_BY_KIND[kind][0] as KhiRule['test']) : requestedTest;
  return {
    name: khi.name,
    ...(khi.description !== undefined && { description: khi.description }),
    kind,
    direction: khi.direction,
    critical: khi.critical ?? false,
    weight: khi.weight ?? 1,
    alphaWeight: khi.alphaWeight ?? 1,
    group: khi.group ?? khi.name,
    requestedTest,
    test,
    tolerance: { relative: khi.tolerance?.relative ?? 0, absolute: khi.tolerance?.absolute ?? 0 },
    detect: { relative: khi.detect?.relative ?? DEFAULT_DETECT_RELATIVE[kind] },
    ...(khi.slo !== undefined && {
      slo: { ...khi.slo, quantile: khi.slo.quantile ?? DEFAULT_SLO_QUANTILE },
    }),
    minSamples: khi.minSamples ?? DEFAULT_MIN_SAMPLES[kind],
    nanStrategy: khi.nanStrategy ?? 'remove',
    nanReplacement: khi.nanReplacement ?? 0,
    outliers: {
      strategy: khi.outliers?.strategy ?? 'keep',
      factor: khi.outliers?.factor ?? DEFAULT_OUTLIER_FACTOR,
    },
    ...(test === 'kayenta' && { kayenta: kayentaWithDefaults(khi) }),
    ...(khi.query !== undefined && { query: { ...khi.query } }),
  };
}

/** Kayenta's options with Kayenta's defaults; the KHI's own direction, NaN strategy and critical flag carry over. */
function kayentaWithDefaults(khi: KhiDocument): KayentaOptions {
  const given = khi.kayenta ?? {};
  return resolveKayentaOptions({
    ...given,
    direction: khi.direction,
    nanStrategy: given.nanStrategy ?? khi.nanStrategy,
    critical: given.critical ?? khi.critical,
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
