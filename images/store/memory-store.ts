/**
 * store memory-store: the in-memory backend (tests, and the browser's fallback when IndexedDB is unavailable).
 * Everything lives in a `MemoryStoreState`; two stores opened on one state behave like two processes sharing a
 * disk store (the contract suite uses that). Blobs are copied in and out, so callers never share buffers with it.
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import type { Digest } from '../oci/digest.ts';
import type { BuildCacheRecord, ImageStore } from './blob-store.ts';
import { CoreImageStore, type RefChanges, type RefTable, type Staging, type StoreDriver, type StoreOptions } from './store-core.ts';

/** The storage behind one or more memory stores. Treat as opaque. */
export class MemoryStoreState {
  readonly blobs = new Map<Digest, Uint8Array>();
  readonly refs = new Map<string, Descriptor>();
  readonly cache = new Map<Digest, BuildCacheRecord>();
  /** Open staging areas (their count is what a leak check looks at). */
  readonly staging = new Set<Map<Digest, Uint8Array>>();
  /** The exclusive lock: a promise chain. */
  tail: Promise<void> = Promise.resolve();
}

export interface MemoryStoreOptions extends StoreOptions {
  /** Share storage with another memory store; default a fresh state. */
  state?: MemoryStoreState;
}

export function createMemoryStore(options: MemoryStoreOptions = {}): ImageStore {
  return new CoreImageStore(new MemoryDriver(options.state ?? new MemoryStoreState()), options);
}

class MemoryDriver implements StoreDriver {
  constructor(private readonly state: MemoryStoreState) {}

  async blobSize(digest: Digest): Promise<number | undefined> {
    return this.state.blobs.get(digest)?.byteLength;
  }

  async readBlob(digest: Digest): Promise<Uint8Array | undefined> {
    const bytes = this.state.blobs.get(digest);
    return bytes && new Uint8Array(bytes);
  }

  async writeBlob(digest: Digest, bytes: Uint8Array): Promise<void> {
    if (!this.state.blobs.has(digest)) this.state.blobs.set(digest, bytes); // bytes is the store's own copy
  }

  async listBlobs(): Promise<Map<Digest, number>> {
    return new Map([...this.state.blobs].map(([digest, bytes]) => [digest, bytes.byteLength]));
  }

  async deleteBlobs(digests: Digest[]): Promise<void> {
    for (const digest of digests) this.state.blobs.delete(digest);
  }

  async readRefs(): Promise<RefTable> {
    return {
      named: new Map([...this.state.refs].map(([name, d]) => [name, structuredClone(d)])),
      pinned: [],
      cache: new Map([...this.state.cache].map(([key, r]) => [key, structuredClone(r)])),
    };
  }

  async openStaging(): Promise<Staging> {
    return new MemoryStaging(this.state);
  }

  async exclusive<T>(fn: (refs: RefTable) => Promise<T>): Promise<T> {
    const previous = this.state.tail;
    let release!: () => void;
    this.state.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn(await this.readRefs());
    } finally {
      release();
    }
  }

  async apply(changes: RefChanges): Promise<void> {
    const area = changes.staging instanceof MemoryStaging ? changes.staging.area : undefined;
    const moved = changes.publish.map((digest) => {
      const bytes = area?.get(digest);
      if (!bytes) throw new WasmboxError('Internal', `memory store: staged blob ${digest} is gone`);
      return [digest, bytes] as const;
    });
    // Synchronous from here on: nothing can observe a half-applied change.
    for (const [digest, bytes] of moved) {
      if (!this.state.blobs.has(digest)) this.state.blobs.set(digest, bytes);
      area!.delete(digest);
    }
    for (const [name, descriptor] of changes.refs) {
      if (descriptor) this.state.refs.set(name, structuredClone(descriptor));
      else this.state.refs.delete(name);
    }
    for (const [key, record] of changes.cache) {
      if (record) this.state.cache.set(key, structuredClone(record));
      else this.state.cache.delete(key);
    }
  }

  async close(): Promise<void> {}
}

class MemoryStaging implements Staging {
  readonly area = new Map<Digest, Uint8Array>();

  constructor(private readonly state: MemoryStoreState) {
    state.staging.add(this.area);
  }

  async put(digest: Digest, bytes: Uint8Array): Promise<void> {
    if (!this.state.staging.has(this.area)) throw new WasmboxError('FailedPrecondition', 'staging area was discarded');
    this.area.set(digest, bytes); // bytes is the transaction's own copy
  }

  async read(digest: Digest): Promise<Uint8Array | undefined> {
    const bytes = this.area.get(digest);
    return bytes && new Uint8Array(bytes);
  }

  async discard(): Promise<void> {
    this.area.clear();
    this.state.staging.delete(this.area);
  }
}
