import { describe, expect, it } from 'vitest';
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from './descriptor.ts';
import { ImageFormatError } from './image-format-error.ts';
import { MEDIA_TYPE } from './media-types.ts';
import { fakeDigest, json, MemoryBlobSource, putImage, putIndex, wasiConfig } from './oci-fixtures.test-util.ts';
import { UnsupportedPlatformError } from './platform.ts';
import { resolveImage, RESOLVE_LIMITS } from './resolve-image.ts';

const wasi = { os: 'wasi', architecture: 'wasm' };
const linux = { os: 'linux', architecture: 'amd64' };
const linuxConfig = () => wasiConfig({ os: 'linux', architecture: 'amd64' });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('resolveImage', () => {
  it('walks a buildx-style index (wasi/wasm + linux + attestation) to the wasm manifest and config', async () => {
    const store = new MemoryBlobSource();
    const wasm = await putImage(store, { platform: wasi });
    const other = await putImage(store, { platform: linux, config: linuxConfig() });
    const attestation = { ...(await putImage(store)), platform: { os: 'unknown', architecture: 'unknown' } };
    const root = await putIndex(store, [other, attestation, wasm]);
    const image = await resolveImage(store, root);
    expect(image.manifestDescriptor).toEqual(wasm);
    expect(image.platform).toEqual(wasi);
    expect(image.config.config?.Entrypoint).toEqual(['/hello.wasm']);
    expect(image.layers).toEqual(image.manifest.layers);
    expect(image.layers[0].mediaType).toBe(MEDIA_TYPE.ociLayerGzip);
    expect(image.artifact).toBeNull();
    expect(image.indexes).toEqual([root]);
    expect(store.reads).toBe(3); // index, manifest, config: nothing else
  });

  it('resolves a manifest root and Docker schema 2 images', async () => {
    const store = new MemoryBlobSource();
    const oci = await putImage(store);
    expect((await resolveImage(store, oci)).indexes).toEqual([]);
    const docker = await putImage(store, { docker: true });
    const image = await resolveImage(store, await putIndex(store, [{ ...docker, platform: wasi }], MEDIA_TYPE.dockerManifestList));
    expect(image.manifest.mediaType).toBe(MEDIA_TYPE.dockerManifest);
    expect(image.platform).toEqual(wasi);
  });

  it('accepts wasip1/wasm and variant forms', async () => {
    const store = new MemoryBlobSource();
    const p1 = await putImage(store, { config: wasiConfig({ os: 'wasip1' }) });
    expect((await resolveImage(store, p1)).platform).toEqual({ os: 'wasip1', architecture: 'wasm' });
    const variant = await putImage(store, { config: wasiConfig({ variant: 'wasip1' }) });
    expect((await resolveImage(store, variant)).platform.variant).toBe('wasip1');
  });

  it('follows nested indexes (skopeo --all into oci:)', async () => {
    const store = new MemoryBlobSource();
    const inner = await putIndex(store, [await putImage(store, { platform: wasi })]);
    const outer = await putIndex(store, [inner]); // skopeo's index.json: no platform on the entry
    const image = await resolveImage(store, outer);
    expect(image.indexes).toEqual([outer, inner]);
  });

  it('checks index entries without a platform by their config', async () => {
    const store = new MemoryBlobSource();
    const linuxImage = await putImage(store, { config: linuxConfig() });
    const wasmImage = await putImage(store);
    const image = await resolveImage(store, await putIndex(store, [linuxImage, wasmImage]));
    expect(image.manifestDescriptor).toEqual(wasmImage);
    const onlyLinux = await rejection(resolveImage(store, await putIndex(store, [linuxImage])));
    expect(onlyLinux).toBeInstanceOf(UnsupportedPlatformError);
    expect(onlyLinux.message).toBe('image is linux/amd64, not a wasi/wasm image');
  });

  it('skips entries without a platform whose blobs were never pulled', async () => {
    const store = new MemoryBlobSource();
    const absent = { mediaType: MEDIA_TYPE.ociManifest, digest: fakeDigest('9'), size: 10 };
    const wasmImage = await putImage(store);
    expect((await resolveImage(store, await putIndex(store, [absent, wasmImage]))).manifestDescriptor).toEqual(wasmImage);
    const onlyAbsent = await rejection(resolveImage(store, await putIndex(store, [absent])));
    expect((onlyAbsent as WasmboxError).kind).toBe('NotFound');
    // A stated wasi/wasm entry with missing blobs is a broken store, not something to skip.
    const stated = await rejection(resolveImage(store, await putIndex(store, [{ ...absent, platform: wasi }, wasmImage])));
    expect((stated as WasmboxError).kind).toBe('NotFound');
  });

  it('names what a non-wasm image is', async () => {
    const store = new MemoryBlobSource();
    const amd = await putImage(store, { platform: linux, config: linuxConfig() });
    const arm = await putImage(store, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, config: wasiConfig({ os: 'linux', architecture: 'arm64' }) });
    const error = await rejection(resolveImage(store, await putIndex(store, [amd, arm])));
    expect(error).toBeInstanceOf(UnsupportedPlatformError);
    expect((error as WasmboxError).kind).toBe('NotRunnable');
    expect(error.message).toBe('image is linux/amd64, linux/arm64/v8, not a wasi/wasm image');
    expect(store.reads).toBe(1); // decided from the index alone
    const direct = await rejection(resolveImage(store, amd));
    expect(direct.message).toBe('image is linux/amd64, not a wasi/wasm image');
  });

  it('resolves any platform when asked (inspect): wasip1 first, else the first entry the store holds', async () => {
    const store = new MemoryBlobSource();
    const amd = await putImage(store, { platform: linux, config: linuxConfig() });
    const notPulled: Descriptor = { ...amd, digest: fakeDigest('a'), platform: { os: 'linux', architecture: 'arm64' } };
    const index = await putIndex(store, [notPulled, amd]);
    expect((await resolveImage(store, index, { anyPlatform: true })).platform).toMatchObject(linux);
    expect((await resolveImage(store, amd, { anyPlatform: true })).platform).toMatchObject(linux);
    const wasm = await putImage(store, { platform: { os: 'wasi', architecture: 'wasm' } });
    const mixed = await resolveImage(store, await putIndex(store, [amd, wasm]), { anyPlatform: true });
    expect(mixed.manifestDescriptor.digest).toBe(wasm.digest);
  });

  it('trusts the config over an index entry that claims wasi/wasm', async () => {
    const store = new MemoryBlobSource();
    const liar = await putImage(store, { platform: wasi, config: linuxConfig() });
    const error = await rejection(resolveImage(store, await putIndex(store, [liar])));
    expect(error).toBeInstanceOf(UnsupportedPlatformError);
    expect(error.message).toBe('image is linux/amd64, not a wasi/wasm image');
  });

  it('resolves a CNCF wasm module artifact to a one-file image', async () => {
    const store = new MemoryBlobSource();
    const layer = await store.put(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), MEDIA_TYPE.wasmLayer, {
      annotations: { 'org.opencontainers.image.title': 'hello.wasm' },
    });
    const config = await store.putJson({ architecture: 'wasm', os: 'wasip1', layerDigests: [layer.digest] }, MEDIA_TYPE.wasmArtifactConfig);
    const manifest = await store.putJson(
      { schemaVersion: 2, mediaType: MEDIA_TYPE.ociManifest, artifactType: MEDIA_TYPE.wasmModuleArtifact, config, layers: [layer] },
      MEDIA_TYPE.ociManifest,
    );
    const image = await resolveImage(store, manifest);
    expect(image.artifact?.file).toEqual({ path: '/hello.wasm', mode: 0o755, layer });
    expect(image.config.config?.Entrypoint).toEqual(['/hello.wasm']);
    expect(image.platform).toEqual(wasi);
    expect(image.layers).toEqual([layer]);
  });

  it('resolves an artifact whose config is the OCI empty descriptor, even when the store lacks it', async () => {
    const store = new MemoryBlobSource();
    const layer = { mediaType: MEDIA_TYPE.wasmLayer, digest: fakeDigest('a'), size: 8 };
    const empty = { mediaType: MEDIA_TYPE.ociEmpty, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' as const, size: 2 };
    const manifest = await store.putJson({ schemaVersion: 2, artifactType: MEDIA_TYPE.wasmModuleArtifact, config: empty, layers: [layer] }, MEDIA_TYPE.ociManifest);
    expect((await resolveImage(store, manifest)).artifact?.file.path).toBe('/app.wasm');
  });

  it('refuses a preview2 component artifact, saying what it is', async () => {
    const store = new MemoryBlobSource();
    const layer = { mediaType: MEDIA_TYPE.wasmLayer, digest: fakeDigest('a'), size: 8 };
    const config = await store.putJson({ architecture: 'wasm', os: 'wasip2', component: { exports: [], imports: [] } }, MEDIA_TYPE.wasmArtifactConfig);
    const manifest = await store.putJson({ schemaVersion: 2, config, layers: [layer] }, MEDIA_TYPE.ociManifest);
    const error = await rejection(resolveImage(store, manifest));
    expect(error).toBeInstanceOf(UnsupportedPlatformError);
    expect(error.message).toMatch(/^image is a WASI preview2 component \(wasip2\)/);
    const index = await putIndex(store, [{ ...manifest, platform: { os: 'wasip2', architecture: 'wasm' } }]);
    expect((await rejection(resolveImage(store, index))).message).toMatch(/preview2 component/);
  });

  it('reports a missing blob as NotFound naming it', async () => {
    const store = new MemoryBlobSource();
    const root = await putImage(store);
    const manifest = JSON.parse(new TextDecoder().decode(store.blobs.get(root.digest)));
    store.blobs.delete(manifest.config.digest);
    const error = await rejection(resolveImage(store, root));
    expect(error).toBeInstanceOf(WasmboxError);
    expect((error as WasmboxError).kind).toBe('NotFound');
    expect(error.message).toContain(manifest.config.digest);
    expect((error as WasmboxError).data).toEqual({ digest: manifest.config.digest, path: 'manifest.config' });
    const noRoot = await rejection(resolveImage(new MemoryBlobSource(), root));
    expect((noRoot as WasmboxError).kind).toBe('NotFound');
  });

  it('maps a NotFound from the reader, and passes other reader errors through', async () => {
    const root = await putImage(new MemoryBlobSource());
    const notFound = { get: async () => Promise.reject(new WasmboxError('NotFound', 'no such blob')) };
    expect(((await rejection(resolveImage(notFound, root))) as WasmboxError).kind).toBe('NotFound');
    const broken = new Error('disk on fire');
    expect(await rejection(resolveImage({ get: async () => Promise.reject(broken) }, root))).toBe(broken);
  });

  it('verifies size and digest of every blob', async () => {
    const store = new MemoryBlobSource();
    const root = await putImage(store);
    const bytes = store.blobs.get(root.digest)!;
    store.blobs.set(root.digest, bytes.slice(0, -1));
    expect((await rejection(resolveImage(store, root))) as ImageFormatError).toMatchObject({ path: 'image' });
    const tampered = bytes.slice();
    tampered[tampered.length - 2] ^= 1; // same length, different content
    store.blobs.set(root.digest, tampered);
    const error = await rejection(resolveImage(store, root));
    expect(error).toBeInstanceOf(ImageFormatError);
    expect(error.message).toMatch(/digest/);
  });

  it('refuses a descriptor over the size cap without reading it', async () => {
    const store = new MemoryBlobSource();
    const root = await putImage(store);
    const error = await rejection(resolveImage(store, { ...root, size: 64 << 20 }));
    expect((error as ImageFormatError).path).toBe('image.size');
    expect(store.reads).toBe(0);
  });

  it('caps index nesting', async () => {
    const store = new MemoryBlobSource();
    let root = await putImage(store, { platform: wasi });
    for (let i = 0; i <= RESOLVE_LIMITS.indexDepth; i++) root = { ...(await putIndex(store, [root])), platform: wasi };
    const error = await rejection(resolveImage(store, root));
    expect(error).toBeInstanceOf(ImageFormatError);
    expect(error.message).toMatch(/nested more than 4 deep/);
  });

  it('bounds the reads a wide hostile index can cause', async () => {
    const store = new MemoryBlobSource();
    const linuxImages: Descriptor[] = [];
    for (let i = 0; i < 50; i++) linuxImages.push(await putImage(store, { config: linuxConfig(), layers: [{ mediaType: MEDIA_TYPE.ociLayer, digest: fakeDigest('a'), size: i }] }));
    store.reads = 0;
    const error = await rejection(resolveImage(store, await putIndex(store, linuxImages)));
    expect(error).toBeInstanceOf(UnsupportedPlatformError);
    expect(store.reads).toBeLessThanOrEqual(1 + 2 * RESOLVE_LIMITS.candidatesPerIndex);
  });

  it('checks layers against the config', async () => {
    const store = new MemoryBlobSource();
    const twoDiffIds = await putImage(store, { config: wasiConfig({ rootfs: { type: 'layers', diff_ids: [fakeDigest('1'), fakeDigest('2')] } }) });
    expect(((await rejection(resolveImage(store, twoDiffIds))) as ImageFormatError).path).toBe('config.rootfs.diff_ids');
    const sbom = await putImage(store, { layers: [{ mediaType: 'application/vnd.in-toto+json', digest: fakeDigest('a'), size: 1 }] });
    expect(((await rejection(resolveImage(store, sbom))) as ImageFormatError).path).toBe('manifest.layers[0].mediaType');
  });

  it('refuses a root that is not a manifest or index, and a config of the wrong type', async () => {
    const store = new MemoryBlobSource();
    const layer = await store.put(json({}), MEDIA_TYPE.ociLayerGzip);
    expect(((await rejection(resolveImage(store, layer))) as ImageFormatError).path).toBe('image.mediaType');
    const schema1 = await store.put(json({ schemaVersion: 1 }), MEDIA_TYPE.dockerSchema1SignedManifest);
    expect(await rejection(resolveImage(store, schema1))).toMatchObject({ path: 'image.mediaType', message: expect.stringMatching(/schema 1/) });
    expect(store.reads).toBe(0); // refused from the descriptor alone
    const untyped = await store.put(json({ schemaVersion: 2, manifests: [] }), 'application/octet-stream');
    expect(await rejection(resolveImage(store, untyped))).toBeInstanceOf(UnsupportedPlatformError);
    const config = await store.putJson(wasiConfig(), 'application/vnd.example.config+json');
    const manifest = await store.putJson({ schemaVersion: 2, config, layers: [] }, MEDIA_TYPE.ociManifest);
    expect(((await rejection(resolveImage(store, manifest))) as ImageFormatError).path).toBe('manifest.config.mediaType');
  });
});
