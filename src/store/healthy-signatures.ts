/**
 * Port: the error signatures of a service's recent healthy (promoted) releases. A signature the
 * baseline did not happen to throw during this analysis but an earlier healthy release did is not
 * a new error. Redis in the daemon (redis-healthy-signatures.ts), memory in component tests.
 */
export interface HealthySignatures {
  /** Signatures of the last `releases` promoted releases of `service` (newest first). */
  recent(service: string, releases: number): Promise<ReadonlySet<string>>;
  /** Records the signatures a release showed when it was promoted. */
  remember(service: string, version: string, signatures: readonly string[]): Promise<void>;
}

/** Releases remembered per service: the most any rule set may ask for. */
export const MAX_HEALTHY_RELEASES = 20;
/** Signatures remembered per release. */
export const MAX_SIGNATURES_PER_RELEASE = 500;

export function createMemoryHealthySignatures(): HealthySignatures {
  const byService = new Map<string, { version: string; signatures: readonly string[] }[]>();
  return {
    recent(service, releases) {
      const kept = (byService.get(service) ?? []).slice(0, releases);
      return Promise.resolve(new Set(kept.flatMap((release) => release.signatures)));
    },
    remember(service, version, signatures) {
      const kept = [...(byService.get(service) ?? [])];
      kept.unshift({ version, signatures: signatures.slice(0, MAX_SIGNATURES_PER_RELEASE) });
      byService.set(service, kept.slice(0, MAX_HEALTHY_RELEASES));
      return Promise.resolve();
    },
  };
}
