/**
 * oci resolve-image: from a root descriptor (a tag's target: an index or a manifest) to the runnable image: walks
 * index -> (nested index ->) manifest -> config, picking the WASI preview1 entry of each index, and returns the
 * manifest, the config and the layer descriptors. Layers are not fetched here.
 *
 * Every blob read is checked against its descriptor before it is parsed: the descriptor's size against the cap for
 * its kind (before reading), then the byte length, then the sha256 (containerd content.ReadBlob + verification).
 * Because blobs are content-addressed and verified, an index cannot contain itself; nesting is still capped
 * (`RESOLVE_LIMITS.indexDepth`), as are the index entries tried and the blobs read in one resolution, so a hostile
 * index cannot make us read without bound. The config has the last word on the platform: an index entry that claims
 * wasi/wasm but whose config says linux/amd64 is refused.
 */
import { WasmboxError, isWasmboxError } from '../../shared/errors.ts';
import { parseImageConfig, configPlatform, MAX_CONFIG_BYTES, type ImageConfig } from './config.ts';
import type { Descriptor, Platform } from './descriptor.ts';
import { sha256Digest, type Digest } from './digest.ts';
import { ImageFormatError, show } from './image-format-error.ts';
import type { ImageIndex } from './image-index.ts';
import { parseManifestOrIndex, UNTYPED_MEDIA_TYPES as UNTYPED } from './manifest-or-index.ts';
import { MAX_MANIFEST_BYTES, type ImageManifest } from './manifest.ts';
import { isImageConfigMediaType, isIndexMediaType, isManifestMediaType, isTarLayerMediaType, MEDIA_TYPE } from './media-types.ts';
import { classifyIndexEntries, isAttestation, notWasip1Error, requireWasip1, UnsupportedPlatformError, type PlatformLike } from './platform.ts';
import {
  describeWasmArtifact,
  isWasmArtifact,
  parseWasmArtifactConfig,
  MAX_WASM_ARTIFACT_CONFIG_BYTES,
  type WasmArtifactConfig,
  type WasmArtifactImage,
} from './wasm-artifact.ts';

/** The narrowest slice of a blob store this needs. `undefined` (or a NotFound WasmboxError) means missing. */
export interface BlobSource {
  get(digest: Digest): Promise<Uint8Array | undefined>;
}

export interface ResolvedImage {
  /** The chosen manifest's descriptor: its digest is the image's manifest digest. */
  manifestDescriptor: Descriptor;
  manifest: ImageManifest;
  /** The image config; for a wasm artifact, the one wasmbox synthesises (see `artifact`). */
  config: ImageConfig;
  /** Layer descriptors, bottom layer first. */
  layers: Descriptor[];
  /** The platform the config states (`wasi/wasm`, `wasip1/wasm`, …): WASI preview1 unless resolved with `anyPlatform`. */
  platform: Platform;
  /** Set for a CNCF wasm artifact: its one layer is a raw wasm file (not a tar) to place at `artifact.file.path`. */
  artifact: WasmArtifactImage | null;
  /** The indexes walked from the root to the manifest, outermost first (empty when the root is a manifest). */
  indexes: Descriptor[];
}

export const RESOLVE_LIMITS = {
  /** Indexes nested in indexes (skopeo `--all` into `oci:` gives 2 levels). */
  indexDepth: 4,
  /** Entries of one index tried when several might be the wasm image (unlabeled entries are checked by config). */
  candidatesPerIndex: 8,
  /** Blobs read in one resolution. */
  blobs: 32,
} as const;

// The OCI 1.1 empty descriptor's blob, `{}`: artifacts without a config point at it, and stores may not hold it.
const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

interface Walk {
  reader: BlobSource;
  blobsRead: number;
  anyPlatform: boolean;
}

export interface ResolveOptions {
  /**
   * Accept an image of any platform (for inspect/history, as `docker image inspect` shows a linux/amd64 image): the
   * wasip1 manifest of an index is still preferred; else the first other entry whose blobs are in the store.
   */
  anyPlatform?: boolean;
}

