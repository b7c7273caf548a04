/**
 * engine image-service: the engine's view of its image store: names -> runnable images, the image list, and image
 * layers as VFS lower trees (through the layer cache).
 *
 * Ref names (how images are named in the store, i.e. the OCI layout's `org.opencontainers.image.ref.name`):
 * wasmbox stores the FULL normalized reference, `docker.io/library/hello:latest`, `ghcr.io/o/app:1.0`, never the
 * bare tag. OCI's convention (and skopeo's `oci:DIR:TAG`) is a bare tag, but a store holding many repositories needs
 * the repository in the name; the full string is valid in skopeo's ref grammar, so
 * `skopeo inspect oci:$WASMBOX_HOME/store:docker.io/library/hello:latest` still works. `storeName(ref)` gives it.
 * Lookup of what a user typed (`resolve`), first hit wins:
 *   1. the full normalized name with the default tag (`hello` -> `docker.io/library/hello:latest`);
 *   2. the input exactly as typed (names other tools wrote, e.g. `skopeo copy … oci:DIR:hello`, or a bare tag);
 *   3. the familiar form with tag (`hello:latest`);
 *   4. an image ID: the root (manifest or index) digest, `sha256:<hex>` or bare hex, or a unique prefix of at least
 *      4 hex digits (as `docker run abcd` finds image abcd…); a prefix matching several images is InvalidArgument;
 *   5. with a digest (`name@sha256:…`): the manifest or index blob itself, if the store has it.
 * Not found is a WasmboxError NotFound naming the input and the full name looked up.
 *
 * Image IDs: the ROOT digest, i.e. the digest of what the ref points at (an index or a manifest), as Docker 25+ with
 * the containerd image store shows it (the store that runs wasm), and as `wasmbox load` prints and `wasmbox images`
 * lists. (The classic docker store shows the config digest instead; `configDigest` carries it.)
 *
 * Changes (load, remove, tag, prune) go through here too, so the CLI, the daemon and the web page share them: a load
 * unpacks the layers of the images it brought (layer-snapshots.ts) so their first start reads no blob; removing
 * blobs drops their unpacked layers.
 *
 * The store is opened lazily (Node's default store is a directory under $WASMBOX_HOME, created on first use), and
 * closed by `close()` only when this service opened it.
 */
import type { LowerEntry } from '../vfs/api.ts';
import type { ImageStore } from '../../images/store/blob-store.ts';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import { isDigest, type Digest } from '../../images/oci/digest.ts';
import { resolveImage, type ResolvedImage, type ResolveOptions } from '../../images/oci/resolve-image.ts';
import {
  familiarName,
  familiarString,
  parseReference,
  referenceString,
  withDefaultTag,
  type ImageReference,
} from '../../images/oci/reference.ts';
import { WasmboxError, isWasmboxError } from '../../shared/errors.ts';
import { findImageById, looksLikeImageId } from '../../images/store/image-id.ts';
import type { ContainerConfig, HistoryEntry } from '../../images/oci/config.ts';
import { LayerCache } from './layer-cache.ts';
import { loadArchive, type LoadOptions, type LoadResult } from '../../images/archive/load-archive.ts';
import { saveArchive } from '../../images/archive/save-archive.ts';
import { findImage, isUntaggedRefName, storeRefName } from '../../images/archive/image-names.ts';
import { MemoryLayerSnapshots, type LayerSnapshots } from './layer-snapshots.ts';

/** A store given as is (the caller owns and closes it) or opened on first use (this service closes it). */
export type StoreSource = ImageStore | (() => Promise<ImageStore>);

export interface ImageHandle {
  /** What the caller asked for, as typed. */
  input: string;
  /** The ref name that matched in the store ('' when found by digest). */
  refName: string;
  /** The parsed input (null when it is not a valid reference but matched a ref name as typed). */
  reference: ImageReference | null;
  /** The root descriptor the ref points at (index or manifest). */
  root: Descriptor;
  image: ResolvedImage;
  /** The image ID: the root digest (see module doc). */
  id: Digest;
  /** The digest of the selected manifest's config blob. */
  configDigest: Digest;
}

