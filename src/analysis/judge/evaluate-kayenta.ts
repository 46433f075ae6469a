/**
 * `test: kayenta`: the KHI is classified by the Kayenta-compatible judge exactly as Kayenta would
 * classify the same series — a fixed-horizon test at every look, as Kayenta runs it. Ratio KHIs
 * give Kayenta the per-interval rates (the series it would get from Prometheus); distributions
 * and gauges give it every observation.
 */
import { classifyKayentaMetric } from '../kayenta/classify-kayenta-metric.js';
import type { KhiRule } from '../rule-set.js';
import { formatValue } from './format-numbers.js';
import type { KhiState } from './judge-state.js';
import type { KhiEvaluation } from './khi-evaluation.js';

/** Evaluates a Kayenta-compatible KHI on everything accumulated so far. */
export function evaluateKayenta(rule: KhiRule, state: KhiState, interval: number): KhiEvaluation {
  const series = (group: 'canary' | 'baseline') =>
    rule.kind === 'ratio' ? state[group].perInterval : state[group].values;
  const options = rule.kayenta;
  if (options === undefined) throw new Error(`KHI ${rule.name} uses test kayenta without kayenta options`);
  const result = classifyKayentaMetric(series('baseline'), series('canary'), options, {
    metricName: rule.name,
    noiseSeed: interval,
  });
  const comparison = 'comparison' in result ? result.comparison : null;
  return {
    rule,
    state,
    status:
      result.label === 'Nodata' || result.label === 'NodataFailMetric'
        ? 'nodata'
        : result.label === 'Error'
          ? 'error'
          : 'tested',
    enoughSamples: true,
    hypotheses: [],
    test: 'kayenta',
    method: 'kayenta-mann-whitney',
    effect: {
      canary: result.experiment.median,
      baseline: result.control.median,
      canarySamples: result.experiment.count,
      baselineSamples: result.control.count,
      ...(comparison !== null && {
        difference: comparison.estimate,
        lower: comparison.lower,
        upper: comparison.upper,
        confidence: options.confidence,
      }),
      ...('deviation' in result && Number.isFinite(result.deviation) && { ratio: result.deviation }),
    },
    summary: `canary median ${formatValue(result.experiment.median)} vs baseline ${formatValue(result.control.median)}`,
    kayenta: { label: result.label, critical: result.critical, reason: result.reason },
  };
}
