/**
 * Kayenta's canary score: muted metrics dropped; any critical metric not Pass → score 0; else
 * 50% or more Nodata metrics → score 0; else the weighted sum of group scores, rounded half-up to
 * two decimals, then classified by the pass/marginal thresholds.
 *
 * A group's score is 100·Pass/(Pass + High + Low + NodataFailMetric): Nodata and Error metrics
 * are left out, and a group with none of those four counts as 100 in the summary. Groups without
 * a configured weight share (100 − sum of ALL configured weights) equally; configured weights of
 * groups that have no metrics are simply lost.
 *
 * Sources: spinnaker/spinnaker kayenta/kayenta-judge/src/main/scala/com/netflix/kayenta/judge/
 * scorers/WeightedSumScorer.scala, scorers/ScoringHelper.scala, scorers/BaseScorer.scala
 * (commit f8b98eba), and kayenta-judge/src/test/.../ScorerSuite.scala.
 */
import {
  classifyKayentaScore,
  type KayentaScoreLabel,
  type KayentaScoreThresholds,
} from './classify-kayenta-score.js';
import type { KayentaMetricLabel } from './mann-whitney-classifier.js';
import { roundHalfUp } from './round-half-up.js';

/** Kayenta's nodata cut-off, in percent of (unmuted) metrics. */
export const KAYENTA_NODATA_THRESHOLD_PERCENT = 50;

/** One classified metric as the scorer sees it. */
export interface KayentaScoredMetric {
  readonly name: string;
  /** Groups the metric belongs to; a metric may be in several, or none. */
  readonly groups: readonly string[];
  readonly label: KayentaMetricLabel;
  readonly critical: boolean;
  /** Kayenta's classification reason, quoted in "Canary Failed: …" for a critical failure. */
  readonly kayentaReason: string | null;
  /** Muted metrics are reported but not scored (Kayenta `canary.muted`). */
  readonly muted?: boolean;
}

/** Kayenta's `GroupScore`, with the weight the summary actually applied. */
export interface KayentaGroupScore {
  readonly name: string;
  /** 0-100; 0 when the group has no Pass/High/Low/NodataFailMetric metric. */
  readonly score: number;
  /** True when no metric counted; the summary then uses 100, not `score`. */
  readonly hasNoData: boolean;
  readonly labelCounts: Readonly<Partial<Record<KayentaMetricLabel, number>>>;
  readonly metricCount: number;
  /** Configured weight, or the share of the unconfigured remainder. */
  readonly weight: number;
}

/** How the summary score was reached. */
export type KayentaScoreBasis =
  | { readonly kind: 'critical-failure'; readonly metric: string }
  | { readonly kind: 'too-many-nodata'; readonly nodataPercent: number }
  | { readonly kind: 'weighted-sum' };

/** Kayenta's `ScoreResult` plus its `ScoreClassification`. */
export interface KayentaScoreResult {
  /** 0-100, rounded half-up to 2 decimals; 0 on a critical failure or too much nodata. */
  readonly summaryScore: number;
  readonly classification: KayentaScoreLabel;
  readonly basis: KayentaScoreBasis;
  /** Vigil's reason, naming the numbers. */
  readonly reason: string;
  /** Kayenta's `classificationReason` ("Canary Failed: …"), or null. */
  readonly kayentaReason: string | null;
  readonly groupScores: readonly KayentaGroupScore[];
  /** Metrics scored (muted ones excluded). */
  readonly metricCount: number;
  readonly mutedCount: number;
}

function groupScore(name: string, labels: readonly KayentaMetricLabel[]): Omit<KayentaGroupScore, 'weight'> {
  const labelCounts: Partial<Record<KayentaMetricLabel, number>> = {};
  for (const label of labels) labelCounts[label] = (labelCounts[label] ?? 0) + 1;
  const pass = labelCounts.Pass ?? 0;
  const total = pass + (labelCounts.High ?? 0) + (labelCounts.Low ?? 0) + (labelCounts.NodataFailMetric ?? 0);
  const hasNoData = total === 0;
  return {
    name,
    score: hasNoData ? 0.0 : (pass / total) * 100,
    hasNoData,
    labelCounts,
    metricCount: labels.length,
  };
}

