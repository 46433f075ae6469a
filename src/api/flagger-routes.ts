/**
 * Flagger's webhooks: POST /v1/flagger/{pre-rollout,rollout,confirm-promotion,rollback,event}.
 * Flagger posts `{name, namespace, phase, checksum, metadata}` and reads only the status code:
 * 200–202 is success, anything else (or a timeout) a failed check. So each hook answers what its
 * type asks:
 * - pre-rollout: the canary revision's deployment is created (first hook to arrive creates it,
 *   keyed by namespace/name/checksum); 200 once it exists;
 * - rollout (every analysis iteration): 200 while the verdict is pending or promote, 409 once it is
 *   rollback, inconclusive or aborted (a failed check; Flagger rolls back at its threshold);
 * - confirm-promotion: 200 only once the verdict is promote, 403 until then (the gate is closed);
 * - rollback: 200 ("roll back now") only once the verdict is rollback, 403 otherwise;
 * - event: 202, logged (Flagger's own events never fail its analysis).
 * Flagger cannot send headers, so the token may come as `metadata.token` (keep Vigil in-cluster, or
 * behind TLS, for that); a bearer header works too. Scope markers:write (it creates deployments).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StringEnum } from '../config/schema-validation.js';
import { flaggerDeploymentId, markerFromFlagger, type FlaggerPayload } from '../ingest/flagger-marker.js';
import type { Verification } from '../verification/verification.js';
import { ApiError } from './api-errors.js';
import { bearerToken, hasScope } from './authentication.js';
import { ErrorResponseSchema, errorResponses } from './deployment-schemas.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';

export const FLAGGER_HOOKS = ['pre-rollout', 'rollout', 'confirm-promotion', 'rollback', 'event'] as const;
type Hook = (typeof FLAGGER_HOOKS)[number];

const FlaggerPayloadSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 253 }),
    namespace: Type.String({ minLength: 1, maxLength: 63 }),
    phase: Type.Optional(Type.String({ maxLength: 64 })),
    checksum: Type.Optional(Type.String({ maxLength: 128 })),
    metadata: Type.Optional(
      Type.Record(Type.String(), Type.String({ maxLength: 2048 }), { maxProperties: 64 }),
    ),
  },
  // Flagger may add fields in later versions; they are ignored, not refused.
  { additionalProperties: true },
);

const HookAnswerSchema = Type.Object({
  deploymentId: Type.String(),
  status: Type.String({ description: 'pending, analyzing or the verdict.' }),
  accepted: Type.Boolean({ description: 'What the status code says: the hook passes.' }),
  reason: Type.String(),
  verdictUrl: Type.String(),
});

/** Registers the Flagger webhook receivers. */
export function registerFlaggerRoutes(instance: FastifyInstance, context: RouteContext): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/flagger/:hook',
    {
      schema: {
        summary: "Flagger webhooks: gates and checks answered from the canary revision's verdict",
        description:
          'Scope markers:write, as a bearer token or metadata.token. pre-rollout creates the deployment; rollout ' +
          'fails (409) once the verdict is not promote; confirm-promotion opens (200) on promote; rollback answers ' +
          '200 on rollback; event is accepted (202).',
        tags: ['integrations'],
        security: BEARER_SECURITY,
        params: Type.Object({ hook: StringEnum(FLAGGER_HOOKS) }),
        body: FlaggerPayloadSchema,
        response: {
          200: HookAnswerSchema,
          202: Type.Object({ accepted: Type.Literal(true) }),
          // A closed gate, or a token without markers:write.
          403: Type.Union([HookAnswerSchema, ErrorResponseSchema]),
          409: HookAnswerSchema,
          ...errorResponses(400, 401, 413, 415, 422),
        },
      },
    },
    async (request, reply) => {
      authenticate(request, reply, context);
      const hook = request.params.hook;
      const payload = request.body as FlaggerPayload;
      if (hook === 'event') {
        request.log.info(
          {
            canary: `${payload.namespace}/${payload.name}`,
            phase: payload.phase,
            event: payload.metadata?.['eventMessage'],
          },
          'flagger event',
        );
        return reply.status(202).send({ accepted: true as const });
      }
      const verification = await deploymentFor(payload, context);
      return answer(hook, verification, reply, context);
    },
  );
}

function authenticate(request: FastifyRequest, reply: FastifyReply, context: RouteContext): void {
  const body = request.body as FlaggerPayload;
  const token = bearerToken(request.headers.authorization) ?? body.metadata?.['token'];
  const principal = token === undefined ? undefined : context.authenticate(token);
  if (principal === undefined) {
    void reply.header('www-authenticate', 'Bearer realm="vigil"');
    throw new ApiError('UNAUTHENTICATED', 'a valid token is required: a bearer header or metadata.token');
  }
  request.log = request.log.child({ tokenName: principal.name });
  if (!hasScope(principal.scopes, 'markers:write')) throw new ApiError('FORBIDDEN');
}

/** The canary revision's verification, created from the hook's metadata when it is the first. */
async function deploymentFor(payload: FlaggerPayload, context: RouteContext): Promise<Verification> {
  const keyed = flaggerDeploymentId(payload);
  if ('issues' in keyed) throw new ApiError('VALIDATION_FAILED', undefined, keyed.issues);
  const existing = await context.store.get(keyed.id);
  if (existing !== undefined) return existing;
  const built = markerFromFlagger(payload, keyed.id);
  if ('issues' in built) throw new ApiError('VALIDATION_FAILED', undefined, built.issues);
  return (await context.ingest.acceptMarker(built.marker)).verification;
}

function answer(
  hook: Exclude<Hook, 'event'>,
  verification: Verification,
  reply: FastifyReply,
  context: RouteContext,
) {
  const outcome = verification.verdict?.outcome;
  const status = verification.status;
  const reason =
    verification.verdict?.reasons[0] ??
    verification.lastJudgement?.decision.reasons[0] ??
    `verification ${status}`;
  const accepted =
    hook === 'pre-rollout'
      ? true
      : hook === 'rollout'
        ? outcome === undefined || outcome === 'promote'
        : hook === 'confirm-promotion'
          ? outcome === 'promote'
          : outcome === 'rollback';
  const code = accepted ? 200 : hook === 'rollout' ? 409 : 403;
  return reply.status(code).send({
    deploymentId: verification.id,
    status,
    accepted,
    reason,
    verdictUrl: context.links.verdict(verification.id),
  });
}
