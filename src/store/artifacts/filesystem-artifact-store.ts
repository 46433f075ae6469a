/**
 * The artifact store on a filesystem: `<root>/<verificationId>/<relativePath>`. Each write goes to
 * a temporary file in the same folder and is renamed into place, so a reader (or a bundle built
 * meanwhile) sees the old file or the new one, never a torn one, and a failed write leaves nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactError } from './artifact-error.js';
import {
  checkRelativePath,
  checkVerificationId,
  type ArtifactRef,
  type ArtifactStore,
} from './artifact-store.js';

/** Creates a store rooted at `rootDir` (settings.artifactsDir); folders are made on first write. */
export function createFilesystemArtifactStore(rootDir: string): ArtifactStore {
  const fileOf = (verificationId: string, relativePath: string): string => {
    checkVerificationId(verificationId);
    checkRelativePath(relativePath);
    return join(rootDir, verificationId, ...relativePath.split('/'));
  };
  return {
    async put(verificationId, relativePath, content) {
      const file = fileOf(verificationId, relativePath);
      // Dot-leading names are never valid artifact paths, so `list` cannot mistake a temporary file.
      const temporary = join(dirname(file), `.${randomBytes(6).toString('hex')}.tmp`);
      const hash = createHash('sha256');
      let bytes = 0;
      try {
        await mkdir(dirname(file), { recursive: true });
        const source = content instanceof Uint8Array ? Readable.from([content]) : Readable.from(content);
        source.on('data', (chunk: Uint8Array) => {
          hash.update(chunk);
          bytes += chunk.byteLength;
        });
        await pipeline(source, createWriteStream(temporary, { flags: 'wx' }));
        await rename(temporary, file);
      } catch (cause) {
        await rm(temporary, { force: true });
        throw new ArtifactError(
          'STORE_UNAVAILABLE',
          `artifact store: writing ${verificationId}/${relativePath} under ${rootDir} failed: ${(cause as Error).message}`,
          { cause },
        );
      }
      return { path: relativePath, sha256: hash.digest('hex'), bytes };
    },
    async list(verificationId) {
      checkVerificationId(verificationId);
      const base = join(rootDir, verificationId);
      let entries: string[];
      try {
        entries = (await readdir(base, { recursive: true, withFileTypes: true }))
          .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
          .map((entry) =>
            join(entry.parentPath, entry.name)
              .slice(base.length + 1)
              .split('\\')
              .join('/'),
          );
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new ArtifactError(
          'STORE_UNAVAILABLE',
          `artifact store: listing ${verificationId} under ${rootDir} failed: ${(cause as Error).message}`,
          { cause },
        );
      }
      const refs = await Promise.all(entries.map((path) => describe(join(base, path), path)));
      return refs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async read(verificationId, relativePath) {
      const file = fileOf(verificationId, relativePath);
      try {
        return new Uint8Array(await readFile(file));
      } catch (cause) {
        const notFound = (cause as NodeJS.ErrnoException).code === 'ENOENT';
        throw new ArtifactError(
          notFound ? 'ARTIFACT_NOT_FOUND' : 'STORE_UNAVAILABLE',
          `artifact store: ${notFound ? 'nothing stored at' : 'reading failed for'} ${verificationId}/${relativePath} under ${rootDir}`,
          { cause },
        );
      }
    },
  };
}

async function describe(file: string, path: string): Promise<ArtifactRef> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { path, sha256: hash.digest('hex'), bytes };
}
