/**
 * store blob-store.suite: the one contract every `ImageStore` backend passes (containerd's ContentSuite habit).
 * A backend's test calls `blobStoreSuite(name, makeFixture)`; the fixture opens stores on one shared storage (two
 * opens = two processes sharing a disk store or a database) and reports backend leftovers (`residue`) that must
 * never survive a commit, an abort or a failed import. Platform-neutral: runs in Node and in Chromium.
 * Errors are checked by `kind`, never by message.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import { type Digest, sha256Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { type BuildCacheRecord, type ImageStore, inTransaction, REF_NAME_ANNOTATION } from './blob-store.ts';
import type { StoreOptions } from './store-core.ts';
import { type Blob, jsonBlob, putAll, testImage, testIndex, text } from './test-kit.ts';

export interface StoreFixture {
  /** A new store instance on the fixture's storage. */
  open(options?: StoreOptions): Promise<ImageStore>;
  /** Backend leftovers (temp files, staging areas); [] when clean. */
  residue(): Promise<string[]>;
  cleanup(): Promise<void>;
}

async function expectKind(promise: Promise<unknown>, kind: ErrorKind): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'WasmboxError', kind });
}

async function present(store: ImageStore, blobs: Blob[]): Promise<boolean[]> {
  return Promise.all(blobs.map((b) => store.blobs.has(b.descriptor.digest)));
}

/** A build cache record for `layer` under a key made from `label`. */
async function cacheRecord(label: string, layer: Blob): Promise<BuildCacheRecord> {
  return { key: await sha256Digest(text(`key ${label}`)), layer: layer.descriptor, diffId: layer.descriptor.digest };
}

async function importImage(store: ImageStore, name: string, blobs: Blob[], root: Descriptor): Promise<void> {
  await inTransaction(store, async (tx) => {
    await putAll(tx, blobs);
    tx.setRef(name, root);
  });
}

