/**
 * The image store contract (images/store/blob-store.suite.ts, the same suite the memory and disk backends pass in
 * Node) on the IndexedDB backend in real Chromium, plus what only IndexedDB has: a fresh database per test, deleted
 * afterwards; residue = rows left in the `staging` object store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { blobStoreSuite } from '../../images/store/blob-store.suite.ts';
import { deleteIdbStore, openIdbStore } from '../../images/store/idb-store.browser.ts';
import { testImage, putAll, text } from '../../images/store/test-kit.ts';
import { inTransaction } from '../../images/store/blob-store.ts';

let counter = 0;
const uniqueName = (label: string) => `wasmbox-test-${label}-${Date.now()}-${counter++}-${Math.random().toString(36).slice(2)}`;

/** The keys of one object store, read with raw IndexedDB (independent of the driver under test). */
async function keysOf(dbName: string, storeName: string): Promise<IDBValidKey[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    if (!db.objectStoreNames.contains(storeName)) return [];
    return await new Promise<IDBValidKey[]>((resolve, reject) => {
      const req = db.transaction(storeName, 'readonly').objectStore(storeName).getAllKeys();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

async function putRaw(dbName: string, storeName: string, key: IDBValidKey, value: unknown): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(dbName);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(storeName, 'readwrite');
      tx.objectStore(storeName).put(value, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

blobStoreSuite('idb', async () => {
  const name = uniqueName('suite');
  return {
    open: (options) => openIdbStore(name, options),
    residue: async () => (await keysOf(name, 'staging')).map((k) => `staging row ${JSON.stringify(k)}`),
    cleanup: () => deleteIdbStore(name),
  };
});

describe('IndexedDB store specifics', () => {
  const names: string[] = [];
  afterEach(async () => {
    for (const name of names.splice(0)) await deleteIdbStore(name);
  });

  it('persists blobs and refs across closing and reopening the database', async () => {
    const name = uniqueName('persist');
    names.push(name);
    const image = await testImage(['persisted layer']);
    const first = await openIdbStore(name);
    const tx = first.begin();
    await putAll(tx, image.blobs);
    tx.setRef('persisted:1', image.manifest.descriptor);
    await first.commit(tx);
    await first.close();

    const second = await openIdbStore(name);
    expect(await second.refs.get('persisted:1')).toEqual(image.manifest.descriptor);
    expect(await second.blobs.get(image.layers[0].descriptor.digest)).toEqual(image.layers[0].bytes);
    expect(await second.usage()).toMatchObject({ blobs: 3, unreferencedBlobs: 0 });
    await second.close();
  });

  it('opening removes staging rows a crashed tab left, but not those of a live transaction', async () => {
    const name = uniqueName('recover');
    names.push(name);
    const live = await openIdbStore(name);
    const image = await testImage(['in flight']);
    const tx = live.begin();
    await putAll(tx, image.blobs);
    await putRaw(name, 'staging', ['dead-tab-area', image.layers[0].descriptor.digest], new Uint8Array([1, 2, 3]));
    expect(await keysOf(name, 'staging')).toHaveLength(4);

    const reopened = await openIdbStore(name); // recovery runs on open
    expect((await keysOf(name, 'staging')).map((k) => (k as string[])[0])).not.toContain('dead-tab-area');
    expect(await keysOf(name, 'staging')).toHaveLength(3);
    tx.setRef('survivor', image.manifest.descriptor);
    await live.commit(tx);
    expect(await reopened.refs.get('survivor')).toEqual(image.manifest.descriptor);
    expect(await keysOf(name, 'staging')).toEqual([]);
    await live.close();
    await reopened.close();
  });

  it('a commit is one IndexedDB transaction: a failure inside it leaves blobs and refs as they were', async () => {
    const name = uniqueName('atomic');
    names.push(name);
    const store = await openIdbStore(name);
    const image = await testImage(['atomic layer']);
    const tx = store.begin();
    await putAll(tx, image.blobs);
    tx.setRef('atomic', image.manifest.descriptor);
    // Sabotage: a staged blob disappears between staging and commit (as if another tab's recovery raced it).
    const staged = (await keysOf(name, 'staging')) as [string, string][];
    const victim = staged.find(([, digest]) => digest === image.config.descriptor.digest)!;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve) => {
      const t = db.transaction('staging', 'readwrite');
      t.objectStore('staging').delete(victim);
      t.oncomplete = () => resolve();
    });
    db.close();
    await expect(store.commit(tx)).rejects.toMatchObject({ name: 'WasmboxError' });
    expect(await store.refs.list()).toEqual([]);
    expect(await store.usage()).toMatchObject({ blobs: 0 });
    expect(await keysOf(name, 'blobs')).toEqual([]);
    await store.close();
  });

  it('a Web Worker and the page commit into one database concurrently without losing a ref or leaving staging rows', async () => {
    const name = uniqueName('agents');
    names.push(name);
    expect(navigator.locks).toBeDefined();
    const page = await openIdbStore(name);
    const worker = new Worker(new URL('./store-race.worker.ts', import.meta.url), { type: 'module' });
    try {
      const done = new Promise<{ ok: boolean; error?: string }>((resolve) => (worker.onmessage = (e) => resolve(e.data)));
      worker.postMessage({ db: name, prefix: 'worker', count: 15 });
      await Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const image = await testImage([text('layer every image shares'), `page-${i}`], 'page');
          await inTransaction(page, async (tx) => {
            await putAll(tx, image.blobs);
            tx.setRef(`page:${i}`, image.manifest.descriptor);
          });
        }),
      );
      expect(await done).toEqual({ ok: true });
    } finally {
      worker.terminate();
    }
    const names30 = (await page.refs.list()).map((r) => r.name);
    expect(names30).toHaveLength(30);
    for (const p of ['page', 'worker']) for (let i = 0; i < 15; i++) expect(names30).toContain(`${p}:${i}`);
    expect(await page.usage()).toMatchObject({ blobs: 1 + 30 * 3, unreferencedBlobs: 0 });
    expect(await keysOf(name, 'staging')).toEqual([]);
    await page.close();
  });
});
