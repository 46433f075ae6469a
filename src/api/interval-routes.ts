/**
 * A deployment's KHIs interval by interval (baseline, canary, uncertainty band, p-values), with
 * the verdict's reasons, failed journey runs and trace findings: what the dashboard's deployment
 * page charts. Steps come from the store's evidence; journeys and traces from the bundle.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { loadReportInput } from '../report/load-report-input.js';
import type { ArtifactsDeps } from './api-deps.js';
import { ApiError } from './api-errors.js';
import { requireScope } from './authentication.js';
import { DeploymentIdParamsSchema, errorResponses } from './deployment-schemas.js';
import { DeploymentIntervalsSchema } from './interval-schemas.js';
import { buildDeploymentIntervals, type BundleFindings } from './interval-view.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';

/** Registers GET /v1/deployments/:id/intervals; without `artifacts`, journeys and traces are empty. */
export function registerIntervalRoutes(
  instance: FastifyInstance,
  context: RouteContext,
  artifacts: ArtifactsDeps | undefined,
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/v1/deployments/:id/intervals',
    {
      onRequest: requireScope(context.authenticate, 'verdicts:read'),
      schema: {
        summary: "A deployment's KHIs interval by interval, for charts",
        description:
          "Scope verdicts:read. Per KHI and step: baseline and canary estimates, the canary's band from the " +
          "effect's confidence interval, p-values and classification; the verdict's reasons; failed journey " +
          'runs (screenshot paths under /artifacts/files/) and trace findings from the evidence bundle.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 200: DeploymentIntervalsSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const verification = await context.store.get(id);
      if (verification === undefined)
        throw new ApiError('DEPLOYMENT_NOT_FOUND', `no deployment with id ${id}`);
      const [evidence, bundle] = await Promise.all([
        context.store.listEvidence(id),
        artifacts === undefined ? undefined : readBundleFindings(artifacts, verification),
      ]);
      return buildDeploymentIntervals(verification, evidence, bundle);
    },
  );
}

/** Journeys and traces from the bundle; damage becomes notes (loadReportInput never throws for it). */
async function readBundleFindings(
  artifacts: ArtifactsDeps,
  verification: Parameters<typeof buildDeploymentIntervals>[0],
): Promise<BundleFindings> {
  const input = await loadReportInput(artifacts.store, verification.id, {
    verification,
    generatedAt: new Date().toISOString(),
    maxScreenshots: 0,
  });
  return { journeyRuns: input.journeyRuns, traceFindings: input.traceFindings, notes: [...input.notes] };
}
