/**
 * Argo Rollouts' `web` metric provider: GET /v1/argo/deployments/:id answers what an
 * AnalysisTemplate reads with `jsonPath` and `successCondition` / `failureCondition`
 * (docs/integrations.md has the template). Argo counts any non-2xx answer as a measurement Error,
 * so the answer is 2xx while analysing too, with `result: "analyzing"` — neither condition holds,
 * which Argo records as an inconclusive measurement and measures again at the next interval.
 * Unknown deployments are 404 (a wrong template argument: an Error is the right signal).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { StringEnum } from '../config/schema-validation.js';
import { ApiError } from './api-errors.js';
import { requireScope } from './authentication.js';
import { DeploymentIdParamsSchema, errorResponses } from './deployment-schemas.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';

const ArgoMeasurementSchema = Type.Object({
  result: StringEnum(['analyzing', 'promote', 'rollback', 'inconclusive', 'aborted'] as const, {
    description: 'What successCondition / failureCondition test: analyzing until the verdict.',
  }),
  deploymentId: Type.String(),
  intervalsJudged: Type.Integer(),
  score: Type.Union([Type.Number(), Type.Null()]),
  reasons: Type.Array(Type.String(), { description: 'Why, as the verdict (or the last step) says.' }),
  verdictUrl: Type.String(),
});

/** Registers GET /v1/argo/deployments/:id. */
export function registerArgoRoutes(instance: FastifyInstance, context: RouteContext): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const canReadVerdicts = requireScope(context.authenticate, 'verdicts:read');
  app.get(
    '/v1/argo/deployments/:id',
    {
      onRequest: canReadVerdicts,
      schema: {
        summary: "A deployment's verdict for Argo Rollouts' web metric provider",
        description:
          'Scope verdicts:read. Always 200 for a known deployment: result is analyzing until the verdict, ' +
          'then promote, rollback, inconclusive or aborted.',
        tags: ['integrations'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 200: ArgoMeasurementSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const verification = await context.store.get(id);
      if (verification === undefined)
        throw new ApiError('DEPLOYMENT_NOT_FOUND', `no deployment with id ${id}`);
      const verdict = verification.verdict;
      return {
        result: verdict?.outcome ?? ('analyzing' as const),
        deploymentId: id,
        intervalsJudged: verification.intervalsJudged,
        score: verdict?.score ?? verification.lastJudgement?.score ?? null,
        reasons: [...(verdict?.reasons ?? verification.lastJudgement?.decision.reasons ?? [])],
        verdictUrl: context.links.verdict(id),
      };
    },
  );
}
