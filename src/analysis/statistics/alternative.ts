/**
 * The alternative hypotheses of every two-sample test, named as SciPy names them: `greater` means
 * the first sample (the canary) tends to be larger than the second (the baseline).
 */

/** The alternative hypotheses shared by every two-sample test. */
export type Alternative = 'two-sided' | 'less' | 'greater';

/** All alternatives, for validation. */
export const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'less', 'greater'];
