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
 *   4. with a digest (`name@sha256:…`): the manifest or index blob itself, if the store has it.
 * Not found is a WasmboxError NotFound naming the input and the full name looked up.
 *
 * The store is opened lazily (Node's default store is a directory under $WASMBOX_HOME, created on first use), and
 * closed by `close()` only when this service opened it.
 */
import type { LowerEntry } from '../vfs/api.ts';
import type { ImageStore } from '../../images/store/blob-store.ts';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import { isDigest, type Digest } from '../../images/oci/digest.ts';
import { resolveImage, type ResolvedImage } from '../../images/oci/resolve-image.ts';
import {
  familiarName,
  familiarString,
  parseReference,
  referenceString,
  withDefaultTag,
  type ImageReference,
} from '../../images/oci/reference.ts';
import { WasmboxError, isWasmboxError } from '../../shared/errors.ts';
import { LayerCache, type LayerCacheOptions } from './layer-cache.ts';

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
  /** The image ID as docker shows it: the config digest. */
  id: Digest;
}

export interface ImageSummary {
  /** The ref name as stored. */
  name: string;
  /** `docker images` columns: familiar repository and tag (`<none>` when the name is not a reference). */
  repository: string;
  tag: string;
  /** Config digest; for an image that cannot be resolved, the root descriptor's digest. */
  id: Digest;
  created?: string;
  /** Stored bytes of the image's blobs (compressed layers + config + manifest). */
  size: number;
  /** Set when the image cannot run here (e.g. linux/amd64, missing blobs): why. */
  problem?: string;
}

/** The ref name wasmbox stores for `input`: the full normalized reference, default tag added. */
export function storeName(input: string): string {
  return referenceString(withDefaultTag(parseReference(input)));
}

export class ImageService {
  private storePromise: Promise<ImageStore> | undefined;
  private layerCache: LayerCache | undefined;

  constructor(
    private readonly source: StoreSource,
    private readonly options: LayerCacheOptions = {},
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
    this.layerCache ??= new LayerCache(store.blobs, this.options);
    return this.layerCache;
  }

  /** Finds `input` in the store and resolves it to its WASI preview1 image (see module doc for the lookup order). */
  async resolve(input: string): Promise<ImageHandle> {
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
      if (root) return this.handle(input, name, reference, root);
    }
    if (reference?.digest !== undefined && (await store.blobs.has(reference.digest))) {
      const root = await rootByDigest(store, reference.digest);
      return this.handle(input, '', reference, root);
    }
    if (!reference) throw parseError;
    throw new WasmboxError('NotFound', `image "${input}" not found in the local store (looked for ${full})`, {
      data: { reference: input, name: full },
    });
  }

  /** Every ref in the store, sorted by name, with what `docker images` shows. */
  async list(): Promise<ImageSummary[]> {
    const store = await this.store();
    const out: ImageSummary[] = [];
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
        const image = await resolveImage(store.blobs, descriptor);
        const created = image.config.created;
        out.push({ name, repository, tag, id: image.manifest.config.digest, ...(created ? { created } : {}), size: imageSize(image) });
      } catch (error) {
        out.push({ name, repository, tag, id: descriptor.digest, size: descriptor.size, problem: error instanceof Error ? error.message : String(error) });
      }
    }
    return out;
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

  /** Closes the store if this service opened it; drops cached layers. */
  async close(): Promise<void> {
    this.layerCache?.clear();
    const opened = typeof this.source === 'function' ? this.storePromise : undefined;
    this.storePromise = undefined;
    this.layerCache = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }

  private async handle(input: string, refName: string, reference: ImageReference | null, root: Descriptor): Promise<ImageHandle> {
    const store = await this.store();
    const image = await resolveImage(store.blobs, root);
    return { input, refName, reference, root, image, id: image.manifest.config.digest };
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
