/** One contract every ArtifactStore meets; run against each implementation. */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../../src/store/artifacts/artifact-store.js';
import { ArtifactError } from '../../../src/store/artifacts/artifact-error.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Registers the contract tests; `makeStore` gives a fresh, empty store per test. */
export function describeArtifactStoreContract(
  name: string,
  makeStore: (options?: { maxFileBytes?: number }) => Promise<ArtifactStore>,
): void {
  describe(`${name} (artifact-store contract)`, () => {
    it('stores bytes and returns their path, size and sha256', async () => {
      const store = await makeStore();
      const content = new TextEncoder().encode('hello trace');
      const ref = await store.put('dep-1', 'journeys/canary/trace.zip', content);
      expect(ref).toEqual({
        path: 'journeys/canary/trace.zip',
        bytes: content.byteLength,
        sha256: sha256(content),
      });
      expect(await store.read('dep-1', 'journeys/canary/trace.zip')).toEqual(content);
    });

    it('stores a stream of chunks as their concatenation', async () => {
      const store = await makeStore();
      const chunks = [Buffer.from('abc'), Buffer.from('def'), Buffer.from('g')];
      const ref = await store.put('dep-1', 'shot.png', Readable.from(chunks));
      expect(ref.bytes).toBe(7);
      expect(ref.sha256).toBe(sha256(Buffer.from('abcdefg')));
      expect(Buffer.from(await store.read('dep-1', 'shot.png')).toString()).toBe('abcdefg');
    });

    it('lists every artifact of a verification sorted by path, and only that verification', async () => {
      const store = await makeStore();
      await store.put('dep-1', 'b/two.txt', Buffer.from('2'));
      await store.put('dep-1', 'a/one.txt', Buffer.from('1'));
      await store.put('dep-2', 'other.txt', Buffer.from('x'));
      const refs = await store.list('dep-1');
      expect(refs.map((ref) => ref.path)).toEqual(['a/one.txt', 'b/two.txt']);
      expect(refs[0]).toEqual({ path: 'a/one.txt', bytes: 1, sha256: sha256(Buffer.from('1')) });
      expect(await store.list('never-written')).toEqual([]);
    });

    it('replaces what was stored at the same path', async () => {
      const store = await makeStore();
      await store.put('dep-1', 'journey.json', Buffer.from('old'));
      await store.put('dep-1', 'journey.json', Buffer.from('newer'));
      expect(Buffer.from(await store.read('dep-1', 'journey.json')).toString()).toBe('newer');
      expect((await store.list('dep-1')).map((ref) => ref.bytes)).toEqual([5]);
    });

    it('rejects paths that could escape the verification folder', async () => {
      const store = await makeStore();
      for (const path of ['../escape.txt', '/etc/passwd', 'a/../../b', '.hidden', 'a//b', 'a\\b', '']) {
        await expect(store.put('dep-1', path, Buffer.from('x'))).rejects.toMatchObject({
          code: 'INVALID_PATH',
        });
      }
      await expect(store.put('../dep', 'x.txt', Buffer.from('x'))).rejects.toMatchObject({
        code: 'INVALID_PATH',
      });
      expect(await store.list('dep-1')).toEqual([]);
    });

    it('reports ARTIFACT_NOT_FOUND when reading a path never written', async () => {
      const store = await makeStore();
      const failure = store.read('dep-1', 'missing.zip');
      await expect(failure).rejects.toBeInstanceOf(ArtifactError);
      await expect(failure).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
    });

    it('streams what it stores with open, in order', async () => {
      const store = await makeStore();
      const content = Buffer.alloc(200_000, 7);
      content.write('head', 0);
      await store.put('dep-1', 'big.bin', content);
      const chunks: Uint8Array[] = [];
      const opened = await store.open('dep-1', 'big.bin');
      expect(opened.bytes).toBe(content.byteLength);
      for await (const chunk of opened.content) chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(content)).toBe(true);
      await expect(store.open('dep-1', 'nope.bin')).rejects.toMatchObject({ code: 'ARTIFACT_NOT_FOUND' });
    });

    it('keeps the first maxFileBytes of oversized content and records it as truncated', async () => {
      const store = await makeStore({ maxFileBytes: 1024 });
      const content = Buffer.alloc(5000, 1);
      const ref = await store.put(
        'dep-1',
        'huge.log',
        Readable.from([content.subarray(0, 700), content.subarray(700)]),
      );
      expect(ref).toEqual({
        path: 'huge.log',
        bytes: 1024,
        sha256: sha256(content.subarray(0, 1024)),
        truncated: { originalBytes: 5000 },
      });
      expect((await store.read('dep-1', 'huge.log')).byteLength).toBe(1024);
      expect((await store.list('dep-1'))[0]).toEqual(ref);
      const exact = await store.put('dep-1', 'exact.log', Buffer.alloc(1024));
      expect(exact.truncated).toBeUndefined();
    });

    it('keeps every file when many writers fill one bundle at once', async () => {
      const store = await makeStore();
      const writes = Array.from({ length: 40 }, (_, i) =>
        store.put(
          'dep-1',
          `steps/${String(i % 10).padStart(4, '0')}/file-${i}.json`,
          Buffer.from(`content ${i}`),
        ),
      );
      // Same path from several writers: one of them wins whole.
      const racing = Array.from({ length: 8 }, (_, i) =>
        store.put('dep-1', 'shared.json', Buffer.from(`writer ${i}`)),
      );
      await Promise.all([...writes, ...racing]);
      const refs = await store.list('dep-1');
      expect(refs).toHaveLength(41);
      for (const ref of refs) expect(sha256(await store.read('dep-1', ref.path))).toBe(ref.sha256);
      expect(Buffer.from(await store.read('dep-1', 'shared.json')).toString()).toMatch(/^writer [0-7]$/);
    });

    it('reports each bundle with its size, and removes one whole', async () => {
      const store = await makeStore();
      await store.put('dep-1', 'a.txt', Buffer.from('12345'));
      await store.put('dep-1', 'b/c.txt', Buffer.from('678'));
      await store.put('dep-2', 'a.txt', Buffer.from('x'));
      const usage = (await store.bundles()).sort((a, b) => a.verificationId.localeCompare(b.verificationId));
      expect(usage).toEqual([
        { verificationId: 'dep-1', files: 2, bytes: 8 },
        { verificationId: 'dep-2', files: 1, bytes: 1 },
      ]);
      await store.remove('dep-1');
      await store.remove('never-written');
      expect(await store.list('dep-1')).toEqual([]);
      expect((await store.bundles()).map((bundle) => bundle.verificationId)).toEqual(['dep-2']);
      await expect(store.remove('../dep-2')).rejects.toMatchObject({ code: 'INVALID_PATH' });
    });
  });
}
