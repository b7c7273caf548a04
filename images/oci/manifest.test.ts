import { describe, expect, it } from 'vitest';
import { ImageFormatError } from './image-format-error.ts';
import { MAX_MANIFEST_BYTES, MAX_MANIFEST_LAYERS, parseManifest } from './manifest.ts';
import { MEDIA_TYPE } from './media-types.ts';
import { fakeDigest, json } from './oci-fixtures.test-util.ts';

const layer = (c: string) => ({ mediaType: MEDIA_TYPE.ociLayerGzip, digest: fakeDigest(c), size: 100 });
const ociManifest = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  mediaType: MEDIA_TYPE.ociManifest,
  config: { mediaType: MEDIA_TYPE.ociConfig, digest: fakeDigest('c'), size: 300 },
  layers: [layer('a'), layer('b'), layer('d')],
  ...extra,
});

/** Runs `f`, expects an ImageFormatError, returns its field path. */
function failurePath(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ImageFormatError);
    expect((error as ImageFormatError).kind).toBe('InvalidArgument');
    expect((error as ImageFormatError).message.startsWith(`${(error as ImageFormatError).path}: `)).toBe(true);
    return (error as ImageFormatError).path;
  }
  throw new Error('expected an ImageFormatError');
}

describe('parseManifest', () => {
  it('reads an OCI image manifest', () => {
    const m = parseManifest(json(ociManifest({ annotations: { 'org.opencontainers.image.created': 'now' } })));
    expect(m.mediaType).toBe(MEDIA_TYPE.ociManifest);
    expect(m.config).toEqual({ mediaType: MEDIA_TYPE.ociConfig, digest: fakeDigest('c'), size: 300 });
    expect(m.layers.map((l) => l.digest)).toEqual([fakeDigest('a'), fakeDigest('b'), fakeDigest('d')]);
    expect(m.annotations).toEqual({ 'org.opencontainers.image.created': 'now' });
  });

  it('reads a Docker schema 2 manifest', () => {
    const m = parseManifest(
      json({
        schemaVersion: 2,
        mediaType: MEDIA_TYPE.dockerManifest,
        config: { mediaType: MEDIA_TYPE.dockerConfig, digest: fakeDigest('c'), size: 1 },
        layers: [{ mediaType: MEDIA_TYPE.dockerLayerGzip, digest: fakeDigest('a'), size: 2 }],
      }),
      { mediaType: MEDIA_TYPE.dockerManifest },
    );
    expect(m.mediaType).toBe(MEDIA_TYPE.dockerManifest);
    expect(m.layers[0].mediaType).toBe(MEDIA_TYPE.dockerLayerGzip);
  });

  it('takes the media type from the descriptor, or OCI, when the body has none', () => {
    const body = ociManifest({ mediaType: undefined });
    expect(parseManifest(json(body)).mediaType).toBe(MEDIA_TYPE.ociManifest);
    expect(parseManifest(json(body), { mediaType: MEDIA_TYPE.ociManifest }).mediaType).toBe(MEDIA_TYPE.ociManifest);
  });

  it('keeps optional descriptor fields, drops unknown ones, and reads Go nulls as absent', () => {
    const m = parseManifest(
      json(
        ociManifest({
          layers: [{ ...layer('a'), urls: ['https://x'], annotations: { 'org.opencontainers.image.title': 'hello.wasm' }, extra: { any: 1 } }],
          subject: { mediaType: MEDIA_TYPE.ociManifest, digest: fakeDigest('f'), size: 5 },
          artifactType: 'application/vnd.example+json',
          annotations: null,
          futureField: [1, 2, 3],
        }),
      ),
    );
    expect(m.layers[0]).toEqual({ ...layer('a'), urls: ['https://x'], annotations: { 'org.opencontainers.image.title': 'hello.wasm' } });
    expect(m.subject?.digest).toBe(fakeDigest('f'));
    expect(m.artifactType).toBe('application/vnd.example+json');
    expect('annotations' in m).toBe(false);
    expect('futureField' in m).toBe(false);
  });

  it('keeps a "__proto__" annotation as a plain key', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(ociManifest()).replace(/}$/, ',"annotations":{"__proto__":"x"}}'));
    const m = parseManifest(bytes);
    expect(Object.keys(m.annotations!)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(m.annotations)).toBe(Object.prototype);
  });

  it('caps the size before decoding', () => {
    const big = new Uint8Array(MAX_MANIFEST_BYTES + 1).fill(0x20);
    expect(failurePath(() => parseManifest(big))).toBe('manifest');
  });

  it('rejects bytes that are not UTF-8 JSON objects', () => {
    expect(failurePath(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe('manifest');
    expect(failurePath(() => parseManifest(new TextEncoder().encode('{"schemaVersion": 2,')))).toBe('manifest');
    expect(failurePath(() => parseManifest(new TextEncoder().encode('\uFEFF{}')))).toBe('manifest');
    expect(failurePath(() => parseManifest(json([ociManifest()])))).toBe('manifest');
    expect(failurePath(() => parseManifest(json(null)))).toBe('manifest');
  });

  it('refuses deeply nested JSON before parsing it', () => {
    const depth = 1_000_000;
    const deep = new TextEncoder().encode(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(failurePath(() => parseManifest(deep))).toBe('manifest');
    expect(() => parseManifest(deep)).toThrow(/nested deeper/);
    // Brackets inside strings (escaped quotes included) do not count.
    const quoted = json(ociManifest({ annotations: { a: `\"${'['.repeat(100)}` } }));
    expect(parseManifest(quoted).annotations?.a).toBe(`\"${'['.repeat(100)}`);
  });

  it('requires schemaVersion 2 and names schema 1', () => {
    expect(failurePath(() => parseManifest(json(ociManifest({ schemaVersion: 1 }))))).toBe('manifest.schemaVersion');
    expect(() => parseManifest(json(ociManifest({ schemaVersion: 1 })))).toThrow(/schema 1/);
    expect(failurePath(() => parseManifest(json(ociManifest({ schemaVersion: '2' }))))).toBe('manifest.schemaVersion');
    expect(failurePath(() => parseManifest(json(ociManifest({ schemaVersion: undefined }))))).toBe('manifest.schemaVersion');
  });

  it('names the bad field of a bad descriptor', () => {
    const withLayer2 = (patch: Record<string, unknown>) => json(ociManifest({ layers: [layer('a'), layer('b'), { ...layer('d'), ...patch }] }));
    expect(failurePath(() => parseManifest(withLayer2({ digest: 'sha256:abc' })))).toBe('manifest.layers[2].digest');
    expect(failurePath(() => parseManifest(withLayer2({ digest: fakeDigest('A') })))).toBe('manifest.layers[2].digest');
    expect(failurePath(() => parseManifest(withLayer2({ digest: `sha512:${'a'.repeat(128)}` })))).toBe('manifest.layers[2].digest');
    expect(failurePath(() => parseManifest(withLayer2({ size: -1 })))).toBe('manifest.layers[2].size');
    expect(failurePath(() => parseManifest(withLayer2({ size: 1.5 })))).toBe('manifest.layers[2].size');
    expect(failurePath(() => parseManifest(withLayer2({ size: '100' })))).toBe('manifest.layers[2].size');
    expect(failurePath(() => parseManifest(withLayer2({ size: 2 ** 53 })))).toBe('manifest.layers[2].size');
    expect(failurePath(() => parseManifest(withLayer2({ mediaType: 7 })))).toBe('manifest.layers[2].mediaType');
    expect(failurePath(() => parseManifest(withLayer2({ mediaType: 'not a media type' })))).toBe('manifest.layers[2].mediaType');
    expect(failurePath(() => parseManifest(withLayer2({ urls: 'https://x' })))).toBe('manifest.layers[2].urls');
    expect(failurePath(() => parseManifest(withLayer2({ annotations: { a: 1 } })))).toBe('manifest.layers[2].annotations["a"]');
    expect(failurePath(() => parseManifest(withLayer2({ platform: { os: 'wasi' } })))).toBe('manifest.layers[2].platform.architecture');
    expect(failurePath(() => parseManifest(json(ociManifest({ layers: [layer('a'), 'x'] }))))).toBe('manifest.layers[1]');
  });

  it('requires config and layers', () => {
    expect(failurePath(() => parseManifest(json(ociManifest({ config: undefined }))))).toBe('manifest.config');
    expect(failurePath(() => parseManifest(json(ociManifest({ layers: undefined }))))).toBe('manifest.layers');
    expect(failurePath(() => parseManifest(json(ociManifest({ layers: {} }))))).toBe('manifest.layers');
  });

  it('caps the layer count', () => {
    const layers = Array.from({ length: MAX_MANIFEST_LAYERS + 1 }, () => layer('a'));
    expect(failurePath(() => parseManifest(json(ociManifest({ layers }))))).toBe('manifest.layers');
  });

  it('refuses index content and conflicting media types', () => {
    expect(failurePath(() => parseManifest(json(ociManifest({ mediaType: MEDIA_TYPE.ociIndex }))))).toBe('manifest.mediaType');
    expect(failurePath(() => parseManifest(json(ociManifest({ manifests: [] }))))).toBe('manifest.manifests');
    expect(failurePath(() => parseManifest(json(ociManifest()), { mediaType: MEDIA_TYPE.dockerManifest }))).toBe('manifest.mediaType');
    expect(failurePath(() => parseManifest(json(ociManifest()), { mediaType: MEDIA_TYPE.ociIndex }))).toBe('manifest.mediaType');
    expect(failurePath(() => parseManifest(json(ociManifest({ mediaType: undefined })), { mediaType: MEDIA_TYPE.dockerManifest }))).toBe(
      'manifest.mediaType',
    );
  });
});
