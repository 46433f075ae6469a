/**
 * HTTP schemas of the evidence endpoints (TypeBox): the bundle listing, the legal-hold pin, and
 * the descriptions of the two non-JSON answers (the tar.gz and the HTML report) for /openapi.json.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '../config/schema-validation.js';
import { DEPLOYMENT_ID_PATTERN } from '../ingest/deployment-marker-schema.js';
import { VERIFICATION_STATUSES } from '../verification/verification.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Sha256 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description });

export const BundleSealSchema = Type.Object(
  {
    manifestSha256: Nullable(Sha256("SHA-256 of manifest.json's bytes; null when it could not be stored.")),
    files: Type.Integer({ minimum: 0 }),
    bytes: Type.Integer({ minimum: 0 }),
    complete: Type.Boolean({ description: 'False when some evidence could not be stored: see problems.' }),
    problems: Type.Array(Type.String()),
  },
  { description: 'What the verdict recorded of its bundle when it was decided.' },
);

export const BundlePinSchema = Type.Object(
  {
    deploymentId: Type.String(),
    reason: Type.String(),
    pinnedBy: Type.String({ description: 'The name of the token that pinned it.' }),
    pinnedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'A legal hold: the bundle is kept, whatever its age and the disk quota.' },
);

export const ArtifactFileSchema = Type.Object({
  path: Type.String({ description: 'Inside the bundle, `/`-separated (steps/0003/answers.json).' }),
  sha256: Sha256('SHA-256 of the stored bytes.'),
  bytes: Type.Integer({ minimum: 0 }),
  truncated: Type.Optional(
    Type.Object(
      { originalBytes: Type.Integer({ minimum: 0 }) },
      { description: 'Present when the file was over the size cap: only the first bytes were kept.' },
    ),
  ),
});

export const ArtifactListingSchema = Type.Object({
  deploymentId: Type.String(),
  status: StringEnum(VERIFICATION_STATUSES),
  seal: Nullable(BundleSealSchema),
  pin: Nullable(BundlePinSchema),
  expiresAt: Nullable(
    Type.String({
      format: 'date-time',
      description: 'When retention may delete the bundle; null while running, pinned, or undecided.',
    }),
  ),
  files: Type.Array(ArtifactFileSchema),
  links: Type.Object({
    bundle: Type.String({ description: 'The whole bundle as tar.gz.' }),
    report: Type.String({ description: 'The validation report (HTML).' }),
  }),
});

export const PinRequestSchema = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: '\\S',
      description: 'Why the bundle is held, e.g. the incident (INC-1234: checkout outage).',
    }),
  },
  { additionalProperties: false },
);

/** The 204 answer of a released pin: no body. */
export const PinReleasedResponse = { description: 'Released.', type: 'null' } as const;

/** The 200 answer of the bundle download, as OpenAPI shows it (the body is streamed, not serialised). */
export const BundleArchiveResponse = {
  description:
    'tar.gz of every file under `<id>/`, plus delivery-log.json and after-verdict.json made at download time.',
  content: { 'application/gzip': { schema: { type: 'string', format: 'binary' } } },
} as const;

/** The 200 answer of the report, as OpenAPI shows it. */
export const ReportResponse = {
  description: 'The validation report: one self-contained HTML page, served so that it cannot run scripts.',
  content: { 'text/html': { schema: { type: 'string' } } },
} as const;

export const ArtifactFileParamsSchema = Type.Object({
  id: Type.String({ pattern: DEPLOYMENT_ID_PATTERN, description: 'Deployment id.' }),
  '*': Type.String({ minLength: 1, maxLength: 512, description: 'The file path inside the bundle.' }),
});

export const ArtifactFileResponse = {
  description: 'One file of the bundle, as stored (its SHA-256 in the vigil-sha256 header).',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;

export type ArtifactListing = Static<typeof ArtifactListingSchema>;
export type PinRequest = Static<typeof PinRequestSchema>;
