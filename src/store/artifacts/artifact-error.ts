/**
 * The one error artifact stores throw. `code` is stable; the message names the operation and the
 * path; `cause` keeps the filesystem error.
 * - `INVALID_PATH`: a verification id or relative path that could escape the store or not be listed.
 * - `ARTIFACT_NOT_FOUND`: `read` of a path where nothing is stored.
 * - `STORE_UNAVAILABLE`: the backend failed (disk full, permissions); the write left nothing behind.
 */
export type ArtifactErrorCode = 'INVALID_PATH' | 'ARTIFACT_NOT_FOUND' | 'STORE_UNAVAILABLE';

/** An artifact-store failure with a stable `code`. */
export class ArtifactError extends Error {
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ArtifactError';
  }
}
