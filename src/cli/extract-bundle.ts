/**
 * Unpacks a downloaded evidence bundle (tar.gz) into a folder, hashing every file as it is
 * written. The archive comes from the network, so nothing in it is trusted: an entry outside the
 * deployment's top folder, with `..`, an absolute path, a backslash, a link or a device, or a path
 * given twice, stops the extraction before anything is written for it. Files are created
 * exclusively and never through a symlink, so nothing lands outside the folder.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';

/** An archive Vigil would not make: the extraction stopped at this entry. */
export class UnsafeArchiveError extends Error {
  override readonly name = 'UnsafeArchiveError';
  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(`archive entry ${JSON.stringify(entry)} refused: ${reason}`);
  }
}

/**
 * The download ended before the archive did (network, or the daemon stopped sending). Which file
 * the daemon was reading is not known here: gzip holds back the latest bytes, so the file being
 * received may be an earlier one. The daemon logs the file it could not send.
 */
export class BrokenArchiveError extends Error {
  override readonly name = 'BrokenArchiveError';
  constructor(
    /** The last file received whole, inside the top folder. */
    readonly lastComplete: string | undefined,
    readonly filesWritten: number,
    options: { cause: unknown },
  ) {
    super(
      `the download broke after ${filesWritten} complete file(s)${lastComplete === undefined ? '' : ` (the last: ${lastComplete})`}: ${(options.cause as Error).message}`,
      options,
    );
  }
}

export interface ExtractProgress {
  readonly files: number;
  /** Uncompressed bytes written so far. */
  readonly bytes: number;
}

export interface ExtractedBundle {
  /** Path inside the top folder → SHA-256 (hex) of the bytes written. */
  readonly fileHashes: ReadonlyMap<string, string>;
  readonly bytes: number;
}

export interface ExtractBundleInput {
  /** The tar.gz as it arrives. */
  readonly archive: Readable;
  /** Every entry must be under `<topFolder>/`; it is not recreated inside `dir`. */
  readonly topFolder: string;
  readonly dir: string;
  /** Replace files already in `dir` (never following a symlink there). */
  readonly overwrite: boolean;
  readonly onProgress?: (progress: ExtractProgress) => void;
}

/** Extracts and hashes; throws UnsafeArchiveError, BrokenArchiveError, or a filesystem error. */
export async function extractBundle(input: ExtractBundleInput): Promise<ExtractedBundle> {
  const root = resolve(input.dir);
  const fileHashes = new Map<string, string>();
  const directories = new Set<string>([root]);
  let bytes = 0;
  let lastComplete: string | undefined;
  await mkdir(root, { recursive: true });
  const extractor = extract();
  const feeding = pipeline(input.archive, createGunzip(), extractor);
  // Observed here; its failure also ends the loop below, which reports it.
  feeding.catch(() => undefined);
  try {
    for await (const entry of extractor) {
      const segments = entrySegments(entry.header, input.topFolder);
      if (segments === undefined) {
        entry.resume();
        continue;
      }
      const path = segments.join('/');
      if (fileHashes.has(path)) throw new UnsafeArchiveError(entry.header.name, 'the archive holds it twice');
      const target = join(root, ...segments);
      if (!target.startsWith(`${root}${sep}`))
        throw new UnsafeArchiveError(entry.header.name, 'it would land outside the output folder');
      await makeDirectories(root, segments.slice(0, -1), directories, entry.header.name);
      const hash = createHash('sha256');
      const file = await openExclusive(target, input.overwrite, entry.header.name);
      try {
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          hash.update(chunk);
          bytes += chunk.byteLength;
          if (!file.write(chunk)) await once(file, 'drain');
          input.onProgress?.({ files: fileHashes.size, bytes });
        }
        file.end();
        await finished(file);
      } catch (error) {
        file.destroy();
        throw error;
      }
      fileHashes.set(path, hash.digest('hex'));
      lastComplete = path;
      input.onProgress?.({ files: fileHashes.size, bytes });
    }
    await feeding;
  } catch (error) {
    input.archive.destroy();
    extractor.destroy();
    if (error instanceof UnsafeArchiveError || isFilesystemError(error)) throw error;
    throw new BrokenArchiveError(lastComplete, fileHashes.size, { cause: error });
  }
  return { fileHashes, bytes };
}

/**
 * The entry's path inside the top folder as segments; undefined for the top folder's own
 * directory entries (made as needed). Throws for anything Vigil's archive never holds.
 */
function entrySegments(header: Header, topFolder: string): string[] | undefined {
  const name = header.name;
  const refuse = (reason: string) => new UnsafeArchiveError(name, reason);
  if (header.type === 'symlink' || header.type === 'link') throw refuse('links are not extracted');
  const isDirectory = header.type === 'directory';
  if (!isDirectory && header.type !== 'file' && header.type !== 'contiguous-file')
    throw refuse(`entries of type ${header.type} are not extracted`);
  if (name.includes('\\') || name.includes('\0'))
    throw refuse('backslashes and NUL are not allowed in names');
  if (name.startsWith('/')) throw refuse('absolute paths are not extracted');
  const segments = (isDirectory ? name.replace(/\/+$/, '') : name).split('/');
  if (segments.some((segment) => segment === '..')) throw refuse("'..' is not allowed in paths");
  if (segments.some((segment) => segment === '' || segment === '.'))
    throw refuse("empty and '.' path segments are not allowed");
  if (segments[0] !== topFolder) throw refuse(`everything must be under ${topFolder}/`);
  if (isDirectory) return undefined;
  if (segments.length < 2) throw refuse(`files must be under ${topFolder}/`);
  return segments.slice(1);
}

/** Makes each folder under `root`, refusing any that exists as a symlink or a file. */
async function makeDirectories(
  root: string,
  segments: readonly string[],
  known: Set<string>,
  entry: string,
): Promise<void> {
  let current = root;
  for (const segment of segments) {
    current = join(current, segment);
    if (known.has(current)) continue;
    try {
      const found = await lstat(current);
      if (!found.isDirectory()) throw new UnsafeArchiveError(entry, `${current} exists and is not a folder`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(current);
    }
    known.add(current);
  }
}

/** Creates the file exclusively; with `overwrite`, an existing file (or symlink) is removed first. */
async function openExclusive(target: string, overwrite: boolean, entry: string) {
  if (overwrite) {
    try {
      const found = await lstat(target);
      if (found.isDirectory()) throw new UnsafeArchiveError(entry, `${target} exists and is a folder`);
      await unlink(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const file = createWriteStream(target, { flags: 'wx', mode: 0o644 });
  await once(file, 'open');
  return file;
}

/** A local failure (disk full, permissions, a file in the way), not the download's. */
function isFilesystemError(error: unknown): boolean {
  const syscall = (error as NodeJS.ErrnoException | undefined)?.syscall;
  return (
    typeof syscall === 'string' && ['open', 'write', 'mkdir', 'lstat', 'unlink', 'close'].includes(syscall)
  );
}
