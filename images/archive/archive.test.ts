/**
 * save/load archives: round trip through a fresh store, determinism, Docker-only (legacy and skopeo-style symlinks)
 * and OCI-only inputs, gzip'd archives, and the hostile battery (each refused with a clear error, store unchanged).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isWasmboxError } from '../../shared/errors.ts';
import { digestHex, sha256Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { gzip, rawTar, type RawMember } from '../layer/test-kit.ts';
import { readTar } from '../layer/tar-reader.ts';
import { writeLayerTar, type LayerSourceEntry } from '../layer/write-layer.ts';
import type { ImageStore } from '../store/blob-store.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { writeArchive } from './archive-files.ts';
import { findImage } from './image-names.ts';
import { loadArchive, type LoadOptions } from './load-archive.ts';
import { saveArchive } from './save-archive.ts';
import { storeHelloImage } from './test-kit.ts';

const dec = new TextDecoder();
const enc = new TextEncoder();
const HELLO = 'docker.io/library/hello:latest';

function filesOf(tar: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const r of readTar(tar, { maxEntries: 1000, maxMetadataBytes: 1 << 20 })) {
    if (r.type === '0') out.set(r.name, tar.slice(r.dataOffset, r.dataOffset + r.size));
  }
  return out;
}

const jsonOf = (files: Map<string, Uint8Array>, name: string) => JSON.parse(dec.decode(files.get(name)!));

async function snapshot(store: ImageStore) {
  return { refs: await store.refs.list(), usage: await store.usage() };
}

async function savedHello(options: { gzip?: boolean } = {}) {
  const store = createMemoryStore();
  const image = await storeHelloImage(store, [HELLO, 'docker.io/library/hello:1.0'], options);
  const tar = await saveArchive(store, ['hello']);
  return { store, image, tar };
}

describe('saveArchive', () => {
  it('writes one tar that is an OCI layout and a Docker archive', async () => {
    const { image, tar } = await savedHello();
    const files = filesOf(tar);
    expect([...files.keys()].sort()).toEqual([
      `blobs/sha256/${digestHex(image.config.digest)}`,
      `blobs/sha256/${digestHex(image.layers[0].digest)}`,
      `blobs/sha256/${digestHex(image.manifest.digest)}`,
      'index.json', 'manifest.json', 'oci-layout', 'repositories',
    ].sort());
    expect(jsonOf(files, 'oci-layout')).toEqual({ imageLayoutVersion: '1.0.0' });
    expect(jsonOf(files, 'index.json').manifests).toEqual([{
      ...image.manifest,
      annotations: { 'io.containerd.image.name': HELLO, 'org.opencontainers.image.ref.name': 'latest' },
    }]);
    expect(jsonOf(files, 'manifest.json')).toEqual([{
      Config: `blobs/sha256/${digestHex(image.config.digest)}`,
      RepoTags: ['hello:latest'],
      Layers: [`blobs/sha256/${digestHex(image.layers[0].digest)}`],
    }]);
    expect(jsonOf(files, 'repositories')).toEqual({ hello: { latest: digestHex(image.layers[0].digest) } });
  });

  it('groups the names of one image and lists blobs shared by two images once', async () => {
    const store = createMemoryStore();
    const a = await storeHelloImage(store, [HELLO, 'docker.io/library/hello:1.0']);
    const b = await storeHelloImage(store, ['ghcr.io/o/app:2'], { extraLayer: 'hi' });
    const files = filesOf(await saveArchive(store, ['hello', 'hello:1.0', 'ghcr.io/o/app:2']));
    expect(jsonOf(files, 'manifest.json').map((m: { RepoTags: string[] }) => m.RepoTags)).toEqual([['hello:latest', 'hello:1.0'], ['ghcr.io/o/app:2']]);
    expect(jsonOf(files, 'index.json').manifests.map((m: { digest: string }) => m.digest)).toEqual([a.manifest.digest, a.manifest.digest, b.manifest.digest]);
    expect([...files.keys()].filter((k) => k.startsWith('blobs/'))).toHaveLength(6); // 2 manifests, 2 configs, layers 1 (shared) + 1
  });

  it('is deterministic', async () => {
    const one = await savedHello();
    const two = await savedHello();
    expect(await sha256Digest(one.tar)).toBe(await sha256Digest(two.tar));
  });

  it('refuses an unknown image with NotFound', async () => {
    const store = createMemoryStore();
    await expect(saveArchive(store, ['nope'])).rejects.toSatisfy((e) => isWasmboxError(e, 'NotFound'));
  });
});

describe('loadArchive', () => {
  for (const gz of [false, true]) {
    it(`round-trips our archive into a fresh store (${gz ? 'gzip layers, gzip archive' : 'plain'})`, async () => {
      const { store, image, tar } = await savedHello({ gzip: gz });
      const fresh = createMemoryStore();
      const result = await loadArchive(fresh, gz ? await gzip(tar) : tar);
      expect(result.loaded).toEqual([{ name: HELLO, id: image.manifest.digest }]);
      expect((await fresh.refs.get(HELLO))?.digest).toBe(image.manifest.digest);
      for (const d of [image.manifest, image.config, ...image.layers]) {
        expect(await fresh.blobs.get(d.digest)).toEqual(await store.blobs.get(d.digest));
      }
      // saving again from the loaded store gives the same bytes
      expect(await saveArchive(fresh, ['hello'])).toEqual(await saveArchive(store, ['hello']));
    });
  }

  describe('hashes each blob exactly once', () => {
    afterEach(() => vi.restoreAllMocks());

    /** Counts SHA-256 computations by their result, while `run` runs. */
    async function hashesDuring(run: () => Promise<unknown>): Promise<Map<string, number>> {
      const digest = crypto.subtle.digest.bind(crypto.subtle);
      const counts = new Map<string, number>();
      vi.spyOn(crypto.subtle, 'digest').mockImplementation(async (algorithm, data) => {
        const result = await digest(algorithm, data);
        const hex = `sha256:${Array.from(new Uint8Array(result), (b) => b.toString(16).padStart(2, '0')).join('')}`;
        counts.set(hex, (counts.get(hex) ?? 0) + 1);
        return result;
      });
      await run();
      vi.restoreAllMocks();
      return counts;
    }

    for (const gz of [false, true]) {
      it(`${gz ? 'gzip layers: blobs once, plus the uncompressed layer once' : 'plain layers: blobs once, no diff_id hash'}`, async () => {
        const { store, image, tar } = await savedHello({ gzip: gz });
        const diffId = JSON.parse(dec.decode(await store.blobs.get(image.config.digest))).rootfs.diff_ids[0];
        const counts = await hashesDuring(() => loadArchive(createMemoryStore(), tar));
        const expected = new Map([image.manifest, image.config, ...image.layers].map((d) => [d.digest as string, 1]));
        if (gz) expected.set(diffId, 1);
        else expect(diffId).toBe(image.layers[0].digest); // a plain layer's diff_id is its digest: hashed once, as the blob
        expect(counts).toEqual(expected);
      });
    }

    it('a Docker archive: each file once, the manifest written for it once', async () => {
      const { store, image, tar } = await savedHello({ gzip: true });
      const files = filesOf(tar);
      files.delete('index.json');
      const fresh = createMemoryStore();
      const counts = await hashesDuring(() => loadArchive(fresh, writeArchive(files)));
      const diffId = JSON.parse(dec.decode(await store.blobs.get(image.config.digest))).rootfs.diff_ids[0];
      const manifest = (await fresh.refs.get(HELLO))!.digest;
      expect(counts).toEqual(new Map([image.config.digest, image.layers[0].digest, diffId, manifest].map((d) => [d as string, 1])));
    });
  });

  it('loads an OCI-only archive (skopeo oci-archive:) and names images only by full references', async () => {
    const { image, tar } = await savedHello();
    const files = filesOf(tar);
    files.delete('manifest.json');
    files.delete('repositories');
    const index = jsonOf(files, 'index.json');
    index.manifests = [
      { ...image.manifest, annotations: { 'org.opencontainers.image.ref.name': 'latest' } },
      { ...image.manifest, annotations: { 'org.opencontainers.image.ref.name': 'ghcr.io/o/hello:2' } },
    ];
    delete index.mediaType;
    files.set('index.json', enc.encode(JSON.stringify(index)));
    const fresh = createMemoryStore();
    const result = await loadArchive(fresh, writeArchive(files));
    // the bare tag names no repository; the image is named by its other entry, so no untagged ref is kept
    expect(result.loaded).toEqual([{ name: 'ghcr.io/o/hello:2', id: image.manifest.digest }]);
    expect((await findImage(fresh.refs, image.manifest.digest.slice(7, 19))).names).toContain('ghcr.io/o/hello:2');
  });

  it('loads an untagged image so that it stays in the store', async () => {
    const { image, tar } = await savedHello();
    const files = filesOf(tar);
    files.delete('manifest.json');
    const index = jsonOf(files, 'index.json');
    index.manifests = [{ ...image.manifest }];
    files.set('index.json', enc.encode(JSON.stringify(index)));
    const fresh = createMemoryStore();
    expect((await loadArchive(fresh, writeArchive(files))).loaded).toEqual([{ id: image.manifest.digest }]);
    expect((await fresh.prune()).deleted).toEqual([]);
    expect(await fresh.refs.get(image.manifest.digest)).toMatchObject({ digest: image.manifest.digest });
  });

  it('loads a legacy docker-save archive (<id>/layer.tar, skopeo-style symlinks) as an OCI image', async () => {
    const { image, store } = await savedHello();
    const layer = await store.blobs.get(image.layers[0].digest);
    const config = await store.blobs.get(image.config.digest);
    const cfgHex = digestHex(image.config.digest);
    const diffHex = digestHex(image.layers[0].digest); // plain layer: digest = diff_id
    const entries: LayerSourceEntry[] = [
      { path: `${diffHex}.tar`, kind: 'file', mode: 0o644, mtimeSec: 0, data: layer },
      { path: 'v1id', kind: 'dir', mode: 0o755, mtimeSec: 0 },
      { path: 'v1id/layer.tar', kind: 'symlink', mode: 0o777, mtimeSec: 0, linkTarget: `../${diffHex}.tar` },
      { path: 'v1id/VERSION', kind: 'file', mode: 0o644, mtimeSec: 0, data: enc.encode('1.0') },
      { path: `${cfgHex}.json`, kind: 'file', mode: 0o644, mtimeSec: 0, data: config },
      { path: 'manifest.json', kind: 'file', mode: 0o644, mtimeSec: 0, data: enc.encode(JSON.stringify([{ Config: `${cfgHex}.json`, RepoTags: ['docker.io/library/hello:latest', 'other:1'], Layers: ['v1id/layer.tar'] }])) },
      { path: 'repositories', kind: 'file', mode: 0o644, mtimeSec: 0, data: enc.encode('{}') },
    ];
    const fresh = createMemoryStore();
    const result = await loadArchive(fresh, writeLayerTar(entries));
    const id = result.loaded[0].id;
    expect(result.loaded).toEqual([{ name: HELLO, id }, { name: 'docker.io/library/other:1', id }]);
    const manifest = JSON.parse(dec.decode(await fresh.blobs.get(id)));
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociManifest,
      config: { mediaType: MEDIA_TYPE.ociConfig, digest: image.config.digest, size: image.config.size },
      layers: [{ mediaType: MEDIA_TYPE.ociLayer, digest: image.layers[0].digest, size: image.layers[0].size }],
    });
  });
});

