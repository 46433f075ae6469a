/** The artifact store in memory, for component tests and the one-off `vigil probe run`. */
import { createHash } from 'node:crypto';
import { ArtifactError } from './artifact-error.js';
import {
  checkRelativePath,
  checkVerificationId,
  type ArtifactContent,
  type ArtifactRef,
  type ArtifactStore,
} from './artifact-store.js';

/** Creates an empty in-memory artifact store. */
export function createMemoryArtifactStore(): ArtifactStore {
  const files = new Map<string, Map<string, { ref: ArtifactRef; content: Uint8Array }>>();
  return {
    async put(verificationId, relativePath, content) {
      checkVerificationId(verificationId);
      checkRelativePath(relativePath);
      const bytes = await collectBytes(content);
      const ref: ArtifactRef = {
        path: relativePath,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.byteLength,
      };
      const byPath =
        files.get(verificationId) ?? new Map<string, { ref: ArtifactRef; content: Uint8Array }>();
      byPath.set(relativePath, { ref, content: bytes });
      files.set(verificationId, byPath);
      return ref;
    },
    list(verificationId) {
      checkVerificationId(verificationId);
      const refs = [...(files.get(verificationId)?.values() ?? [])].map((file) => file.ref);
      return Promise.resolve(refs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
    },
    read(verificationId, relativePath) {
      checkVerificationId(verificationId);
      checkRelativePath(relativePath);
      const file = files.get(verificationId)?.get(relativePath);
      if (file === undefined)
        return Promise.reject(
          new ArtifactError(
            'ARTIFACT_NOT_FOUND',
            `artifact store: nothing stored at ${verificationId}/${relativePath}`,
          ),
        );
      // A copy, so a caller cannot change what is stored.
      return Promise.resolve(file.content.slice());
    },
  };
}

async function collectBytes(content: ArtifactContent): Promise<Uint8Array> {
  if (content instanceof Uint8Array) return content.slice();
  const chunks: Uint8Array[] = [];
  for await (const chunk of content) chunks.push(chunk);
  return Buffer.concat(chunks);
}
