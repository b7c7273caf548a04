/**
 * store store-transaction: the staged import behind `ImageStore.begin()` (lifecycle in blob-store.ts). It owns a
 * staging area opened on the first blob that is not already published, one staging write per digest however many
 * puts race for it, and the recorded ref and build cache changes; `CoreImageStore.commit` takes them over under the
 * store's lock.
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import type { Digest } from '../oci/digest.ts';
import {
  type BlobInfo,
  type BuildCacheRecord,
  lookupName,
  notFound,
  parseCacheRecord,
  parseDescriptor,
  type StoreTransaction,
  toDigest,
  validateRefName,
  verifyBlob,
} from './blob-store.ts';
import type { CoreImageStore, Staging, StoreDriver } from './store-core.ts';

export class Transaction implements StoreTransaction {
  #state: StoreTransaction['state'] = 'open';
  readonly #driver: StoreDriver;
  /** Staged blobs: digest -> size. */
  readonly #staged = new Map<Digest, number>();
  /** One staging write per digest, however many puts race for it. */
  readonly #staging = new Map<Digest, Promise<void>>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #refs = new Map<string, Descriptor | null>();
  readonly #cache = new Map<Digest, BuildCacheRecord>();
  #area: Promise<Staging> | undefined;

  constructor(
    readonly store: CoreImageStore,
    driver: StoreDriver,
  ) {
    this.#driver = driver;
  }

  get state(): StoreTransaction['state'] {
    return this.#state;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.#size(toDigest(digest))) !== undefined;
  }

  async size(digest: Digest): Promise<number> {
    const d = toDigest(digest);
    return (await this.#size(d)) ?? Promise.reject(notFound(d));
  }

  async get(digest: Digest): Promise<Uint8Array> {
    const d = toDigest(digest);
    this.#open();
    const bytes = this.#staged.has(d) && this.#area ? await (await this.#area).read(d) : await this.#driver.readBlob(d);
    return bytes ?? Promise.reject(notFound(d));
  }

  put(bytes: Uint8Array, expected?: { digest: Digest; size?: number }): Promise<BlobInfo> {
    const op = this.#put(bytes, expected);
    this.#pending.add(op);
    const forget = () => this.#pending.delete(op);
    op.then(forget, forget);
    return op;
  }

  setRef(name: string, descriptor: Descriptor): void {
    this.#open();
    this.#refs.set(validateRefName(name), parseDescriptor(descriptor, `image ${name}`));
  }

  deleteRef(name: string): void {
    this.#open();
    this.#refs.set(lookupName(name), null);
  }

  setCacheRecord(record: BuildCacheRecord): void {
    this.#open();
    const clean = parseCacheRecord(record);
    this.#cache.set(clean.key, clean);
  }

  async abort(): Promise<void> {
    if (this.#state === 'committed' || this.#state === 'aborted') return;
    this.#state = 'aborted';
    await this.#release();
  }

  /** Called by the store: waits for puts in flight, freezes the transaction and hands over what it staged. */
  async startCommit(): Promise<{
    staged: Map<Digest, number>;
    staging: Staging | undefined;
    refChanges: Map<string, Descriptor | null>;
    cacheChanges: Map<Digest, BuildCacheRecord>;
  }> {
    this.#open();
    this.#state = 'committing';
    // A put that failed was reported to its caller; if a ref needs that blob, the completeness check says so.
    await Promise.allSettled([...this.#pending]);
    return { staged: this.#staged, staging: await this.#area, refChanges: this.#refs, cacheChanges: this.#cache };
  }

  /** Called by the store after a successful commit: drops the staging area (published blobs were moved out). */
  async finish(): Promise<void> {
    this.#state = 'committed';
    // The commit is done; failing to drop the emptied staging area must not report it as failed. What stays is
    // removed by the backend's recovery once this process is gone.
    await this.#release().catch(() => undefined);
  }

  async #put(bytes: Uint8Array, expected?: { digest: Digest; size?: number }): Promise<BlobInfo> {
    this.#open();
    const { bytes: owned, info } = await verifyBlob(bytes, expected);
    this.#open();
    let staging = this.#staging.get(info.digest);
    if (!staging) {
      staging = this.#stage(info, owned);
      this.#staging.set(info.digest, staging);
    }
    await staging;
    return info;
  }

  async #stage(info: BlobInfo, bytes: Uint8Array): Promise<void> {
    if ((await this.#driver.blobSize(info.digest)) !== undefined) {
      this.#staging.delete(info.digest); // already published: nothing to stage (the commit re-checks it is still there)
      return;
    }
    this.#area ??= this.#driver.openStaging();
    try {
      await (await this.#area).put(info.digest, bytes);
    } catch (error) {
      this.#staging.delete(info.digest);
      throw error;
    }
    this.#staged.set(info.digest, info.size);
  }

  async #release(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    const area = this.#area;
    this.#area = undefined;
    if (area) await (await area).discard();
  }

  async #size(digest: Digest): Promise<number | undefined> {
    this.#open();
    return this.#staged.get(digest) ?? this.#driver.blobSize(digest);
  }

  #open(): void {
    if (this.#state !== 'open') throw new WasmboxError('FailedPrecondition', `transaction is ${this.#state}`);
  }
}