export interface ImageSummary {
  /** The ref name as stored. */
  name: string;
  /** `docker images` columns: familiar repository and tag (`<none>` when the name is not a reference). */
  repository: string;
  tag: string;
  /** The image ID: the root digest (see module doc). */
  id: Digest;
  /** The config digest, when the image resolves. */
  configDigest?: Digest;
  created?: string;
  /** Stored bytes of the image's blobs (compressed layers + config + manifest). */
  size: number;
  /** Set when the image cannot run here (e.g. linux/amd64, missing blobs): why. */
  problem?: string;
}

/** `docker image inspect`'s shape (the fields that mean something for a wasm image). */
export interface ImageInspect {
  /** The image ID (root digest). */
  Id: Digest;
  /** Familiar `name:tag` of every tagged name of the image. */
  RepoTags: string[];
  /** `name@<root digest>` per repository, as the containerd image store reports them. */
  RepoDigests: string[];
  /** The config's `created` (RFC 3339), '' when the image does not say. */
  Created: string;
  Author?: string;
  Architecture: string;
  Os: string;
  Variant?: string;
  Config: Omit<ContainerConfig, 'Env' | 'Entrypoint' | 'Cmd' | 'WorkingDir' | 'Labels'> & {
    Env: string[] | null;
    Entrypoint: string[] | null;
    Cmd: string[] | null;
    WorkingDir: string;
    Labels: Record<string, string> | null;
  };
  RootFS: { Type: string; Layers: Digest[] };
  /** Stored bytes of the image's blobs, as `ImageSummary.size`. */
  Size: number;
}

/** One `docker history` row (Docker API `GET /images/{name}/history`), newest first. */
export interface ImageHistoryItem {
  /** The image ID on the newest row; `<missing>` on the others (their intermediate images are not stored). */
  Id: string;
  /** Unix seconds; 0 when the entry has no date. */
  Created: number;
  CreatedBy: string;
  /** Familiar tags, on the newest row only. */
  Tags: string[] | null;
  /** Stored size of the layer the step made; 0 for an empty layer (ENV, CMD, …). */
  Size: number;
  Comment: string;
}

/** The ref name wasmbox stores for `input`: the full normalized reference, default tag added. */
export function storeName(input: string): string {
  return referenceString(withDefaultTag(parseReference(input)));
}

export class ImageService {
  private storePromise: Promise<ImageStore> | undefined;
  private layerCache: LayerCache | undefined;

  /**
   * `snapshots`: where layers are unpacked (layer-snapshots.ts); default in memory, the Node entry passes the disk
   * snapshots under `$WASMBOX_HOME/layers`.
   */
  constructor(
    private readonly source: StoreSource,
    readonly snapshots: LayerSnapshots = new MemoryLayerSnapshots(),
  ) {}

  /** The store, opened on first use. */
  store(): Promise<ImageStore> {
    if (!this.storePromise) {
      const source = this.source;
      const opening = typeof source === 'function' ? source() : Promise.resolve(source);
      this.storePromise = opening;
      opening.catch(() => {
        if (this.storePromise === opening) this.storePromise = undefined; // retry next time
      });
    }
    return this.storePromise;
  }

  /** The layer cache (created with the store); exposed for accounting and tests. */
  async layers(): Promise<LayerCache> {
    const store = await this.store();
    this.layerCache ??= new LayerCache(store.blobs, this.snapshots);
    return this.layerCache;
  }

  /**
   * Finds `input` in the store and resolves it to its WASI preview1 image (see module doc for the lookup order);
   * `anyPlatform` accepts other platforms too (inspect and history show any image, only runs need wasip1).
   */
  async resolve(input: string, options: ResolveOptions = {}): Promise<ImageHandle> {
    if (typeof input !== 'string' || input === '') throw new WasmboxError('InvalidArgument', 'image name must be a non-empty string');
    const store = await this.store();
    let reference: ImageReference | null = null;
    let parseError: unknown;
    try {
      reference = parseReference(input);
    } catch (error) {
      parseError = error;
    }
    const full = reference ? referenceString(withDefaultTag(reference)) : undefined;
    const candidates = [...new Set([full, input, reference ? familiarString(withDefaultTag(reference)) : undefined])];
    for (const name of candidates) {
      if (name === undefined) continue;
      const root = await store.refs.get(name);
      if (root) return this.handle(input, name, reference, root, options);
    }
    const byId = await findImageById(store.refs, input);
    if (byId) return this.handle(input, byId.names[0], reference, byId.descriptor, options);
    if (reference?.digest !== undefined && (await store.blobs.has(reference.digest))) {
      const root = await rootByDigest(store, reference.digest);
      return this.handle(input, '', reference, root, options);
    }
    if (looksLikeImageId(input)) throw new WasmboxError('NotFound', `No such image: ${input}`, { data: { reference: input } });
    if (!reference) throw parseError;
    throw new WasmboxError('NotFound', `image "${input}" not found in the local store (looked for ${full})`, {
      data: { reference: input, name: full },
    });
  }

