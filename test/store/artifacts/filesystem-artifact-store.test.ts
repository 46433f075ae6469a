import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFilesystemArtifactStore } from '../../../src/store/artifacts/filesystem-artifact-store.js';
import { canMountSmallDisk, mountSmallDisk } from '../../support/small-disk.js';
import { describeArtifactStoreContract } from './artifact-store-contract.js';

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vigil-artifacts-'));
  roots.push(root);
  return root;
}
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

describeArtifactStoreContract('filesystem artifact store', async (options) =>
  createFilesystemArtifactStore(await freshRoot(), options),
);

describe('filesystem artifact store', () => {
  it('stores content under its hash and a ref per path, leaving no temporary file', async () => {
    const root = await freshRoot();
    const store = createFilesystemArtifactStore(join(root, 'artifacts'));
    const ref = await store.put('dep-1', 'journeys/trace.zip', Buffer.from('zip'));
    const bundle = join(root, 'artifacts', 'dep-1');
    expect(await readdir(join(bundle, 'objects', ref.sha256.slice(0, 2)))).toEqual([ref.sha256]);
    expect(await readdir(join(bundle, 'objects'))).toEqual([ref.sha256.slice(0, 2)]);
    expect(await readdir(join(bundle, 'refs', 'journeys'))).toEqual(['trace.zip.ref']);
    // Same content at another path shares the object.
    await store.put('dep-1', 'copy.zip', Buffer.from('zip'));
    expect(await readdir(join(bundle, 'objects', ref.sha256.slice(0, 2)))).toEqual([ref.sha256]);
  });

  it('keeps a path and a folder of the same name apart', async () => {
    const store = createFilesystemArtifactStore(await freshRoot());
    await store.put('dep-1', 'steps', Buffer.from('file'));
    await store.put('dep-1', 'steps/0001/judgement.json', Buffer.from('{}'));
    expect((await store.list('dep-1')).map((r) => r.path)).toEqual(['steps', 'steps/0001/judgement.json']);
  });

  it('hands out the bytes on disk: a tampered file no longer matches its recorded hash', async () => {
    const root = await freshRoot();
    const store = createFilesystemArtifactStore(root);
    const ref = await store.put('dep-1', 'answers.json', Buffer.from('{"ok":true}'));
    await writeFile(join(root, 'dep-1', 'objects', ref.sha256.slice(0, 2), ref.sha256), '{"ok":false}');
    const read = await store.read('dep-1', 'answers.json');
    expect(createHash('sha256').update(read).digest('hex')).not.toBe(ref.sha256);
    expect((await store.list('dep-1'))[0]?.sha256).toBe(ref.sha256);
  });

  it('refuses a damaged ref by name instead of guessing', async () => {
    const root = await freshRoot();
    const store = createFilesystemArtifactStore(root);
    await store.put('dep-1', 'a.json', Buffer.from('{}'));
    await writeFile(join(root, 'dep-1', 'refs', 'a.json.ref'), 'not json');
    await expect(store.list('dep-1')).rejects.toThrow(/ref of dep-1\/a.json is damaged/);
  });

  it('leaves nothing behind when the content stream fails midway', async () => {
    const root = await freshRoot();
    const store = createFilesystemArtifactStore(root);
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield await Promise.resolve(Buffer.from('partial'));
      throw new Error('source broke');
    }
    await expect(store.put('dep-1', 'trace.zip', failing())).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
      message: expect.stringContaining('source broke') as unknown,
    });
    expect(await readdir(join(root, 'dep-1', 'objects'))).toEqual([]);
    expect(await store.list('dep-1')).toEqual([]);
  });
});

describe.runIf(canMountSmallDisk)('filesystem artifact store on a full disk', () => {
  it('fails the write with ENOSPC named, leaves no partial file and keeps what was stored', async () => {
    const disk = await mountSmallDisk(256);
    try {
      const store = createFilesystemArtifactStore(disk.path);
      const kept = await store.put('dep-1', 'marker.json', Buffer.from('{"service":"checkout"}'));
      await expect(
        store.put('dep-1', 'journeys/trace.zip', Buffer.alloc(1024 * 1024, 1)),
      ).rejects.toMatchObject({
        code: 'STORE_UNAVAILABLE',
        message: expect.stringMatching(/ENOSPC|no space/i) as unknown,
      });
      expect(await store.list('dep-1')).toEqual([kept]);
      expect(Buffer.from(await store.read('dep-1', 'marker.json')).toString()).toBe('{"service":"checkout"}');
      const leftovers = await readdir(join(disk.path, 'dep-1', 'objects'), { recursive: true });
      expect(leftovers.filter((name) => name.endsWith('.tmp'))).toEqual([]);
      // Space comes back once the failed write is cleaned up.
      expect((await store.put('dep-1', 'small.json', Buffer.from('{}'))).bytes).toBe(2);
    } finally {
      await disk.unmount();
    }
  });
});
