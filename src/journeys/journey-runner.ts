/**
 * Port: runs one journey (a probe against one base URL) and returns its result; never rejects for
 * anything the probe, the application or the browser did — those are `fail` or `error` results.
 * Playwright in production (playwright-journey-runner.ts), scripted results in component tests
 * (memory-journey-runner.ts).
 */
import type { JourneyResult } from './journey-result.js';
import type { Probe } from './probe.js';

/** Which evidence to keep for a journey: always for failures and errors, and for passes... */
export type EvidencePolicy =
  /** ...never. */
  | 'failures'
  /** ...at the runner's `passingEvidenceRate` (the default). */
  | 'sampled'
  /** ...always. */
  | 'always';

export interface JourneyRequest {
  /** A `LoadedProbe` from load-probe.ts, or any object meeting the contract. */
  readonly probe: Probe;
  /** The canary's or baseline's URL (http or https). */
  readonly baseUrl: string;
  /**
   * Origins the browser may reach besides the base URL's own (e.g. the other group's URL);
   * every other host is blocked and makes the journey an `error`.
   */
  readonly allowedOrigins?: readonly string[];
  /** Where to store evidence; without it (or without a store in the runner) none is kept. */
  readonly evidence?: {
    readonly verificationId: string;
    /** Folder inside the verification, e.g. `journeys/interval-3/canary/checkout-1`. */
    readonly pathPrefix: string;
    readonly policy?: EvidencePolicy;
  };
}

export interface JourneyRunner {
  run(request: JourneyRequest): Promise<JourneyResult>;
  /** Waits for nothing: journeys in flight end as `error`. Idempotent. */
  close(): Promise<void>;
}
