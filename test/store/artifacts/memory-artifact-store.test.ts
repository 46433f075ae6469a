import { createMemoryArtifactStore } from '../../../src/store/artifacts/memory-artifact-store.js';
import { describeArtifactStoreContract } from './artifact-store-contract.js';

describeArtifactStoreContract('memory artifact store', (options) =>
  Promise.resolve(createMemoryArtifactStore(options)),
);
