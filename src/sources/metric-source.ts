/**
 * Port: a metrics backend that turns a KHI's query for one group and one interval into
 * Observations. Adapters fetch and convert; they never judge.
 */
import type { Group, Observation } from '../analysis/observations.js';
import type { KhiRule } from '../analysis/rule-set.js';

/** Everything a query template may refer to, for one group. */
export interface QueryContext {
  readonly service: string;
  readonly environment: string;
  /** The group's version (`version` for the canary, `baselineVersion` for the baseline). */
  readonly version: string;
  /** The group's labels, rendered as a PromQL matcher list for `{{selector}}`. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface ObservationRequest {
  readonly khi: KhiRule;
  readonly group: Group;
  readonly context: QueryContext;
  /** The interval to observe: [end − intervalSeconds, end]. */
  readonly window: { readonly endMs: number; readonly intervalSeconds: number };
}

/** One backend call, kept as evidence. */
export interface QueryRecord {
  readonly query: string;
  readonly endpoint: string;
  readonly params: Readonly<Record<string, string>>;
  readonly durationMs: number;
  /** The backend's answer as received (parsed JSON), or the error. */
  readonly response?: unknown;
  readonly error?: string;
  readonly warnings?: readonly string[];
}

export type ObservationResult =
  | {
      readonly ok: true;
      readonly observation: Observation | undefined;
      readonly queries: readonly QueryRecord[];
    }
  | { readonly ok: false; readonly error: string; readonly queries: readonly QueryRecord[] };

export interface MetricSource {
  /** Observes one KHI for one group over one interval; `observation` undefined = no data. */
  observe(request: ObservationRequest): Promise<ObservationResult>;
  /** True when the backend answers. */
  isReady(): Promise<boolean>;
}
