/**
 * store idb-store: the browser backend, an IndexedDB `StoreDriver` under `CoreImageStore` (so every rule — digest
 * verification, completeness at commit, prune, remove, accounting — is the same code as on disk and in memory).
 *
 * Why raw IndexedDB and not idb-keyval (which the design card names): idb-keyval's `createStore(db, store)` opens
 * a database holding exactly ONE object store, without a schema version, so a second store cannot be added later,
 * and its helpers are single-key get/set. This backend needs four object stores written in one transaction (a
 * commit moves staged bytes into `blobs`, records their sizes and changes `refs` all or nothing), key-range
 * cursors (one staging area's keys, size listing without reading bytes) and a versioned schema. With all that
 * done through the raw `IDBObjectStore` anyway, the dependency would add nothing but `promisifyRequest`.
 *
 * Schema (database `name`, version 2; version 1 lacked `cache`, which the upgrade adds):
 *   blobs    digest -> Uint8Array      published, verified blob bytes
 *   sizes    digest -> number          byte length of each published blob (written with it, deleted with it):
 *                                      `has`/`size`/`listBlobs`/`usage` never read blob bytes
 *   refs     name -> Descriptor        tag references
 *   staging  [areaId, digest] -> Uint8Array   verified bytes of open transactions, invisible to everything else
 *   cache    key -> BuildCacheRecord  build cache records (blob-store.ts), changed by commits and prune like refs
 *
 * Atomicity: `writeBlob` puts bytes and size in one readwrite transaction; `apply` (a commit) copies the staged
 * bytes into `blobs`/`sizes`, deletes them from `staging` and applies the ref changes in ONE readwrite transaction
 * over all four stores: IndexedDB commits it entirely or not at all (a closed tab, a quota error, a missing staged
 * blob → `abort()`), so a failed or interrupted import leaves the store exactly as before. Build cache records
 * change in that same transaction.
 *
 * Cross-tab safety (Web Locks): every ref change runs under the exclusive lock `wasmbox-store:<name>` (held by
 * `exclusive`), which serialises writers across tabs, workers and store instances of one origin. Each staging area
 * holds its own lock `wasmbox-staging:<name>:<areaId>` while it lives; `recover()` (run under the store lock when
 * the store is opened, and by prune) deletes the staging rows of areas whose lock nobody holds any more — what a
 * closed or crashed tab left. Where `navigator.locks` is missing (e.g. a test in Node with an IndexedDB shim), the
 * locks fall back to this realm only: correct within one page/worker, not across tabs.
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import type { Digest } from '../oci/digest.ts';
import type { BuildCacheRecord, ImageStore } from './blob-store.ts';
import { CoreImageStore, type RefChanges, type RefTable, type Staging, type StoreDriver, type StoreOptions } from './store-core.ts';

const VERSION = 2;
const BLOBS = 'blobs';
const SIZES = 'sizes';
const REFS = 'refs';
const STAGING = 'staging';
const CACHE = 'cache';
const ALL = [BLOBS, SIZES, REFS, STAGING, CACHE];

export interface IdbStoreOptions extends StoreOptions {}

/** True when this realm has IndexedDB at all (opening may still fail, e.g. in some private modes). */
export function idbAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

/**
 * Opens (creating on first use) the image store in IndexedDB database `name`, and cleans up what crashed writers
 * left. The caller closes it.
 */
export async function openIdbStore(name = 'wasmbox', options: IdbStoreOptions = {}): Promise<ImageStore> {
  if (!idbAvailable()) throw new WasmboxError('Unavailable', 'IndexedDB is not available here');
  const db = await openDatabase(name);
  const store = new CoreImageStore(new IdbDriver(name, db), options);
  try {
    await store.recover();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** Deletes the database `name` (every image in it). Open stores on it are closed first by IndexedDB's versionchange. */
export async function deleteIdbStore(name = 'wasmbox'): Promise<void> {
  if (!idbAvailable()) return;
  await request(indexedDB.deleteDatabase(name), `delete ${name}`);
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(name, VERSION);
    } catch (error) {
      reject(idbError(error, `open ${name}`));
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const store of ALL) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Never block another connection's upgrade or deleteDatabase: this connection just stops working.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(idbError(req.error, `open ${name}`));
    req.onblocked = () => undefined; // waits for other connections to close (they do on versionchange)
  });
}

function idbError(cause: unknown, what: string): WasmboxError {
  if (cause instanceof WasmboxError) return cause;
  const detail = cause instanceof Error || (typeof DOMException !== 'undefined' && cause instanceof DOMException) ? `${(cause as Error).name}: ${(cause as Error).message}` : String(cause);
  const kind = /QuotaExceeded/.test(detail) ? 'ResourceExhausted' : 'Unavailable';
  return new WasmboxError(kind, `image store (IndexedDB): ${what} failed: ${detail}`, { cause });
}

function request<T>(req: IDBRequest<T>, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(idbError(req.error, what));
  });
}

