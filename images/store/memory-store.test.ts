import { blobStoreSuite } from './blob-store.suite.ts';
import { createMemoryStore, MemoryStoreState } from './memory-store.ts';

blobStoreSuite('memory', async () => {
  const state = new MemoryStoreState();
  return {
    open: async (options) => createMemoryStore({ ...options, state }),
    residue: async () => [...state.staging].map((area, i) => `staging area ${i} (${area.size} blobs)`),
    cleanup: async () => undefined,
  };
});
