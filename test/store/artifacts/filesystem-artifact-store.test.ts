import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFilesystemArtifactStore } from '../../../src/store/artifacts/filesystem-artifact-store.js';
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

describeArtifactStoreContract('filesystem artifact store', async () =>
  createFilesystemArtifactStore(await freshRoot()),
);

describe('filesystem artifact store', () => {
  it('writes under <root>/<verificationId>/<path> and leaves no temporary file', async () => {
    const root = await freshRoot();
    const store = createFilesystemArtifactStore(join(root, 'artifacts'));
    await store.put('dep-1', 'journeys/trace.zip', Buffer.from('zip'));
    expect(await readdir(join(root, 'artifacts', 'dep-1', 'journeys'))).toEqual(['trace.zip']);
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
    expect(await readdir(join(root, 'dep-1'))).toEqual([]);
    expect(await store.list('dep-1')).toEqual([]);
  });
});