/**
 * Scores classified metrics as Kayenta's ScoringHelper + WeightedSumScorer + ThresholdScoreClassifier.
 * `groupWeights` are percentages (Kayenta's `classifier.groupWeights`).
 */
export function scoreKayenta(
  metrics: readonly KayentaScoredMetric[],
  groupWeights: Readonly<Record<string, number>>,
  thresholds: KayentaScoreThresholds,
): KayentaScoreResult {
  const scored = metrics.filter((m) => m.muted !== true);
  const mutedCount = metrics.length - scored.length;

  const labelsByGroup = new Map<string, KayentaMetricLabel[]>();
  for (const metric of scored) {
    for (const group of metric.groups) {
      const labels = labelsByGroup.get(group) ?? [];
      labels.push(metric.label);
      labelsByGroup.set(group, labels);
    }
  }
  const weightEntries = Object.entries(groupWeights);
  const weightSum = weightEntries.reduce((sum, [, w]) => sum + w, 0);
  const unweighted = [...labelsByGroup.keys()].filter((g) => !Object.hasOwn(groupWeights, g));
  const calculatedWeight = unweighted.length > 0 ? (100 - weightSum) / unweighted.length : 0.0;
  const groupScores: KayentaGroupScore[] = [...labelsByGroup].map(([name, labels]) => ({
    ...groupScore(name, labels),
    weight: Object.hasOwn(groupWeights, name) ? (groupWeights[name] ?? 0) : calculatedWeight,
  }));

  const finish = (
    summaryScore: number,
    basis: KayentaScoreBasis,
    reason: string,
    kayentaReason: string | null,
  ): KayentaScoreResult => {
    const classification = classifyKayentaScore(summaryScore, thresholds);
    return {
      summaryScore,
      classification,
      basis,
      reason: `${classification}: ${reason} (pass >= ${thresholds.pass}, marginal >= ${thresholds.marginal})`,
      kayentaReason,
      groupScores,
      metricCount: scored.length,
      mutedCount,
    };
  };

  const failure = scored.find((m) => m.critical && m.label !== 'Pass');
  if (failure !== undefined) {
    return finish(
      0.0,
      { kind: 'critical-failure', metric: failure.name },
      `critical metric ${failure.name} is ${failure.label}, so the score is 0`,
      `Canary Failed: ${String(failure.kayentaReason)}`,
    );
  }

  const nodata = scored.filter((m) => m.label === 'Nodata').length;
  const nodataPercent = (nodata / scored.length) * 100;
  if (nodataPercent >= KAYENTA_NODATA_THRESHOLD_PERCENT) {
    return finish(
      0.0,
      { kind: 'too-many-nodata', nodataPercent },
      `${nodata} of ${scored.length} metrics (${roundHalfUp(nodataPercent, 2)}%) returned Nodata, at least ${KAYENTA_NODATA_THRESHOLD_PERCENT}%, so the score is 0`,
      `Canary Failed: ${KAYENTA_NODATA_THRESHOLD_PERCENT}% or more metrics returned NODATA`,
    );
  }

  let sum = 0.0;
  for (const group of groupScores) sum += (group.hasNoData ? 100.0 : group.score) * (group.weight / 100);
  const summaryScore = roundHalfUp(sum, 2);
  const parts = groupScores.map(
    (g) =>
      `${g.name} ${roundHalfUp(g.score, 2)}${g.hasNoData ? ' (no data, counted as 100)' : ''} × ${roundHalfUp(g.weight, 2)}%`,
  );
  const lost = weightEntries.filter(([g]) => !labelsByGroup.has(g)).map(([g, w]) => `${g} ${w}%`);
  return finish(
    summaryScore,
    { kind: 'weighted-sum' },
    `weighted group score ${summaryScore} = ${parts.length > 0 ? parts.join(' + ') : 'no groups'}` +
      (lost.length > 0 ? `; weights of groups without metrics are lost: ${lost.join(', ')}` : ''),
    null,
  );
}
