/**
 * Deployment routes: post a marker (idempotent by id), read one verification, list them, abort one.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { isDecided } from '../verification/verification.js';
import { ApiError } from './api-errors.js';
import { requireScope } from './authentication.js';
import {
  DeploymentCreatedSchema,
  DeploymentIdParamsSchema,
  ListQuerySchema,
  VerificationPageSchema,
  VerificationRecordSchema,
  errorResponses,
} from './deployment-schemas.js';
import { canonicalSha256 } from '../ingest/canonical-json.js';
import { DeploymentMarkerSchema } from '../ingest/deployment-marker-schema.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';
import { toCreatedView, toRecordView } from './verification-views.js';

/** Registers POST/GET /v1/deployments, GET /v1/deployments/:id and POST /v1/deployments/:id/abort. */
export function registerDeploymentRoutes(instance: FastifyInstance, context: RouteContext): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { store, ingest, links, authenticate } = context;
  const canWriteMarkers = requireScope(authenticate, 'markers:write');
  const canReadVerdicts = requireScope(authenticate, 'verdicts:read');

  app.post(
    '/v1/deployments',
    {
      onRequest: canWriteMarkers,
      schema: {
        summary: 'Post a deployment marker and start its verification',
        description:
          'Scope markers:write. 201 when created; 200 when a marker with the same id and the same content was ' +
          'accepted before (a retry); 409 when the id exists with different content.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        body: DeploymentMarkerSchema,
        response: {
          200: DeploymentCreatedSchema,
          201: DeploymentCreatedSchema,
          ...errorResponses(400, 401, 403, 409, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      const { created, verification } = await ingest.acceptMarker(request.body);
      // Ingest refuses conflicts itself; checked again here because answering 200 to a different
      // marker would tell a pipeline its deployment is being verified when another one is.
      if (!created && verification.markerSha256 !== canonicalSha256(request.body))
        throw conflict(verification.id);
      if (!created) request.log.info({ deploymentId: verification.id }, 'marker retried');
      return reply
        .status(created ? 201 : 200)
        .header('location', links.deployment(verification.id))
        .send(toCreatedView(verification, links));
    },
  );

  app.get(
    '/v1/deployments',
    {
      onRequest: canReadVerdicts,
      schema: {
        summary: 'List verifications, newest first',
        description:
          'Scope verdicts:read. Cursor pagination: pass nextCursor back as cursor until it is null.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        querystring: ListQuerySchema,
        response: { 200: VerificationPageSchema, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const page = await store.list(request.query).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'INVALID_CURSOR') throw error;
        throw new ApiError(
          'INVALID_CURSOR',
          undefined,
          [{ path: 'cursor', message: 'is not a cursor this server issued' }],
          {
            cause: error,
          },
        );
      });
      return {
        items: page.items.map((item) => toRecordView(item, links)),
        nextCursor: page.nextCursor ?? null,
      };
    },
  );

  app.get(
    '/v1/deployments/:id',
    {
      onRequest: canReadVerdicts,
      schema: {
        summary: 'Read one verification',
        description: 'Scope verdicts:read.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 200: VerificationRecordSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const verification = await store.get(request.params.id);
      if (verification === undefined) throw notFound(request.params.id);
      return toRecordView(verification, links);
    },
  );

  app.post(
    '/v1/deployments/:id/abort',
    {
      onRequest: canWriteMarkers,
      schema: {
        summary: 'Abort a verification',
        description:
          'Scope markers:write. Ends the analysis with the verdict aborted. Aborting an aborted verification ' +
          'answers 200 again; one already decided otherwise answers 409 and keeps its verdict.',
        tags: ['deployments'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 200: VerificationRecordSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const verification = await ingest.abort(id);
      if (verification === undefined) throw notFound(id);
      if (verification.status !== 'aborted') {
        if (!isDecided(verification.status))
          throw new Error(`abort of deployment ${id} left it ${verification.status}`);
        throw new ApiError(
          'ALREADY_DECIDED',
          `deployment ${id} was already decided: ${verification.status}`,
          [{ path: 'status', message: `is ${verification.status}` }],
        );
      }
      return toRecordView(verification, links);
    },
  );
}

function conflict(id: string): ApiError {
  return new ApiError('DEPLOYMENT_CONFLICT', `deployment ${id} exists with a different marker`, [
    { path: 'id', message: 'is taken by a marker with different content; use a new id' },
  ]);
}

function notFound(id: string): ApiError {
  return new ApiError('DEPLOYMENT_NOT_FOUND', `no deployment with id ${id}`);
}
