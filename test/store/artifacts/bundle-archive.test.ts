import { createHash, randomBytes } from 'node:crypto';
import { createGunzip, type Gzip } from 'node:zlib';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import type { DeliveryLogEntry } from '../../../src/delivery/delivery-log.js';
import { ArtifactError } from '../../../src/store/artifacts/artifact-error.js';
import type { ArtifactRef, ArtifactStore } from '../../../src/store/artifacts/artifact-store.js';
import { DELIVERY_LOG_PATH, streamBundleArchive } from '../../../src/store/artifacts/bundle-archive.js';
import {
  checkBundle,
  parseManifest,
  sha256Hex,
  type AfterVerdictIndex,
} from '../../../src/store/artifacts/bundle-manifest.js';
import { createMemoryArtifactStore } from '../../../src/store/artifacts/memory-artifact-store.js';
import { seedBundle } from '../../support/seed-bundle.js';
import { readTarGz } from '../../support/tar-entries.js';

const ID = 'shop-2026-11-28-001';
const NOW = '2026-11-28T03:00:00.000Z';
const DELIVERY: DeliveryLogEntry[] = [
  { at: NOW, messageId: 'm1', event: 'verdict', target: 'webhook:ci', outcome: 'delivered', attempt: 1 },
];

/** A store serving one file whose content comes from `chunks`, whatever `list` claims. */
function storeServing(ref: ArtifactRef, chunks: () => Iterable<Uint8Array>): ArtifactStore {
  const unused = () => Promise.reject(new Error('not used'));
  return {
    put: unused,
    read: unused,
    bundles: unused,
    remove: unused,
    list: () => Promise.resolve([ref]),
    // The size the store says it holds is the ref's; what streams may differ (a file changed meanwhile).
    open: () => Promise.resolve({ bytes: ref.bytes, content: oneAtATime(chunks()) }),
  };
}

/** Chunks handed out one per turn of the event loop's microtasks, as a file read would. */
async function* oneAtATime(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield await Promise.resolve(chunk);
}

