/**
 * store blob-store: the image store's narrow interfaces (containerd's content store split, house style §1):
 * `BlobReader` to read, `BlobWriter` to ingest, `RefStore` for tags, and `ImageStore` that adds transactions,
 * usage, prune and remove. Platform-neutral: Uint8Array and Web Crypto only. Backends: `memory-store.ts`,
 * `oci-layout-store.node.ts` (and, later, IndexedDB); all of them pass `blob-store.suite.ts`.
 *
 * Vocabulary: a *blob* is bytes named by their sha256 digest; a *ref* is a name (a tag such as `wasi/hello:1.0`)
 * pointing at a root descriptor (a manifest or an index); a blob is *reachable* when a walk from some ref's root
 * through manifests and indexes reaches it. The store never parses images itself beyond that walk (`image-graph.ts`).
 *
 * Lifecycle of an import (pull, load, build):
 *
 *   const tx = store.begin();                         // nothing visible yet
 *   await tx.put(layerBytes, { digest, size });       // verified (digest and size) before it is staged
 *   await tx.put(configBytes); await tx.put(manifestBytes);
 *   tx.setRef('wasi/hello:1.0', manifestDescriptor);  // recorded, not applied
 *   await store.commit(tx);                           // all or nothing; on failure the store is exactly as before
 *
 * or `await inTransaction(store, async (tx) => { ... })`, which aborts when the callback throws. Invariants:
 * - a blob is visible only after its bytes hashed to its digest (verify, then publish);
 * - a ref is set only if its root and everything the root reaches are present (a missing child is tolerated only
 *   when its descriptor names a `platform`, i.e. an index entry for a platform that was not pulled);
 * - staged blobs of an open or aborted transaction are never visible and never count in `usage()`.
 *
 * Build cache records (`BuildCacheRecord`, written by images/build) are the store's second record kind: a key (the
 * digest of a Dockerfile step's inputs) -> the layer blob the step produced. They are set in a transaction
 * (`tx.setCacheRecord`) and committed with its refs, all or nothing, under the same completeness check (the layer
 * must be present). A record keeps its layer alive against `remove`; `prune` deletes every blob no ref reaches
 * and, with them, the records pointing at those blobs (so the cache never outgrows the images it helped build, and
 * a record never points at a missing blob). That is a deliberate difference from Docker, whose `image prune`
 * leaves build cache to `builder prune`: wasmbox has no separate cache command, so `image prune` is the one sweep.
 */
import { isWasmboxError, WasmboxError } from '../../shared/errors.ts';
import type { Descriptor, Platform } from '../oci/descriptor.ts';
import { type Digest, DigestError, parseDigest, sha256Digest } from '../oci/digest.ts';

/** The annotation that names a ref in an OCI layout's `index.json` (what `skopeo inspect oci:DIR:NAME` matches). */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** A stored blob: its digest and size in bytes. */
export interface BlobInfo {
  digest: Digest;
  size: number;
}

/** Reads published blobs. Never sees staged (uncommitted) blobs of a transaction other than its own. */
export interface BlobReader {
  has(digest: Digest): Promise<boolean>;
  /** The blob's bytes (a copy the caller owns). NotFound when absent. */
  get(digest: Digest): Promise<Uint8Array>;
  /** The blob's size in bytes. NotFound when absent. */
  size(digest: Digest): Promise<number>;
}

/**
 * Ingests blobs. `put` hashes the bytes and compares digest and size with `expected` (when given) before anything
 * becomes visible; a mismatch throws InvalidArgument and leaves nothing behind. Putting a blob that is already
 * present is a no-op that returns the same info. The caller may reuse its buffer as soon as `put` is called.
 */
export interface BlobWriter {
  put(bytes: Uint8Array, expected?: { digest: Digest; size?: number }): Promise<BlobInfo>;
}

/**
 * A build cache record: the step whose inputs hash to `key` produced the layer `layer` (uncompressed digest
 * `diffId`). The store does not interpret `key`; it only keeps `layer` alive (see the module doc).
 */
export interface BuildCacheRecord {
  key: Digest;
  layer: Descriptor;
  diffId: Digest;
}

/** Reads committed build cache records. */
export interface BuildCacheReader {
  get(key: Digest): Promise<BuildCacheRecord | undefined>;
  /** Every record, sorted by key. */
  list(): Promise<BuildCacheRecord[]>;
}

export interface RefEntry {
  name: string;
  descriptor: Descriptor;
}

/**
 * Tags: names -> root descriptors. `set` and `delete` are one-ref transactions (same checks as `commit`).
 * Names follow the OCI `ref.name` grammar that skopeo accepts (`validateRefName`); the store does not normalise
 * them (`hello` and `docker.io/library/hello:latest` are different names: that is the caller's policy).
 * The `org.opencontainers.image.ref.name` annotation is the store's business: it is removed from descriptors
 * given to `set` and never appears in descriptors returned.
 */