export function blobStoreSuite(name: string, makeFixture: () => Promise<StoreFixture>): void {
  describe(`image store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: ImageStore;
    const opened: ImageStore[] = [];
    const open = async (options?: StoreOptions) => {
      const s = await fixture.open(options);
      opened.push(s);
      return s;
    };

    beforeEach(async () => {
      fixture = await makeFixture();
      store = await open();
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await fixture.cleanup();
    });

    describe('blobs', () => {
      it('puts, reads back and sizes a blob by its sha256', async () => {
        const bytes = text('hello blob');
        const info = await store.blobs.put(bytes);
        expect(info).toEqual({ digest: await sha256Digest(bytes), size: bytes.byteLength });
        expect(await store.blobs.has(info.digest)).toBe(true);
        expect(await store.blobs.get(info.digest)).toEqual(bytes);
        expect(await store.blobs.size(info.digest)).toBe(bytes.byteLength);
      });

      it('owns its bytes: neither the caller’s buffer nor a returned one can change a blob', async () => {
        const bytes = text('mutable');
        const info = await store.blobs.put(bytes, { digest: await sha256Digest(bytes) });
        bytes[0] = 0x21;
        const got = await store.blobs.get(info.digest);
        got[1] = 0x21;
        expect(await store.blobs.get(info.digest)).toEqual(text('mutable'));
      });

      it('accepts an empty blob', async () => {
        const info = await store.blobs.put(new Uint8Array(0));
        expect(await store.blobs.get(info.digest)).toEqual(new Uint8Array(0));
      });

      it('answers NotFound for a missing blob and InvalidArgument for a malformed digest', async () => {
        const absent = await sha256Digest(text('never stored'));
        expect(await store.blobs.has(absent)).toBe(false);
        await expectKind(store.blobs.get(absent), 'NotFound');
        await expectKind(store.blobs.size(absent), 'NotFound');
        for (const bad of ['sha256:../../etc/passwd', 'sha512:' + 'a'.repeat(128), 'sha256:' + 'A'.repeat(64), '']) {
          await expectKind(store.blobs.get(bad as Digest), 'InvalidArgument');
          await expectKind(store.blobs.has(bad as Digest), 'InvalidArgument');
          await expectKind(store.blobs.put(text('x'), { digest: bad as Digest }), 'InvalidArgument');
        }
      });

      it('rejects a digest mismatch and leaves nothing visible', async () => {
        const bytes = text('real content');
        const claimed = await sha256Digest(text('claimed content'));
        await expectKind(store.blobs.put(bytes, { digest: claimed }), 'InvalidArgument');
        expect(await store.blobs.has(claimed)).toBe(false);
        expect(await store.blobs.has(await sha256Digest(bytes))).toBe(false);
        expect((await store.usage()).blobs).toBe(0);
        expect(await fixture.residue()).toEqual([]);
      });

      it('rejects a size mismatch and leaves nothing visible', async () => {
        const bytes = text('twelve bytes');
        const digest = await sha256Digest(bytes);
        await expectKind(store.blobs.put(bytes, { digest, size: 13 }), 'InvalidArgument');
        expect(await store.blobs.has(digest)).toBe(false);
        expect(await fixture.residue()).toEqual([]);
      });

      it('makes putting the same blob again a no-op', async () => {
        const bytes = text('same');
        const a = await store.blobs.put(bytes);
        const b = await store.blobs.put(bytes, a);
        const c = await Promise.all([store.blobs.put(bytes), store.blobs.put(bytes)]);
        expect(b).toEqual(a);
        expect(c).toEqual([a, a]);
        expect(await store.usage()).toMatchObject({ blobs: 1, bytes: bytes.byteLength });
      });
    });

    describe('refs', () => {
      it('tags, lists (sorted), reads and untags', async () => {
        const image = await testImage(['layer one']);
        await importImage(store, 'wasi/hello:1.0', image.blobs, image.manifest.descriptor);
        await store.refs.set('hello', image.manifest.descriptor);
        await store.refs.set('docker.io/library/hello:latest', image.manifest.descriptor);
        expect((await store.refs.list()).map((r) => r.name)).toEqual(['docker.io/library/hello:latest', 'hello', 'wasi/hello:1.0']);
        expect(await store.refs.get('hello')).toEqual(image.manifest.descriptor);
        expect(await store.refs.delete('hello')).toBe(true);
        expect(await store.refs.delete('hello')).toBe(false);
        expect(await store.refs.get('hello')).toBeUndefined();
        expect(await store.blobs.has(image.manifest.descriptor.digest)).toBe(true); // untag keeps blobs
      });

      it('keeps descriptor annotations and platform but never shows the ref-name annotation', async () => {
        const image = await testImage(['annotated']);
        const root: Descriptor = {
          ...image.manifest.descriptor,
          platform: { os: 'wasi', architecture: 'wasm' },
          annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z', [REF_NAME_ANNOTATION]: 'bogus' },
        };
        await importImage(store, 'annotated:v1', image.blobs, root);
        expect(await store.refs.get('annotated:v1')).toEqual({
          ...image.manifest.descriptor,
          platform: { os: 'wasi', architecture: 'wasm' },
          annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
        });
      });

      it('moves a tag to another image', async () => {
        const a = await testImage(['a']);
        const b = await testImage(['b']);
        await importImage(store, 'app:latest', a.blobs, a.manifest.descriptor);
        await importImage(store, 'app:latest', b.blobs, b.manifest.descriptor);
        expect((await store.refs.get('app:latest'))?.digest).toBe(b.manifest.descriptor.digest);
        expect(await store.refs.list()).toHaveLength(1);
      });

      it('refuses a tag on a missing or mis-sized blob, changing nothing', async () => {
        const image = await testImage(['orphan']);
        await expectKind(store.refs.set('x', image.manifest.descriptor), 'FailedPrecondition');
        await putAll(store.blobs, image.blobs);
        await expectKind(store.refs.set('x', { ...image.manifest.descriptor, size: 1 }), 'FailedPrecondition');
        expect(await store.refs.list()).toEqual([]);
      });

      it('refuses names skopeo could not address, and malformed descriptors', async () => {
        const image = await testImage(['names']);
        await putAll(store.blobs, image.blobs);
        for (const bad of ['', 'a b', '../x', '/abs', 'x/', '-x', 'x//y', 'x:', 'caf\u00e9', 'a\nb']) {
          await expectKind(store.refs.set(bad, image.manifest.descriptor), 'InvalidArgument');
        }
        for (const good of ['A', 'wasi/hello:1.0', 'localhost:5000/a/b:c', 'x@sha256:abc', 'a--b', 'a+b_c.d']) {
          await store.refs.set(good, image.manifest.descriptor);
        }
        const d = image.manifest.descriptor;
        for (const bad of [{ ...d, digest: 'sha256:nope' }, { ...d, size: -1 }, { ...d, mediaType: '' }, { ...d, annotations: { a: 1 } }]) {
          await expectKind(store.refs.set('y', bad as unknown as Descriptor), 'InvalidArgument');
        }
      });
    });

    describe('transactions', () => {
      it('keeps staged blobs and ref changes invisible until commit, then shows all of them', async () => {
        const image = await testImage(['staged layer']);
        const tx = store.begin();
        await putAll(tx, image.blobs);
        tx.setRef('staged:1', image.manifest.descriptor);
        expect(await tx.has(image.manifest.descriptor.digest)).toBe(true);
        expect(await tx.get(image.config.descriptor.digest)).toEqual(image.config.bytes);
        expect(await present(store, image.blobs)).toEqual([false, false, false]);
        expect(await store.refs.get('staged:1')).toBeUndefined();
        expect((await store.usage()).blobs).toBe(0);

        const result = await store.commit(tx);
        expect(result.added.sort()).toEqual(image.blobs.map((b) => b.descriptor.digest).sort());
        expect(result.refs).toEqual([{ name: 'staged:1', previous: undefined, current: image.manifest.descriptor }]);
        expect(tx.state).toBe('committed');
        expect(await present(store, image.blobs)).toEqual([true, true, true]);
        expect(await store.refs.get('staged:1')).toEqual(image.manifest.descriptor);
        expect(await fixture.residue()).toEqual([]);
        await expectKind(store.commit(tx), 'FailedPrecondition');
        expect(() => tx.setRef('again', image.manifest.descriptor)).toThrow(expect.objectContaining({ kind: 'FailedPrecondition' }));
      });

      it('abort leaves no trace', async () => {
        const image = await testImage(['aborted layer']);
        const tx = store.begin();
        await putAll(tx, image.blobs);
        tx.setRef('aborted', image.manifest.descriptor);
        await tx.abort();
        await tx.abort();
        expect(tx.state).toBe('aborted');
        expect(await present(store, image.blobs)).toEqual([false, false, false]);
        expect(await store.refs.list()).toEqual([]);
        expect(await store.usage()).toEqual({ blobs: 0, bytes: 0, unreferencedBlobs: 0, unreferencedBytes: 0 });
        expect(await fixture.residue()).toEqual([]);
        await expectKind(tx.put(text('late')), 'FailedPrecondition');
        await expectKind(store.commit(tx), 'FailedPrecondition');
      });

      it('inTransaction aborts when the import throws', async () => {
        const image = await testImage(['thrown']);
        const boom = new Error('download failed');
        await expect(
          inTransaction(store, async (tx) => {
            await putAll(tx, image.blobs.slice(0, 2));
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await present(store, image.blobs)).toEqual([false, false, false]);
        expect(await fixture.residue()).toEqual([]);
      });

      it('a failed commit (a manifest pointing at a missing blob) leaves the store exactly as before', async () => {
        const kept = await testImage(['kept']);
        await importImage(store, 'kept', kept.blobs, kept.manifest.descriptor);
        const before = { refs: await store.refs.list(), usage: await store.usage() };

        const broken = await testImage(['missing layer', 'present layer']);
        const tx = store.begin();
        await putAll(tx, broken.blobs.slice(1)); // everything but the first layer
        tx.setRef('kept', broken.manifest.descriptor); // would retag an existing name
        tx.setRef('broken', broken.manifest.descriptor);
        await expectKind(store.commit(tx), 'FailedPrecondition');
        expect(tx.state).toBe('aborted');

        expect({ refs: await store.refs.list(), usage: await store.usage() }).toEqual(before);
        expect(await present(store, broken.blobs.slice(1))).toEqual([false, false, false]);
        expect(await fixture.residue()).toEqual([]);
      });

      it('rejects a malformed manifest at commit (hostile input), writing nothing', async () => {
        const bad = await jsonBlob({ schemaVersion: 2, config: { digest: 'sha256:../../x', size: 1, mediaType: 'x' }, layers: [] }, MEDIA_TYPE.ociManifest);
        const notJson = { bytes: text('{ nope'), descriptor: { ...bad.descriptor } };
        notJson.descriptor = { mediaType: MEDIA_TYPE.ociManifest, digest: await sha256Digest(notJson.bytes), size: notJson.bytes.byteLength };
        for (const b of [bad, notJson]) {
          const tx = store.begin();
          await tx.put(b.bytes, b.descriptor);
          tx.setRef('hostile', b.descriptor);
          await expectKind(store.commit(tx), 'InvalidArgument');
        }
        expect(await store.usage()).toMatchObject({ blobs: 0 });
        expect(await fixture.residue()).toEqual([]);
      });

      it('tolerates index entries for platforms that were not pulled', async () => {
        const wasi = await testImage(['wasi layer']);
        const linux = await testImage(['linux layer']);
        const index = await testIndex([
          { manifest: wasi.manifest, os: 'wasi', architecture: 'wasm' },
          { manifest: linux.manifest, os: 'linux', architecture: 'amd64' },
        ]);
        await importImage(store, 'multi:1', [...wasi.blobs, index], index.descriptor);
        expect(await store.refs.get('multi:1')).toEqual(index.descriptor);
        expect((await store.prune()).deleted).toEqual([]);
      });

      it('stages each blob once however often it is put, and reads staged bytes back', async () => {
        const image = await testImage(['dup']);
        const tx = store.begin();
        await Promise.all([tx.put(image.layers[0].bytes), tx.put(image.layers[0].bytes), tx.put(image.layers[0].bytes)]);
        await putAll(tx, image.blobs);
        tx.setRef('dup', image.manifest.descriptor);
        const result = await store.commit(tx);
        expect(result.added).toHaveLength(3);
        expect(await fixture.residue()).toEqual([]);
      });

      it('commits ref deletions with additions, all or nothing', async () => {
        const a = await testImage(['a']);
        const b = await testImage(['b']);
        await importImage(store, 'a', a.blobs, a.manifest.descriptor);
        const tx = store.begin();
        await putAll(tx, b.blobs);
        tx.deleteRef('a');
        tx.setRef('b', b.manifest.descriptor);
        const result = await store.commit(tx);
        expect(result.refs).toEqual([
          { name: 'a', previous: a.manifest.descriptor, current: undefined },
          { name: 'b', previous: undefined, current: b.manifest.descriptor },
        ]);
        expect((await store.refs.list()).map((r) => r.name)).toEqual(['b']);
      });

      it('does not accept another store’s transaction', async () => {
        const other = await open();
        await expectKind(other.commit(store.begin()), 'InvalidArgument');
      });
    });

    describe('accounting and garbage collection', () => {
      it('counts a blob shared by two images once', async () => {
        const shared = new Uint8Array(10_000).fill(7);
        const a = await testImage([shared, 'a only'], 'a');
        const b = await testImage([shared, 'b only'], 'b');
        await importImage(store, 'a', a.blobs, a.manifest.descriptor);
        await importImage(store, 'b', b.blobs, b.manifest.descriptor);
        const unique = new Map([...a.blobs, ...b.blobs].map((x) => [x.descriptor.digest, x.bytes.byteLength]));
        const bytes = [...unique.values()].reduce((s, n) => s + n, 0);
        expect(await store.usage()).toEqual({ blobs: 7, bytes, unreferencedBlobs: 0, unreferencedBytes: 0 });
      });

      it('prune keeps what refs reach and deletes the rest', async () => {
        const shared = text('shared layer');
        const a = await testImage([shared, 'a only'], 'a');
        const b = await testImage([shared, 'b only'], 'b');
        await importImage(store, 'a', a.blobs, a.manifest.descriptor);
        await importImage(store, 'b', b.blobs, b.manifest.descriptor);
        const stray = await store.blobs.put(text('nobody points here'));
        expect(await store.usage()).toMatchObject({ unreferencedBlobs: 1, unreferencedBytes: stray.size });

        expect(await store.prune()).toEqual({ deleted: [stray.digest], bytes: stray.size, cacheRecords: [] });
        expect(await store.refs.delete('a')).toBe(true);
        const pruned = await store.prune();
        const aOnly = [a.layers[1], a.config, a.manifest].map((x) => x.descriptor.digest).sort();
        expect(pruned.deleted).toEqual(aOnly);
        expect(await present(store, b.blobs)).toEqual([true, true, true, true]);
        expect((await store.prune()).deleted).toEqual([]);
      });

      it('remove untags and deletes only what no other ref reaches', async () => {
        const shared = text('shared');
        const a = await testImage([shared, 'a'], 'a');
        const b = await testImage([shared, 'b'], 'b');
        await importImage(store, 'a', a.blobs, a.manifest.descriptor);
        await importImage(store, 'b', b.blobs, b.manifest.descriptor);
        await store.refs.set('a-alias', a.manifest.descriptor);

        const first = await store.remove('a');
        expect(first).toMatchObject({ name: 'a', descriptor: a.manifest.descriptor, deleted: [], bytes: 0 });
        const second = await store.remove('a-alias');
        expect(second.deleted).toEqual([a.layers[1], a.config, a.manifest].map((x) => x.descriptor.digest).sort());
        expect(await present(store, b.blobs)).toEqual([true, true, true, true]);
        await expectKind(store.remove('a'), 'NotFound');
      });

      it('uses the caller’s children function for reachability', async () => {
        // An artifact whose manifest links a blob through a field the default walk does not know.
        const extra = await jsonBlob({ note: 'linked by a custom field' }, 'application/vnd.example.note+json');
        const root = await jsonBlob({ custom: extra.descriptor }, 'application/vnd.example.root+json');
        const children = (d: Descriptor, bytes: Uint8Array) =>
          d.mediaType === root.descriptor.mediaType ? [JSON.parse(new TextDecoder().decode(bytes)).custom as Descriptor] : [];
        const custom = await open({ children });
        await importImage(custom, 'custom', [extra, root], root.descriptor);
        expect((await custom.prune()).deleted).toEqual([]);
        expect((await store.prune()).deleted).toEqual([extra.descriptor.digest]);
      });

      it('never sees another instance’s staged blobs', async () => {
        const other = await open();
        const image = await testImage(['in flight']);
        const tx = store.begin();
        await putAll(tx, image.blobs);
        expect(await other.usage()).toMatchObject({ blobs: 0 });
        expect((await other.prune()).deleted).toEqual([]);
        tx.setRef('in-flight', image.manifest.descriptor);
        await store.commit(tx);
        expect(await present(other, image.blobs)).toEqual([true, true, true]);
      });

      it('a commit relying on a blob that another instance pruned meanwhile fails cleanly', async () => {
        const other = await open();
        const image = await testImage(['relied on']);
        await importImage(store, 'old', image.blobs, image.manifest.descriptor);
        await store.refs.delete('old');
        const tx = store.begin();
        expect(await tx.has(image.layers[0].descriptor.digest)).toBe(true); // a puller would skip downloading it
        await tx.put(image.config.bytes);
        await tx.put(image.manifest.bytes);
        tx.setRef('new', image.manifest.descriptor);
        await other.prune();
        await expectKind(store.commit(tx), 'FailedPrecondition');
        expect(await store.refs.list()).toEqual([]);
        expect(await fixture.residue()).toEqual([]);
      });
    });

    describe('build cache records', () => {
      it('commit with the transaction: invisible before, then listed and found by another instance', async () => {
        const image = await testImage(['cached layer']);
        const record = await cacheRecord('one', image.layers[0]);
        const tx = store.begin();
        await putAll(tx, image.blobs);
        tx.setRef('built', image.manifest.descriptor);
        tx.setCacheRecord(record);
        expect(await store.cache.get(record.key)).toBeUndefined();
        await store.commit(tx);
        const other = await open();
        expect(await other.cache.get(record.key)).toEqual(record);
        expect(await other.cache.list()).toEqual([record]);
        expect(await other.cache.get(await sha256Digest(text('no such key')))).toBeUndefined();
      });

      it('a record alone keeps its layer; setting a key again replaces the record', async () => {
        const a = await testImage(['layer a']);
        const b = await testImage(['layer b']);
        const first = await cacheRecord('k', a.layers[0]);
        await inTransaction(store, async (tx) => {
          await putAll(tx, a.layers);
          tx.setCacheRecord(first);
        });
        expect(await store.blobs.has(a.layers[0].descriptor.digest)).toBe(true);
        const second = { ...(await cacheRecord('k', b.layers[0])) };
        await inTransaction(store, async (tx) => {
          await putAll(tx, b.layers);
          tx.setCacheRecord(second);
        });
        expect(await store.cache.list()).toEqual([second]);
      });

      it('abort and a failed commit leave the records as before; a record for a missing layer fails the commit', async () => {
        const image = await testImage(['kept layer']);
        const kept = await cacheRecord('kept', image.layers[0]);
        await importImage(store, 'kept', image.blobs, image.manifest.descriptor);
        await inTransaction(store, async (tx) => tx.setCacheRecord(kept));

        const aborted = store.begin();
        aborted.setCacheRecord(await cacheRecord('aborted', image.layers[0]));
        await aborted.abort();

        const missing = await testImage(['never stored']);
        const tx = store.begin();
        tx.setCacheRecord(await cacheRecord('missing', missing.layers[0]));
        tx.setRef('kept', image.manifest.descriptor);
        await expectKind(store.commit(tx), 'FailedPrecondition');

        const wrongSize = store.begin();
        wrongSize.setCacheRecord({ ...kept, key: await sha256Digest(text('wrong size')), layer: { ...kept.layer, size: kept.layer.size + 1 } });
        await expectKind(store.commit(wrongSize), 'FailedPrecondition');
        expect(await store.cache.list()).toEqual([kept]);
        expect(await fixture.residue()).toEqual([]);
      });

      it('refuses a malformed record', async () => {
        const image = await testImage(['x']);
        const good = await cacheRecord('x', image.layers[0]);
        const tx = store.begin();
        for (const bad of [{ ...good, key: 'sha256:nope' }, { ...good, diffId: 7 }, { ...good, layer: { ...good.layer, size: -1 } }, null]) {
          expect(() => tx.setCacheRecord(bad as unknown as BuildCacheRecord)).toThrow(expect.objectContaining({ kind: 'InvalidArgument' }));
        }
        await tx.abort();
      });

      it('remove keeps a layer a record points at; prune drops the record with its blob, and keeps records of layers images use', async () => {
        const shared = text('layer of both');
        const gone = await testImage([shared, 'only in the removed image'], 'gone');
        const stays = await testImage([shared], 'stays');
        const sharedRecord = await cacheRecord('shared', gone.layers[0]);
        const ownRecord = await cacheRecord('own', gone.layers[1]);
        await inTransaction(store, async (tx) => {
          await putAll(tx, gone.blobs);
          tx.setRef('gone', gone.manifest.descriptor);
          tx.setCacheRecord(sharedRecord);
          tx.setCacheRecord(ownRecord);
        });
        await importImage(store, 'stays', stays.blobs, stays.manifest.descriptor);

        const removed = await store.remove('gone');
        expect(removed.deleted).toEqual([gone.config, gone.manifest].map((b) => b.descriptor.digest).sort());
        expect(await store.blobs.has(gone.layers[1].descriptor.digest)).toBe(true); // its record keeps it
        expect(await store.usage()).toMatchObject({ unreferencedBlobs: 1, unreferencedBytes: gone.layers[1].bytes.byteLength });

        const pruned = await store.prune();
        expect(pruned).toEqual({ deleted: [gone.layers[1].descriptor.digest], bytes: gone.layers[1].bytes.byteLength, cacheRecords: [ownRecord.key] });
        expect(await store.cache.list()).toEqual([sharedRecord]);
        expect(await (await open()).cache.list()).toEqual([sharedRecord]);
        expect((await store.prune()).cacheRecords).toEqual([]);
      });
    });

    describe('two instances on one storage', () => {
      it('racing commits lose no ref', async () => {
        const other = await open();
        const shared = text('layer every image shares');
        const work = (s: ImageStore, prefix: string) =>
          Promise.all(
            Array.from({ length: 12 }, async (_, i) => {
              const image = await testImage([shared, `${prefix}-${i}`], prefix);
              await importImage(s, `${prefix}:${i}`, image.blobs, image.manifest.descriptor);
            }),
          );
        await Promise.all([work(store, 'one'), work(other, 'two'), work(store, 'three')]);
        const third = await open();
        const names = (await third.refs.list()).map((r) => r.name);
        expect(names).toHaveLength(36);
        for (const p of ['one', 'two', 'three']) for (let i = 0; i < 12; i++) expect(names).toContain(`${p}:${i}`);
        expect(await third.usage()).toMatchObject({ blobs: 1 + 36 * 3, unreferencedBlobs: 0 });
        expect(await fixture.residue()).toEqual([]);
      });

      it('racing updates of one tag leave it on one of the candidates', async () => {
        const other = await open();
        const images = await Promise.all(Array.from({ length: 8 }, (_, i) => testImage([`candidate ${i}`])));
        for (const image of images) await putAll(store.blobs, image.blobs);
        await Promise.all(images.map((image, i) => (i % 2 ? store : other).refs.set('contested:latest', image.manifest.descriptor)));
        const winner = await store.refs.get('contested:latest');
        expect(images.map((i) => i.manifest.descriptor.digest)).toContain(winner?.digest);
        expect(await other.refs.get('contested:latest')).toEqual(winner);
      });
    });

    it('refuses use after close', async () => {
      const s = await open();
      await s.close();
      await expectKind(s.refs.list(), 'FailedPrecondition');
      expect(() => s.begin()).toThrow(expect.objectContaining({ kind: 'FailedPrecondition' }));
    });
  });
}
