/**
 * The artifact store on a filesystem, content-addressed per verification:
 *
 * ```
 * <root>/<verificationId>/objects/<sha256[0..2]>/<sha256>   the bytes, named by their hash
 * <root>/<verificationId>/refs/<relativePath>.ref           {"sha256","bytes"[,"truncated"]}
 * ```
 *
 * Content is written to a temporary file, hashed while it streams, and renamed to its hash; then
 * the ref is written the same way. A reader (or a bundle archive built meanwhile) sees the old
 * ref or the new one, never a torn file; concurrent writers of one bundle never share a temporary
 * file; a failed write (disk full) leaves nothing behind. A file changed on disk no longer hashes
 * to its name, which `vigil artifacts pull` reports. One folder per verification keeps retention
 * a single delete. S3 would map objects and refs to keys the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactError } from './artifact-error.js';
import {
  DEFAULT_MAX_ARTIFACT_BYTES,
  checkRelativePath,
  checkVerificationId,
  type ArtifactRef,
  type ArtifactStore,
  type BundleUsage,
} from './artifact-store.js';
import { capContent } from './cap-content.js';

const REF_SUFFIX = '.ref';

export interface FilesystemArtifactStoreOptions {
  /** Bigger content keeps its first `maxFileBytes` bytes and is marked truncated. */
  readonly maxFileBytes?: number;
}