/**
 * Runs `body` in one transaction over `stores` and resolves with its result once the transaction COMMITTED (not
 * merely when the last request succeeded). `body` may await requests of this transaction only: awaiting anything
 * else lets IndexedDB auto-commit it. A throw inside `body` aborts the transaction.
 */
function inTx<T>(db: IDBDatabase, stores: string[], mode: IDBTransactionMode, what: string, body: (tx: IDBTransaction) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let tx: IDBTransaction;
    try {
      tx = db.transaction(stores, mode, { durability: 'strict' });
    } catch (error) {
      reject(idbError(error, what));
      return;
    }
    let result: T;
    let failure: unknown;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(failure ?? idbError(tx.error ?? 'transaction aborted', what));
    body(tx).then(
      (value) => {
        result = value;
      },
      (error) => {
        failure = error instanceof WasmboxError ? error : idbError(error, what);
        try {
          tx.abort();
        } catch {
          // already finished: onabort / oncomplete reports
        }
      },
    );
  });
}

/** IndexedDB stores a typed array's WHOLE buffer: give it exactly the blob's bytes, in a plain ArrayBuffer. */
function exact(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

// ---- locks ---------------------------------------------------------------------------------------------------

interface LockManagerLike {
  request<T>(name: string, options: { mode?: 'exclusive' | 'shared'; ifAvailable?: boolean }, fn: (lock: unknown) => Promise<T> | T): Promise<T>;
}

function webLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

/** Fallback locks (this realm only) when the Web Locks API is missing. */
const localTails = new Map<string, Promise<void>>();
const localHeld = new Set<string>();

async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = webLocks();
  if (locks) return locks.request(name, { mode: 'exclusive' }, fn);
  const previous = localTails.get(name) ?? Promise.resolve();
  let release!: () => void;
  const tail = new Promise<void>((r) => (release = r));
  localTails.set(name, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (localTails.get(name) === tail) localTails.delete(name);
  }
}

/** Takes lock `name` for as long as the returned release function is not called. */
async function holdLock(name: string): Promise<() => void> {
  const locks = webLocks();
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  if (!locks) {
    localHeld.add(name);
    return () => {
      localHeld.delete(name);
      release();
    };
  }
  await new Promise<void>((granted, failed) => {
    locks.request(name, { mode: 'exclusive' }, () => {
      granted();
      return held;
    }).catch(failed);
  });
  return release;
}

/** Runs `fn` if lock `name` is free right now (its holder is gone), holding it meanwhile. */
async function ifFree(name: string, fn: () => Promise<void>): Promise<void> {
  const locks = webLocks();
  if (!locks) {
    if (!localHeld.has(name)) await fn();
    return;
  }
  await locks.request(name, { mode: 'exclusive', ifAvailable: true }, async (lock) => {
    if (lock) await fn();
  });
}

// ---- the driver ----------------------------------------------------------------------------------------------

class IdbDriver implements StoreDriver {
  readonly #name: string;
  readonly #db: IDBDatabase;

  constructor(name: string, db: IDBDatabase) {
    this.#name = name;
    this.#db = db;
  }

  get lockName(): string {
    return `wasmbox-store:${this.#name}`;
  }

  stagingLockName(area: string): string {
    return `wasmbox-staging:${this.#name}:${area}`;
  }

