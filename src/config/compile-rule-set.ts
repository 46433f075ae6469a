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
  type KhiRule,
  type RuleSet,
  type SpendingPlan,
} from '../analysis/rule-set.js';
import { DEFAULT_SPENDING_RHO } from '../analysis/sequential/alpha-spending.js';
import { parseDurationSeconds } from './duration.js';
import { RuleSetError } from './rule-set-error.js';
import { RuleSetSchema, type KhiDocument, type RuleSetDocument } from './rule-set-schema.js';
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
    const first = seen.get(khi.name);
    if (first !== undefined)
      issues.push({ path: at('name'), message: `duplicates khis[${first}].name "${khi.name}"` });
    else seen.set(khi.name, index);
    issues.push(...khiIssues(khi, at));
  });
  return issues;
}

function khiIssues(khi: KhiDocument, at: (field: string) => string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const allowed = TESTS_BY_KIND[khi.kind];
  if (khi.test !== undefined && khi.test !== 'auto' && !allowed.includes(khi.test)) {
    issues.push({
      path: at('test'),
      message: `${khi.test} does not apply to ${khi.kind} KHIs (use ${['auto', ...allowed].join(', ')})`,
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
  if (khi.kind === 'ratio' && (khi.nanStrategy !== undefined || khi.outliers !== undefined)) {
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
    if (khi.kind === 'ratio') {
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
  if (khi.query !== undefined) issues.push(...queryIssues(khi, at));
  return issues;
}

const QUERY_FIELDS_BY_KIND = {
  ratio: ['events', 'total'],
  distribution: ['histogram'],
  gauge: ['values'],
} as const;

function queryIssues(khi: KhiDocument, at: (field: string) => string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const wanted: readonly string[] = QUERY_FIELDS_BY_KIND[khi.kind];
  const query = khi.query as Record<string, string | undefined>;
  for (const field of wanted) {
    if (query[field] === undefined)
      issues.push({ path: at(`query.${field}`), message: `is required for ${khi.kind} KHIs` });
  }
  for (const field of Object.keys(query)) {
    if (!wanted.includes(field)) {
      issues.push({
        path: at(`query.${field}`),
        message: `does not apply to ${khi.kind} KHIs (use ${wanted.join(', ')})`,
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
    khis: doc.khis.map(khiWithDefaults),
  };
}

function spendingWithDefaults(spending: RuleSetDocument['analysis']['spending']): SpendingPlan {
  const chosen = spending?.function ?? DEFAULT_SPENDING.function;
  return chosen === 'kim-demets'
    ? { function: chosen, rho: spending?.rho ?? DEFAULT_SPENDING_RHO }
    : { function: chosen };
}

function khiWithDefaults(khi: KhiDocument): KhiRule {
  const requestedTest = khi.test ?? 'auto';
  const test = requestedTest === 'auto' ? (TESTS_BY_KIND[khi.kind][0] as KhiRule['test']) : requestedTest;
  return {
    name: khi.name,
    ...(khi.description !== undefined && { description: khi.description }),
    kind: khi.kind,
    direction: khi.direction,
    critical: khi.critical ?? false,
    weight: khi.weight ?? 1,
    alphaWeight: khi.alphaWeight ?? 1,
    group: khi.group ?? khi.name,
    requestedTest,
    test,
    tolerance: { relative: khi.tolerance?.relative ?? 0, absolute: khi.tolerance?.absolute ?? 0 },
    detect: { relative: khi.detect?.relative ?? DEFAULT_DETECT_RELATIVE[khi.kind] },
    ...(khi.slo !== undefined && {
      slo: { ...khi.slo, quantile: khi.slo.quantile ?? DEFAULT_SLO_QUANTILE },
    }),
    minSamples: khi.minSamples ?? DEFAULT_MIN_SAMPLES[khi.kind],
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
