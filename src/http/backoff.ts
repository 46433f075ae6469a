/**
 * Delay before retry `attempt` (0-based): `initial · 2^attempt`, capped, with "equal jitter"
 * (half fixed, half uniform random), so retries from many callers spread out but never hammer.
 * Backend queries and webhook deliveries both retry with it.
 */
export function backoffDelayMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}
