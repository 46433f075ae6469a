/**
 * Where each piece of evidence sits inside a verification's bundle. One place, so the writer
 * (verification/write-bundle.ts), the report and the archive agree. Documented in docs/artifacts.md.
 *
 * ```
 * marker.json                    the marker as accepted
 * rule-set/source.yaml           the rule file as loaded (its SHA-256 is the verification's ruleSetSha256)
 * rule-set/applied.json          the compiled rule set the judge ran, with that hash
 * steps/0001/queries.json        every resolved query of interval 1 (PromQL, endpoint, params, timing, errors)
 * steps/0001/answers.json        the backends' raw answers
 * steps/0001/observations.json   the Observations judged (as `vigil judge` reads them)
 * steps/0001/judgement.json      the judge's output: per KHI statistics, p-values, classification
 * steps/0001/journeys.json       journeys run this interval (when the rule set has journey KHIs)
 * steps/0001/traces.json         what the spans showed (when it has trace KHIs)
 * journeys/interval-1/<group>/<probe>[-n]/{trace.zip,screenshot.png,journey.json}
 * traces/<khi>/new-error-<hash>.json   exemplar traces of new error signatures
 * decision-log.json              every step's decision and reasons, then the verdict
 * report.html                    the validation report, self-contained
 * manifest.json                  every file above with its SHA-256 (its own hash is in the verdict)
 * ```
 */
export const BUNDLE_FILES = {
  marker: 'marker.json',
  ruleSetSource: 'rule-set/source.yaml',
  ruleSetApplied: 'rule-set/applied.json',
  decisionLog: 'decision-log.json',
  report: 'report.html',
  manifest: 'manifest.json',
} as const;

export type StepFile = 'queries' | 'answers' | 'observations' | 'judgement' | 'journeys' | 'traces';

/** `steps/0007/judgement.json`: zero-padded so a plain sort is interval order. */
export function stepFilePath(interval: number, file: StepFile): string {
  return `${stepFolder(interval)}/${file}.json`;
}

export function stepFolder(interval: number): string {
  return `steps/${String(interval).padStart(4, '0')}`;
}

/** The interval of a `steps/NNNN/...` path, or undefined. */
export function intervalOfStepPath(path: string): number | undefined {
  const match = /^steps\/(\d{4,})\//.exec(path);
  return match === null ? undefined : Number(match[1]);
}
