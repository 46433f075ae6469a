/**
 * Evidence endpoints: a deployment's bundle listing, the whole bundle as a streamed tar.gz, the
 * validation report, and legal holds (pin with `artifacts:pin`, release with `admin`, since a
 * release lets retention delete evidence an incident may still need).
 */
import { Readable } from 'node:stream';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ArtifactRef } from '../store/artifacts/artifact-store.js';
import { streamBundleArchive } from '../store/artifacts/bundle-archive.js';
import { BUNDLE_FILES } from '../store/artifacts/bundle-layout.js';
import type { BundlePin } from '../store/artifacts/bundle-pins.js';
import { bundleExpiry } from '../store/artifacts/retention-plan.js';
import type { Verification } from '../verification/verification.js';
import type { ArtifactsDeps } from './api-deps.js';
import { ApiError } from './api-errors.js';
import {
  ArtifactListingSchema,
  BundleArchiveResponse,
  BundlePinSchema,
  PinReleasedResponse,
  PinRequestSchema,
  ReportResponse,
  ArtifactFileParamsSchema,
  ArtifactFileResponse,
  type ArtifactListing,
} from './artifact-schemas.js';
import { bearerToken, requireScope, type Authenticator } from './authentication.js';
import { DeploymentIdParamsSchema, errorResponses } from './deployment-schemas.js';
import { BEARER_SECURITY, type RouteContext } from './route-context.js';

/** The served report may style itself and show inline images, nothing else: no script runs. */
export const REPORT_CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
/** Response header naming the sealed manifest's SHA-256 (absent while the bundle is unsealed). */
export const MANIFEST_SHA256_HEADER = 'vigil-manifest-sha256';