describe('streamBundleArchive', () => {
  it('holds every stored file under the deployment folder, with the delivery log and after-verdict.json', async () => {
    const store = createMemoryArtifactStore();
    const seal = await seedBundle(store, ID);
    const files = await store.list(ID);
    const entries = await readTarGz(
      streamBundleArchive({
        store,
        deploymentId: ID,
        files,
        manifestSha256: seal.manifestSha256,
        deliveryLog: DELIVERY,
        generatedAt: NOW,
      }),
    );

    expect([...entries.keys()]).toEqual([
      ...files.map((file) => `${ID}/${file.path}`),
      `${ID}/${DELIVERY_LOG_PATH}`,
      `${ID}/after-verdict.json`,
    ]);
    for (const file of files)
      expect(sha256Hex(entries.get(`${ID}/${file.path}`)!.content), file.path).toBe(file.sha256);
    expect(JSON.parse(entries.get(`${ID}/${DELIVERY_LOG_PATH}`)!.content.toString())).toEqual(DELIVERY);
    const index = JSON.parse(
      entries.get(`${ID}/after-verdict.json`)!.content.toString(),
    ) as AfterVerdictIndex;
    expect(index).toMatchObject({ deploymentId: ID, manifestSha256: seal.manifestSha256, generatedAt: NOW });

    const fileHashes = new Map(
      [...entries].map(([name, entry]) => [name.slice(ID.length + 1), sha256Hex(entry.content)]),
    );
    const manifestBytes = entries.get(`${ID}/manifest.json`)!.content;
    const checked = checkBundle({
      manifestBytes,
      expectedManifestSha256: seal.manifestSha256,
      fileHashes,
      afterVerdict: index.files,
    });
    expect(checked.mismatches).toEqual([]);
    expect(parseManifest(manifestBytes)).toMatchObject({ deploymentId: ID });
  });

  it('names no manifest while the bundle is unsealed', async () => {
    const store = createMemoryArtifactStore();
    await store.put(ID, 'steps/0001/answers.json', Buffer.from('{}'));
    const entries = await readTarGz(
      streamBundleArchive({
        store,
        deploymentId: ID,
        files: await store.list(ID),
        manifestSha256: null,
        deliveryLog: [],
        generatedAt: NOW,
      }),
    );
    const index = JSON.parse(
      entries.get(`${ID}/after-verdict.json`)!.content.toString(),
    ) as AfterVerdictIndex;
    expect(index.manifestSha256).toBeNull();
    expect(entries.has(`${ID}/steps/0001/answers.json`)).toBe(true);
  });

  it('aborts with an error when a file fails while streaming', async () => {
    const ref: ArtifactRef = { path: 'journeys/trace.zip', sha256: '0'.repeat(64), bytes: 1_000_000 };
    const archive = streamBundleArchive({
      store: storeServing(ref, function* () {
        yield new Uint8Array(300_000);
        throw new ArtifactError('STORE_UNAVAILABLE', 'artifact store: disk gone');
      }),
      deploymentId: ID,
      files: [ref],
      manifestSha256: null,
      deliveryLog: [],
      generatedAt: NOW,
    });
    await expect(readTarGz(archive)).rejects.toThrow(/disk gone/);
  });

  it('aborts when a file streams another size than it is stored with', async () => {
    const ref: ArtifactRef = { path: 'marker.json', sha256: '0'.repeat(64), bytes: 10 };
    const longer = streamBundleArchive({
      store: storeServing(ref, function* () {
        yield new Uint8Array(12);
      }),
      deploymentId: ID,
      files: [ref],
      manifestSha256: null,
      deliveryLog: [],
      generatedAt: NOW,
    });
    await expect(readTarGz(longer)).rejects.toThrow(
      /marker\.json streams more than the 10 bytes it is stored with/,
    );
    const shorter = streamBundleArchive({
      store: storeServing(ref, function* () {
        yield new Uint8Array(7);
      }),
      deploymentId: ID,
      files: [ref],
      manifestSha256: null,
      deliveryLog: [],
      generatedAt: NOW,
    });
    await expect(readTarGz(shorter)).rejects.toThrow(/marker\.json streamed 7 bytes, it is stored with 10/);
  });

  it('streams a 100 MB bundle with a bounded amount in flight', async () => {
    const chunkBytes = 64 * 1024;
    const chunks = 1600;
    const ref: ArtifactRef = { path: 'journeys/big.bin', sha256: '0'.repeat(64), bytes: chunkBytes * chunks };
    const chunk = (index: number) => Buffer.alloc(chunkBytes, index % 251);
    let produced = 0;
    let received = 0;
    let maxInFlight = 0;
    const archive = streamBundleArchive({
      store: storeServing(ref, function* () {
        // A fresh buffer per chunk, as file reads give: one kept by mistake would add up.
        for (let index = 0; index < chunks; index += 1) {
          produced += chunkBytes;
          // Read from the store but not yet compressed: what the archive holds in memory (what gzip
          // has compressed is bounded by its own buffers, in compressed bytes).
          maxInFlight = Math.max(maxInFlight, produced - (archive as Gzip).bytesWritten);
          yield chunk(index);
        }
      }),
      deploymentId: ID,
      files: [ref],
      manifestSha256: null,
      deliveryLog: [],
      generatedAt: NOW,
    });

    const hash = createHash('sha256');
    const parser = extract();
    parser.on('entry', (header, stream, next) => {
      stream.pipe(
        new Writable({
          write(data: Buffer, _encoding, callback) {
            if (header.name === `${ID}/journeys/big.bin`) {
              received += data.byteLength;
              hash.update(data);
            }
            callback();
          },
          final(callback) {
            callback();
            next();
          },
        }),
      );
    });
    await pipeline(archive, createGunzip(), parser);
    expect(received).toBe(ref.bytes);
    const expected = createHash('sha256');
    for (let index = 0; index < chunks; index += 1) expected.update(chunk(index));
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
    expect(maxInFlight).toBeLessThan(1024 * 1024);
  }, 60_000);

  it('stops reading the store while nobody reads, and for good when the download is abandoned', async () => {
    const ref: ArtifactRef = { path: 'journeys/big.bin', sha256: '0'.repeat(64), bytes: 64 * 1024 * 1024 };
    let finished = false;
    let produced = 0;
    const archive = streamBundleArchive({
      store: storeServing(ref, function* () {
        try {
          // Incompressible, so the gzip stage cannot swallow much while its output waits.
          while (produced < ref.bytes) {
            produced += 64 * 1024;
            yield randomBytes(64 * 1024);
          }
        } finally {
          finished = true;
        }
      }),
      deploymentId: ID,
      files: [ref],
      manifestSha256: null,
      deliveryLog: [],
      generatedAt: NOW,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(produced).toBeLessThan(2 * 1024 * 1024);
    archive.resume();
    await new Promise((resolve) => setTimeout(resolve, 50));
    archive.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(finished).toBe(true);
    expect(produced).toBeLessThan(ref.bytes);
  });
});