/**
 * Resolves `root` to the WASI preview1 image it names. Throws ImageFormatError (bad content, digest or size
 * mismatch), UnsupportedPlatformError (kind NotRunnable: not wasi/wasm, or a preview2 component) or WasmboxError
 * kind NotFound (a blob is missing).
 */
export async function resolveImage(reader: BlobSource, root: Descriptor, options: ResolveOptions = {}): Promise<ResolvedImage> {
  return resolveFrom({ reader, blobsRead: 0, anyPlatform: options.anyPlatform ?? false }, root, 'image', []);
}

async function resolveFrom(walk: Walk, desc: Descriptor, where: string, indexes: Descriptor[]): Promise<ResolvedImage> {
  checkManifestOrIndexType(desc, where);
  const bytes = await fetchBlob(walk, desc, where, MAX_MANIFEST_BYTES);
  const parsed = parseManifestOrIndex(bytes, desc.mediaType);
  if (parsed.kind === 'manifest') return resolveManifest(walk, desc, parsed.manifest, indexes);
  if (indexes.length >= RESOLVE_LIMITS.indexDepth) {
    throw new ImageFormatError(where, `image indexes nested more than ${RESOLVE_LIMITS.indexDepth} deep`);
  }
  return resolveIndex(walk, parsed.index, [...indexes, desc]);
}

async function resolveIndex(walk: Walk, index: ImageIndex, chain: Descriptor[]): Promise<ResolvedImage> {
  const entries = classifyIndexEntries(index);
  const candidates = [...entries.wasip1, ...entries.unlabeled].slice(0, RESOLVE_LIMITS.candidatesPerIndex);
  const seen: PlatformLike[] = [...entries.others];
  let missingUnlabeled: unknown;
  for (const candidate of candidates) {
    try {
      return await resolveFrom(walk, candidate, `index.manifests[${index.manifests.indexOf(candidate)}]`, chain);
    } catch (error) {
      // An entry that turns out not to be wasip1 (its config says so): try the next, report all at the end.
      if (error instanceof UnsupportedPlatformError) {
        seen.push(...error.found);
        continue;
      }
      // An entry without a platform whose blobs were never pulled (stores keep the whole index but only the
      // platform they pulled) is skipped too; a stated wasip1 entry with missing blobs is a real error.
      if (!candidate.platform && isWasmboxError(error, 'NotFound')) {
        missingUnlabeled ??= error;
        continue;
      }
      throw error;
    }
  }
  if (walk.anyPlatform) {
    const others = index.manifests.filter((m) => m.platform && !candidates.includes(m) && !isAttestation(m)).slice(0, RESOLVE_LIMITS.candidatesPerIndex);
    for (const other of others) {
      try {
        return await resolveFrom(walk, other, `index.manifests[${index.manifests.indexOf(other)}]`, chain);
      } catch (error) {
        if (!isWasmboxError(error, 'NotFound')) throw error; // a platform this store never pulled
      }
    }
  }
  if (seen.length === 0 && missingUnlabeled !== undefined) throw missingUnlabeled;
  throw notWasip1Error(seen);
}

