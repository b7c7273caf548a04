/**
 * store test-kit: hand-made images for the store's tests (the suite, the Node tests and their child processes).
 * Deliberately independent of images/oci's manifest code: the store must work with any bytes the walk understands.
 */
import type { Descriptor } from '../oci/descriptor.ts';
import { sha256Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import type { BlobWriter } from './blob-store.ts';

export interface Blob {
  bytes: Uint8Array;
  descriptor: Descriptor;
}

export interface TestImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
  /** Every blob of the image, manifest last (the order an importer puts them). */
  blobs: Blob[];
}

const enc = new TextEncoder();

export function text(value: string): Uint8Array {
  return enc.encode(value);
}

export async function blob(bytes: Uint8Array, mediaType: string, extra: Partial<Descriptor> = {}): Promise<Blob> {
  return { bytes, descriptor: { mediaType, digest: await sha256Digest(bytes), size: bytes.byteLength, ...extra } };
}

export async function jsonBlob(value: unknown, mediaType: string, extra: Partial<Descriptor> = {}): Promise<Blob> {
  return blob(enc.encode(JSON.stringify(value)), mediaType, extra);
}

/** A wasi/wasm image: config naming the platform, the given layers (bytes or text), an OCI manifest. */
export async function testImage(layers: Array<Uint8Array | string>, label = 'test'): Promise<TestImage> {
  const layerBlobs = await Promise.all(
    layers.map((l) => blob(typeof l === 'string' ? text(l) : l, MEDIA_TYPE.ociLayer)),
  );
  const config = await jsonBlob(
    {
      architecture: 'wasm',
      os: 'wasi',
      config: { Entrypoint: ['/hello.wasm'], Labels: { label } },
      rootfs: { type: 'layers', diff_ids: layerBlobs.map((l) => l.descriptor.digest) },
    },
    MEDIA_TYPE.ociConfig,
  );
  const manifest = await jsonBlob(
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociManifest,
      config: config.descriptor,
      layers: layerBlobs.map((l) => l.descriptor),
    },
    MEDIA_TYPE.ociManifest,
  );
  return { manifest, config, layers: layerBlobs, blobs: [...layerBlobs, config, manifest] };
}

/** An OCI index over `entries`, each given a platform (so a missing one is "a platform not pulled"). */
export async function testIndex(entries: Array<{ manifest: Blob; os: string; architecture: string }>): Promise<Blob> {
  return jsonBlob(
    {
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociIndex,
      manifests: entries.map((e) => ({ ...e.manifest.descriptor, platform: { os: e.os, architecture: e.architecture } })),
    },
    MEDIA_TYPE.ociIndex,
  );
}

export async function putAll(writer: BlobWriter, blobs: Blob[]): Promise<void> {
  for (const b of blobs) await writer.put(b.bytes, b.descriptor);
}
