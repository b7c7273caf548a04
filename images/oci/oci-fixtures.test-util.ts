import { expect } from 'vitest';
import { ImageFormatError } from './image-format-error.ts';
/**
 * Test helpers for images/oci (not a test file itself): JSON blobs, an in-memory blob source that counts reads,
 * and builders for the images real tools produce (Docker+Wasm / buildx, skopeo, the CNCF wasm artifact).
 */
import type { Descriptor, Platform } from './descriptor.ts';
import { sha256Digest, type Digest } from './digest.ts';
import { MEDIA_TYPE } from './media-types.ts';
import type { BlobSource } from './resolve-image.ts';

export const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** A syntactically valid digest made of one repeated hex character (content need not exist). */
export const fakeDigest = (c: string): Digest => `sha256:${c.repeat(64)}`;

export class MemoryBlobSource implements BlobSource {
  readonly blobs = new Map<string, Uint8Array>();
  reads = 0;

  async put(bytes: Uint8Array, mediaType: string, extra: Partial<Descriptor> = {}): Promise<Descriptor> {
    const digest = await sha256Digest(bytes);
    this.blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.byteLength, ...extra };
  }

  putJson(value: unknown, mediaType: string, extra: Partial<Descriptor> = {}): Promise<Descriptor> {
    return this.put(json(value), mediaType, extra);
  }

  async get(digest: Digest): Promise<Uint8Array | undefined> {
    this.reads++;
    return this.blobs.get(digest);
  }
}

/** The config Docker+Wasm / wasmbox writes for a one-layer hello image (notes B.4). */
export function wasiConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    created: '2024-01-01T00:00:00Z',
    architecture: 'wasm',
    os: 'wasi',
    config: { Entrypoint: ['/hello.wasm'], Env: ['PATH=/'], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [fakeDigest('d')] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY hello.wasm /' }],
    ...overrides,
  };
}

/** Stores config + manifest (layers are descriptors only: resolveImage never reads them). */
export async function putImage(
  store: MemoryBlobSource,
  options: { config?: Record<string, unknown>; docker?: boolean; platform?: Platform; layers?: Descriptor[] } = {},
): Promise<Descriptor> {
  const docker = options.docker ?? false;
  const config = await store.putJson(options.config ?? wasiConfig(), docker ? MEDIA_TYPE.dockerConfig : MEDIA_TYPE.ociConfig);
  const layers = options.layers ?? [
    { mediaType: docker ? MEDIA_TYPE.dockerLayerGzip : MEDIA_TYPE.ociLayerGzip, digest: fakeDigest('e'), size: 219 },
  ];
  const mediaType = docker ? MEDIA_TYPE.dockerManifest : MEDIA_TYPE.ociManifest;
  return store.putJson({ schemaVersion: 2, mediaType, config, layers }, mediaType, options.platform ? { platform: options.platform } : {});
}

export function putIndex(store: MemoryBlobSource, manifests: Descriptor[], mediaType: string = MEDIA_TYPE.ociIndex): Promise<Descriptor> {
  return store.putJson({ schemaVersion: 2, mediaType, manifests }, mediaType);
}

/** The field path of the ImageFormatError that `f` throws (fails the test if it throws anything else or nothing). */
export function failurePath(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageFormatError);
    return (error as ImageFormatError).path;
  }
  throw new Error('expected an ImageFormatError');
}
