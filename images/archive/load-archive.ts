/**
 * load archive: an image archive -> the store, in ONE transaction (a refused archive leaves the store exactly as
 * before). Accepted (`../shared/notes/docker-api-and-registry.md` B.7), plain tar or gzip (sniffed):
 *
 * - OCI layout (skopeo `oci-archive:`, buildx `type=oci`, and the combined `docker save` of moby 25+ and our own
 *   `saveArchive`): taken whenever `index.json` exists. Every entry of index.json is loaded with all it reaches;
 *   an index child that is absent is tolerated only when its descriptor names a platform (another platform not
 *   saved). Name: `io.containerd.image.name`, else `org.opencontainers.image.ref.name` when that is a reference
 *   (`hello:1.0`, `ghcr.io/o/app`); a bare tag (`latest`) or no annotation loads the image untagged.
 * - Docker archive (`docker save` ≤ 24: `<id>/layer.tar`, `<cfg>.json`; skopeo `docker-archive:` with its symlinks;
 *   taken when there is no index.json): each manifest.json entry becomes an OCI image: the config blob as is, each
 *   layer file as a blob under its own digest (media type from its sniffed compression), and a new OCI manifest.
 *   Names from RepoTags.
 *
 * Checks, all before the commit makes anything visible: tar names (archive-files.ts); every blob against its
 * descriptor (size first, then sha256) or, for Docker archives, against the digest its `blobs/sha256/<hex>` /
 * `<hex>.json` name states; manifests, indexes and configs parsed strictly (images/oci); every layer of an image
 * config read with the strict layer reader (so `..`, absolute names, symlink tricks or a gzip bomb inside a layer are
 * refused here too) and its diff_id compared with the config's `rootfs.diff_ids`.
 * Each blob is hashed once: it is staged in the load's transaction as soon as it is met, and the transaction's
 * `put` is the verification (stage-blobs.ts); a refused archive aborts the transaction, discarding what was staged.
 * Ref names follow `image-names.ts` (full normalized reference; untagged images under `sha256:<hex>`).
 */
import { WasmboxError } from '../../shared/errors.ts';
import { parseImageConfig, type ImageConfig } from '../oci/config.ts';
import { ANNOTATION, type Descriptor } from '../oci/descriptor.ts';
import type { Digest } from '../oci/digest.ts';
import { parseIndex } from '../oci/image-index.ts';
import { parseManifestOrIndex } from '../oci/manifest-or-index.ts';
import { isImageConfigMediaType, isIndexMediaType, isManifestMediaType, MEDIA_TYPE } from '../oci/media-types.ts';
import { parseReference, referenceString, withDefaultTag } from '../oci/reference.ts';
import type { LayerLimits, ReadLayerResult } from '../layer/read-layer.ts';
import { inTransaction, type ImageStore } from '../store/blob-store.ts';
import { ArchiveFormatError, checkedName, readArchive, type ArchiveFiles, type ArchiveLimits } from './archive-files.ts';
import { untaggedRefName } from './image-names.ts';
import { BlobStager } from './stage-blobs.ts';

export interface LoadedImage {
  /** The store ref name (full reference, e.g. `docker.io/library/hello:latest`); absent when loaded untagged. */
  name?: string;
  /** The image ID: the root descriptor's digest (manifest or index) in the store. */
  id: Digest;
}

export interface LoadResult {
  loaded: LoadedImage[];
}

export interface LoadOptions extends ArchiveLimits {
  /** Limits for each layer (read to check its diff_id and its names). */
  layer?: LayerLimits;
  /**
   * Called once per distinct layer the load reads (to check it), with what reading it gave (the uncompressed tar and
   * its entries), so a caller can keep that work (the engine unpacks layers from it). Called before the commit: the
   * load may still fail after it.
   */
  onLayer?: (digest: Digest, layer: ReadLayerResult) => Promise<void> | void;
}

/** The images of a checked archive (their blobs are staged in the load's transaction). */
type Roots = Array<{ descriptor: Descriptor; names: string[] }>;

const MAX_JSON_BYTES = 4 << 20;
const MAX_DEPTH = 4;
const MAX_IMAGES = 1000;
const encoder = new TextEncoder();

export async function loadArchive(store: ImageStore, bytes: Uint8Array, options: LoadOptions = {}): Promise<LoadResult> {
  if (!(bytes instanceof Uint8Array)) throw new ArchiveFormatError('expected the archive bytes (a Uint8Array)');
  const files = await readArchive(bytes, options);
  const plan = files.has('index.json') ? planOci : files.has('manifest.json') ? planDocker : undefined;
  if (!plan) throw new ArchiveFormatError('neither index.json (OCI image layout) nor manifest.json (Docker archive) found: not an image archive');

  const loaded: LoadedImage[] = [];
  await inTransaction(store, async (tx) => {
    const roots = await plan(files, new BlobStager(tx, options.onLayer), options);
    for (const { descriptor, names } of roots) {
      const root: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
      if (descriptor.platform) root.platform = descriptor.platform;
      if (names.length === 0) {
        tx.setRef(untaggedRefName(root.digest), root);
        loaded.push({ id: root.digest });
      }
      for (const name of names) {
        tx.setRef(name, root);
        loaded.push({ name, id: root.digest });
      }
    }
  });
  return { loaded };
}

