import { describe, expect, it } from 'vitest';
import { ImageFormatError } from './image-format-error.ts';
import { parseManifestOrIndex } from './manifest-or-index.ts';
import { MEDIA_TYPE } from './media-types.ts';
import { fakeDigest, json } from './oci-fixtures.test-util.ts';

const manifest = { schemaVersion: 2, config: { mediaType: MEDIA_TYPE.ociConfig, digest: fakeDigest('c'), size: 1 }, layers: [] };
const index = { schemaVersion: 2, manifests: [] };

describe('parseManifestOrIndex', () => {
  it('follows the given media type', () => {
    expect(parseManifestOrIndex(json(manifest), MEDIA_TYPE.ociManifest).kind).toBe('manifest');
    expect(parseManifestOrIndex(json(index), MEDIA_TYPE.ociIndex).kind).toBe('index');
    expect(() => parseManifestOrIndex(json(index), MEDIA_TYPE.ociManifest)).toThrow(ImageFormatError);
  });

  it('without one (or with application/json), follows the body: its mediaType, else its shape', () => {
    expect(parseManifestOrIndex(json(manifest)).kind).toBe('manifest');
    expect(parseManifestOrIndex(json(index), 'application/json').kind).toBe('index');
    expect(parseManifestOrIndex(json({ ...index, mediaType: MEDIA_TYPE.dockerManifestList, manifests: [] })).kind).toBe('index');
    expect(parseManifestOrIndex(json({ ...manifest, mediaType: MEDIA_TYPE.dockerManifest })).kind).toBe('manifest');
  });

  it('refuses other types, schema 1, and ambiguous bodies', () => {
    expect(() => parseManifestOrIndex(json(manifest), MEDIA_TYPE.ociConfig)).toThrow(/neither an image manifest nor an image index/);
    expect(() => parseManifestOrIndex(json({ schemaVersion: 1, name: 'x' }), MEDIA_TYPE.dockerSchema1SignedManifest)).toThrow(/schema 1/);
    expect(() => parseManifestOrIndex(json({ ...manifest, manifests: [] }))).toThrow(ImageFormatError);
  });
});
