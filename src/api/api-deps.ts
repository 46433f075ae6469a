/**
 * What `buildApp` needs, passed in by the composition root (src/main.ts) or by tests.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Scope } from '../config/settings-schema.js';
import type { VerificationStore } from '../store/verification-store.js';
import type { MarkerIngest } from './marker-ingest.js';
import type { OtlpReceiver } from './otlp-routes.js';
import type { DeliveryLog } from '../delivery/delivery-log.js';
import type { Outbox } from '../delivery/outbox.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import type { BundlePins } from '../store/artifacts/bundle-pins.js';
import type { RetentionPolicy } from '../store/artifacts/retention-plan.js';
import type { ServiceCorrelation } from '../correlation/correlate-service.js';
import type { AlertsDeps } from './alert-routes.js';
import type { DashboardOptions } from './dashboard-routes.js';

/** A token's scope (SCOPES in settings-schema.ts); `admin` implies every other scope. */
export type { Scope };

/** A configured API token, stored only as the SHA-256 (hex) of its plaintext. */
export interface ApiToken {
  /** Shown in logs instead of the token. */
  readonly name: string;
  readonly scopes: readonly Scope[];
  /** SHA-256 of the token, 64 hex digits. */
  readonly tokenSha256: string;
}

/** Whether the backends the daemon needs answer. Should not throw (a throw counts as not ready). */
export type ReadinessCheck = () => Promise<{ redis: boolean; prometheus: boolean }>;

export interface ApiDeps {
  readonly store: VerificationStore;
  readonly ingest: MarkerIngest;
  readonly tokens: readonly ApiToken[];
  readonly logger: Logger;
  /** The daemon's prom-client registry; the API adds its HTTP histogram to it and serves it at /metrics. */
  readonly metricsRegistry: Registry;
  readonly readiness: ReadinessCheck;
  /** Largest accepted request body; 256 KiB when absent. */
  readonly bodyLimitBytes?: number;
  /** Absolute base URL for links in responses (`https://vigil.example.com`); relative links when absent. */
  readonly publicBaseUrl?: string;
  /** Longest verdict long-poll a client may ask for, in seconds; 60 when absent. */
  readonly maxWaitSeconds?: number;
  /** The embedded OTLP trace receiver (`POST /v1/traces`); not served when absent. */
  readonly traces?: OtlpReceiver;
  /** The webhook outbox, for its dead letters (`/v1/deliveries/dead`); not served when absent. */
  readonly deliveries?: {
    readonly outbox: Outbox;
    readonly log: DeliveryLog;
    readonly onRedelivered: () => void;
  };
  /** Evidence bundles: listing, tar.gz download, report, legal holds; not served when absent. */
  readonly artifacts?: ArtifactsDeps;
  /** Change points and blame (`GET /v1/correlate`, `GET /v1/services/:service/khis`); not served when absent. */
  readonly correlation?: ServiceCorrelation;
  /** Alertmanager's webhook receiver and the alert list (`POST`/`GET /v1/alerts`); not served when absent. */
  readonly alerts?: AlertsDeps;
  /** The built-in dashboard at /dashboard (src/api/dashboard-routes.ts); served unless `enabled` is false. */
  readonly dashboard?: DashboardOptions;
}

/** What the evidence endpoints need (src/api/artifact-routes.ts). */
export interface ArtifactsDeps {
  readonly store: ArtifactStore;
  readonly pins: BundlePins;
  /** Added to each download as delivery-log.json. */
  readonly deliveryLog: DeliveryLog;
  /** For the listing's `expiresAt`. */
  readonly retention: RetentionPolicy;
  /** The report of a bundle without a stored report.html (still analysing); 404 when absent. */
  readonly renderReport?: (deploymentId: string) => Promise<string>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
export const DEFAULT_MAX_WAIT_SECONDS = 60;