/** Registers the listing, the bundle download, the report and the pin endpoints. */
export function registerArtifactRoutes(
  instance: FastifyInstance,
  context: RouteContext,
  artifacts: ArtifactsDeps,
): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { store, links, authenticate } = context;
  const canReadVerdicts = requireScope(authenticate, 'verdicts:read');
  const bundleLink = (id: string) => `${links.deployment(id)}/artifacts/bundle.tar.gz`;
  const reportLink = (id: string) => `${links.deployment(id)}/report`;

  const findVerification = async (id: string): Promise<Verification> => {
    const verification = await store.get(id);
    if (verification === undefined) throw new ApiError('DEPLOYMENT_NOT_FOUND', `no deployment with id ${id}`);
    return verification;
  };
  /** The bundle's files; none for ids the artifact store cannot hold (nothing was ever stored). */
  const listFiles = (id: string): Promise<ArtifactRef[]> =>
    artifacts.store.list(id).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'INVALID_PATH') return [];
      throw error;
    });

  /** The report sealed with the verdict, or undefined when the bundle has none (yet). */
  const openStoredReport = (id: string): Promise<AsyncIterable<Uint8Array> | undefined> =>
    artifacts.store.open(id, BUNDLE_FILES.report).then(
      ({ content }) => content,
      (error: unknown) => {
        const code = (error as { code?: unknown }).code;
        if (code === 'ARTIFACT_NOT_FOUND' || code === 'INVALID_PATH') return undefined;
        throw error;
      },
    );

  app.get(
    '/v1/deployments/:id/artifacts',
    {
      onRequest: canReadVerdicts,
      schema: {
        summary: "List a deployment's evidence bundle",
        description:
          'Scope verdicts:read. Every stored file with its SHA-256, the seal the verdict recorded (null while ' +
          'analysing), the legal hold if any, and when retention may delete the bundle.',
        tags: ['artifacts'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 200: ArtifactListingSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request): Promise<ArtifactListing> => {
      const { id } = request.params;
      const verification = await findVerification(id);
      const [files, pin] = await Promise.all([listFiles(id), artifacts.pins.get(id)]);
      const { verdict } = verification;
      const seal = verdict?.artifacts;
      const expiresAt = bundleExpiry(
        {
          pinned: pin !== undefined,
          ...(verdict !== null && { verdict: { outcome: verdict.outcome, decidedAt: verdict.decidedAt } }),
        },
        artifacts.retention,
      );
      return {
        deploymentId: id,
        status: verification.status,
        seal: seal === undefined ? null : { ...seal, problems: [...seal.problems] },
        pin: pin ?? null,
        expiresAt,
        files,
        links: { bundle: bundleLink(id), report: reportLink(id) },
      };
    },
  );

  app.get(
    '/v1/deployments/:id/artifacts/bundle.tar.gz',
    {
      onRequest: canReadVerdicts,
      schema: {
        summary: "Download a deployment's evidence bundle as tar.gz",
        description:
          'Scope verdicts:read. Streamed. Every entry is under `<id>/`; delivery-log.json and after-verdict.json ' +
          '(which lists it and names the sealed manifest) are made at download time. The vigil-manifest-sha256 ' +
          'header carries the hash the verdict recorded, when sealed. A stored file that cannot be read ends ' +
          'the download broken, never silently short. `vigil artifacts pull` downloads and verifies it.',
        tags: ['artifacts'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 200: BundleArchiveResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const verification = await findVerification(id);
      const [files, deliveryLog] = await Promise.all([listFiles(id), artifacts.deliveryLog.list(id)]);
      const manifestSha256 = verification.verdict?.artifacts?.manifestSha256 ?? null;
      const archive = streamBundleArchive({
        store: artifacts.store,
        deploymentId: id,
        files,
        manifestSha256,
        deliveryLog,
        generatedAt: new Date().toISOString(),
      });
      // Logged here: once the headers are out, the client only sees the connection end.
      archive.once('error', (error) =>
        request.log.error({ err: error, deploymentId: id }, 'bundle download broken'),
      );
      if (manifestSha256 !== null) void reply.header(MANIFEST_SHA256_HEADER, manifestSha256);
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${id}.tar.gz"`)
        .send(archive);
    },
  );

  app.get(
    '/v1/deployments/:id/report',
    {
      onRequest: canReadVerdicts,
      schema: {
        summary: 'The validation report, as one self-contained HTML page',
        description:
          'Scope verdicts:read. The report sealed with the verdict when there is one; otherwise one made now ' +
          'from the evidence so far. Served with a Content-Security-Policy that lets it run no script.',
        tags: ['artifacts'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 200: ReportResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await findVerification(id);
      const stored = await openStoredReport(id);
      let body: string | Readable;
      if (stored !== undefined) body = Readable.from(stored);
      else if (artifacts.renderReport !== undefined) body = await artifacts.renderReport(id);
      else throw new ApiError('REPORT_NOT_FOUND', `deployment ${id} has no report yet`);
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', REPORT_CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .send(body);
    },
  );

  app.get(
    '/v1/deployments/:id/artifacts/files/*',
    {
      onRequest: canReadVerdicts,
      schema: {
        summary: 'One file of the evidence bundle',
        description:
          'Scope verdicts:read. The file as stored, e.g. steps/0003/answers.json or report.html (whose relative ' +
          "links to other bundle files resolve here). Served with the report's Content-Security-Policy and " +
          'nosniff whatever its type; vigil-sha256 carries the hash the store recorded for it.',
        tags: ['artifacts'],
        security: BEARER_SECURITY,
        params: ArtifactFileParamsSchema,
        response: { 200: ArtifactFileResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id, '*': path } = request.params;
      await findVerification(id);
      const ref = (await listFiles(id)).find((file) => file.path === path);
      if (ref === undefined)
        throw new ApiError('ARTIFACT_NOT_FOUND', `the evidence bundle of ${id} has no file ${path}`);
      const { bytes, content } = await artifacts.store.open(id, ref.path);
      return reply
        .type(contentTypeOf(ref.path))
        .header('content-length', bytes)
        .header('vigil-sha256', ref.sha256)
        .header('content-security-policy', REPORT_CONTENT_SECURITY_POLICY)
        .header('x-content-type-options', 'nosniff')
        .send(Readable.from(content));
    },
  );

  app.put(
    '/v1/deployments/:id/artifacts/pin',
    {
      onRequest: requireScope(authenticate, 'artifacts:pin'),
      schema: {
        summary: "Pin (legal hold) a deployment's evidence bundle",
        description:
          'Scope artifacts:pin. Retention and the disk quota never delete a pinned bundle. Pinning again ' +
          'replaces the reason.',
        tags: ['artifacts'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        body: PinRequestSchema,
        response: { 200: BundlePinSchema, ...errorResponses(400, 401, 403, 404, 415) },
      },
    },
    async (request): Promise<BundlePin> => {
      const { id } = request.params;
      await findVerification(id);
      const pin = await artifacts.pins.pin({
        deploymentId: id,
        reason: request.body.reason,
        pinnedBy: principalName(request, authenticate),
        pinnedAt: new Date().toISOString(),
      });
      request.log.info({ deploymentId: id, reason: pin.reason }, 'bundle pinned');
      return pin;
    },
  );

  app.delete(
    '/v1/deployments/:id/artifacts/pin',
    {
      onRequest: requireScope(authenticate, 'admin'),
      schema: {
        summary: 'Release the legal hold on an evidence bundle',
        description:
          'Scope admin. The bundle is then deleted by retention like any other. 404 when it is not pinned.',
        tags: ['artifacts'],
        security: BEARER_SECURITY,
        params: DeploymentIdParamsSchema,
        response: { 204: PinReleasedResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // No deployment check: a hold can be released even once the verification record is gone.
      if (!(await artifacts.pins.unpin(id)))
        throw new ApiError('PIN_NOT_FOUND', `the evidence bundle of ${id} is not pinned`);
      request.log.info({ deploymentId: id }, 'bundle unpinned');
      return reply.status(204).send();
    },
  );
}

/** Types a browser may show inline; everything else downloads. */
function contentTypeOf(path: string): string {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const types: Record<string, string> = {
    html: 'text/html; charset=utf-8',
    json: 'application/json; charset=utf-8',
    png: 'image/png',
    yaml: 'text/plain; charset=utf-8',
    zip: 'application/zip',
  };
  return types[extension] ?? 'application/octet-stream';
}

/** The name of the token the request authenticated with (its scope hook already accepted it). */
function principalName(request: FastifyRequest, authenticate: Authenticator): string {
  const token = bearerToken(request.headers.authorization);
  const principal = token === undefined ? undefined : authenticate(token);
  if (principal === undefined) throw new ApiError('UNAUTHENTICATED');
  return principal.name;
}
