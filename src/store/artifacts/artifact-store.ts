/**
 * Port: where a verification's evidence files live (journey traces, screenshots, and later the
 * bundle and manifest). Filesystem in production (filesystem-artifact-store.ts), memory in
 * component tests (memory-artifact-store.ts); one contract suite runs against both
 * (test/store/artifacts/artifact-store-contract.ts).
 */
import { ArtifactError } from './artifact-error.js';

/** One stored file: where it is inside its verification, and what it holds. */
export interface ArtifactRef {
  /** Relative to the verification, `/`-separated, e.g. `journeys/canary/checkout-1/trace.zip`. */
  readonly path: string;
  /** SHA-256 of the content, lowercase hex. */
  readonly sha256: string;
  readonly bytes: number;
}

/** Content to store: the bytes themselves, or a stream of them (a Node `Readable` is one). */
export type ArtifactContent = Uint8Array | AsyncIterable<Uint8Array>;

export interface ArtifactStore {
  /**
   * Stores `content` at `relativePath` of the verification, replacing what was there (a retried
   * job writes the same evidence again). Readers never see a partly written file.
   */
  put(verificationId: string, relativePath: string, content: ArtifactContent): Promise<ArtifactRef>;
  /** Every artifact of the verification, sorted by path; empty when there is none. */
  list(verificationId: string): Promise<ArtifactRef[]>;
  /** The content; ArtifactError ARTIFACT_NOT_FOUND when nothing is stored there. */
  read(verificationId: string, relativePath: string): Promise<Uint8Array>;
}

const VERIFICATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const PATH_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_PATH_LENGTH = 512;

/** Rejects ids that could not be a directory name of their own (`..`, `/`, empty, too long). */
export function checkVerificationId(verificationId: string): void {
  if (!VERIFICATION_ID.test(verificationId))
    throw new ArtifactError(
      'INVALID_PATH',
      `artifact store: verification id ${JSON.stringify(verificationId)} must be 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
}

/**
 * Rejects paths that could leave the verification's folder or hide from `list`: absolute paths,
 * `..`, empty or dot-leading segments, backslashes, anything over 512 characters.
 */
export function checkRelativePath(relativePath: string): void {
  const segments = relativePath.split('/');
  if (relativePath.length > MAX_PATH_LENGTH || !segments.every((segment) => PATH_SEGMENT.test(segment)))
    throw new ArtifactError(
      'INVALID_PATH',
      `artifact store: path ${JSON.stringify(relativePath)} must be '/'-separated segments of letters, digits, '.', '_' or '-', each starting with a letter or digit (at most ${MAX_PATH_LENGTH} characters)`,
    );
}