  /** Every ref in the store, sorted by name, with what `docker images` shows. */
  async list(): Promise<ImageSummary[]> {
    const store = await this.store();
    const out: ImageSummary[] = [];
    const resolved = new Map<Digest, Promise<ResolvedImage>>();
    for (const { name, descriptor } of await store.refs.list()) {
      let repository = name;
      let tag = '<none>';
      if (isDigest(name)) {
        repository = '<none>'; // an untagged image kept under its root digest (images/archive/image-names.ts)
      } else {
        try {
          const ref = parseReference(name);
          repository = familiarName(ref);
          tag = ref.tag ?? '<none>';
        } catch {
          // a name another tool wrote (e.g. a bare tag): shown as is
        }
      }
      try {
        // several names of one image: resolved once
        let resolving = resolved.get(descriptor.digest);
        if (!resolving) resolved.set(descriptor.digest, (resolving = resolveImage(store.blobs, descriptor, { anyPlatform: true })));
        const image = await resolving;
        const created = image.config.created;
        const configDigest = image.manifest.config.digest;
        out.push({ name, repository, tag, id: descriptor.digest, configDigest, ...(created ? { created } : {}), size: imageSize(image) });
      } catch (error) {
        out.push({ name, repository, tag, id: descriptor.digest, size: descriptor.size, problem: error instanceof Error ? error.message : String(error) });
      }
    }
    return out;
  }

  /** `docker image inspect` of what `input` names (resolved as `resolve` does). */
  async inspect(input: string): Promise<ImageInspect> {
    const handle = await this.resolve(input, { anyPlatform: true });
    const { config, layers } = handle.image;
    const names = await this.namesOf(handle.id);
    const repoTags: string[] = [];
    const repoDigests: string[] = [];
    for (const name of names) {
      const ref = tryParse(name);
      if (!ref) continue;
      if (ref.tag !== undefined) repoTags.push(familiarString({ ...ref, digest: undefined }));
      const repoDigest = `${familiarName(ref)}@${handle.id}`;
      if (!repoDigests.includes(repoDigest)) repoDigests.push(repoDigest);
    }
    const c = config.config ?? {};
    return {
      Id: handle.id,
      RepoTags: repoTags,
      RepoDigests: repoDigests,
      Created: config.created ?? '',
      ...(config.author ? { Author: config.author } : {}),
      Architecture: config.architecture,
      Os: config.os,
      ...(config.variant ? { Variant: config.variant } : {}),
      Config: {
        ...c,
        Env: c.Env ?? null,
        Entrypoint: c.Entrypoint ?? null,
        Cmd: c.Cmd ?? null,
        WorkingDir: c.WorkingDir ?? '',
        Labels: c.Labels ?? null,
      },
      RootFS: { Type: config.rootfs?.type ?? 'layers', Layers: [...(config.rootfs?.diff_ids ?? layers.map((l) => l.digest))] },
      Size: imageSize(handle.image),
    };
  }

