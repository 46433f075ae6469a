/** Exit codes of every `vigil` command; pipelines branch on them. */
export const EXIT = {
  promote: 0,
  ok: 0,
  internalError: 1,
  badInput: 2,
  rollback: 3,
  inconclusive: 4,
} as const;

/** The exit code for a verdict. */
export function exitCodeForVerdict(verdict: 'promote' | 'rollback' | 'inconclusive'): number {
  return EXIT[verdict];
}
