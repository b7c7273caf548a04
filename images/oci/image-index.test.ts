import { describe, expect, it } from 'vitest';
import { MAX_INDEX_BYTES, MAX_INDEX_MANIFESTS, parseIndex } from './image-index.ts';
import { MEDIA_TYPE } from './media-types.ts';
import { fakeDigest, json, failurePath } from './oci-fixtures.test-util.ts';

const entry = (c: string, platform?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  mediaType: MEDIA_TYPE.ociManifest,
  digest: fakeDigest(c),
  size: 500,
  ...(platform ? { platform } : {}),
  ...extra,
});

describe('parseIndex', () => {
  it('reads a buildx-style OCI index (wasi/wasm image + attestation)', () => {
    const index = parseIndex(
      json({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.ociIndex,
        manifests: [
          entry('a', { os: 'wasi', architecture: 'wasm' }),
          entry('b', { os: 'unknown', architecture: 'unknown' }, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }),
        ],
      }),
    );
    expect(index.mediaType).toBe(MEDIA_TYPE.ociIndex);
    expect(index.manifests[0].platform).toEqual({ os: 'wasi', architecture: 'wasm' });
    expect(index.manifests[1].annotations).toEqual({ 'vnd.docker.reference.type': 'attestation-manifest' });
  });

  it('reads skopeo\'s index.json: no mediaType on the index, no platform on entries', () => {
    const index = parseIndex(
      json({ schemaVersion: 2, manifests: [entry('a', undefined, { annotations: { 'org.opencontainers.image.ref.name': 'latest' } })] }),
    );
    expect(index.mediaType).toBe(MEDIA_TYPE.ociIndex);
    expect(index.manifests[0].platform).toBeUndefined();
  });

  it('reads a Docker manifest list and requires a platform on each entry', () => {
    const list = (platform?: Record<string, unknown>) =>
      json({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.dockerManifestList,
        manifests: [{ ...entry('a', platform), mediaType: MEDIA_TYPE.dockerManifest }],
      });
    const index = parseIndex(list({ os: 'linux', architecture: 'arm64', variant: 'v8', features: ['sse4'] }));
    expect(index.mediaType).toBe(MEDIA_TYPE.dockerManifestList);
    expect(index.manifests[0].platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(failurePath(() => parseIndex(list()))).toBe('index.manifests[0].platform');
  });

  it('checks platform fields', () => {
    const bad = (platform: Record<string, unknown>) => json({ schemaVersion: 2, manifests: [entry('a', platform)] });
    expect(failurePath(() => parseIndex(bad({ os: 1, architecture: 'wasm' })))).toBe('index.manifests[0].platform.os');
    expect(failurePath(() => parseIndex(bad({ os: 'wasi', architecture: 'wasm', variant: [] })))).toBe('index.manifests[0].platform.variant');
    expect(failurePath(() => parseIndex(bad({ os: 'wasi', architecture: 'wasm', 'os.features': 'x' })))).toBe(
      'index.manifests[0].platform.os.features',
    );
  });

  it('refuses manifest content, conflicting types, and bad versions', () => {
    expect(failurePath(() => parseIndex(json({ schemaVersion: 2, manifests: [], config: {} })))).toBe('index.config');
    expect(failurePath(() => parseIndex(json({ schemaVersion: 2, manifests: [], layers: [] })))).toBe('index.layers');
    expect(failurePath(() => parseIndex(json({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociManifest, manifests: [] })))).toBe('index.mediaType');
    expect(failurePath(() => parseIndex(json({ schemaVersion: 2, manifests: [] }), { mediaType: MEDIA_TYPE.ociManifest }))).toBe(
      'index.mediaType',
    );
    expect(failurePath(() => parseIndex(json({ schemaVersion: 3, manifests: [] })))).toBe('index.schemaVersion');
    expect(failurePath(() => parseIndex(json({ schemaVersion: 2 })))).toBe('index.manifests');
  });

  it('caps bytes and entries', () => {
    expect(failurePath(() => parseIndex(new Uint8Array(MAX_INDEX_BYTES + 1)))).toBe('index');
    const manifests = Array.from({ length: MAX_INDEX_MANIFESTS + 1 }, () => entry('a'));
    expect(failurePath(() => parseIndex(json({ schemaVersion: 2, manifests })))).toBe('index.manifests');
  });
});