  /**
   * `docker history` of what `input` names, newest first: one row per config `history` entry, each non-empty entry
   * matched with the next layer (bottom up); an image without history gets one row per layer, as the layers are all
   * it says.
   */
  async history(input: string): Promise<ImageHistoryItem[]> {
    const handle = await this.resolve(input, { anyPlatform: true });
    const { config, layers } = handle.image;
    const entries: HistoryEntry[] = config.history?.length ? config.history : layers.map(() => ({}));
    const rows: ImageHistoryItem[] = [];
    let layer = 0;
    for (const entry of entries) {
      const size = entry.empty_layer ? 0 : (layers[layer++]?.size ?? 0);
      const created = entry.created === undefined ? Number.NaN : Date.parse(entry.created);
      rows.push({
        Id: '<missing>',
        Created: Number.isNaN(created) ? 0 : Math.floor(created / 1000),
        CreatedBy: entry.created_by ?? '',
        Tags: null,
        Size: size,
        Comment: entry.comment ?? '',
      });
    }
    rows.reverse();
    if (rows.length > 0) {
      rows[0].Id = handle.id;
      const tags = (await this.namesOf(handle.id)).map(tryParse).filter((r) => r?.tag !== undefined).map((r) => familiarString({ ...r!, digest: undefined }));
      rows[0].Tags = tags.length > 0 ? tags : null;
    }
    return rows;
  }

  /** Every ref name pointing at the image with root digest `id`. */
  private async namesOf(id: Digest): Promise<string[]> {
    const store = await this.store();
    return (await store.refs.list()).filter((r) => r.descriptor.digest === id).map((r) => r.name);
  }

  /**
   * Imports an image archive (`docker save` / OCI layout tar, plain or gzip) in one store transaction; where unpacked
   * layers persist (Node), each wasi/wasm image's layers are unpacked too (see `unpackLayers`). The archive is its
   * bytes, a Blob (a `File` from an input or a drop), or a URL to fetch (an HTTP error is NotFound/Unavailable).
   */
  async load(archive: Uint8Array | Blob | URL, options: LoadOptions = {}): Promise<LoadResult> {
    const bytes = await archiveBytes(archive);
    const snapshots = this.snapshots;
    const result = await loadArchive(await this.store(), bytes, {
      ...options,
      // The load gunzips every layer to check it: keep the result instead of gunzipping again below. Plain tars
      // are unpacked after the commit, as hard links to their blob files.
      onLayer: async (digest, layer) => {
        await options.onLayer?.(digest, layer);
        if (snapshots.persistent && layer.compression !== 'none') await snapshots.adopt(digest, layer);
      },
    });
    for (const image of result.loaded) await this.unpackLayers(image.id);
    return result;
  }

  /**
   * Unpacks the layers of the image `input` now where unpacked layers persist (Node: `$WASMBOX_HOME/layers`), as
   * containerd unpacks on pull, so its first container start reads no blob. Elsewhere (and for an image of another
   * platform, which never runs) nothing happens: memory goes to layers when they run.
   */
  async unpackLayers(input: string): Promise<void> {
    if (!this.snapshots.persistent) return;
    let handle: ImageHandle;
    try {
      handle = await this.resolve(input);
    } catch (error) {
      if (isWasmboxError(error) && error.kind === 'NotRunnable') return;
      throw error;
    }
    const cache = await this.layers();
    const { image } = handle;
    if (image.artifact) await cache.unpack(image.artifact.file.layer, true);
    else for (const layer of image.layers) await cache.unpack(layer, false);
  }

  /** One tar holding `names` as an OCI image layout and a Docker archive (`docker save`). */
  async save(names: string[]): Promise<Uint8Array> {
    return saveArchive(await this.store(), names);
  }

  /**
   * `docker rmi`: removes every name of the image `input` and the blobs only it reached. Conflict when it has several
   * names and `force` is not set. Returns the names removed and the deleted blob digests.
   */
  async remove(input: string, options: { force?: boolean } = {}): Promise<{ untagged: string[]; deleted: Digest[]; id: Digest }> {
    const store = await this.store();
    const found = await findImage(store.refs, input);
    if (found.names.length > 1 && !options.force) {
      throw new WasmboxError('Conflict', `unable to delete ${input} (must be forced) - image is referenced in multiple repositories`);
    }
    const untagged: string[] = [];
    const deleted: Digest[] = [];
    for (const name of found.names) {
      const removed = await store.remove(name);
      if (!isUntaggedRefName(name)) untagged.push(name);
      deleted.push(...removed.deleted);
    }
    await this.dropUnpackedLayers(deleted);
    return { untagged, deleted, id: found.descriptor.digest };
  }

  /** `docker tag SOURCE TARGET`; tagging an untagged image drops its `sha256:` placeholder name. */
  async tag(source: string, target: string): Promise<void> {
    const name = storeRefName(target);
    const store = await this.store();
    const found = await findImage(store.refs, source);
    await store.refs.set(name, found.descriptor);
    for (const old of found.names) if (isUntaggedRefName(old)) await store.refs.delete(old);
  }

