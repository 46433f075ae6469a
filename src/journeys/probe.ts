/**
 * The probe contract: what a module in `probes/` exports. See docs/probes.md for how to write one.
 *
 *   import type { ProbeRun } from '../src/journeys/probe.js';
 *   export const name = 'checkout';
 *   export const description = 'Browse, add a product to the cart, check out.';
 *   export const timeoutMs = 15_000;
 *   export const steps = ['browse', 'add to cart', 'checkout'];
 *   export const run: ProbeRun = async ({ page, baseUrl, step }) => { ... };
 */
import type { Page } from 'playwright';

/**
 * Runs one declared step and records its duration and failure. Resolves to what `action`
 * resolves to; rethrows its error, after recording it, so the journey stops at the failed step.
 */
export type StepFn = <T>(name: string, action: () => Promise<T>) => Promise<T>;

/** What a probe's `run` gets: a fresh page in a fresh browser context, and where to point it. */
export interface ProbeContext {
  readonly page: Page;
  /** The canary's or baseline's URL, without a trailing slash (e.g. `http://127.0.0.1:8081`). */
  readonly baseUrl: string;
  readonly step: StepFn;
}

/** The journey itself: drives `page` through `step`s; resolving means every step passed. */
export type ProbeRun = (context: ProbeContext) => Promise<void>;

/** A probe as the runner uses it, after its module's exports were validated. */
export interface Probe {
  /** Lowercase letters, digits and dashes; what a rule set's `probe:` refers to. */
  readonly name: string;
  readonly description: string;
  /** Hard limit for the whole journey; past it the journey is an `error` and its page is closed. */
  readonly timeoutMs: number;
  /** Every step the journey runs, in order; each must run exactly once. */
  readonly steps: readonly string[];
  readonly run: ProbeRun;
}

/** A probe and where it came from, so evidence can say which version of it ran. */
export interface LoadedProbe extends Probe {
  /** The file it was loaded from (the `.ts` source when it was compiled). */
  readonly file: string;
  /** SHA-256 of that file, lowercase hex. */
  readonly sha256: string;
}
