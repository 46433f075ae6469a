import { describe, expect, it } from 'vitest';
import { createMemoryVerificationStore } from '../../src/store/memory-verification-store.js';
import { StoreError } from '../../src/store/store-error.js';
import { describeVerificationStoreContract } from './verification-store-contract.js';
import { sampleJudgeState, sampleVerification } from './sample-verification.js';

describeVerificationStoreContract('memory store', (options) => {
  const store = createMemoryVerificationStore(options);
  return Promise.resolve({
    store,
    peers: (count) => Promise.resolve(Array.from({ length: count }, () => store)),
    dispose: () => store.close(),
  });
});

describe('memory store', () => {
  it('keeps its own copy: changing what was passed in or read back changes nothing stored', async () => {
    const store = createMemoryVerificationStore();
    const verification = sampleVerification({ id: 'dep-1' });
    const copy = structuredClone(verification);
    await store.create(verification, sampleJudgeState());
    (verification.marker.canary.labels as Record<string, string>)['version'] = 'changed';
    const read = await store.get('dep-1');
    (read?.marker.baseline.labels as Record<string, string>)['version'] = 'changed';
    expect(await store.get('dep-1')).toEqual(copy);
  });

  it('fails pending waits with STORE_CLOSED when closed', async () => {
    const store = createMemoryVerificationStore();
    await store.create(sampleVerification({ id: 'dep-1' }), sampleJudgeState());
    const waiting = store.waitForDecision('dep-1', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await store.close();
    await expect(waiting).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.waitForDecision('dep-1', 10)).rejects.toBeInstanceOf(StoreError);
  });
});
