/**
 * `vigil artifacts pull ID [-o DIR]`: downloads a deployment's evidence bundle, unpacks it safely
 * into DIR (default `./<id>`), and verifies every file against manifest.json, manifest.json against
 * the hash the verdict recorded, and the files added after the verdict against after-verdict.json.
 * One line per problem names the file. Exit codes: 0 all verified; 5 a mismatch, an archive refused
 * as unsafe, or a bundle not sealed yet (nothing to verify against); 2 bad input (bad id, DIR not
 * empty, a token refused); 1 other errors (Vigil unreachable, no such deployment, broken download).
 */
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEPLOYMENT_ID_PATTERN } from '../ingest/deployment-marker-schema.js';
import {
  AFTER_VERDICT_PATH,
  MANIFEST_PATH,
  checkBundle,
  type BundleMismatch,
  type ManifestFile,
} from '../store/artifacts/bundle-manifest.js';
import { EXIT } from './exit-codes.js';
import {
  BrokenArchiveError,
  UnsafeArchiveError,
  extractBundle,
  type ExtractProgress,
} from './extract-bundle.js';
import { ClientError, type ArtifactListingAnswer, type VigilClient } from './vigil-client.js';

export interface PullOptions {
  /** Where to unpack; `./<id>` when absent. */
  readonly output?: string;
  /** Unpack into a non-empty DIR, replacing the bundle's files there. */
  readonly force: boolean;
}

export interface PullIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Show a progress line on stderr (a terminal is watching). */
  readonly progress: boolean;
  readonly now: () => number;
}

const PROGRESS_EVERY_MS = 100;
const DEPLOYMENT_ID = new RegExp(DEPLOYMENT_ID_PATTERN);

/** Runs `vigil artifacts pull`; returns the exit code. */
export async function runArtifactsPullCommand(
  id: string,
  options: PullOptions,
  client: VigilClient,
  io: PullIo,
): Promise<number> {
  const fail = (code: number, text: string) => {
    io.err(`vigil artifacts pull: ${text}`);
    return code;
  };
  if (!DEPLOYMENT_ID.test(id))
    return fail(EXIT.badInput, `${JSON.stringify(id)} is not a deployment id (${DEPLOYMENT_ID_PATTERN})`);
  const dir = resolve(options.output ?? id);
  const occupied = await folderProblem(dir);
  if (occupied !== undefined && !(occupied === 'not empty' && options.force))
    return fail(
      EXIT.badInput,
      `${dir} ${occupied}${occupied === 'not empty' ? ' (use --force to write into it)' : ''}`,
    );

  let progress: Progress | undefined;
  try {
    const listing = await client.listArtifacts(id);
    const download = await client.downloadBundle(id);
    // The verdict's hash as the listing shows it; the download's header is checked against it.
    const expectedManifestSha256 = listing.seal?.manifestSha256 ?? download.manifestSha256;
    progress = io.progress ? new Progress(io, listing.files.length + 2) : undefined;
    const extracted = await extractBundle({
      archive: download.body,
      topFolder: id,
      dir,
      overwrite: options.force,
      ...(progress !== undefined && { onProgress: (state: ExtractProgress) => progress?.show(state) }),
    });
    progress?.clear();
    const mismatches = await verify(
      dir,
      listing,
      expectedManifestSha256,
      download.manifestSha256,
      extracted.fileHashes,
    );
    return report(io, dir, listing, expectedManifestSha256, extracted.fileHashes.size, mismatches);
  } catch (error) {
    progress?.clear();
    if (error instanceof ClientError) {
      if (error.status === 404) return fail(EXIT.internalError, `no deployment ${id}`);
      const isClientError = error.status !== undefined && error.status >= 400 && error.status < 500;
      return fail(isClientError ? EXIT.badInput : EXIT.internalError, error.message);
    }
    if (error instanceof UnsafeArchiveError)
      return fail(
        EXIT.integrityFailed,
        `${error.message}; extraction stopped, nothing was written outside ${dir}`,
      );
    if (error instanceof BrokenArchiveError)
      return fail(
        EXIT.internalError,
        `${error.message}; run it again. If it breaks at the same point, the daemon cannot send a file as ` +
          `recorded (changed or damaged in its store): its log line "bundle download broken" names it`,
      );
    if (isFilesystemError(error))
      return fail(EXIT.internalError, `writing into ${dir}: ${(error as Error).message}`);
    throw error;
  }
}

/** Why DIR cannot take the bundle, or undefined when it is absent or empty. */
async function folderProblem(dir: string): Promise<'not empty' | 'is not a folder' | undefined> {
  try {
    return (await readdir(dir)).length > 0 ? 'not empty' : undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return 'is not a folder';
    throw error;
  }
}