async function resolveManifest(walk: Walk, desc: Descriptor, manifest: ImageManifest, indexes: Descriptor[]): Promise<ResolvedImage> {
  if (isWasmArtifact(manifest)) {
    const artifact = describeWasmArtifact(manifest, await artifactConfig(walk, manifest));
    const platform = configPlatform(artifact.config);
    if (!walk.anyPlatform) requireWasip1(platform);
    return { manifestDescriptor: desc, manifest, config: artifact.config, layers: manifest.layers, platform, artifact, indexes };
  }
  if (!isImageConfigMediaType(manifest.config.mediaType)) {
    throw new ImageFormatError('manifest.config.mediaType', `${show(manifest.config.mediaType)} is not an image config type`);
  }
  const config = parseImageConfig(await fetchBlob(walk, manifest.config, 'manifest.config', MAX_CONFIG_BYTES));
  const platform = configPlatform(config);
  if (!walk.anyPlatform) requireWasip1(platform);
  manifest.layers.forEach((layer, i) => {
    if (!isTarLayerMediaType(layer.mediaType)) {
      throw new ImageFormatError(`manifest.layers[${i}].mediaType`, `${show(layer.mediaType)} is not a filesystem layer type`);
    }
  });
  // OCI config.md: diff_ids[i] is the uncompressed digest of layers[i].
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new ImageFormatError(
      'config.rootfs.diff_ids',
      `lists ${config.rootfs.diff_ids.length} layers but the manifest has ${manifest.layers.length}`,
    );
  }
  return { manifestDescriptor: desc, manifest, config, layers: manifest.layers, platform, artifact: null, indexes };
}

async function artifactConfig(walk: Walk, manifest: ImageManifest): Promise<WasmArtifactConfig> {
  const config = manifest.config;
  if (config.digest === EMPTY_JSON_DIGEST && config.size === 2) return {};
  if (config.mediaType !== MEDIA_TYPE.wasmArtifactConfig && config.mediaType !== MEDIA_TYPE.ociEmpty) {
    throw new ImageFormatError('manifest.config.mediaType', `${show(config.mediaType)} is not a wasm artifact config type`);
  }
  return parseWasmArtifactConfig(await fetchBlob(walk, config, 'manifest.config', MAX_WASM_ARTIFACT_CONFIG_BYTES));
}

/** Reads one blob and checks it against `desc`: size cap first, then length, then sha256. */
async function fetchBlob(walk: Walk, desc: Descriptor, where: string, maxBytes: number): Promise<Uint8Array> {
  if (desc.size > maxBytes) {
    throw new ImageFormatError(`${where}.size`, `${desc.size} bytes is over the limit of ${maxBytes} bytes for this kind of blob`);
  }
  if (++walk.blobsRead > RESOLVE_LIMITS.blobs) {
    throw new ImageFormatError(where, `resolving the image needed more than ${RESOLVE_LIMITS.blobs} blobs`);
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await walk.reader.get(desc.digest);
  } catch (cause) {
    if (!isWasmboxError(cause, 'NotFound')) throw cause;
    throw missing(desc, where, cause);
  }
  if (bytes === undefined) throw missing(desc, where);
  if (!(bytes instanceof Uint8Array)) throw new WasmboxError('Internal', `blob source returned ${show(bytes)} for ${desc.digest}`);
  if (bytes.byteLength !== desc.size) {
    throw new ImageFormatError(where, `blob ${desc.digest} is ${bytes.byteLength} bytes but its descriptor says ${desc.size}`);
  }
  const actual = await sha256Digest(bytes);
  if (actual !== desc.digest) throw new ImageFormatError(where, `blob content has digest ${actual}, not ${desc.digest} as its descriptor says`);
  return bytes;
}

function missing(desc: Descriptor, where: string, cause?: unknown): WasmboxError {
  return new WasmboxError('NotFound', `${where}: blob ${desc.digest} (${desc.mediaType || 'unknown type'}) is missing`, {
    cause,
    data: { digest: desc.digest, path: where },
  });
}

/** Refuses, before reading it, a blob whose descriptor says it is something else (a layer, a config, schema 1). */
function checkManifestOrIndexType(desc: Descriptor, where: string): void {
  const type = desc.mediaType;
  if (isManifestMediaType(type) || isIndexMediaType(type) || UNTYPED.has(type)) return;
  if (type === MEDIA_TYPE.dockerSchema1Manifest || type === MEDIA_TYPE.dockerSchema1SignedManifest) {
    throw new ImageFormatError(`${where}.mediaType`, 'Docker schema 1 manifests are not supported (deprecated; push the image again with a current tool)');
  }
  throw new ImageFormatError(`${where}.mediaType`, `${show(type)} is not an image manifest or index`);
}