export interface RefStore {
  /** Every ref, sorted by name. */
  list(): Promise<RefEntry[]>;
  get(name: string): Promise<Descriptor | undefined>;
  set(name: string, descriptor: Descriptor): Promise<void>;
  /** Untags; blobs stay until `prune` (or use `ImageStore.remove`). Returns whether the name existed. */
  delete(name: string): Promise<boolean>;
}

/**
 * A staged import. Blobs put here are verified and staged but invisible to everyone else until
 * `ImageStore.commit(tx)`; reads through the transaction see staged blobs plus the store's. Ref changes are
 * recorded and applied by the commit. `abort()` (idempotent) discards everything staged; a transaction that fails
 * to commit is aborted. A transaction is used once: after commit or abort every method throws FailedPrecondition.
 */
export interface StoreTransaction extends BlobReader, BlobWriter {
  readonly state: 'open' | 'committing' | 'committed' | 'aborted';
  setRef(name: string, descriptor: Descriptor): void;
  deleteRef(name: string): void;
  /** Records (or replaces) a build cache record; its layer must be present when the transaction commits. */
  setCacheRecord(record: BuildCacheRecord): void;
  abort(): Promise<void>;
}

export interface CommitResult {
  /** Blobs the commit made visible (absent from the store before). */
  added: Digest[];
  /** Each ref the transaction touched, with its target before and after (undefined = no such ref). */
  refs: Array<{ name: string; previous: Descriptor | undefined; current: Descriptor | undefined }>;
}

export interface StoreUsage {
  /** Every published blob, each counted once however many images share it. */
  blobs: number;
  bytes: number;
  /** The part `prune()` would delete now. */
  unreferencedBlobs: number;
  unreferencedBytes: number;
}

export interface PruneResult {
  deleted: Digest[];
  bytes: number;
  /** Keys of the build cache records dropped with their blobs. */
  cacheRecords: Digest[];
}

export interface RemoveResult {
  name: string;
  descriptor: Descriptor;
  /** Blobs of this image that no other ref reaches, now deleted (docker rmi's "Deleted:" lines). */
  deleted: Digest[];
  bytes: number;
}

/**
 * The image store. `blobs` and `refs` are the narrow slices consumers take (house style 8.4); the rest are the
 * operations that need both: transactional import, accounting and garbage collection.
 */
export interface ImageStore {
  readonly blobs: BlobReader & BlobWriter;
  readonly refs: RefStore;
  readonly cache: BuildCacheReader;
  begin(): StoreTransaction;
  /** Publishes the transaction's blobs and applies its ref changes, all or nothing (see module doc). */
  commit(tx: StoreTransaction): Promise<CommitResult>;
  usage(): Promise<StoreUsage>;
  /**
   * Deletes every blob no ref reaches (`docker image prune` of our content store; staged blobs are not seen), and
   * the build cache records pointing at them.
   */
  prune(): Promise<PruneResult>;
  /**
   * Untags `name` and deletes the blobs only it reached, except those a build cache record points at (they go with
   * their record, at the next `prune`). NotFound when there is no such ref.
   */
  remove(name: string): Promise<RemoveResult>;
  close(): Promise<void>;
}

/** Runs `fn` in a transaction: commits when it returns, aborts when it throws (then rethrows). */
export async function inTransaction<T>(store: ImageStore, fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
  const tx = store.begin();
  let value: T;
  try {
    value = await fn(tx);
  } catch (error) {
    await tx.abort();
    throw error;
  }
  await store.commit(tx);
  return value;
}

// --- shared checks (every backend goes through these, so they cannot diverge) ---------------------------------

/** Parses an untrusted digest, turning the oci DigestError into the store's InvalidArgument. */
export function toDigest(value: unknown): Digest {
  try {
    return parseDigest(value);
  } catch (error) {
    if (error instanceof DigestError) throw new WasmboxError('InvalidArgument', error.message, { cause: error });
    throw error;
  }
}

/**
 * Hashes `bytes` and checks them against `expected`. Returns a private copy (so a caller reusing its buffer cannot
 * change what was hashed) and the blob's info.
 */
export async function verifyBlob(
  bytes: Uint8Array,
  expected?: { digest: Digest; size?: number },
): Promise<{ bytes: Uint8Array; info: BlobInfo }> {
  if (!(bytes instanceof Uint8Array)) throw new WasmboxError('InvalidArgument', 'blob bytes must be a Uint8Array');
  const want = expected === undefined ? undefined : toDigest(expected.digest);
  if (expected?.size !== undefined && expected.size !== bytes.byteLength) {
    throw new WasmboxError('InvalidArgument', `blob ${want} is ${bytes.byteLength} bytes, expected ${expected.size}`, {
      data: { digest: want, expectedSize: expected.size, actualSize: bytes.byteLength },
    });
  }
  const owned = new Uint8Array(bytes); // copies
  const digest = await sha256Digest(owned);
  if (want !== undefined && digest !== want) {
    throw new WasmboxError('InvalidArgument', `blob digest mismatch: expected ${want}, got ${digest}`, {
      data: { expected: want, actual: digest },
    });
  }
  return { bytes: owned, info: { digest, size: owned.byteLength } };
}

