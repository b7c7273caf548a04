/**
 * store store-core: the one implementation of `ImageStore` semantics (verification, transactions, the
 * completeness check, prune, remove, usage) over a small `StoreDriver` each backend provides. Backends supply
 * mechanism only — where bytes live, how staging is kept, how the exclusive lock is taken and how a commit is made
 * atomic — so the rules cannot differ between memory, disk and IndexedDB.
 *
 * Concurrency: every change to refs happens inside `driver.exclusive`, which serialises writers across instances
 * and processes and hands the callback the refs as they are under the lock. Blobs are content-addressed, so plain
 * `blobs.put` needs no lock; but an unreferenced blob may be pruned at any moment, which is why imports stage their
 * blobs in a transaction (staging is invisible to prune) and why a commit re-checks, under the lock, that
 * everything its refs reach is present.
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import type { Digest } from '../oci/digest.ts';
import {
  type BlobReader,
  type BlobWriter,
  type BuildCacheReader,
  type BuildCacheRecord,
  type CommitResult,
  type ImageStore,
  type PruneResult,
  type RefEntry,
  type RefStore,
  type RemoveResult,
  type StoreTransaction,
  type StoreUsage,
  lookupName,
  notFound,
  toDigest,
  verifyBlob,
} from './blob-store.ts';
import { Transaction } from './store-transaction.ts';
import { type ChildrenFn, type GraphSource, manifestChildren, walkGraph } from './image-graph.ts';

/**
 * Refs as a backend holds them. `pinned`: roots without a name (entries other tools wrote); kept, never pruned.
 * `cache`: the build cache records by key (committed with the refs, so a backend keeps them together).
 */
export interface RefTable {
  named: Map<string, Descriptor>;
  pinned: Descriptor[];
  cache: Map<Digest, BuildCacheRecord>;
}

/** A transaction's private area for verified, not yet visible blobs. */
export interface Staging {
  put(digest: Digest, bytes: Uint8Array): Promise<void>;
  read(digest: Digest): Promise<Uint8Array | undefined>;
  discard(): Promise<void>;
}

export interface RefChanges {
  /** Staged blobs to make visible (only ones absent from the store, checked under the lock). */
  publish: Digest[];
  staging: Staging | undefined;
  /** name -> new target, or null to delete. */
  refs: Map<string, Descriptor | null>;
  /** Build cache record key -> new record, or null to delete. Applied with `refs`, all or nothing. */
  cache: Map<Digest, BuildCacheRecord | null>;
}

/** The mechanism a backend provides. Digests given to a driver are always parsed; descriptors always validated. */
export interface StoreDriver {
  blobSize(digest: Digest): Promise<number | undefined>;
  readBlob(digest: Digest): Promise<Uint8Array | undefined>;
  /** Publishes verified bytes atomically (no partial blob is ever visible); a no-op when present. */
  writeBlob(digest: Digest, bytes: Uint8Array): Promise<void>;
  listBlobs(): Promise<Map<Digest, number>>;
  /** Only called inside `exclusive`. */
  deleteBlobs(digests: Digest[]): Promise<void>;
  readRefs(): Promise<RefTable>;
  openStaging(): Promise<Staging>;
  /** Runs `fn` holding the store-wide write lock, with the refs read under it. */
  exclusive<T>(fn: (refs: RefTable) => Promise<T>): Promise<T>;
  /** Inside `exclusive`: publishes `publish` from staging, then applies `refs` and `cache`, all or nothing (crash included). */
  apply(changes: RefChanges): Promise<void>;
  /**
   * Inside `exclusive`: removes what crashed writers left (temp files, staging of dead processes) and undoes a
   * commit interrupted after publishing blobs: those blobs are deleted unless `reachable` holds them.
   */
  recover?(reachable: () => Promise<Set<Digest>>): Promise<void>;
  /** Cheap, lock-free check whether `recover` has anything to do. */
  needsRecovery?(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** What a blob refers to; default `manifestChildren` (see image-graph.ts). */
  children?: ChildrenFn;
}

export class CoreImageStore implements ImageStore {
  readonly blobs: BlobReader & BlobWriter;
  readonly refs: RefStore;
  readonly cache: BuildCacheReader;
  readonly #driver: StoreDriver;
  readonly #children: ChildrenFn;
  #closed = false;

