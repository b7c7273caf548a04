/**
 * Test images: wasi/wasm images written straight into a store (one transaction each) with images/layer's writer,
 * without the builder, so engine tests control every layer byte. Layers alternate gzip (even) and plain tar (odd).
 */
import { writeLayer, writeLayerTar, type LayerSourceEntry } from '../../images/layer/write-layer.ts';
import { inTransaction, type ImageStore } from '../../images/store/blob-store.ts';
import { sha256Digest } from '../../images/oci/digest.ts';
import { MEDIA_TYPE } from '../../images/oci/media-types.ts';
import type { ContainerConfig } from '../../images/oci/config.ts';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import { storeName } from '../../runtime/platform/entry.node.ts';
import { fixtureBytes } from './fixtures.ts';

const enc = new TextEncoder();
export const T = 1_700_000_000;

export const file = (path: string, data: Uint8Array | string, mode = 0o644): LayerSourceEntry => ({
  path,
  kind: 'file',
  mode,
  mtimeSec: T,
  data: typeof data === 'string' ? enc.encode(data) : data,
});
export const dir = (path: string, mode = 0o755): LayerSourceEntry => ({ path, kind: 'dir', mode, mtimeSec: T });
export const whiteout = (path: string): LayerSourceEntry => ({ path, kind: 'whiteout', mode: 0, mtimeSec: T });
export const program = (name: string): LayerSourceEntry => file(`bin/${name}.wasm`, fixtureBytes(name), 0o755);

async function putBlob(blobs: Map<string, Uint8Array>, bytes: Uint8Array, mediaType: string, extra: Partial<Descriptor> = {}): Promise<Descriptor> {
  const digest = await sha256Digest(bytes);
  blobs.set(digest, bytes);
  return { mediaType, digest, size: bytes.byteLength, ...extra };
}

async function commit(store: ImageStore, name: string, blobs: Map<string, Uint8Array>, manifest: Descriptor): Promise<void> {
  await inTransaction(store, async (tx) => {
    for (const [digest, bytes] of blobs) await tx.put(bytes, { digest: digest as Descriptor['digest'] });
    tx.setRef(storeName(name), manifest);
  });
}

/** A wasi/wasm image: each layer a list of entries (gzip'd every other layer), the given container config. */
export async function buildImage(
  store: ImageStore,
  name: string,
  layers: LayerSourceEntry[][],
  config: ContainerConfig,
  created?: string,
  more: Record<string, unknown> = {},
): Promise<Descriptor> {
  const blobs = new Map<string, Uint8Array>();
  const layerDescs: Descriptor[] = [];
  const diffIds: string[] = [];
  for (const [i, entries] of layers.entries()) {
    const gzip = i % 2 === 0;
    layerDescs.push(await putBlob(blobs, await writeLayer(entries, { gzip }), gzip ? MEDIA_TYPE.ociLayerGzip : MEDIA_TYPE.ociLayer));
    diffIds.push(await sha256Digest(writeLayerTar(entries)));
  }
  const cfg = { architecture: 'wasm', os: 'wasi', ...(created ? { created } : {}), config, rootfs: { type: 'layers', diff_ids: diffIds }, ...more };
  const configDesc = await putBlob(blobs, enc.encode(JSON.stringify(cfg)), MEDIA_TYPE.ociConfig);
  const manifest = { schemaVersion: 2, mediaType: MEDIA_TYPE.ociManifest, config: configDesc, layers: layerDescs };
  const manifestDesc = await putBlob(blobs, enc.encode(JSON.stringify(manifest)), MEDIA_TYPE.ociManifest);
  await commit(store, name, blobs, manifestDesc);
  return configDesc;
}

export async function buildArtifact(store: ImageStore, name: string, wasm: Uint8Array): Promise<void> {
  const blobs = new Map<string, Uint8Array>();
  const layer = await putBlob(blobs, wasm, MEDIA_TYPE.wasmLayer, { annotations: { 'org.opencontainers.image.title': 'hello.wasm' } });
  const config = await putBlob(blobs, enc.encode(JSON.stringify({ architecture: 'wasm', os: 'wasip1', layerDigests: [layer.digest] })), MEDIA_TYPE.wasmArtifactConfig);
  const manifest = { schemaVersion: 2, mediaType: MEDIA_TYPE.ociManifest, config, layers: [layer] };
  await commit(store, name, blobs, await putBlob(blobs, enc.encode(JSON.stringify(manifest)), MEDIA_TYPE.ociManifest));
}

