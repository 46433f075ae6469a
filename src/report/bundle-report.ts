/**
 * The validation report of one verification, read from its bundle: what the step worker seals
 * into report.html at the verdict, and what the API renders while the analysis still runs.
 */
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import type { Verification } from '../verification/verification.js';
import { dependentsOf } from './impact-summary.js';
import { loadReportInput } from './load-report-input.js';
import { renderReport } from './render-report.js';

export interface BundleReportOptions {
  readonly artifacts: ArtifactStore;
  readonly services: Readonly<Record<string, { readonly dependsOn: readonly string[] }>>;
  readonly now: () => number;
}

/** Renders the report of `verification` (or, without it, of whatever its bundle holds). */
export function createBundleReportRenderer(options: BundleReportOptions) {
  return async (deploymentId: string, verification?: Verification): Promise<string> => {
    const service = verification?.marker.service;
    const input = await loadReportInput(options.artifacts, deploymentId, {
      ...(verification !== undefined && { verification }),
      generatedAt: new Date(options.now()).toISOString(),
      ...(service !== undefined && { dependents: dependentsOf(service, options.services) }),
    });
    return renderReport(input);
  };
}