  constructor(driver: StoreDriver, options: StoreOptions = {}) {
    this.#driver = driver;
    this.#children = options.children ?? manifestChildren;
    this.blobs = {
      has: async (digest) => (await this.#live().blobSize(toDigest(digest))) !== undefined,
      get: async (digest) => {
        const d = toDigest(digest);
        return (await this.#live().readBlob(d)) ?? Promise.reject(notFound(d));
      },
      size: async (digest) => {
        const d = toDigest(digest);
        return (await this.#live().blobSize(d)) ?? Promise.reject(notFound(d));
      },
      put: async (bytes, expected) => {
        const { bytes: owned, info } = await verifyBlob(bytes, expected);
        const driver = this.#live();
        if ((await driver.blobSize(info.digest)) === undefined) await driver.writeBlob(info.digest, owned);
        return info;
      },
    };
    this.refs = {
      list: async () => {
        const table = await this.#live().readRefs();
        const out: RefEntry[] = [...table.named].map(([name, descriptor]) => ({ name, descriptor }));
        return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      },
      get: async (name) => (await this.#live().readRefs()).named.get(lookupName(name)),
      set: async (name, descriptor) => {
        const tx = this.begin();
        tx.setRef(name, descriptor);
        await this.commit(tx);
      },
      delete: async (name) => {
        const tx = this.begin();
        tx.deleteRef(name);
        const result = await this.commit(tx);
        return result.refs[0].previous !== undefined;
      },
    };
    this.cache = {
      get: async (key) => (await this.#live().readRefs()).cache.get(toDigest(key)),
      list: async () => [...(await this.#live().readRefs()).cache.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    };
  }

  /** Finishes what crashed writers left (the factories call this when opening). */
  async recover(): Promise<void> {
    const driver = this.#live();
    if (!driver.recover || !(await driver.needsRecovery?.())) return;
    await driver.exclusive((table) => driver.recover!(async () => withCacheLayers(await this.#reachable(table), table)));
  }

  begin(): StoreTransaction {
    return new Transaction(this, this.#live());
  }

  async commit(tx: StoreTransaction): Promise<CommitResult> {
    const driver = this.#live();
    if (!(tx instanceof Transaction) || tx.store !== this) {
      throw new WasmboxError('InvalidArgument', 'transaction belongs to another store');
    }
    if (tx.state !== 'open') throw new WasmboxError('FailedPrecondition', `transaction is ${tx.state}`);
    let committed = false;
    try {
      const { staged, staging, refChanges, cacheChanges } = await tx.startCommit();
      const result = await driver.exclusive(async (table) => {
        const source = overlaySource(driver, staged, staging);
        for (const [name, descriptor] of refChanges) {
          if (descriptor) await this.#checkComplete(name, descriptor, source);
        }
        for (const record of cacheChanges.values()) await this.#checkCacheLayer(record, source);
        const publish: Digest[] = [];
        for (const digest of staged.keys()) if ((await driver.blobSize(digest)) === undefined) publish.push(digest);
        await driver.apply({ publish, staging, refs: refChanges, cache: cacheChanges });
        const refs = [...refChanges].map(([name, current]) => ({ name, previous: table.named.get(name), current: current ?? undefined }));
        return { added: publish, refs };
      });
      committed = true;
      await tx.finish();
      return result;
    } finally {
      if (!committed) await tx.abort();
    }
  }

  async usage(): Promise<StoreUsage> {
    const driver = this.#live();
    const blobs = await driver.listBlobs();
    const reachable = await this.#reachable(await driver.readRefs());
    const usage: StoreUsage = { blobs: 0, bytes: 0, unreferencedBlobs: 0, unreferencedBytes: 0 };
    for (const [digest, size] of blobs) {
      usage.blobs++;
      usage.bytes += size;
      if (!reachable.has(digest)) {
        usage.unreferencedBlobs++;
        usage.unreferencedBytes += size;
      }
    }
    return usage;
  }

  async prune(): Promise<PruneResult> {
    const driver = this.#live();
    return driver.exclusive(async (table) => {
      const reachable = await this.#reachable(table);
      if (driver.recover) await driver.recover(async () => withCacheLayers(reachable, table));
      // Records first, then blobs: a crash in between leaves unreferenced blobs (the next prune's), never a record
      // pointing at a deleted blob.
      const dropped = [...table.cache.values()].filter((r) => !reachable.has(r.layer.digest)).map((r) => r.key).sort();
      if (dropped.length > 0) await driver.apply({ publish: [], staging: undefined, refs: new Map(), cache: new Map(dropped.map((k) => [k, null])) });
      const blobs = await driver.listBlobs();
      const deleted = [...blobs.keys()].filter((d) => !reachable.has(d)).sort();
      await driver.deleteBlobs(deleted);
      return { deleted, bytes: deleted.reduce((sum, d) => sum + (blobs.get(d) ?? 0), 0), cacheRecords: dropped };
    });
  }

  async remove(name: string): Promise<RemoveResult> {
    lookupName(name);
    const driver = this.#live();
    return driver.exclusive(async (table) => {
      const descriptor = table.named.get(name);
      if (!descriptor) throw new WasmboxError('NotFound', `image ${name} not found`, { data: { name } });
      const source: GraphSource = { size: (d) => driver.blobSize(d), read: (d) => driver.readBlob(d) };
      const own = await walkGraph([descriptor], source, this.#children);
      const rest: RefTable = { named: new Map(table.named), pinned: table.pinned, cache: table.cache };
      rest.named.delete(name);
      const keep = withCacheLayers(await this.#reachable(rest), table);
      await driver.apply({ publish: [], staging: undefined, refs: new Map([[name, null]]), cache: new Map() });
      const sizes = await driver.listBlobs();
      const deleted = [...own].filter((d) => !keep.has(d) && sizes.has(d)).sort();
      await driver.deleteBlobs(deleted);
      return { name, descriptor, deleted, bytes: deleted.reduce((sum, d) => sum + (sizes.get(d) ?? 0), 0) };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#driver.close();
  }

  #live(): StoreDriver {
    if (this.#closed) throw new WasmboxError('FailedPrecondition', 'image store is closed');
    return this.#driver;
  }

  /** Every digest reachable from the refs (including absent ones, which simply have no children). */
  #reachable(table: RefTable): Promise<Set<Digest>> {
    const driver = this.#driver;
    const source: GraphSource = { size: (d) => driver.blobSize(d), read: (d) => driver.readBlob(d) };
    return walkGraph([...table.named.values(), ...table.pinned], source, this.#children);
  }

  /** A build cache record may only point at a layer that is there, with its size. */
  async #checkCacheLayer(record: BuildCacheRecord, source: GraphSource): Promise<void> {
    const { layer, key } = record;
    const size = await source.size(layer.digest);
    if (size !== layer.size) {
      const problem = size === undefined ? 'is missing' : `is ${size} bytes, its descriptor says ${layer.size}`;
      throw new WasmboxError('FailedPrecondition', `build cache record ${key}: layer ${layer.digest} ${problem}`, { data: { key, digest: layer.digest } });
    }
  }

  /** A ref may only point at a complete image: see the module doc of blob-store.ts. */
  async #checkComplete(name: string, root: Descriptor, source: GraphSource): Promise<void> {
    await walkGraph([root], source, this.#children, (node, parent, size) => {
      if (size === undefined) {
        if (parent && node.platform) return; // an index entry for a platform that was not pulled
        const what = parent ? `blob ${node.digest} referenced by ${parent.digest}` : `blob ${node.digest}`;
        throw new WasmboxError('FailedPrecondition', `image ${name}: ${what} is missing`, { data: { name, digest: node.digest } });
      }
      if (size !== node.size) {
        throw new WasmboxError('FailedPrecondition', `image ${name}: blob ${node.digest} is ${size} bytes, its descriptor says ${node.size}`, {
          data: { name, digest: node.digest },
        });
      }
    });
  }
}

/** `reachable` plus the layers build cache records keep alive. */
function withCacheLayers(reachable: Set<Digest>, table: RefTable): Set<Digest> {
  const out = new Set(reachable);
  for (const record of table.cache.values()) out.add(record.layer.digest);
  return out;
}

function overlaySource(driver: StoreDriver, staged: Map<Digest, number>, staging: Staging | undefined): GraphSource {
  return {
    size: async (d) => staged.get(d) ?? driver.blobSize(d),
    read: async (d) => (staged.has(d) && staging ? staging.read(d) : driver.readBlob(d)),
  };
}
