/** The artifact store in memory, for component tests and the one-off `vigil probe run`. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ArtifactError } from './artifact-error.js';
import {
  DEFAULT_MAX_ARTIFACT_BYTES,
  checkRelativePath,
  checkVerificationId,
  type ArtifactRef,
  type ArtifactStore,
} from './artifact-store.js';
import { capContent } from './cap-content.js';

interface StoredFile {
  readonly ref: ArtifactRef;
  readonly content: Uint8Array;
}

/** Creates an empty in-memory artifact store. */
export function createMemoryArtifactStore(options: { maxFileBytes?: number } = {}): ArtifactStore {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
  const files = new Map<string, Map<string, StoredFile>>();
  const fileAt = (verificationId: string, relativePath: string): StoredFile => {
    checkVerificationId(verificationId);
    checkRelativePath(relativePath);
    const file = files.get(verificationId)?.get(relativePath);
    if (file === undefined)
      throw new ArtifactError(
        'ARTIFACT_NOT_FOUND',
        `artifact store: nothing stored at ${verificationId}/${relativePath}`,
      );
    return file;
  };
  return {
    async put(verificationId, relativePath, content) {
      checkVerificationId(verificationId);
      checkRelativePath(relativePath);
      const capped = capContent(content, maxFileBytes);
      const chunks: Uint8Array[] = [];
      for await (const chunk of capped.chunks()) chunks.push(chunk);
      const bytes = new Uint8Array(Buffer.concat(chunks));
      const { originalBytes } = capped.counts();
      const ref: ArtifactRef = {
        path: relativePath,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
        ...(originalBytes > bytes.byteLength && { truncated: { originalBytes } }),
      };
      const byPath = files.get(verificationId) ?? new Map<string, StoredFile>();
      byPath.set(relativePath, { ref, content: bytes });
      files.set(verificationId, byPath);
      return ref;
    },
    list(verificationId) {
      checkVerificationId(verificationId);
      const refs = [...(files.get(verificationId)?.values() ?? [])].map((file) => file.ref);
      return Promise.resolve(refs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
    },
    async read(verificationId, relativePath) {
      // A copy, so a caller cannot change what is stored.
      return Promise.resolve(fileAt(verificationId, relativePath).content.slice());
    },
    async open(verificationId, relativePath) {
      const content = fileAt(verificationId, relativePath).content.slice();
      // A plain iterable of chunks is an AsyncIterable's worth for `for await` readers.
      const chunks: Uint8Array[] = [];
      for (let offset = 0; offset < content.byteLength; offset += 64 * 1024)
        chunks.push(content.subarray(offset, offset + 64 * 1024));
      return Promise.resolve({ bytes: content.byteLength, content: Readable.from(chunks) });
    },
    bundles() {
      return Promise.resolve(
        [...files.entries()].map(([verificationId, byPath]) => ({
          verificationId,
          files: byPath.size,
          bytes: [...byPath.values()].reduce((sum, file) => sum + file.ref.bytes, 0),
        })),
      );
    },
    async remove(verificationId) {
      checkVerificationId(verificationId);
      files.delete(verificationId);
      return Promise.resolve();
    },
  };
}