// ---- OCI layout ------------------------------------------------------------------------------------------------

async function planOci(files: ArchiveFiles, stager: BlobStager, options: LoadOptions): Promise<Roots> {
  const layout = files.get('oci-layout', 'oci-layout');
  if (layout !== undefined) {
    const doc = decodeJson(layout, 'oci-layout');
    if (!isRecord(doc) || typeof doc.imageLayoutVersion !== 'string') {
      throw new ArchiveFormatError('oci-layout: expected {"imageLayoutVersion": "1.0.0"}');
    }
  }
  const indexBytes = files.require('index.json', 'index.json');
  const index = wrap('index.json', () => parseIndex(indexBytes));
  const roots: Roots = [];
  const byDigest = new Map<Digest, { descriptor: Descriptor; names: string[] }>();
  for (const [i, entry] of index.manifests.entries()) {
    const where = `index.json manifests[${i}]`;
    const mediaType = await addGraph(files, stager, entry, where, 0, options);
    const names = entryNames(entry, where);
    let root = byDigest.get(entry.digest);
    if (!root) {
      root = { descriptor: { ...entry, mediaType }, names: [] };
      byDigest.set(entry.digest, root);
      roots.push(root);
    }
    for (const name of names) if (!root.names.includes(name)) root.names.push(name);
  }
  return roots;
}

function entryNames(entry: Descriptor, where: string): string[] {
  const full = entry.annotations?.[ANNOTATION.containerdImageName];
  if (full !== undefined) return [normalizeName(full, `${where} annotation ${ANNOTATION.containerdImageName}`)];
  const refName = entry.annotations?.[ANNOTATION.refName];
  // A bare tag ("latest", as docker and skopeo write it) names no repository: the image loads untagged.
  if (refName === undefined || !/[:/@]/.test(refName)) return [];
  return [normalizeName(refName, `${where} annotation ${ANNOTATION.refName}`)];
}

/**
 * Verifies the blob `d` names and, for manifests and indexes, everything they reach. Returns the media type of
 * the blob as parsed (entries of skopeo's index.json may lack one).
 */
async function addGraph(files: ArchiveFiles, stager: BlobStager, d: Descriptor, where: string, depth: number, options: LoadOptions): Promise<string> {
  if (depth > MAX_DEPTH) throw new ArchiveFormatError(`${where}: indexes nested deeper than ${MAX_DEPTH} levels`);
  const bytes = await blob(files, stager, d, where);
  const parsed = wrap(where, () => parseManifestOrIndex(bytes, d.mediaType || undefined));
  if (parsed.kind === 'index') {
    for (const [i, child] of parsed.index.manifests.entries()) {
      const childWhere = `${where} -> manifests[${i}]`;
      if (!files.has(blobName(child.digest)) && !stager.staged(child.digest)) {
        if (child.platform && (isManifestMediaType(child.mediaType) || isIndexMediaType(child.mediaType))) continue;
        throw new ArchiveFormatError(`${childWhere}: blob ${child.digest} is missing from the archive`);
      }
      await addGraph(files, stager, child, childWhere, depth + 1, options);
    }
    return parsed.index.mediaType;
  }
  const { manifest } = parsed;
  const configBytes = await blob(files, stager, manifest.config, `${where} -> config`);
  const config = isImageConfigMediaType(manifest.config.mediaType) ? wrap(`${where} -> config`, () => parseImageConfig(configBytes)) : undefined;
  if (config) checkLayerCount(config, manifest.layers.length, where);
  for (const [i, layer] of manifest.layers.entries()) {
    const layerWhere = `${where} -> layers[${i}]`;
    const bytes = stager.staged(layer.digest) ?? files.get(blobName(layer.digest), `${layerWhere} blob`);
    const stage = blob(files, stager, layer, layerWhere);
    const diffId = config && bytes ? stager.diffId(bytes, stage.then(() => layer.digest), layerWhere, options.layer) : undefined;
    await checkLayer(stage, diffId, config?.rootfs.diff_ids[i], layerWhere);
  }
  return manifest.mediaType;
}

const blobName = (digest: Digest) => `blobs/sha256/${digest.slice('sha256:'.length)}`;

/** The bytes of the blob `d` describes, staged (verified) in the load's transaction. */
async function blob(files: ArchiveFiles, stager: BlobStager, d: Descriptor, where: string): Promise<Uint8Array> {
  const known = stager.staged(d.digest);
  if (known) {
    if (known.byteLength !== d.size) throw new ArchiveFormatError(`${where}: descriptor says ${d.size} bytes but blob ${d.digest} has ${known.byteLength}`);
    return known;
  }
  const member = blobName(d.digest);
  const bytes = files.get(member, `${where} blob`);
  if (bytes === undefined) throw new ArchiveFormatError(`${where}: blob ${d.digest} is missing from the archive`);
  await stager.stageDescribed(bytes, d, member, where);
  return bytes;
}

