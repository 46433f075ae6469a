/**
 * Port: legal holds on evidence bundles. A pinned bundle is never deleted by retention or by the
 * disk quota, whatever its age. Redis in the daemon (redis-bundle-pins.ts), memory in tests.
 */
export interface BundlePin {
  readonly deploymentId: string;
  /** Why it is held, e.g. the incident (`INC-1234: checkout outage`). */
  readonly reason: string;
  /** The token name that pinned it. */
  readonly pinnedBy: string;
  readonly pinnedAt: string;
}

export interface BundlePins {
  /** Pins (or re-pins with a new reason); returns the pin stored. */
  pin(pin: BundlePin): Promise<BundlePin>;
  /** True when there was a pin to remove. */
  unpin(deploymentId: string): Promise<boolean>;
  get(deploymentId: string): Promise<BundlePin | undefined>;
  /** Every pinned deployment id. */
  pinnedIds(): Promise<ReadonlySet<string>>;
}

export function createMemoryBundlePins(): BundlePins {
  const pins = new Map<string, BundlePin>();
  return {
    pin(pin) {
      pins.set(pin.deploymentId, pin);
      return Promise.resolve(pin);
    },
    unpin(deploymentId) {
      return Promise.resolve(pins.delete(deploymentId));
    },
    get(deploymentId) {
      return Promise.resolve(pins.get(deploymentId));
    },
    pinnedIds() {
      return Promise.resolve(new Set(pins.keys()));
    },
  };
}