  tx<T>(stores: string[], mode: IDBTransactionMode, what: string, body: (tx: IDBTransaction) => Promise<T>): Promise<T> {
    return inTx(this.#db, stores, mode, what, body);
  }

  async blobSize(digest: Digest): Promise<number | undefined> {
    return this.tx([SIZES], 'readonly', `size of ${digest}`, (tx) => request(tx.objectStore(SIZES).get(digest), `size of ${digest}`));
  }

  async readBlob(digest: Digest): Promise<Uint8Array | undefined> {
    // A structured clone: every read returns fresh bytes the caller owns.
    return this.tx([BLOBS], 'readonly', `read ${digest}`, (tx) => request<Uint8Array | undefined>(tx.objectStore(BLOBS).get(digest), `read ${digest}`));
  }

  async writeBlob(digest: Digest, bytes: Uint8Array): Promise<void> {
    const value = exact(bytes);
    await this.tx([BLOBS, SIZES], 'readwrite', `write ${digest}`, async (tx) => {
      const sizes = tx.objectStore(SIZES);
      if ((await request(sizes.count(digest), `write ${digest}`)) > 0) return;
      tx.objectStore(BLOBS).put(value, digest);
      sizes.put(value.byteLength, digest);
    });
  }

  async listBlobs(): Promise<Map<Digest, number>> {
    return this.tx([SIZES], 'readonly', 'list blobs', async (tx) => {
      const store = tx.objectStore(SIZES);
      const [keys, values] = await Promise.all([request(store.getAllKeys(), 'list blobs'), request(store.getAll(), 'list blobs')]);
      return new Map(keys.map((k, i) => [k as Digest, values[i] as number]));
    });
  }

  async deleteBlobs(digests: Digest[]): Promise<void> {
    if (digests.length === 0) return;
    await this.tx([BLOBS, SIZES], 'readwrite', 'delete blobs', async (tx) => {
      for (const digest of digests) {
        tx.objectStore(SIZES).delete(digest);
        tx.objectStore(BLOBS).delete(digest);
      }
    });
  }

  async readRefs(): Promise<RefTable> {
    return this.tx([REFS, CACHE], 'readonly', 'read refs', async (tx) => {
      const store = tx.objectStore(REFS);
      const [keys, values, records] = await Promise.all([
        request(store.getAllKeys(), 'read refs'),
        request(store.getAll(), 'read refs'),
        request(tx.objectStore(CACHE).getAll(), 'read build cache'),
      ]);
      const cache = new Map((records as BuildCacheRecord[]).map((r) => [r.key, r]));
      return { named: new Map(keys.map((k, i) => [k as string, values[i] as Descriptor])), pinned: [], cache };
    });
  }

  async openStaging(): Promise<Staging> {
    const area = randomId();
    const release = await holdLock(this.stagingLockName(area));
    return new IdbStaging(this, area, release);
  }

  async exclusive<T>(fn: (refs: RefTable) => Promise<T>): Promise<T> {
    return withLock(this.lockName, async () => fn(await this.readRefs()));
  }

  async apply(changes: RefChanges): Promise<void> {
    const area = changes.staging instanceof IdbStaging ? changes.staging.area : undefined;
    if (changes.publish.length > 0 && area === undefined) throw new WasmboxError('Internal', 'image store (IndexedDB): publish without a staging area');
    await this.tx(ALL, 'readwrite', 'commit', async (tx) => {
      const staging = tx.objectStore(STAGING);
      const blobs = tx.objectStore(BLOBS);
      const sizes = tx.objectStore(SIZES);
      const staged = await Promise.all(changes.publish.map((digest) => request<Uint8Array | undefined>(staging.get([area!, digest]), 'commit')));
      changes.publish.forEach((digest, i) => {
        const bytes = staged[i];
        if (!bytes) throw new WasmboxError('Internal', `image store (IndexedDB): staged blob ${digest} is gone`);
        blobs.put(bytes, digest);
        sizes.put(bytes.byteLength, digest);
        staging.delete([area!, digest]);
      });
      const refs = tx.objectStore(REFS);
      for (const [name, descriptor] of changes.refs) {
        if (descriptor) refs.put(descriptor, name);
        else refs.delete(name);
      }
      const cache = tx.objectStore(CACHE);
      for (const [key, record] of changes.cache) {
        if (record) cache.put(record, key);
        else cache.delete(key);
      }
    });
  }

  async needsRecovery(): Promise<boolean> {
    return this.tx([STAGING], 'readonly', 'check staging', async (tx) => (await request(tx.objectStore(STAGING).count(), 'check staging')) > 0);
  }

  /** Deletes staging rows of areas whose owner (a tab, a worker, a closed store) is gone. Commits are atomic: nothing else to undo. */
  async recover(): Promise<void> {
    const keys = await this.tx([STAGING], 'readonly', 'list staging', (tx) => request(tx.objectStore(STAGING).getAllKeys(), 'list staging'));
    const areas = new Set(keys.map((k) => (k as [string, string])[0]));
    for (const area of areas) await ifFree(this.stagingLockName(area), () => this.deleteArea(area));
  }

  deleteArea(area: string): Promise<void> {
    return this.tx([STAGING], 'readwrite', 'discard staging', async (tx) => {
      tx.objectStore(STAGING).delete(areaRange(area));
    });
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** Every key [area, digest] of one staging area (arrays sort after strings, so [area, []] bounds them). */
function areaRange(area: string): IDBKeyRange {
  return IDBKeyRange.bound([area], [area, []]);
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

class IdbStaging implements Staging {
  #release: (() => void) | undefined;

  constructor(
    private readonly driver: IdbDriver,
    readonly area: string,
    release: () => void,
  ) {
    this.#release = release;
  }

  async put(digest: Digest, bytes: Uint8Array): Promise<void> {
    if (!this.#release) throw new WasmboxError('FailedPrecondition', 'staging area was discarded');
    const value = exact(bytes);
    await this.driver.tx([STAGING], 'readwrite', `stage ${digest}`, async (tx) => {
      tx.objectStore(STAGING).put(value, [this.area, digest]);
    });
  }

  async read(digest: Digest): Promise<Uint8Array | undefined> {
    return this.driver.tx([STAGING], 'readonly', `read staged ${digest}`, (tx) =>
      request<Uint8Array | undefined>(tx.objectStore(STAGING).get([this.area, digest]), `read staged ${digest}`),
    );
  }

  async discard(): Promise<void> {
    const release = this.#release;
    if (!release) return;
    this.#release = undefined;
    try {
      await this.driver.deleteArea(this.area);
    } finally {
      release(); // if the delete failed, the next recover() removes the rows: nobody holds the area's lock now
    }
  }
}
