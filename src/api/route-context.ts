/**
 * What the route groups share: the ports, the authenticator and the link builder.
 */
import type { VerificationStore } from '../store/verification-store.js';
import type { Authenticator } from './authentication.js';
import type { DecidedVerdicts } from './decided-verdicts.js';
import type { MarkerIngest } from './marker-ingest.js';
import type { Links } from './verification-views.js';

export interface RouteContext {
  readonly store: VerificationStore;
  readonly ingest: MarkerIngest;
  readonly authenticate: Authenticator;
  readonly links: Links;
  readonly maxWaitSeconds: number;
  /** Aborted when the app starts closing: long-polls answer at once. */
  readonly shutdown: AbortSignal;
  /** Answers of decided verifications, stored by the verdict route, read ahead of Fastify too. */
  readonly decided: DecidedVerdicts;
}

/** OpenAPI security requirement of the authenticated routes. */
export const BEARER_SECURITY = [{ bearerAuth: [] }];
