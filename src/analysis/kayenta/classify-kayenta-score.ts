/**
 * Kayenta's score classification: Pass at or above the pass threshold, Marginal at or above the
 * marginal threshold, otherwise Fail. A critical failure is not a separate rule here: the scorer
 * sets the score to 0, which is Fail only while `marginal > 0`.
 *
 * Source: spinnaker/spinnaker kayenta/kayenta-judge/src/main/scala/com/netflix/kayenta/judge/
 * classifiers/score/ThresholdScoreClassifier.scala and BaseScoreClassifier.scala (commit f8b98eba).
 */

/** The labels ThresholdScoreClassifier produces (Kayenta's enum also has Nodata/Error, never used). */
export type KayentaScoreLabel = 'Pass' | 'Marginal' | 'Fail';

/** Kayenta's `CanaryClassifierThresholdsConfig`: scores on the 0-100 scale. */
export interface KayentaScoreThresholds {
  readonly pass: number;
  readonly marginal: number;
}

/** Pass when score >= pass, Marginal when score >= marginal, else Fail (NaN is Fail). */
export function classifyKayentaScore(score: number, thresholds: KayentaScoreThresholds): KayentaScoreLabel {
  if (score >= thresholds.pass) return 'Pass';
  if (score >= thresholds.marginal) return 'Marginal';
  return 'Fail';
}
