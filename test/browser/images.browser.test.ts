/**
 * Images in the browser, end to end: a wasi/wasm image built IN the page (a layer written by writeLayer from the
 * hello fixture, config with Entrypoint ["/hello.wasm"], an OCI manifest, all committed in one store transaction)
 * into the IndexedDB store, run from there in a Web Worker, and still there for a second engine on the database.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readText } from '../helpers/streams.ts';
import { createEngine, deleteIdbStore, openIdbStore, storeName } from '../../runtime/platform/entry.browser.ts';
import { storeHelloImage } from '../../images/archive/test-kit.ts';
import { saveArchive } from '../../images/archive/save-archive.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import helloUrl from '../../.cache/fixtures/hello.wasm?url';

const DB = `wasmbox-test-images-${Date.now()}-${Math.random().toString(36).slice(2)}`;
afterAll(() => deleteIdbStore(DB));


describe('images in Chromium (IndexedDB store)', () => {
  it('builds an image in the page, runs it from the store in a Web Worker, and keeps it for the next engine', async () => {
    const wasm = new Uint8Array(await (await fetch(helloUrl)).arrayBuffer());
    const store = await openIdbStore(DB);
    const built = await storeHelloImage(store, [storeName('hello')], { wasm, gzip: true });
    await store.close();

    const engine = createEngine({ warmWorkers: 0, store: () => openIdbStore(DB) });
    try {
      const proc = await engine.run({ image: 'hello' });
      const [status, out] = await Promise.all([proc.exited, readText(proc.stdout)]);
      expect(status).toEqual({ code: 0, reason: 'exit', message: '' });
      expect(out).toBe('hello from wasm\n');
    } finally {
      await engine.close();
    }

    const second = createEngine({ warmWorkers: 0, store: () => openIdbStore(DB) });
    try {
      const list = await second.images.list();
      expect(list).toEqual([
        expect.objectContaining({ name: 'docker.io/library/hello:latest', repository: 'hello', tag: 'latest', configDigest: built.config.digest }),
      ]);
      const handle = await second.images.resolve('hello');
      expect(handle.root.digest).toBe(built.manifest.digest);
      const again = await second.run({ image: 'hello:latest' });
      const [status, out] = await Promise.all([again.exited, readText(again.stdout)]);
      expect(status.code).toBe(0);
      expect(out).toBe('hello from wasm\n');
    } finally {
      await second.close();
    }
  });

  it('loads an image from a dropped File (Blob) and from a URL, then runs it', async () => {
    const wasm = new Uint8Array(await (await fetch(helloUrl)).arrayBuffer());
    const source = createMemoryStore();
    await storeHelloImage(source, [storeName('dropped:1')], { wasm, gzip: true });
    const tar = await saveArchive(source, ['dropped:1']);
    const engine = createEngine({ warmWorkers: 0, store: createMemoryStore() });
    try {
      const file = new File([tar as Uint8Array<ArrayBuffer>], 'dropped.tar', { type: 'application/x-tar' });
      expect((await engine.images.load(file)).loaded).toEqual([expect.objectContaining({ name: 'docker.io/library/dropped:1' })]);
      const proc = await engine.run({ image: 'dropped:1' });
      expect(await readText(proc.stdout)).toBe('hello from wasm\n');
      const url = URL.createObjectURL(file);
      try {
        expect((await engine.images.load(new URL(url))).loaded).toHaveLength(1);
      } finally {
        URL.revokeObjectURL(url);
      }
      await expect(engine.images.load(new URL('/no/such/image.tar', location.href))).rejects.toThrow(/HTTP 404/);
    } finally {
      await engine.close();
    }
  });

  it('the default browser engine store is IndexedDB (database "wasmbox"), opened lazily', async () => {
    const engine = createEngine({ warmWorkers: 0 });
    try {
      const store = await engine.images.store();
      expect(await store.refs.list()).toBeInstanceOf(Array);
      const dbs = await indexedDB.databases();
      expect(dbs.map((d) => d.name)).toContain('wasmbox');
    } finally {
      await engine.close();
      await deleteIdbStore('wasmbox');
    }
  });
});
