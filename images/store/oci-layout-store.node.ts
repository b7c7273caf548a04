/**
 * store oci-layout-store: the Node backend, an OCI image-layout directory that other tools read as is
 * (`skopeo inspect oci:DIR:NAME`, `umoci stat`): `oci-layout`, `index.json` (one entry per ref, named by the
 * `org.opencontainers.image.ref.name` annotation), `blobs/sha256/<hex>`. wasmbox's own bookkeeping lives in
 * `.wasmbox/` beside them, on the same filesystem so every publish is a rename (build cache records are the
 * exception: a top-level field of index.json, see layout-index.ts, so that they commit with the refs):
 *
 *   .wasmbox/lock              the write lock (file-lock.node.ts) around every index.json read-modify-write
 *   .wasmbox/tmp/<owner>       temp files: blob and index.json writes, lock files being created
 *   .wasmbox/tx/<owner>/       a transaction's staged blobs (`<hex>`), and `journal.json` while it commits
 *
 * `<owner>` is `<host tag>-<pid>-<random>`: an entry whose process is gone (same host) or, for other hosts, that
 * is older than a day is stale, and opening the store (or `prune`) removes it.
 *
 * Crash safety. A blob write is temp + fsync + rename + fsync(dir): a blob file is complete or absent. A commit,
 * under the lock: (1) writes the journal listing the staged blobs absent from `blobs/`, (2) renames them into
 * `blobs/`, (3) replaces index.json (temp + fsync + rename + fsync(dir)) — the commit point — (4) removes the
 * journal and the staging dir. A crash before (3) leaves a stale transaction whose journal lets recovery delete
 * the blobs it published (those no ref reaches), so the store is exactly as before; a crash after (3) is a
 * finished commit. Readers never lock: they see the index.json before or after a rename, never a torn one.
 * Paths are built only from parsed digests; ref names live inside index.json and never become paths.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, link, lstat, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import { type Digest, digestHex, isDigest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { type ImageStore, parseDescriptor, toDigest } from './blob-store.ts';
import { missing, syncDir, writeDurable } from './durable-fs.node.ts';
import { FileLock, type FileLockOptions, processAlive } from './file-lock.node.ts';
import { MAX_MANIFEST_BYTES } from './image-graph.ts';
import { cacheRecordsOf, emptyIndex, type IndexDoc, refNameOf, rewriteCacheRecords, rewriteIndex } from './layout-index.ts';
import { CoreImageStore, type RefChanges, type RefTable, type Staging, type StoreDriver, type StoreOptions } from './store-core.ts';

export interface OciLayoutStoreOptions extends StoreOptions {
  lock?: Pick<FileLockOptions, 'timeoutMs' | 'staleMs'>;
  /** Test-only: called inside a commit after blobs were published, just before index.json is replaced. */
  beforeIndexWrite?: () => void | Promise<void>;
}

/** Opens (creating if needed) the OCI layout at `dir` and cleans what crashed writers left there. */
export async function openOciLayoutStore(dir: string, options: OciLayoutStoreOptions = {}): Promise<ImageStore> {
  const driver = new OciLayoutDriver(resolve(dir), options);
  await driver.init();
  const store = new CoreImageStore(driver, options);
  await store.recover();
  return store;
}

const LAYOUT = { imageLayoutVersion: '1.0.0' };
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 12);
const OWNER = /^([0-9a-f]{12})-(\d+)-[0-9a-f]+$/;
const STALE_OTHER_HOST_MS = 24 * 3600_000;

function ownerName(): string {
  return `${HOST_TAG}-${process.pid}-${randomBytes(8).toString('hex')}`;
}

class OciLayoutDriver implements StoreDriver {
  readonly #root: string;
  readonly #blobDir: string;
  readonly #tmpDir: string;
  readonly #txDir: string;
  readonly #index: string;
  readonly #options: OciLayoutStoreOptions;
  #tail: Promise<void> = Promise.resolve();
  #lock: FileLock | undefined;

  constructor(root: string, options: OciLayoutStoreOptions) {
    this.#root = root;
    this.#blobDir = join(root, 'blobs', 'sha256');
    this.#tmpDir = join(root, '.wasmbox', 'tmp');
    this.#txDir = join(root, '.wasmbox', 'tx');
    this.#index = join(root, 'index.json');
    this.#options = options;
  }

