/**
 * Classify: one KHI's evaluation and adjusted p-values → pass / high / low / nodata /
 * inconclusive / error, with a reason that names the numbers. A KHI fails when a hypothesis's
 * adjusted p-value is at most alpha and the observed change is beyond its tolerance.
 */
import type { AnalysisPlan, KhiRule } from '../rule-set.js';
import { formatChange, formatPValue } from './format-numbers.js';
import type { Hypothesis, KhiEvaluation } from './khi-evaluation.js';
import type { Classification, KhiResult } from './khi-result.js';

/** The result for a KHI that could not be judged at all. */
export function errorResult(rule: KhiRule, reason: string): KhiResult {
  return {
    name: rule.name,
    classification: 'error',
    critical: rule.critical,
    failed: false,
    test: rule.test,
    effect: {},
    weight: rule.weight,
    group: rule.group,
    reason,
  };
}

/** Classifies one evaluated KHI given its hypotheses' adjusted p-values (same order). */
export function classifyKhi(
  evaluation: KhiEvaluation,
  adjusted: readonly number[],
  plan: AnalysisPlan,
): KhiResult {
  const { rule } = evaluation;
  const base = {
    name: rule.name,
    critical: rule.critical,
    test: evaluation.test,
    ...(evaluation.method !== undefined && { method: evaluation.method }),
    ...(evaluation.statistic !== undefined && { statistic: evaluation.statistic }),
    ...(evaluation.pValue !== undefined && { pValue: evaluation.pValue }),
    ...(adjusted.length > 0 && { adjustedPValue: Math.min(...adjusted) }),
    effect: evaluation.effect,
    weight: rule.weight,
    group: rule.group,
  };
  if (evaluation.kayenta !== undefined) {
    const { label, critical, reason } = evaluation.kayenta;
    return {
      ...base,
      classification: kayentaClassification(label),
      failed: isKayentaFailure(label),
      reason,
      kayenta: { label, critical },
    };
  }
  const rejected = evaluation.hypotheses
    .map((hypothesis, i) => ({ hypothesis, adjusted: adjusted[i] ?? 1 }))
    .filter(({ hypothesis, adjusted: p }) => p <= plan.alpha && hypothesis.practicallySignificant);
  const first = rejected[0];
  if (first !== undefined && evaluation.status === 'tested') {
    const classification = failingSide(first.hypothesis, evaluation);
    const why = rejected
      .map(({ hypothesis, adjusted: p }) => describeRejection(hypothesis, rule, p, plan.alpha))
      .join('; ');
    return { ...base, classification, failed: true, reason: `${evaluation.summary}; ${why}` };
  }
  const classification = quietClassification(evaluation);
  const caution = evaluation.cautionPValue;
  if (classification === 'pass' && caution !== undefined && caution <= plan.cautionAlpha) {
    // Trending worse: hold promotion until the sequential test decides either way.
    const reason = `${evaluation.summary}; trending worse beyond the tolerance (p ${formatPValue(caution)} on the data so far) but not yet conclusive under repeated looks`;
    return { ...base, classification: 'inconclusive', failed: false, reason };
  }
  const regression = evaluation.regressionRuledOut;
  if (classification === 'pass' && regression !== undefined && !regression.ruledOut) {
    // Not harmful so far is not the same as harmless: hold promotion until the data rule out
    // the regression this KHI must catch.
    const bound = regression.upperRelative === null ? 'unbounded' : formatChange(regression.upperRelative);
    const level = Number(((1 - plan.cautionAlpha / plan.maxIntervals) * 100).toFixed(1));
    const reason = `${evaluation.summary}; cannot yet rule out a ${formatChange(evaluation.rule.detect.relative)} regression (bound ${bound} at ${level}%)`;
    return { ...base, classification: 'inconclusive', failed: false, reason };
  }
  return {
    ...base,
    classification,
    failed: false,
    reason: describeQuiet(classification, evaluation, adjusted, plan),
  };
}

function quietClassification(evaluation: KhiEvaluation): Classification {
  if (evaluation.status === 'error') return 'error';
  if (evaluation.status === 'nodata') return 'nodata';
  return evaluation.enoughSamples ? 'pass' : 'inconclusive';
}

function failingSide(hypothesis: Hypothesis, evaluation: KhiEvaluation): 'high' | 'low' {
  switch (hypothesis.side) {
    case 'increase':
    case 'slo-max':
      return 'high';
    case 'decrease':
    case 'slo-min':
      return 'low';
    case 'either': {
      const { canary, baseline, difference } = evaluation.effect;
      const up = difference !== undefined ? difference > 0 : (canary ?? 0) > (baseline ?? 0);
      return up ? 'high' : 'low';
    }
  }
}

function describeRejection(hypothesis: Hypothesis, rule: KhiRule, adjusted: number, alpha: number): string {
  const evidence = `sequential p ${formatPValue(adjusted)} ≤ α ${alpha}, adjusted across KHIs`;
  switch (hypothesis.side) {
    case 'slo-max':
      return `above its SLO max ${rule.slo?.max}${rule.kind === 'ratio' ? '' : ` at p${quantileLabel(rule)}`} (${evidence})`;
    case 'slo-min':
      return `below its SLO min ${rule.slo?.min}${rule.kind === 'ratio' ? '' : ` at p${quantileLabel(rule)}`} (${evidence})`;
    default:
      return `a change beyond the tolerance${toleranceText(rule)} (${evidence})`;
  }
}

function describeQuiet(
  classification: Classification,
  evaluation: KhiEvaluation,
  adjusted: readonly number[],
  plan: AnalysisPlan,
): string {
  const detect = evaluation.detectability !== undefined ? `; ${evaluation.detectability}` : '';
  const minimum = adjusted.length > 0 ? Math.min(...adjusted) : 1;
  switch (classification) {
    case 'nodata':
      return `no data: ${evaluation.summary}`;
    case 'error':
      return evaluation.summary;
    case 'inconclusive':
      return `${evaluation.summary}; fewer than minSamples (${evaluation.rule.minSamples}) in a group so far${detect}`;
    default:
      return `${evaluation.summary}; no significant change in the bad direction (sequential p ${formatPValue(minimum)} > α ${plan.alpha})${detect}`;
  }
}

function toleranceText(rule: KhiRule): string {
  const { relative, absolute } = rule.tolerance;
  const parts = [
    relative > 0 ? `${Math.round(relative * 1000) / 10}%` : '',
    absolute > 0 ? `${absolute} absolute` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(' and ')})` : '';
}

function quantileLabel(rule: KhiRule): string {
  return String(Math.round((rule.slo?.quantile ?? 0.5) * 1000) / 10);
}

function kayentaClassification(label: NonNullable<KhiEvaluation['kayenta']>['label']): Classification {
  switch (label) {
    case 'Pass':
      return 'pass';
    case 'High':
      return 'high';
    case 'Low':
      return 'low';
    case 'Nodata':
    case 'NodataFailMetric':
      return 'nodata';
    case 'Error':
      return 'error';
  }
}

/** Kayenta counts High, Low and NodataFailMetric against the canary. */
function isKayentaFailure(label: NonNullable<KhiEvaluation['kayenta']>['label']): boolean {
  return label === 'High' || label === 'Low' || label === 'NodataFailMetric';
}
