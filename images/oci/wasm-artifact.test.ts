import { describe, expect, it } from 'vitest';
import type { Descriptor } from './descriptor.ts';
import type { ImageManifest } from './manifest.ts';
import { MEDIA_TYPE } from './media-types.ts';
import { fakeDigest, json, failurePath } from './oci-fixtures.test-util.ts';
import { describeWasmArtifact, isWasmArtifact, parseWasmArtifactConfig } from './wasm-artifact.ts';

const wasmLayer = (annotations?: Record<string, string>): Descriptor => ({
  mediaType: MEDIA_TYPE.wasmLayer,
  digest: fakeDigest('a'),
  size: 144,
  ...(annotations ? { annotations } : {}),
});
const artifact = (layers: Descriptor[] = [wasmLayer()], extra: Partial<ImageManifest> = {}): ImageManifest => ({
  schemaVersion: 2,
  mediaType: MEDIA_TYPE.ociManifest,
  artifactType: MEDIA_TYPE.wasmModuleArtifact,
  config: { mediaType: MEDIA_TYPE.wasmArtifactConfig, digest: fakeDigest('c'), size: 10 },
  layers,
  ...extra,
});

describe('isWasmArtifact', () => {
  it('recognises the config type or an application/wasm layer', () => {
    expect(isWasmArtifact(artifact())).toBe(true);
    expect(isWasmArtifact(artifact([wasmLayer()], { config: { mediaType: MEDIA_TYPE.ociEmpty, digest: fakeDigest('e'), size: 2 } }))).toBe(true);
    const image = artifact([{ mediaType: MEDIA_TYPE.ociLayerGzip, digest: fakeDigest('b'), size: 1 }], {
      config: { mediaType: MEDIA_TYPE.ociConfig, digest: fakeDigest('c'), size: 1 },
    });
    expect(isWasmArtifact(image)).toBe(false);
  });
});

describe('parseWasmArtifactConfig', () => {
  it('reads the oci-wasm config of a module, and `{}`', () => {
    const config = parseWasmArtifactConfig(
      json({ created: '2024-05-01T00:00:00Z', architecture: 'wasm', os: 'wasip1', layerDigests: [fakeDigest('a')], extra: 1 }),
    );
    expect(config).toEqual({ created: '2024-05-01T00:00:00Z', architecture: 'wasm', os: 'wasip1', layerDigests: [fakeDigest('a')] });
    expect(parseWasmArtifactConfig(json({}))).toEqual({});
  });

  it('reads a component section and checks its types', () => {
    const config = parseWasmArtifactConfig(
      json({ architecture: 'wasm', os: 'wasip2', component: { exports: ['wasi:cli/run@0.2.0'], imports: [], target: null } }),
    );
    expect(config.component).toEqual({ exports: ['wasi:cli/run@0.2.0'], imports: [] });
    expect(failurePath(() => parseWasmArtifactConfig(json({ component: { exports: [1] } })))).toBe('config.component.exports[0]');
    expect(failurePath(() => parseWasmArtifactConfig(json({ layerDigests: ['x'] })))).toBe('config.layerDigests[0]');
  });
});

describe('describeWasmArtifact', () => {
  it('turns a module artifact into a one-file wasi/wasm image', () => {
    const manifest = artifact();
    const image = describeWasmArtifact(manifest, { created: '2024-05-01T00:00:00Z', os: 'wasip1', architecture: 'wasm' });
    expect(image.target).toBe('wasip1');
    expect(image.layerFormat).toBe('raw-wasm');
    expect(image.file).toEqual({ path: '/app.wasm', mode: 0o755, layer: manifest.layers[0] });
    expect(image.config).toMatchObject({
      os: 'wasi',
      architecture: 'wasm',
      created: '2024-05-01T00:00:00Z',
      config: { Entrypoint: ['/app.wasm'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [manifest.layers[0].digest] },
    });
  });

  it('names the file after a plain title annotation, never a path', () => {
    const title = (t: string) => describeWasmArtifact(artifact([wasmLayer({ 'org.opencontainers.image.title': t })]), {}).file.path;
    expect(title('hello.wasm')).toBe('/hello.wasm');
    expect(title('../etc/passwd')).toBe('/app.wasm');
    expect(title('a/b.wasm')).toBe('/app.wasm');
    expect(title('..')).toBe('/app.wasm');
    expect(title('.hidden')).toBe('/app.wasm');
    expect(title('x'.repeat(300))).toBe('/app.wasm');
  });

  it('marks components as wasip2, from config os, component section or artifactType', () => {
    expect(describeWasmArtifact(artifact(), { os: 'wasip2' }).target).toBe('wasip2');
    expect(describeWasmArtifact(artifact(), { component: {} }).target).toBe('wasip2');
    const component = describeWasmArtifact(artifact([wasmLayer()], { artifactType: MEDIA_TYPE.wasmComponentArtifact }), {});
    expect(component.target).toBe('wasip2');
    expect(component.config.os).toBe('wasip2');
  });

  it('requires exactly one application/wasm layer matching layerDigests', () => {
    expect(failurePath(() => describeWasmArtifact(artifact([wasmLayer(), wasmLayer()]), {}))).toBe('manifest.layers');
    expect(failurePath(() => describeWasmArtifact(artifact([]), {}))).toBe('manifest.layers');
    const tar = { mediaType: MEDIA_TYPE.ociLayer, digest: fakeDigest('b'), size: 1 };
    expect(failurePath(() => describeWasmArtifact(artifact([tar]), {}))).toBe('manifest.layers[0].mediaType');
    expect(failurePath(() => describeWasmArtifact(artifact(), { layerDigests: [fakeDigest('f')] }))).toBe('config.layerDigests');
    expect(failurePath(() => describeWasmArtifact(artifact(), { architecture: 'amd64' }))).toBe('config.architecture');
    expect(failurePath(() => describeWasmArtifact(artifact(), { os: 'linux' }))).toBe('config.os');
  });
});