  /** `docker image prune`: removes untagged images, then every blob no image reaches. */
  async prune(): Promise<{ deleted: Digest[]; bytes: number }> {
    const store = await this.store();
    const images: Digest[] = [];
    for (const { name, descriptor } of await store.refs.list()) {
      if (!isUntaggedRefName(name)) continue;
      await store.refs.delete(name);
      images.push(descriptor.digest);
    }
    const pruned = await store.prune();
    await this.dropUnpackedLayers(pruned.deleted);
    return { deleted: [...new Set(images)], bytes: pruned.bytes };
  }

  /** After blobs were deleted: their cached trees and unpacked layers go (any other process's too, by store check). */
  private async dropUnpackedLayers(deleted: readonly Digest[]): Promise<void> {
    for (const digest of deleted) this.layerCache?.evict(digest);
    const store = await this.store();
    await this.snapshots.prune((digest) => store.blobs.has(digest as Digest));
  }

  /** The image's layers as VFS lower trees, bottom first, each built once per layer digest and shared. */
  async lowerLayers(handle: Pick<ImageHandle, 'image'>): Promise<LowerEntry[]> {
    const cache = await this.layers();
    const { image } = handle;
    if (image.artifact) {
      const file = image.artifact.file;
      return [await cache.rawFile(file.layer, file.path, file.mode)];
    }
    return Promise.all(image.layers.map((layer) => cache.layer(layer)));
  }

  /** Closes the store if this service opened it; drops cached layers and closes layer files it read. */
  async close(): Promise<void> {
    this.layerCache?.clear();
    this.snapshots.files?.close();
    const opened = typeof this.source === 'function' ? this.storePromise : undefined;
    this.storePromise = undefined;
    this.layerCache = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }

  private async handle(input: string, refName: string, reference: ImageReference | null, root: Descriptor, options: ResolveOptions): Promise<ImageHandle> {
    const store = await this.store();
    const image = await resolveImage(store.blobs, root, options);
    return { input, refName, reference, root, image, id: root.digest, configDigest: image.manifest.config.digest };
  }
}

async function archiveBytes(archive: Uint8Array | Blob | URL): Promise<Uint8Array> {
  if (archive instanceof Uint8Array) return archive;
  if (archive instanceof URL) {
    let response: Response;
    try {
      response = await fetch(archive);
    } catch (cause) {
      throw new WasmboxError('Unavailable', `cannot fetch ${archive.href}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    if (!response.ok) {
      throw new WasmboxError(response.status === 404 ? 'NotFound' : 'Unavailable', `cannot fetch ${archive.href}: HTTP ${response.status} ${response.statusText}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  if (typeof Blob === 'function' && archive instanceof Blob) return new Uint8Array(await archive.arrayBuffer());
  throw new WasmboxError('InvalidArgument', 'load takes the archive as a Uint8Array, a Blob (File) or a URL');
}

/** A ref name as a reference, when it is one (untagged `sha256:` names and foreign names are not). */
function tryParse(name: string): ImageReference | undefined {
  if (isDigest(name)) return undefined;
  try {
    return parseReference(name);
  } catch {
    return undefined;
  }
}

function imageSize(image: ResolvedImage): number {
  let size = image.manifestDescriptor.size + image.layers.reduce((sum, layer) => sum + layer.size, 0);
  if (!image.artifact || image.manifest.config.size > 2) size += image.manifest.config.size;
  for (const index of image.indexes) size += index.size;
  return size;
}

/** A root descriptor for a manifest or index named only by digest: its media type read from the blob itself. */
async function rootByDigest(store: ImageStore, digest: Digest): Promise<Descriptor> {
  const bytes = await store.blobs.get(digest);
  let mediaType = '';
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { mediaType?: unknown }).mediaType === 'string') {
      mediaType = (parsed as { mediaType: string }).mediaType;
    }
  } catch (error) {
    if (isWasmboxError(error)) throw error;
    throw new WasmboxError('InvalidArgument', `blob ${digest} is not an image manifest or index`);
  }
  return { mediaType: mediaType || 'application/json', digest, size: bytes.byteLength };
}
