/**
 * A deployment's evidence bundle as one `tar.gz`, streamed: every stored file, read with `open` and
 * written as it is read (a 100 MB bundle goes through in a few hundred KB of buffers), then two
 * files made at download time: `delivery-log.json` (the delivery log so far, which keeps growing
 * after the verdict) and `after-verdict.json`, which lists it and names the sealed manifest's hash.
 * Everything sits under one top folder named after the deployment.
 *
 * Tar headers carry each file's size before its bytes: each file goes in with the size it has in
 * the store now, which is not its ref's when someone changed it behind the store's back — the
 * archive carries what is there, and `vigil artifacts pull` names the file whose hash no longer
 * matches the manifest. A file that fails while streaming, or streams another size than it said,
 * destroys the archive with an error, so an HTTP download ends broken rather than silently short.
 */
import { pipeline, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack as createTarPack, type Pack } from 'tar-stream';
import type { DeliveryLogEntry } from '../../delivery/delivery-log.js';
import type { ArtifactRef, ArtifactStore } from './artifact-store.js';
import {
  AFTER_VERDICT_PATH,
  MANIFEST_VERSION,
  sha256Hex,
  type AfterVerdictIndex,
} from './bundle-manifest.js';

/** The delivery log as the archive adds it at download time (listed by after-verdict.json). */
export const DELIVERY_LOG_PATH = 'delivery-log.json';

/** Paths the archive writes itself: a stored file at one of them is left out, never doubled. */
const GENERATED_PATHS: ReadonlySet<string> = new Set([DELIVERY_LOG_PATH, AFTER_VERDICT_PATH]);

export interface BundleArchiveInput {
  readonly store: ArtifactStore;
  readonly deploymentId: string;
  /** The stored files, as `store.list(deploymentId)` returned them (sizes for the tar headers). */
  readonly files: readonly ArtifactRef[];
  /** The verdict's `artifacts.manifestSha256`; null while analysing or when never sealed. */
  readonly manifestSha256: string | null;
  readonly deliveryLog: readonly DeliveryLogEntry[];
  /** ISO-8601: now; written in after-verdict.json and as every entry's modification time. */
  readonly generatedAt: string;
}

/** The bundle as a gzip-compressed tar stream; errors (a store failure, a size change) destroy it. */
export function streamBundleArchive(input: BundleArchiveInput): Readable {
  const tar = createTarPack();
  const gzip = createGzip();
  // Destroying either side destroys the other: a client gone stops the reading, a failed read
  // ends the download with the error.
  pipeline(Readable.from(tar), gzip, () => undefined);
  writeEntries(tar, input).then(
    () => tar.finalize(),
    (error: unknown) => tar.destroy(error as Error),
  );
  return gzip;
}

async function writeEntries(tar: Pack, input: BundleArchiveInput): Promise<void> {
  const folder = input.deploymentId;
  const mtime = new Date(input.generatedAt);
  for (const ref of input.files) {
    if (GENERATED_PATHS.has(ref.path)) continue;
    await writeStoredFile(tar, input, ref, `${folder}/${ref.path}`, mtime);
  }
  const deliveryLog = new TextEncoder().encode(`${JSON.stringify(input.deliveryLog, null, 2)}\n`);
  const index: AfterVerdictIndex = {
    manifestVersion: MANIFEST_VERSION,
    deploymentId: input.deploymentId,
    manifestSha256: input.manifestSha256,
    generatedAt: input.generatedAt,
    files: [{ path: DELIVERY_LOG_PATH, sha256: sha256Hex(deliveryLog), bytes: deliveryLog.byteLength }],
  };
  await writeGeneratedFile(tar, `${folder}/${DELIVERY_LOG_PATH}`, deliveryLog, mtime);
  const indexBytes = new TextEncoder().encode(`${JSON.stringify(index, null, 2)}\n`);
  await writeGeneratedFile(tar, `${folder}/${AFTER_VERDICT_PATH}`, indexBytes, mtime);
}

async function writeStoredFile(
  tar: Pack,
  input: BundleArchiveInput,
  ref: ArtifactRef,
  name: string,
  mtime: Date,
): Promise<void> {
  const where = `bundle archive of ${input.deploymentId}: ${ref.path}`;
  const { bytes, content } = await input.store.open(input.deploymentId, ref.path);
  const entry = tar.entry({ name, size: bytes, mode: 0o644, mtime });
  const ended = entryEnded(entry);
  let streamed = 0;
  for await (const chunk of content) {
    streamed += chunk.byteLength;
    // Checked before writing: bytes past the header's size would corrupt every later entry.
    if (streamed > bytes) throw new Error(`${where} streams more than the ${bytes} bytes it is stored with`);
    if (!entry.write(chunk)) await drained(entry, where);
  }
  if (streamed !== bytes) throw new Error(`${where} streamed ${streamed} bytes, it is stored with ${bytes}`);
  // streamx types `end` with a required argument; undefined ends without writing more.
  entry.end(undefined);
  await ended;
}

async function writeGeneratedFile(tar: Pack, name: string, bytes: Uint8Array, mtime: Date): Promise<void> {
  const entry = tar.entry({ name, size: bytes.byteLength, mode: 0o644, mtime });
  const ended = entryEnded(entry);
  entry.end(bytes);
  await ended;
}

type Entry = ReturnType<Pack['entry']>;

/** Settles when the entry is written out, or rejects when it (or the archive) is destroyed first. */
function entryEnded(entry: Entry): Promise<void> {
  const ended = new Promise<void>((resolve, reject) => {
    entry.once('finish', () => resolve());
    entry.once('error', (error: Error) => reject(error));
    entry.once('close', () => reject(new Error('the archive was closed before the entry was written')));
  });
  // Awaited once the entry's bytes are written; a failure before that is thrown by the writing.
  ended.catch(() => undefined);
  return ended;
}

/** Waits for room in the archive's buffers; rejects when the download is gone meanwhile. */
function drained(entry: Entry, where: string): Promise<void> {
  if (entry.destroying) return Promise.reject(new Error(`${where}: the archive was closed while streaming`));
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      entry.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      entry.off('drain', onDrain);
      reject(new Error(`${where}: the archive was closed while streaming`));
    };
    entry.once('drain', onDrain);
    entry.once('close', onClose);
  });
}