describe('loadArchive refuses hostile archives, writing nothing', () => {
  async function expectRefused(tar: Uint8Array | Promise<Uint8Array>, pattern: RegExp, options: LoadOptions = {}): Promise<void> {
    const store = createMemoryStore();
    await storeHelloImage(store, ['docker.io/library/before:1']);
    const before = await snapshot(store);
    const error = await loadArchive(store, await tar, options).then(() => undefined, (e: unknown) => e);
    expect(error, 'should be refused').toBeDefined();
    expect(isWasmboxError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(pattern);
    expect(await snapshot(store)).toEqual(before);
  }

  /** Our saved archive with its members changed, repacked raw (so hostile names survive). */
  async function tampered(change: (files: Map<string, Uint8Array>, image: Awaited<ReturnType<typeof savedHello>>['image']) => void | RawMember[]): Promise<Uint8Array> {
    const { tar, image } = await savedHello();
    const files = filesOf(tar);
    const extra = change(files, image) ?? [];
    return rawTar([...[...files].map(([name, data]) => ({ name, data })), ...extra]);
  }

  it('a name with ".."', () => expectRefused(tampered(() => [{ name: '../evil', data: 'x' }]), /"\.\." component/));
  it('an absolute name', () => expectRefused(tampered(() => [{ name: '/etc/evil', data: 'x' }]), /absolute path/));
  it('a duplicate name', () => expectRefused(tampered(() => [{ name: './index.json', data: '{}' }]), /second time/));
  it('a device node', () => expectRefused(tampered(() => [{ name: 'dev', type: '3' }]), /device or FIFO/));
  it('manifest.json pointing outside the archive', () =>
    expectRefused(tampered((files) => {
      files.delete('index.json');
      files.set('manifest.json', enc.encode('[{"Config":"../../etc/passwd","RepoTags":[],"Layers":[]}]'));
    }), /"\.\." component/));
  it('manifest.json pointing at a missing file', () =>
    expectRefused(tampered((files, image) => {
      files.delete('index.json');
      files.set('manifest.json', enc.encode(JSON.stringify([{ Config: `blobs/sha256/${digestHex(image.config.digest)}`, RepoTags: ['x:1'], Layers: ['nope/layer.tar'] }])));
    }), /missing from the archive/));
  it('a symlink leaving the archive', () =>
    expectRefused(tampered((files) => {
      files.delete('index.json');
      files.set('manifest.json', enc.encode('[{"Config":"c.json","RepoTags":[],"Layers":[]}]'));
      return [{ name: 'c.json', type: '2', linkName: '../../outside.json' }];
    }), /points outside the archive/));
  it('malformed manifest.json', () =>
    expectRefused(tampered((files) => {
      files.delete('index.json');
      files.set('manifest.json', enc.encode('[{"Config":'));
    }), /manifest\.json: malformed JSON/));
  it('malformed index.json', () => expectRefused(tampered((files) => void files.set('index.json', enc.encode('{"manifests": [}'))), /index\.json/));
  it('a blob whose bytes do not match its digest (naming the member and both digests)', async () => {
    const { image } = await savedHello();
    const hex = digestHex(image.config.digest);
    await expectRefused(tampered((files) => {
      const bytes = files.get(`blobs/sha256/${hex}`)!;
      bytes[bytes.length - 2] ^= 1;
    }), new RegExp(`-> config: digest mismatch: blobs/sha256/${hex} hashes to sha256:[0-9a-f]{64}, expected sha256:${hex}$`));
  });
  it('a Docker archive file whose bytes do not match the digest its name states', async () => {
    const { image } = await savedHello();
    const hex = digestHex(image.layers[0].digest);
    await expectRefused(tampered((files) => {
      files.delete('index.json');
      const bytes = files.get(`blobs/sha256/${hex}`)!;
      bytes[100] ^= 1;
    }), new RegExp(`manifest\\.json\\[0\\]\\.Layers\\[0\\]: digest mismatch: blobs/sha256/${hex} hashes to sha256:[0-9a-f]{64}, expected sha256:${hex}$`));
  });
  it('a descriptor declaring a huge size', () =>
    expectRefused(tampered((files) => {
      const index = jsonOf(files, 'index.json');
      index.manifests[0].size = 2 ** 52;
      files.set('index.json', enc.encode(JSON.stringify(index)));
    }), /descriptor says 4503599627370496 bytes/));
  it('a tar header declaring a huge size', () =>
    expectRefused(tampered(() => [{ name: 'big', data: 'x', size: 2 ** 33 - 1 }]), /runs past the end/));
  it('a manifest pointing at a missing blob', () =>
    expectRefused(tampered((files, image) => void files.delete(`blobs/sha256/${digestHex(image.layers[0].digest)}`)), /missing from the archive/));
  it('a layer whose diff_id does not match the config', () =>
    expectRefused((async () => {
      const store = createMemoryStore();
      const image = await storeHelloImage(store, [HELLO]);
      const files = filesOf(await saveArchive(store, ['hello']));
      files.delete('index.json');
      const config = jsonOf(files, `blobs/sha256/${digestHex(image.config.digest)}`);
      config.rootfs.diff_ids = [`sha256:${'0'.repeat(64)}`];
      const configBytes = enc.encode(JSON.stringify(config));
      files.set('c.json', configBytes);
      files.set('manifest.json', enc.encode(JSON.stringify([{ Config: 'c.json', RepoTags: ['x:1'], Layers: [`blobs/sha256/${digestHex(image.layers[0].digest)}`] }])));
      return writeArchive(files);
    })(), /diff_id/));
  it('a layer with a ".." entry inside', () =>
    expectRefused((async () => {
      const layer = rawTar([{ name: '../../etc/passwd', data: 'root' }]);
      const config = enc.encode(JSON.stringify({ architecture: 'wasm', os: 'wasi', rootfs: { type: 'layers', diff_ids: [await sha256Digest(layer)] } }));
      return writeArchive(new Map([['l.tar', layer], ['c.json', config], ['manifest.json', enc.encode('[{"Config":"c.json","Layers":["l.tar"]}]')]]));
    })(), /"\.\." component/));
  it('a gzip bomb (expansion bounded by maxArchiveBytes)', () => expectRefused(gzip(new Uint8Array(64 << 20)), /limit/, { maxArchiveBytes: 1 << 20 }));
  it('a truncated archive', () => expectRefused(savedHello().then(({ tar }) => tar.subarray(0, tar.length - 2048 + 100)), /truncated/));
  it('neither index.json nor manifest.json', () => expectRefused(writeArchive(new Map([['x', enc.encode('x')]])), /not an image archive/));
  it('an invalid RepoTag', () =>
    expectRefused(tampered((files, image) => {
      files.delete('index.json');
      files.set('manifest.json', enc.encode(JSON.stringify([{ Config: `blobs/sha256/${digestHex(image.config.digest)}`, RepoTags: ['UPPER/Case:1'], Layers: [`blobs/sha256/${digestHex(image.layers[0].digest)}`] }])));
    }), /invalid reference format/));
});