/** Creates a store rooted at `rootDir` (settings.artifactsDir); folders are made on first write. */
export function createFilesystemArtifactStore(
  rootDir: string,
  options: FilesystemArtifactStoreOptions = {},
): ArtifactStore {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_ARTIFACT_BYTES;
  const bundleDir = (verificationId: string): string => {
    checkVerificationId(verificationId);
    return join(rootDir, verificationId);
  };
  const refFile = (verificationId: string, relativePath: string): string => {
    checkRelativePath(relativePath);
    return `${join(bundleDir(verificationId), 'refs', ...relativePath.split('/'))}${REF_SUFFIX}`;
  };
  const objectFile = (verificationId: string, sha256: string): string =>
    join(bundleDir(verificationId), 'objects', sha256.slice(0, 2), sha256);

  const readRef = async (verificationId: string, relativePath: string): Promise<ArtifactRef> => {
    const file = refFile(verificationId, relativePath);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      const notFound = (cause as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ArtifactError(
        notFound ? 'ARTIFACT_NOT_FOUND' : 'STORE_UNAVAILABLE',
        `artifact store: ${notFound ? 'nothing stored at' : 'reading failed for'} ${verificationId}/${relativePath} under ${rootDir}`,
        { cause },
      );
    }
    return parseRef(relativePath, text, `${verificationId}/${relativePath}`);
  };

  const list = async (verificationId: string): Promise<ArtifactRef[]> => {
    const refs = join(bundleDir(verificationId), 'refs');
    let paths: string[];
    try {
      paths = (await readdir(refs, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && entry.name.endsWith(REF_SUFFIX))
        .map((entry) =>
          join(entry.parentPath, entry.name)
            .slice(refs.length + 1, -REF_SUFFIX.length)
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
    const found = await Promise.all(
      paths.map((path) =>
        readRef(verificationId, path).catch((error: unknown) => {
          // A ref deleted between readdir and read (a concurrent remove) is simply gone.
          if ((error as ArtifactError).code === 'ARTIFACT_NOT_FOUND') return undefined;
          throw error;
        }),
      ),
    );
    return found
      .filter((ref): ref is ArtifactRef => ref !== undefined)
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };

  return {
    async put(verificationId, relativePath, content) {
      const ref = refFile(verificationId, relativePath);
      const objects = join(bundleDir(verificationId), 'objects');
      // Dot-leading names are never valid artifact paths, so `list` cannot mistake a temporary file.
      const temporary = join(objects, `.${randomBytes(8).toString('hex')}.tmp`);
      const temporaryRef = join(dirname(ref), `.${randomBytes(8).toString('hex')}.tmp`);
      const hash = createHash('sha256');
      let stored: ArtifactRef;
      try {
        await mkdir(objects, { recursive: true });
        const capped = capContent(content, maxFileBytes);
        await pipeline(
          Readable.from(capped.chunks()),
          async function* (source: AsyncIterable<Uint8Array>) {
            for await (const chunk of source) {
              hash.update(chunk);
              yield chunk;
            }
          },
          createWriteStream(temporary, { flags: 'wx' }),
        );
        const sha256 = hash.digest('hex');
        const object = objectFile(verificationId, sha256);
        await mkdir(dirname(object), { recursive: true });
        await rename(temporary, object);
        const { storedBytes, originalBytes } = capped.counts();
        stored = {
          path: relativePath,
          sha256,
          bytes: storedBytes,
          ...(originalBytes > storedBytes && { truncated: { originalBytes } }),
        };
        await mkdir(dirname(ref), { recursive: true });
        await writeFile(temporaryRef, JSON.stringify(stored), { flag: 'wx' });
        await rename(temporaryRef, ref);
      } catch (cause) {
        await Promise.all([rm(temporary, { force: true }), rm(temporaryRef, { force: true })]);
        throw new ArtifactError(
          'STORE_UNAVAILABLE',
          `artifact store: writing ${verificationId}/${relativePath} under ${rootDir} failed: ${(cause as Error).message}`,
          { cause },
        );
      }
      return stored;
    },

    list,

    async read(verificationId, relativePath) {
      const ref = await readRef(verificationId, relativePath);
      try {
        return new Uint8Array(await readFile(objectFile(verificationId, ref.sha256)));
      } catch (cause) {
        throw missingObject(rootDir, verificationId, relativePath, cause);
      }
    },

    async open(verificationId, relativePath) {
      const ref = await readRef(verificationId, relativePath);
      const object = objectFile(verificationId, ref.sha256);
      let bytes: number;
      try {
        bytes = (await stat(object)).size;
      } catch (cause) {
        throw missingObject(rootDir, verificationId, relativePath, cause);
      }
      return { bytes, content: createReadStream(object) };
    },

    async bundles() {
      let ids: string[];
      try {
        ids = (await readdir(rootDir, { withFileTypes: true }))
          .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
          .map((entry) => entry.name);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new ArtifactError('STORE_UNAVAILABLE', `artifact store: listing ${rootDir} failed`, { cause });
      }
      const usage: BundleUsage[] = [];
      for (const verificationId of ids) {
        const refs = await list(verificationId).catch(() => []);
        usage.push({
          verificationId,
          files: refs.length,
          bytes: refs.reduce((sum, ref) => sum + ref.bytes, 0),
        });
      }
      return usage;
    },

    async remove(verificationId) {
      const dir = bundleDir(verificationId);
      // Renamed first so readers see the whole bundle or none of it, never half a delete.
      const doomed = join(rootDir, `.deleting-${verificationId}-${randomBytes(4).toString('hex')}`);
      try {
        await rename(dir, doomed);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new ArtifactError('STORE_UNAVAILABLE', `artifact store: deleting ${verificationId} failed`, {
          cause,
        });
      }
      await rm(doomed, { recursive: true, force: true });
    },
  };
}

function parseRef(path: string, text: string, where: string): ArtifactRef {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const ref = value as Partial<ArtifactRef> | undefined;
  if (
    typeof ref !== 'object' ||
    ref === null ||
    typeof ref.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(ref.sha256) ||
    typeof ref.bytes !== 'number'
  )
    throw new ArtifactError('STORE_UNAVAILABLE', `artifact store: the ref of ${where} is damaged`);
  return {
    path,
    sha256: ref.sha256,
    bytes: ref.bytes,
    ...(ref.truncated !== undefined && { truncated: ref.truncated }),
  };
}

function missingObject(rootDir: string, verificationId: string, path: string, cause: unknown): ArtifactError {
  return new ArtifactError(
    'STORE_UNAVAILABLE',
    `artifact store: the content of ${verificationId}/${path} is missing under ${rootDir}`,
    { cause },
  );
}