/**
 * The expected and actual digest when `error` is the digest mismatch `put` reports (see `verifyBlob`), so an
 * importer that lets `put` do its only hash can still say which of its inputs was wrong.
 */
export function digestMismatchOf(error: unknown): { expected: Digest; actual: Digest } | undefined {
  if (!isWasmboxError(error, 'InvalidArgument')) return undefined;
  const { expected, actual } = error.data ?? {};
  return typeof expected === 'string' && typeof actual === 'string' ? { expected: expected as Digest, actual: actual as Digest } : undefined;
}

// The OCI ref.name grammar as containers/image checks it (oci/internal/oci_util.go `refRegexp`), so every name we
// write is one `skopeo inspect oci:DIR:NAME` accepts.
const REF_COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
const REF_NAME = new RegExp(`^${REF_COMPONENT}(?:/${REF_COMPONENT})*$`);
const MAX_REF_NAME = 4096;

export function validateRefName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_REF_NAME || !REF_NAME.test(name)) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : typeof name;
    throw new WasmboxError('InvalidArgument', `invalid image name ${shown}: expected components of letters and digits joined by "-", ".", "_", ":", "@", "+" or "--", separated by "/"`);
  }
  return name;
}

/** A name to look up, untag or remove: any non-empty string (names other tools wrote need not follow our grammar). */
export function lookupName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new WasmboxError('InvalidArgument', 'image name must be a non-empty string');
  return name;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown, where: string): Record<string, string> {
  if (!isRecord(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new WasmboxError('InvalidArgument', `${where}: annotations must map strings to strings`);
  }
  return { ...(value as Record<string, string>) };
}

function platformOf(value: unknown, where: string): Platform {
  if (!isRecord(value) || typeof value.os !== 'string' || typeof value.architecture !== 'string') {
    throw new WasmboxError('InvalidArgument', `${where}: platform needs string "os" and "architecture"`);
  }
  return structuredClone(value) as unknown as Platform;
}

/**
 * Validates an untrusted descriptor and returns a clean copy holding only descriptor fields, without the ref-name
 * annotation (`annotations` is dropped when that leaves it empty). `mediaType` may be missing only when
 * `requireMediaType` is false (descriptors inside foreign manifests); it is then "".
 */
export function parseDescriptor(value: unknown, where: string, requireMediaType = true): Descriptor {
  if (!isRecord(value)) throw new WasmboxError('InvalidArgument', `${where}: descriptor must be an object`);
  const { mediaType, size } = value;
  const badType = requireMediaType ? typeof mediaType !== 'string' || mediaType === '' : mediaType !== undefined && typeof mediaType !== 'string';
  if (badType) throw new WasmboxError('InvalidArgument', `${where}: descriptor needs a mediaType string`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new WasmboxError('InvalidArgument', `${where}: descriptor size must be a non-negative integer`);
  }
  let digest: Digest;
  try {
    digest = toDigest(value.digest);
  } catch (error) {
    throw isWasmboxError(error) ? new WasmboxError('InvalidArgument', `${where}: ${error.message}`) : error;
  }
  const out: Descriptor = { mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size };
  if (value.urls !== undefined) {
    if (!Array.isArray(value.urls) || !value.urls.every((u) => typeof u === 'string')) {
      throw new WasmboxError('InvalidArgument', `${where}: urls must be strings`);
    }
    out.urls = [...value.urls];
  }
  if (value.annotations !== undefined) {
    const annotations = stringRecord(value.annotations, where);
    delete annotations[REF_NAME_ANNOTATION];
    if (Object.keys(annotations).length > 0) out.annotations = annotations;
  }
  if (value.platform !== undefined) out.platform = platformOf(value.platform, where);
  if (value.artifactType !== undefined) {
    if (typeof value.artifactType !== 'string') throw new WasmboxError('InvalidArgument', `${where}: artifactType must be a string`);
    out.artifactType = value.artifactType;
  }
  return out;
}

/** Validates an untrusted build cache record and returns a clean copy. */
export function parseCacheRecord(value: unknown, where = 'build cache record'): BuildCacheRecord {
  if (!isRecord(value)) throw new WasmboxError('InvalidArgument', `${where}: must be an object`);
  const digest = (field: 'key' | 'diffId'): Digest => {
    try {
      return toDigest(value[field]);
    } catch (error) {
      throw isWasmboxError(error) ? new WasmboxError('InvalidArgument', `${where}: ${field}: ${error.message}`) : error;
    }
  };
  const key = digest('key');
  return { key, layer: parseDescriptor(value.layer, `${where} ${key} layer`), diffId: digest('diffId') };
}

export function notFound(digest: Digest): WasmboxError {
  return new WasmboxError('NotFound', `blob ${digest} not found`, { data: { digest } });
}
