/**
 * Port: what the API needs from ingest (src/ingest/ implements it; tests use an in-memory one).
 * Errors it throws with a `code` from the API error catalogue (api-errors.ts) are answered with
 * that code's status (and their `details`): `UNKNOWN_RULE_SET` (422), `DEPLOYMENT_CONFLICT` (409),
 * `ALREADY_DECIDED` (409), `DEPLOYMENT_NOT_FOUND` (404). Any other error is a 500.
 */
import type { DeploymentMarker } from '../ingest/deployment-marker-schema.js';
import type { Verification } from '../verification/verification.js';

export interface MarkerIngest {
  /**
   * Accepts a validated marker and schedules its verification, or returns the existing one when
   * a deployment with the marker's id exists with the same content (`created: false`, nothing
   * scheduled; `markerSha256` is the canonical-JSON SHA-256 of the marker as posted). Throws code
   * `UNKNOWN_RULE_SET` for an unknown rule set and `DEPLOYMENT_CONFLICT` when the id exists with
   * other content.
   */
  acceptMarker(marker: DeploymentMarker): Promise<{ created: boolean; verification: Verification }>;
  /**
   * Ends the analysis as `aborted` unless already decided; returns the verification as it now
   * stands (its earlier verdict when decided before), or undefined when the id is unknown.
   */
  abort(id: string): Promise<Verification | undefined>;
  /**
   * Starts phase `phase` (not the first) of deployment `id` once the phase before it was promoted
   * (code `PHASE_ORDER` otherwise, `PHASE_NOT_FOUND` for a phase the marker does not declare);
   * a retry returns the phase's verification as it stands. Undefined when the id is unknown.
   */
  startPhase(
    id: string,
    phase: string,
    startedAt?: string,
  ): Promise<{ created: boolean; verification: Verification } | undefined>;
}
