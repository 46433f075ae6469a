/**
 * The evidence bundle's `manifest.json`: every file of the bundle with its SHA-256, sealed when the
 * verdict is recorded (the verdict keeps the manifest's own SHA-256, so neither a file nor the
 * manifest can change unnoticed). Files added after the verdict (the delivery log, which keeps
 * growing while webhooks retry) are listed by the archive's `after-verdict.json` instead, which
 * names the sealed manifest's hash. Pure: building and checking, no I/O.
 */
import { createHash } from 'node:crypto';
import type { ArtifactRef } from './artifact-store.js';

export const MANIFEST_PATH = 'manifest.json';
export const AFTER_VERDICT_PATH = 'after-verdict.json';
export const MANIFEST_VERSION = 1;

export interface ManifestFile {
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly truncated?: { readonly originalBytes: number };
}

export interface BundleManifest {
  readonly manifestVersion: typeof MANIFEST_VERSION;
  readonly deploymentId: string;
  /** ISO-8601: when the verdict was decided. */
  readonly sealedAt: string;
  readonly verdict: { readonly outcome: string; readonly decidedAtInterval: number };
  /** False when some evidence could not be stored; `problems` says which and why. */
  readonly complete: boolean;
  readonly problems: readonly string[];
  /** Sorted by path; the manifest itself is not listed (its hash is in the verdict). */
  readonly files: readonly ManifestFile[];
}

/** What an archive adds after the verdict, chained to the sealed manifest by its hash. */
export interface AfterVerdictIndex {
  readonly manifestVersion: typeof MANIFEST_VERSION;
  readonly deploymentId: string;
  /** The sealed manifest this extends; null when the bundle was never sealed. */
  readonly manifestSha256: string | null;
  readonly generatedAt: string;
  readonly files: readonly ManifestFile[];
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The manifest and its exact bytes (what is stored and hashed). */
export function buildManifest(
  input: Omit<BundleManifest, 'manifestVersion' | 'files'> & {
    readonly files: readonly ArtifactRef[];
  },
): { manifest: BundleManifest; bytes: Uint8Array; sha256: string } {
  const files = input.files
    .filter((file) => file.path !== MANIFEST_PATH)
    .map(toManifestFile)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: BundleManifest = {
    manifestVersion: MANIFEST_VERSION,
    deploymentId: input.deploymentId,
    sealedAt: input.sealedAt,
    verdict: input.verdict,
    complete: input.complete,
    problems: input.problems,
    files,
  };
  const bytes = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, bytes, sha256: sha256Hex(bytes) };
}

export function toManifestFile(ref: ArtifactRef): ManifestFile {
  return {
    path: ref.path,
    sha256: ref.sha256,
    bytes: ref.bytes,
    ...(ref.truncated !== undefined && { truncated: ref.truncated }),
  };
}

/** One way a bundle on disk differs from what its manifest (or the verdict) says. */
export interface BundleMismatch {
  readonly path: string;
  readonly problem: 'changed' | 'missing' | 'unlisted' | 'manifest-changed' | 'manifest-invalid';
  readonly detail: string;
}

/**
 * Checks files (path → bytes' SHA-256) against a manifest: a file whose hash differs, a listed
 * file that is absent, a file that no manifest lists. `expectedManifestSha256` is the hash the
 * verdict recorded; the manifest's own bytes must hash to it.
 */
export function checkBundle(input: {
  readonly manifestBytes: Uint8Array | undefined;
  readonly expectedManifestSha256: string | null | undefined;
  readonly fileHashes: ReadonlyMap<string, string>;
  /** Files listed elsewhere (after-verdict.json), checked the same way. */
  readonly afterVerdict?: readonly ManifestFile[];
}): { manifest: BundleManifest | undefined; mismatches: BundleMismatch[] } {
  const mismatches: BundleMismatch[] = [];
  if (input.manifestBytes === undefined) {
    mismatches.push({ path: MANIFEST_PATH, problem: 'missing', detail: 'the bundle has no manifest' });
    return { manifest: undefined, mismatches };
  }
  const actual = sha256Hex(input.manifestBytes);
  if (input.expectedManifestSha256 != null && actual !== input.expectedManifestSha256)
    mismatches.push({
      path: MANIFEST_PATH,
      problem: 'manifest-changed',
      detail: `sha256 ${actual}, the verdict recorded ${input.expectedManifestSha256}`,
    });
  const manifest = parseManifest(input.manifestBytes);
  if (typeof manifest === 'string') {
    mismatches.push({ path: MANIFEST_PATH, problem: 'manifest-invalid', detail: manifest });
    return { manifest: undefined, mismatches };
  }
  const listed = new Set<string>([MANIFEST_PATH, AFTER_VERDICT_PATH]);
  for (const file of [...manifest.files, ...(input.afterVerdict ?? [])]) {
    listed.add(file.path);
    const hash = input.fileHashes.get(file.path);
    if (hash === undefined)
      mismatches.push({ path: file.path, problem: 'missing', detail: 'listed, not present' });
    else if (hash !== file.sha256)
      mismatches.push({
        path: file.path,
        problem: 'changed',
        detail: `sha256 ${hash}, manifest says ${file.sha256}`,
      });
  }
  for (const path of input.fileHashes.keys())
    if (!listed.has(path))
      mismatches.push({ path, problem: 'unlisted', detail: 'present, not in any manifest' });
  return { manifest, mismatches };
}

/** The manifest, or why these bytes are not one. */
export function parseManifest(bytes: Uint8Array): BundleManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return `manifest.json is not JSON: ${(error as Error).message}`;
  }
  const problem = manifestProblem(value);
  return problem ?? (value as BundleManifest);
}

function manifestProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'manifest.json: must be an object';
  const record = value as Record<string, unknown>;
  if (record['manifestVersion'] !== MANIFEST_VERSION)
    return `manifest.json: manifestVersion must be ${MANIFEST_VERSION}`;
  if (typeof record['deploymentId'] !== 'string') return 'manifest.json: deploymentId must be a string';
  if (!Array.isArray(record['files'])) return 'manifest.json: files must be an array';
  for (const [index, file] of (record['files'] as unknown[]).entries()) {
    const entry = file as Record<string, unknown> | null;
    if (
      typeof entry !== 'object' ||
      entry === null ||
      typeof entry['path'] !== 'string' ||
      typeof entry['sha256'] !== 'string' ||
      !/^[0-9a-f]{64}$/.test(entry['sha256']) ||
      typeof entry['bytes'] !== 'number'
    )
      return `manifest.json: files[${index}] must have a path, a 64-hex sha256 and bytes`;
  }
  return undefined;
}