  async init(): Promise<void> {
    for (const dir of [this.#blobDir, this.#tmpDir, this.#txDir]) await mkdir(dir, { recursive: true });
    await this.#createOnce(join(this.#root, 'oci-layout'), JSON.stringify(LAYOUT));
    await this.#createOnce(this.#index, JSON.stringify(emptyIndex()));
    const layout = parseJson(await readFile(join(this.#root, 'oci-layout'), 'utf8'));
    if (layout?.imageLayoutVersion !== LAYOUT.imageLayoutVersion) {
      throw this.#corrupt(`oci-layout has imageLayoutVersion ${JSON.stringify(layout?.imageLayoutVersion)}, expected "1.0.0"`);
    }
  }

  async blobSize(digest: Digest): Promise<number | undefined> {
    try {
      const info = await lstat(this.#blobPath(digest)); // a symlink planted in blobs/ is not a blob
      return info.isFile() ? info.size : undefined;
    } catch (error) {
      return missing(error);
    }
  }

  async readBlob(digest: Digest): Promise<Uint8Array | undefined> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.#blobPath(digest), constants.O_RDONLY | constants.O_NOFOLLOW);
      return new Uint8Array(await handle.readFile());
    } catch (error) {
      return missing(error);
    } finally {
      await handle?.close();
    }
  }

  async writeBlob(digest: Digest, bytes: Uint8Array): Promise<void> {
    const temp = join(this.#tmpDir, ownerName());
    try {
      await writeDurable(temp, bytes);
      await rename(temp, this.#blobPath(digest));
    } finally {
      await rm(temp, { force: true });
    }
    await syncDir(this.#blobDir);
  }

  async listBlobs(): Promise<Map<Digest, number>> {
    const out = new Map<Digest, number>();
    for (const entry of await readdir(this.#blobDir, { withFileTypes: true })) {
      const digest = `sha256:${entry.name}`;
      if (!entry.isFile() || !isDigest(digest)) continue; // other tools' files are not ours to count or delete
      const size = await this.blobSize(digest);
      if (size !== undefined) out.set(digest, size);
    }
    return out;
  }

  async deleteBlobs(digests: Digest[]): Promise<void> {
    for (const digest of digests) await rm(this.#blobPath(digest), { force: true });
    if (digests.length > 0) await syncDir(this.#blobDir);
  }

  async readRefs(): Promise<RefTable> {
    const doc = await this.#readIndex();
    const table: RefTable = { named: new Map(), pinned: [], cache: cacheRecordsOf(doc) };
    for (const [i, entry] of doc.manifests.entries()) {
      let descriptor: Descriptor;
      try {
        descriptor = parseDescriptor(entry, `index.json manifests[${i}]`, false);
      } catch (error) {
        throw this.#corrupt((error as Error).message);
      }
      if (descriptor.mediaType === '') descriptor.mediaType = await this.#sniffMediaType(descriptor);
      const name = refNameOf(entry);
      if (name === undefined) table.pinned.push(descriptor);
      else if (!table.named.has(name)) table.named.set(name, descriptor); // duplicates: the first one counts
    }
    return table;
  }

  async openStaging(): Promise<Staging> {
    const dir = join(this.#txDir, ownerName());
    await mkdir(dir);
    return new DiskStaging(dir);
  }

  async exclusive<T>(fn: (refs: RefTable) => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((r) => (release = r));
    await previous;
    try {
      this.#lock = await FileLock.acquire(join(this.#root, '.wasmbox', 'lock'), {
        ...this.#options.lock,
        tempPath: () => join(this.#tmpDir, ownerName()),
      });
      try {
        return await fn(await this.readRefs());
      } finally {
        const lock = this.#lock;
        this.#lock = undefined;
        await lock.release();
      }
    } finally {
      release();
    }
  }

  async apply(changes: RefChanges): Promise<void> {
    const lock = this.#lockHeld();
    const doc = await this.#readIndex();
    const staging = changes.staging instanceof DiskStaging ? changes.staging : undefined;
    if (changes.publish.length > 0 && !staging) throw new WasmboxError('Internal', 'oci layout store: publish without staging');
    if (staging && changes.publish.length > 0) await staging.writeJournal(changes.publish);
    const moved: Digest[] = [];
    let committed = false;
    try {
      for (const digest of changes.publish) {
        await rename(staging!.path(digest), this.#blobPath(digest));
        moved.push(digest);
      }
      if (moved.length > 0) await syncDir(this.#blobDir);
      if (changes.refs.size > 0 || changes.cache.size > 0) {
        const next = rewriteCacheRecords(rewriteIndex(doc, changes.refs), changes.cache);
        await this.#options.beforeIndexWrite?.();
        await lock.assertHeld();
        const temp = join(this.#tmpDir, ownerName());
        try {
          await writeDurable(temp, new TextEncoder().encode(JSON.stringify(next)));
          await rename(temp, this.#index);
          committed = true;
        } finally {
          await rm(temp, { force: true });
        }
        await syncDir(this.#root);
      }
      committed = true;
    } catch (error) {
      // Not committed: take back what we published (absent before, and we still hold the lock).
      if (!committed) await this.deleteBlobs(moved).catch(() => undefined);
      throw error;
    }
    await staging?.dropJournal();
  }

  async needsRecovery(): Promise<boolean> {
    return (await this.#staleEntries()).length > 0;
  }

  async recover(reachable: () => Promise<Set<Digest>>): Promise<void> {
    let keep: Set<Digest> | undefined;
    for (const { path, isTx } of await this.#staleEntries()) {
      if (isTx) {
        const journal = await readJournal(path);
        if (journal.length > 0) {
          keep ??= await reachable();
          await this.deleteBlobs(journal.filter((d) => !keep!.has(d)));
        }
      }
      await rm(path, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    await this.#tail;
  }

  #blobPath(digest: Digest): string {
    if (!isDigest(digest)) throw new WasmboxError('Internal', `unparsed digest reached the OCI layout store`);
    return join(this.#blobDir, digestHex(digest));
  }

  #lockHeld(): FileLock {
    if (!this.#lock) throw new WasmboxError('Internal', 'oci layout store: change outside the lock');
    return this.#lock;
  }

  async #readIndex(): Promise<IndexDoc> {
    let text: string;
    try {
      text = await readFile(this.#index, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw this.#corrupt('index.json is missing');
      throw error;
    }
    const doc = parseJson(text);
    if (!doc) throw this.#corrupt('index.json is not a JSON object');
    if (!Array.isArray(doc.manifests)) throw this.#corrupt('index.json has no "manifests" array');
    return doc as IndexDoc;
  }

  /** Index entries written by other tools may lack a media type (skopeo's do): take the blob's own field. */
  async #sniffMediaType(descriptor: Descriptor): Promise<string> {
    if (descriptor.size <= MAX_MANIFEST_BYTES) {
      const bytes = await this.readBlob(descriptor.digest);
      const doc = bytes && parseJson(new TextDecoder().decode(bytes));
      if (typeof doc?.mediaType === 'string' && doc.mediaType !== '') return doc.mediaType;
      if (doc && Array.isArray(doc.manifests)) return MEDIA_TYPE.ociIndex;
    }
    return MEDIA_TYPE.ociManifest;
  }

  async #staleEntries(): Promise<Array<{ path: string; isTx: boolean }>> {
    const out: Array<{ path: string; isTx: boolean }> = [];
    for (const [dir, isTx] of [[this.#tmpDir, false], [this.#txDir, true]] as const) {
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        if (await isStale(name, path)) out.push({ path, isTx });
      }
    }
    return out;
  }

  async #createOnce(path: string, text: string): Promise<void> {
    const temp = join(this.#tmpDir, ownerName());
    try {
      await writeDurable(temp, new TextEncoder().encode(text));
      await link(temp, path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(temp, { force: true });
    }
    await syncDir(this.#root);
  }

  #corrupt(message: string): WasmboxError {
    return new WasmboxError('FailedPrecondition', `image store ${this.#root} is damaged: ${message}`, { data: { path: this.#root } });
  }
}

class DiskStaging implements Staging {
  constructor(readonly dir: string) {}

  path(digest: Digest): string {
    if (!isDigest(digest)) throw new WasmboxError('Internal', 'unparsed digest reached the OCI layout store');
    return join(this.dir, digestHex(digest));
  }

  async put(digest: Digest, bytes: Uint8Array): Promise<void> {
    await writeDurable(this.path(digest), bytes);
  }

  async read(digest: Digest): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(digest)));
    } catch (error) {
      return missing(error);
    }
  }

  async writeJournal(publish: Digest[]): Promise<void> {
    await writeDurable(join(this.dir, 'journal.json'), new TextEncoder().encode(JSON.stringify({ publish })));
    await syncDir(this.dir);
  }

  async dropJournal(): Promise<void> {
    await rm(join(this.dir, 'journal.json'), { force: true });
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function readJournal(txDir: string): Promise<Digest[]> {
  let text: string;
  try {
    text = await readFile(join(txDir, 'journal.json'), 'utf8');
  } catch (error) {
    return missing(error) ?? [];
  }
  const publish = parseJson(text)?.publish;
  // A torn journal means the crash came before any rename (it is fsynced first): nothing was published.
  return Array.isArray(publish) ? publish.filter(isDigest).map((d) => toDigest(d)) : [];
}

async function isStale(name: string, path: string): Promise<boolean> {
  const match = OWNER.exec(name);
  if (match && match[1] === HOST_TAG) return !processAlive(Number(match[2]));
  try {
    return Date.now() - (await stat(path)).mtimeMs > STALE_OTHER_HOST_MS;
  } catch (error) {
    return missing(error) ?? false;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: the caller says what that means
  }
  return undefined;
}