/** Every way the unpacked bundle differs from its manifests and from the verdict. */
async function verify(
  dir: string,
  listing: ArtifactListingAnswer,
  expectedManifestSha256: string | null,
  headerManifestSha256: string | null,
  fileHashes: ReadonlyMap<string, string>,
): Promise<BundleMismatch[]> {
  const mismatches: BundleMismatch[] = [];
  if (
    listing.seal?.manifestSha256 != null &&
    headerManifestSha256 !== null &&
    headerManifestSha256 !== listing.seal.manifestSha256
  )
    mismatches.push({
      path: MANIFEST_PATH,
      problem: 'manifest-changed',
      detail: `the download names manifest ${headerManifestSha256}, the verdict recorded ${listing.seal.manifestSha256}`,
    });
  const index = fileHashes.has(AFTER_VERDICT_PATH)
    ? parseAfterVerdict(await readFile(resolve(dir, AFTER_VERDICT_PATH)))
    : 'after-verdict.json is missing';
  if (typeof index === 'string')
    mismatches.push({ path: AFTER_VERDICT_PATH, problem: 'manifest-invalid', detail: index });
  else if (index.manifestSha256 !== expectedManifestSha256)
    mismatches.push({
      path: AFTER_VERDICT_PATH,
      problem: 'changed',
      detail: `it extends manifest ${index.manifestSha256 ?? 'none'}, the verdict recorded ${expectedManifestSha256 ?? 'none'}`,
    });
  const manifestBytes = fileHashes.has(MANIFEST_PATH)
    ? await readFile(resolve(dir, MANIFEST_PATH))
    : undefined;
  const checked = checkBundle({
    manifestBytes,
    expectedManifestSha256,
    fileHashes,
    ...(typeof index !== 'string' && { afterVerdict: index.files }),
  });
  return [...mismatches, ...checked.mismatches];
}

/** The files after-verdict.json lists and the manifest it extends, or why it is not one. */
function parseAfterVerdict(
  bytes: Uint8Array,
): { manifestSha256: string | null; files: ManifestFile[] } | string {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    return `after-verdict.json is not JSON: ${(error as Error).message}`;
  }
  const record = (value ?? {}) as { manifestSha256?: unknown; files?: unknown };
  const files = Array.isArray(record.files) ? (record.files as unknown[]) : undefined;
  const isFile = (file: unknown) =>
    typeof (file as ManifestFile | null)?.path === 'string' &&
    typeof (file as ManifestFile | null)?.sha256 === 'string';
  if (files === undefined || !files.every(isFile))
    return 'after-verdict.json: files must be a list of { path, sha256, bytes }';
  if (record.manifestSha256 !== null && typeof record.manifestSha256 !== 'string')
    return 'after-verdict.json: manifestSha256 must be a string or null';
  return { manifestSha256: record.manifestSha256, files: files as ManifestFile[] };
}

function report(
  io: PullIo,
  dir: string,
  listing: ArtifactListingAnswer,
  expectedManifestSha256: string | null,
  files: number,
  mismatches: readonly BundleMismatch[],
): number {
  for (const mismatch of mismatches) io.out(describeMismatch(mismatch, listing));
  if (listing.seal !== null && !listing.seal.complete)
    io.out(`note: the bundle was sealed incomplete: ${listing.seal.problems.join('; ')}`);
  io.out(`bundle of ${listing.deploymentId} written to ${dir}`);
  const unsealed = mismatches.some((mismatch) => isUnsealed(mismatch, listing));
  if (unsealed) {
    io.out(`${files} files downloaded, none verified: there is no sealed manifest to verify them against`);
    return EXIT.integrityFailed;
  }
  if (mismatches.length > 0) {
    const bad = new Set(mismatches.map((mismatch) => mismatch.path)).size;
    io.out(`${bad} of ${files} files do not match: this is not the evidence the verdict sealed`);
    return EXIT.integrityFailed;
  }
  if (expectedManifestSha256 === null) {
    io.out(
      `${files} files verified against manifest.json; the verdict records no manifest hash to anchor it`,
    );
    return EXIT.ok;
  }
  io.out(`${files} files verified, manifest matches the verdict`);
  return EXIT.ok;
}

function describeMismatch(mismatch: BundleMismatch, listing: ArtifactListingAnswer): string {
  switch (mismatch.problem) {
    case 'changed':
      return `${mismatch.path}: changed (${mismatch.detail})`;
    case 'unlisted':
      return `${mismatch.path}: not in any manifest (${mismatch.detail})`;
    case 'manifest-changed':
      return `${mismatch.path}: manifest does not match the verdict (${mismatch.detail})`;
    case 'manifest-invalid':
      return `${mismatch.path}: unreadable (${mismatch.detail})`;
    case 'missing':
      if (!isUnsealed(mismatch, listing)) return `${mismatch.path}: missing (${mismatch.detail})`;
      return RUNNING_STATUSES.has(listing.status)
        ? `${mismatch.path}: missing — the bundle is not sealed yet (deployment ${listing.status}): it is sealed with the verdict`
        : `${mismatch.path}: missing — the verdict (${listing.status}) sealed no bundle`;
  }
}

const RUNNING_STATUSES: ReadonlySet<string> = new Set(['pending', 'analyzing']);

/** No manifest, and none expected: the bundle was never sealed (still running, or an old verdict). */
function isUnsealed(mismatch: BundleMismatch, listing: ArtifactListingAnswer): boolean {
  return mismatch.path === MANIFEST_PATH && mismatch.problem === 'missing' && listing.seal === null;
}

/** One redrawn stderr line: bytes unpacked and files written. */
class Progress {
  private shownAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly io: PullIo,
    private readonly expectedFiles: number,
  ) {}

  show(state: ExtractProgress): void {
    const now = this.io.now();
    if (now - this.shownAt < PROGRESS_EVERY_MS) return;
    this.shownAt = now;
    this.io.err(
      `\r\u001b[2Kdownloading ${formatBytes(state.bytes)} · ${state.files}/${this.expectedFiles} files`,
    );
  }

  clear(): void {
    this.io.err('\r\u001b[2K');
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function isFilesystemError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.syscall === 'string';
}
