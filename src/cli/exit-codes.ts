/** Exit codes of every `vigil` command; pipelines branch on them. */
export const EXIT = {
  promote: 0,
  ok: 0,
  internalError: 1,
  badInput: 2,
  rollback: 3,
  inconclusive: 4,
  /** `vigil probe run`: a step failed (the application did not do what the journey expects). */
  journeyFailed: 3,
  /** `vigil probe run`: the journey could not judge (timeout, blocked host, browser, probe misuse). */
  journeyError: 4,
  /** `vigil artifacts pull`: a file or the manifest does not match, or the bundle cannot be verified. */
  integrityFailed: 5,
} as const;

/** The exit code for a verdict. */
export function exitCodeForVerdict(verdict: 'promote' | 'rollback' | 'inconclusive'): number {
  return EXIT[verdict];
}
