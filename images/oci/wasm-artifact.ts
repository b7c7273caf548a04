/**
 * oci wasm-artifact: the CNCF TAG Runtime "wasm OCI artifact" (tag-runtime.cncf.io wasm-oci-artifact; written by
 * wkg, oci-wasm, wasmCloud, Spin): a manifest whose config has media type `application/vnd.wasm.config.v0+json`
 * and whose one layer (`application/wasm`) is the raw module or component, not a tar.
 *
 * wasmbox runs it as a one-file image: the layer becomes `/<name>` (its `org.opencontainers.image.title` annotation
 * when that is a plain file name, else `/app.wasm`), mode 0755, and the Entrypoint points at it. This module only
 * describes that; building the filesystem (no tar needed) is the layer code's job.
 */
import { ANNOTATION, digestItem, type Descriptor } from './descriptor.ts';
import type { Digest } from './digest.ts';
import type { ImageConfig } from './config.ts';
import { ImageFormatError, show } from './image-format-error.ts';
import { decodeJsonObject, optionalArray, optionalObject, optionalString, stringItem } from './json-fields.ts';
import type { ImageManifest } from './manifest.ts';
import { MEDIA_TYPE } from './media-types.ts';
import type { WasiTarget } from './platform.ts';

export const MAX_WASM_ARTIFACT_CONFIG_BYTES = 4 << 20;
const MAX_LIST = 4096;

/** The artifact's config (oci-wasm WasmConfig). Every field is optional: some tools write `{}`. */
export interface WasmArtifactConfig {
  created?: string;
  author?: string;
  architecture?: string;
  /** `wasip1` for core modules, `wasip2` for components. */
  os?: string;
  layerDigests?: Digest[];
  /** Present (and required by the spec) for components. */
  component?: { exports?: string[]; imports?: string[]; target?: string };
}

/** How a wasm artifact becomes a runnable image. */
export interface WasmArtifactImage {
  target: WasiTarget;
  /** The image config it runs with: platform `wasi/wasm` (or `wasip2/wasm`), Entrypoint the file, WorkingDir `/`. */
  config: ImageConfig;
  /** The rootfs's one file. */
  file: { path: string; mode: number; layer: Descriptor };
  /**
   * The layer is the raw wasm file, not a tar: it must not be untarred. `config.rootfs.diff_ids` holds the layer's
   * own digest, since the bytes are used as they are (uncompressed).
   */
  layerFormat: 'raw-wasm';
}

/** True for a manifest in the wasm artifact form (its config type, or an `application/wasm` layer). */
export function isWasmArtifact(manifest: ImageManifest): boolean {
  return manifest.config.mediaType === MEDIA_TYPE.wasmArtifactConfig || manifest.layers.some((l) => l.mediaType === MEDIA_TYPE.wasmLayer);
}

export function parseWasmArtifactConfig(bytes: Uint8Array): WasmArtifactConfig {
  const path = 'config';
  const o = decodeJsonObject(bytes, path, MAX_WASM_ARTIFACT_CONFIG_BYTES);
  const config: WasmArtifactConfig = {};
  for (const key of ['created', 'author', 'architecture', 'os'] as const) {
    const value = optionalString(o, key, path);
    if (value !== undefined) config[key] = value;
  }
  const layerDigests = optionalArray(o, 'layerDigests', path, MAX_LIST, digestItem);
  if (layerDigests) config.layerDigests = layerDigests;
  const component = optionalObject(o, 'component', path);
  if (component) {
    const at = `${path}.component`;
    config.component = {};
    const exports = optionalArray(component, 'exports', at, MAX_LIST, stringItem);
    if (exports) config.component.exports = exports;
    const imports = optionalArray(component, 'imports', at, MAX_LIST, stringItem);
    if (imports) config.component.imports = imports;
    const target = optionalString(component, 'target', at);
    if (target !== undefined) config.component.target = target;
  }
  return config;
}

const PLAIN_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;
const DEFAULT_FILE = 'app.wasm';

/**
 * Describes the artifact as a one-file image. `config` is the parsed artifact config (`{}` when the manifest's
 * config is the OCI empty descriptor). Throws ImageFormatError when the layers are not exactly one wasm file.
 */
export function describeWasmArtifact(manifest: ImageManifest, config: WasmArtifactConfig): WasmArtifactImage {
  if (manifest.layers.length !== 1) {
    throw new ImageFormatError('manifest.layers', `a wasm artifact has exactly one application/wasm layer, this one has ${manifest.layers.length} layers`);
  }
  const layer = manifest.layers[0];
  if (layer.mediaType !== MEDIA_TYPE.wasmLayer) {
    throw new ImageFormatError('manifest.layers[0].mediaType', `a wasm artifact's layer must be ${MEDIA_TYPE.wasmLayer}, got ${show(layer.mediaType)}`);
  }
  if (config.layerDigests && (config.layerDigests.length !== 1 || config.layerDigests[0] !== layer.digest)) {
    throw new ImageFormatError('config.layerDigests', `must list exactly the manifest's layer ${layer.digest}`);
  }
  if (config.architecture !== undefined && config.architecture !== 'wasm') {
    throw new ImageFormatError('config.architecture', `a wasm artifact's architecture is "wasm", got ${show(config.architecture)}`);
  }
  if (config.os !== undefined && !['wasip1', 'wasip2', 'wasi'].includes(config.os.toLowerCase())) {
    throw new ImageFormatError('config.os', `a wasm artifact's os is "wasip1" or "wasip2", got ${show(config.os)}`);
  }
  const target = artifactTarget(manifest, config);
  const title = layer.annotations?.[ANNOTATION.title];
  const path = `/${title !== undefined && PLAIN_FILE_NAME.test(title) ? title : DEFAULT_FILE}`;
  const imageConfig: ImageConfig = {
    // Written as Docker+Wasm writes it (`wasi/wasm`); a component keeps `wasip2` so platform checks refuse it.
    architecture: 'wasm',
    os: target === 'wasip1' ? 'wasi' : 'wasip2',
    config: { Entrypoint: [path], WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    history: [{ comment: `CNCF wasm artifact: layer ${layer.digest} as ${path}`, ...(config.created ? { created: config.created } : {}) }],
  };
  if (config.created !== undefined) imageConfig.created = config.created;
  if (config.author !== undefined) imageConfig.author = config.author;
  return { target, config: imageConfig, file: { path, mode: 0o755, layer }, layerFormat: 'raw-wasm' };
}

/** Preview2 if anything says so (config os, a component section, the artifactType); preview1 otherwise. */
function artifactTarget(manifest: ImageManifest, config: WasmArtifactConfig): WasiTarget {
  const component =
    config.os?.toLowerCase() === 'wasip2' ||
    config.component !== undefined ||
    manifest.artifactType === MEDIA_TYPE.wasmComponentArtifact ||
    manifest.config.artifactType === MEDIA_TYPE.wasmComponentArtifact;
  return component ? 'wasip2' : 'wasip1';
}
