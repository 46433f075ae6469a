/**
 * A Flagger canary as a Vigil deployment. Flagger's webhooks post `{name, namespace, phase,
 * checksum, metadata}`; a canary revision is a deployment keyed by namespace, name and checksum
 * (Flagger's hash of the canary's target spec), and the webhook's `metadata` — strings only, the
 * same on every Vigil webhook of the Canary — says how to verify it:
 *
 *   ruleSet (required), service (default: the canary's name), environment (default: its
 *   namespace), version (default: the checksum), baselineVersion, canaryUrl, baselineUrl, and
 *   `canary.<label>` / `baseline.<label>` for the Prometheus labels of each group.
 */
import { validateAgainstSchema, type ValidationIssue } from '../config/schema-validation.js';
import { DeploymentMarkerSchema, type DeploymentMarker } from './deployment-marker-schema.js';

export interface FlaggerPayload {
  readonly name: string;
  readonly namespace: string;
  readonly phase?: string;
  readonly checksum?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** `flagger:<namespace>:<name>:<checksum>`, or why there is none. */
export function flaggerDeploymentId(payload: FlaggerPayload): { id: string } | { issues: ValidationIssue[] } {
  if (payload.checksum === undefined || payload.checksum === '')
    return {
      issues: [
        { path: 'checksum', message: 'is required: it tells canary revisions apart (Flagger 1.x sends it)' },
      ],
    };
  const id = `flagger:${payload.namespace}:${payload.name}:${payload.checksum}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id))
    return {
      issues: [
        {
          path: 'checksum',
          message: `flagger:<namespace>:<name>:<checksum> must be at most 128 letters, digits, '.', '_', ':' or '-' (got ${id.length} characters)`,
        },
      ],
    };
  return { id };
}

/** The marker for the canary revision, or every problem, each with its `metadata.<key>` path. */
export function markerFromFlagger(
  payload: FlaggerPayload,
  id: string,
): { marker: DeploymentMarker } | { issues: ValidationIssue[] } {
  const metadata = payload.metadata ?? {};
  const labels = (group: 'canary' | 'baseline') =>
    Object.fromEntries(
      Object.entries(metadata)
        .filter(([key]) => key.startsWith(`${group}.`))
        .map(([key, value]) => [key.slice(group.length + 1), value]),
    );
  const candidate = {
    id,
    service: metadata['service'] ?? payload.name,
    environment: metadata['environment'] ?? payload.namespace,
    version: metadata['version'] ?? payload.checksum,
    ...(metadata['baselineVersion'] !== undefined && { baselineVersion: metadata['baselineVersion'] }),
    strategy: 'canary',
    ruleSet: metadata['ruleSet'],
    canary: {
      labels: labels('canary'),
      ...(metadata['canaryUrl'] !== undefined && { url: metadata['canaryUrl'] }),
    },
    baseline: {
      labels: labels('baseline'),
      ...(metadata['baselineUrl'] !== undefined && { url: metadata['baselineUrl'] }),
    },
    metadata: { source: 'flagger', canary: `${payload.namespace}/${payload.name}` },
  };
  if (candidate.ruleSet === undefined)
    return {
      issues: [{ path: 'metadata.ruleSet', message: 'is required: the rule set to verify the canary with' }],
    };
  const validated = validateAgainstSchema(DeploymentMarkerSchema, candidate);
  if (validated.ok) return { marker: validated.value };
  return { issues: validated.issues.map((issue) => ({ ...issue, path: metadataPath(issue.path) })) };
}

/** A marker field's problem, named by the metadata key that set it. */
function metadataPath(path: string): string {
  const [head, ...rest] = path.split('.');
  if ((head === 'canary' || head === 'baseline') && rest[0] === 'labels')
    return `metadata.${head}.${rest.slice(1).join('.')}`;
  if ((head === 'canary' || head === 'baseline') && rest[0] === 'url') return `metadata.${head}Url`;
  return `metadata.${path}`;
}