function checkLayerCount(config: ImageConfig, layers: number, where: string): void {
  const diffIds = config.rootfs.diff_ids.length;
  if (diffIds !== layers) throw new ArchiveFormatError(`${where}: the config lists ${diffIds} diff_ids for ${layers} layers`);
}

/**
 * Waits for a layer's staging and its diff_id, which run side by side (hashing the blob and unpacking it overlap),
 * and reports the staging's failure first so the message does not depend on which finished first.
 */
async function checkLayer(stage: Promise<unknown>, diffId: Promise<Digest> | undefined, expected: Digest | undefined, where: string): Promise<void> {
  const [staged, computed] = await Promise.allSettled([stage, diffId]);
  if (staged.status === 'rejected') throw staged.reason;
  if (computed.status === 'rejected') throw computed.reason;
  if (computed.value !== undefined && computed.value !== expected) {
    throw new ArchiveFormatError(`${where}: uncompressed layer hashes to ${computed.value}, but the config's diff_id is ${expected}`);
  }
}

// ---- Docker archive --------------------------------------------------------------------------------------------

async function planDocker(files: ArchiveFiles, stager: BlobStager, options: LoadOptions): Promise<Roots> {
  const doc = decodeJson(files.require('manifest.json', 'manifest.json'), 'manifest.json');
  if (!Array.isArray(doc)) throw new ArchiveFormatError('manifest.json: expected an array of images');
  if (doc.length > MAX_IMAGES) throw new ArchiveFormatError(`manifest.json: more than ${MAX_IMAGES} images`, { tooLarge: true });
  const roots: Roots = [];
  for (const [i, item] of doc.entries()) {
    const where = `manifest.json[${i}]`;
    if (!isRecord(item)) throw new ArchiveFormatError(`${where}: expected an object`);
    const { Config, Layers, RepoTags } = item;
    if (!Array.isArray(Layers) || Layers.length > 1000) throw new ArchiveFormatError(`${where}.Layers: expected an array of at most 1000 file names`);
    if (RepoTags !== undefined && RepoTags !== null && (!Array.isArray(RepoTags) || !RepoTags.every((t) => typeof t === 'string'))) {
      throw new ArchiveFormatError(`${where}.RepoTags: expected an array of strings`);
    }
    const configPath = checkedName(Config, `${where}.Config`);
    const configBytes = files.require(configPath, `${where}.Config`);
    const configDigest = await stager.stageFile(configBytes, configPath, `${where}.Config`);
    const config = wrap(`${where}.Config`, () => parseImageConfig(configBytes));
    checkLayerCount(config, Layers.length, where);
    const layerDescriptors: Descriptor[] = [];
    for (const [j, name] of Layers.entries()) {
      const layerWhere = `${where}.Layers[${j}]`;
      const path = checkedName(name, layerWhere);
      const bytes = files.require(path, layerWhere);
      const stage = stager.stageFile(bytes, path, layerWhere);
      await checkLayer(stage, stager.diffId(bytes, stage, layerWhere, options.layer), config.rootfs.diff_ids[j], layerWhere);
      const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
      layerDescriptors.push({ mediaType: gzip ? MEDIA_TYPE.ociLayerGzip : MEDIA_TYPE.ociLayer, digest: await stage, size: bytes.byteLength });
    }
    const manifest = encoder.encode(JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE.ociManifest,
      config: { mediaType: MEDIA_TYPE.ociConfig, digest: configDigest, size: configBytes.byteLength },
      layers: layerDescriptors,
    }));
    const names = ((RepoTags ?? []) as string[]).map((t, j) => normalizeName(t, `${where}.RepoTags[${j}]`));
    const manifestDigest = await stager.stageGenerated(manifest);
    roots.push({ descriptor: { mediaType: MEDIA_TYPE.ociManifest, digest: manifestDigest, size: manifest.byteLength }, names });
  }
  return roots;
}

// ---- helpers ---------------------------------------------------------------------------------------------------

function normalizeName(name: string, where: string): string {
  try {
    return referenceString(withDefaultTag(parseReference(name)));
  } catch (error) {
    throw new ArchiveFormatError(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function decodeJson(bytes: Uint8Array, what: string): unknown {
  if (bytes.byteLength > MAX_JSON_BYTES) throw new ArchiveFormatError(`${what}: ${bytes.byteLength} bytes is over the limit of ${MAX_JSON_BYTES}`, { tooLarge: true });
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new ArchiveFormatError(`${what}: malformed JSON (${(error as Error).message})`, { cause: error });
  }
}

function wrap<T>(where: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw error;
    if (error instanceof WasmboxError) throw new ArchiveFormatError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
