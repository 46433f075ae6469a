/**
 * Rings and phased rollouts (ingest/phases.ts): a verdict per phase, and the start of the next
 * phase once the one before it is promoted.
 * - GET /v1/deployments/:id/phases/:phase/verdict — the phase's verdict, shaped as the deployment
 *   verdict; a phase not started yet answers `pending` with the reason.
 * - POST /v1/deployments/:id/phases/:phase/start — 201 (200 on a retry); 409 PHASE_ORDER until
 *   the phase before it is promoted.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { phaseDeploymentId } from '../ingest/phases.js';
import { ApiError } from './api-errors.js';
import { requireScope } from './authentication.js';
import {
  DeploymentCreatedSchema,
  DeploymentIdParamsSchema,
  VerdictResponseSchema,
  errorResponses,
} from './deployment-schemas.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';
import { toCreatedView, toVerdictView } from './verification-views.js';

const PhaseParamsSchema = Type.Composite([
  DeploymentIdParamsSchema,
  Type.Object({ phase: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }) }),
]);

const PhaseVerdictSchema = Type.Composite([
  VerdictResponseSchema,
  Type.Object({ phase: Type.String(), trafficShare: Type.Number(), deploymentId: Type.String() }),
]);

export function registerPhaseRoutes(instance: FastifyInstance, context: RouteContext): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { store, ingest, links, authenticate } = context;

  app.get(
    '/v1/deployments/:id/phases/:phase/verdict',
    {
      onRequest: requireScope(authenticate, 'verdicts:read'),
      schema: {
        summary: "One phase's verdict (rings / phased rollouts)",
        description: 'Scope verdicts:read. A phase not started yet is pending, with the reason.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        params: PhaseParamsSchema,
        response: { 200: PhaseVerdictSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { id, phase } = request.params;
      const parent = await store.get(id);
      if (parent === undefined) throw new ApiError('DEPLOYMENT_NOT_FOUND', `no deployment with id ${id}`);
      const phases = parent.marker.phases ?? [];
      const index = phases.findIndex((p) => p.name === phase);
      const declared = phases[index];
      if (declared === undefined)
        throw new ApiError('PHASE_NOT_FOUND', `deployment ${id} has no phase ${phase}`);
      const phaseId = phaseDeploymentId(id, phases, phase);
      const verification = phaseId === id ? parent : await store.get(phaseId);
      const about = { phase, trafficShare: declared.trafficShare, deploymentId: phaseId };
      if (verification !== undefined) return { ...toVerdictView(verification), ...about };
      return {
        id: phaseId,
        status: 'pending' as const,
        score: null,
        decidedAt: null,
        decidedAtInterval: null,
        intervalsJudged: 0,
        khis: [],
        reasons: [
          `phase ${phase} has not started: it starts once phase ${phases[index - 1]?.name ?? ''} is promoted`,
        ],
        ...about,
      };
    },
  );

  app.post(
    '/v1/deployments/:id/phases/:phase/start',
    {
      onRequest: requireScope(authenticate, 'markers:write'),
      schema: {
        summary: 'Start the next phase (its traffic share is live)',
        description:
          'Scope markers:write. 201 when started, 200 on a retry; 409 PHASE_ORDER until the phase before it is promoted.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        params: PhaseParamsSchema,
        body: Type.Optional(
          Type.Object(
            { startedAt: Type.Optional(Type.String({ format: 'date-time' })) },
            { additionalProperties: false },
          ),
        ),
        response: {
          200: DeploymentCreatedSchema,
          201: DeploymentCreatedSchema,
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { id, phase } = request.params;
      const started = await ingest.startPhase(id, phase, request.body?.startedAt);
      if (started === undefined) throw new ApiError('DEPLOYMENT_NOT_FOUND', `no deployment with id ${id}`);
      return reply
        .status(started.created ? 201 : 200)
        .header('location', links.deployment(started.verification.id))
        .send(toCreatedView(started.verification, links));
    },
  );
}
