/** Test images for the archive tests: a wasi/wasm image built with writeLayer and committed in one transaction. */
import type { Descriptor } from '../oci/descriptor.ts';
import { sha256Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { writeLayer, writeLayerTar } from '../layer/write-layer.ts';
import { inTransaction, type ImageStore } from '../store/blob-store.ts';

const enc = new TextEncoder();

export interface BuiltImage {
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

/** Stores a wasi/wasm image with `/hello.wasm` (the given bytes) as Entrypoint under each of `names`. */
export async function storeHelloImage(
  store: ImageStore,
  names: string[],
  options: { wasm?: Uint8Array; gzip?: boolean; extraLayer?: string } = {},
): Promise<BuiltImage> {
  const wasm = options.wasm ?? new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const layerSets = [[{ path: 'hello.wasm', kind: 'file' as const, mode: 0o755, mtimeSec: 0, data: wasm }]];
  if (options.extraLayer !== undefined) {
    layerSets.push([{ path: 'etc/motd', kind: 'file' as const, mode: 0o644, mtimeSec: 0, data: enc.encode(options.extraLayer) }]);
  }
  const blobs: Array<{ bytes: Uint8Array; d: Descriptor }> = [];
  const layers: Descriptor[] = [];
  const diffIds: string[] = [];
  for (const entries of layerSets) {
    const bytes = await writeLayer(entries, { gzip: options.gzip ?? false });
    diffIds.push(await sha256Digest(writeLayerTar(entries)));
    const d = { mediaType: options.gzip ? MEDIA_TYPE.ociLayerGzip : MEDIA_TYPE.ociLayer, digest: await sha256Digest(bytes), size: bytes.length };
    layers.push(d);
    blobs.push({ bytes, d });
  }
  const configBytes = enc.encode(JSON.stringify({
    created: '2024-01-01T00:00:00Z',
    architecture: 'wasm',
    os: 'wasi',
    config: { Entrypoint: ['/hello.wasm'], Env: ['PATH=/'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layerSets.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test' })),
  }));
  const config = { mediaType: MEDIA_TYPE.ociConfig, digest: await sha256Digest(configBytes), size: configBytes.length };
  const manifestBytes = enc.encode(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociManifest, config, layers }));
  const manifest = { mediaType: MEDIA_TYPE.ociManifest, digest: await sha256Digest(manifestBytes), size: manifestBytes.length };
  await inTransaction(store, async (tx) => {
    for (const { bytes, d } of blobs) await tx.put(bytes, d);
    await tx.put(configBytes, config);
    await tx.put(manifestBytes, manifest);
    for (const name of names) tx.setRef(name, manifest);
  });
  return { manifest, config, layers };
}
