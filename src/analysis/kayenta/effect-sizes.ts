/**
 * Kayenta's effect sizes between control (baseline) and experiment (canary).
 *
 * Source: spinnaker/spinnaker kayenta/kayenta-judge/src/main/scala/com/netflix/kayenta/judge/
 * stats/EffectSizes.scala (commit f8b98eba). CLES after A. Vargha and H. D. Delaney, "A critique
 * and improvement of the CL common language effect size statistics of McGraw and Wong", Journal
 * of Educational and Behavioral Statistics 25(2):101-132, 2000. Cohen's d with pooled SD.
 */
import { apacheMean, type KayentaMetricStatistics } from './descriptive-statistics.js';
import { averageRanks } from './natural-ranking.js';

/** mean(experiment)/mean(control); NaN when either mean is exactly 0 (or a side is empty). */
export function meanRatio(control: readonly number[], experiment: readonly number[]): number {
  const controlMean = apacheMean(control);
  const experimentMean = apacheMean(experiment);
  return controlMean === 0 || experimentMean === 0 ? Number.NaN : experimentMean / controlMean;
}

/** Cohen's d from two summaries: |mean difference| over the pooled sample SD (always >= 0). */
export function cohenD(control: KayentaMetricStatistics, experiment: KayentaMetricStatistics): number {
  const pooledStd = Math.sqrt(
    ((experiment.count - 1) * experiment.std ** 2 + (control.count - 1) * control.std ** 2) /
      (control.count + experiment.count - 2),
  );
  return Math.abs(experiment.mean - control.mean) / pooledStd;
}

/** P(experiment > control) + ½·P(tie), from rank sums; 0.5 means no effect, NaN when a side is empty. */
export function cles(control: readonly number[], experiment: readonly number[]): number {
  const m = experiment.length;
  const n = control.length;
  const ranks = averageRanks([...experiment, ...control]);
  let r1 = 0;
  for (let i = 0; i < m; i++) r1 += ranks[i] ?? 0;
  return (2 * r1 - m * (m + 1)) / (2 * n * m);
}
