/**
 * Port: where a verification's evidence bundle lives (marker, rule set, queries, raw answers,
 * judgements, journey traces and screenshots, trace exemplars, the decision log, the manifest).
 * Filesystem in production (filesystem-artifact-store.ts, content-addressed), memory in component
 * tests (memory-artifact-store.ts); one contract suite runs against both
 * (test/store/artifacts/artifact-store-contract.ts). Shaped for an S3-compatible store too: whole
 * objects put and streamed by key, listing by prefix, no appends, no renames.
 */
import { ArtifactError } from './artifact-error.js';

/** One stored file: where it is inside its verification, and what it holds. */
export interface ArtifactRef {
  /** Relative to the verification, `/`-separated, e.g. `journeys/canary/checkout-1/trace.zip`. */
  readonly path: string;
  /** SHA-256 of the content, lowercase hex. */
  readonly sha256: string;
  readonly bytes: number;
  /** Present when the content was over the store's size cap: only the first `bytes` were kept. */
  readonly truncated?: { readonly originalBytes: number };
}

export interface OpenedArtifact {
  readonly bytes: number;
  readonly content: AsyncIterable<Uint8Array>;
}

/** One verification's bundle as the retention sweeper sees it. */
export interface BundleUsage {
  readonly verificationId: string;
  /** Bytes of every stored file. */
  readonly bytes: number;
  readonly files: number;
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
  /**
   * The content as a stream (for bundles larger than memory) with its size as stored now, which
   * differs from the ref's when the file was changed behind the store's back: an archive carries
   * what is there and the manifest check names the change. Same errors as `read`.
   */
  open(verificationId: string, relativePath: string): Promise<OpenedArtifact>;
  /** Every verification that has a bundle, with its size. */
  bundles(): Promise<BundleUsage[]>;
  /** Deletes the verification's whole bundle; nothing to delete is not an error. */
  remove(verificationId: string): Promise<void>;
}

/** Largest file a store keeps by default (bigger content is truncated to this and marked so). */
export const DEFAULT_MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;

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
