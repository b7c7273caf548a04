/**
 * platform idb-volumes (browser): named volumes kept in IndexedDB (database `wasmbox-volumes`, one record per
 * volume: `{ name, created, tree }`, the tree a VFS lower tree with the files' bytes), so they survive reloads.
 *
 * A container gets the tree as a seeded in-memory mount and its changes come back when the guest ends; they are
 * applied (`flattenLayers`) and the record rewritten in one IndexedDB transaction, so a reload mid-save keeps either
 * the old or the new volume, never half. The engine lets one container at a time use a volume (`exclusive`).
 * Why IndexedDB and not OPFS: a WASI guest's file calls are synchronous, and OPFS's synchronous access handles
 * cover file contents only (opening, listing and removing are asynchronous), so the worker would still need the
 * whole tree up front; IndexedDB keeps a volume in one record written atomically and is already the image store.
 * Cost: a save rewrites the whole volume (fine for the playground's sizes; measured in bench/).
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { LowerEntry } from '../vfs/api.ts';
import { createContainerFs } from '../vfs/container-fs.ts';
import { flattenLayers } from '../vfs/overlay-flatten.ts';
import type { VolumeAttachment, VolumeBackend, VolumeFiles, VolumeSummary } from '../engine/volumes.ts';

type Tree = LowerEntry<Uint8Array>;

interface VolumeRecord {
  name: string;
  created: number;
  tree: Tree;
}

const STORE = 'volumes';
/** What a volume's files may hold in memory while a view or a container has them. */
const VIEW_QUOTA_BYTES = 1 << 30;

export class IdbVolumes implements VolumeBackend {
  readonly exclusive = true;
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly dbName = 'wasmbox-volumes') {}

  async create(name: string): Promise<VolumeSummary> {
    const record = await this.transaction('readwrite', async (store) => {
      const existing = await request<VolumeRecord | undefined>(store.get(name));
      if (existing) return existing;
      const fresh: VolumeRecord = { name, created: Date.now(), tree: { type: 'dir', mode: 0o755, children: {} } };
      await request(store.put(fresh));
      return fresh;
    });
    return { name: record.name, created: record.created };
  }

  async list(): Promise<VolumeSummary[]> {
    const records = await this.transaction('readonly', (store) => request<VolumeRecord[]>(store.getAll()));
    return records.map((r) => ({ name: r.name, created: r.created })).sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(name: string): Promise<void> {
    await this.transaction('readwrite', async (store) => {
      if (!(await request(store.getKey(name)))) throw notFound(name);
      await request(store.delete(name));
    });
  }

  async attach(name: string, readonly: boolean): Promise<VolumeAttachment> {
    const { tree } = await this.record(name);
    return {
      source: { kind: 'tmpfs', seed: tree, capture: !readonly },
      save: (upper) => this.apply(name, upper),
    };
  }

  async files(name: string, options: { write: boolean }): Promise<VolumeFiles> {
    const { tree } = await this.record(name);
    const fs = createContainerFs({
      lowers: [],
      mounts: [{ target: '/', source: { kind: 'tmpfs', seed: tree, capture: true }, readonly: !options.write }],
      workdir: '',
      quotaBytes: VIEW_QUOTA_BYTES,
      view: true,
    });
    return {
      fs,
      save: async () => {
        if (!options.write) return;
        const [changes] = fs.diffMounts();
        if (changes) await this.apply(name, changes.upper);
      },
    };
  }

  /** Closes the database connection (with the engine); the next use opens it again. */
  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    (await db)?.close();
  }

  private async record(name: string): Promise<VolumeRecord> {
    const record = await this.transaction('readonly', (store) => request<VolumeRecord | undefined>(store.get(name)));
    if (!record) throw notFound(name);
    return record;
  }

  /** Applies a container's changes to the stored tree, in one transaction. */
  private async apply(name: string, upper: Tree): Promise<void> {
    await this.transaction('readwrite', async (store) => {
      const record = await request<VolumeRecord | undefined>(store.get(name));
      if (!record) throw notFound(name); // removed meanwhile: nothing to save into
      await request(store.put({ ...record, tree: flattenLayers(record.tree, upper) }));
    });
  }

  private async transaction<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => Promise<T>): Promise<T> {
    const db = await this.open();
    const tx = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new WasmboxError('Unavailable', 'volume transaction aborted'));
    });
    try {
      const value = await fn(tx.objectStore(STORE));
      await done;
      return value;
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      throw error;
    }
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(this.dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'name' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new WasmboxError('Unavailable', `volume database ${this.dbName} is blocked by another tab`));
    });
    return this.db;
  }
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}

function notFound(name: string): WasmboxError {
  return new WasmboxError('NotFound', `no such volume: ${name}`);
}
