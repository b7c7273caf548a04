/**
 * save archive: images from the store -> ONE tar that is both an OCI image layout and a Docker archive, as
 * `docker save` writes it since moby 25 (`../shared/notes/docker-api-and-registry.md` B.7):
 *
 *   oci-layout                  {"imageLayoutVersion":"1.0.0"}
 *   index.json                  one entry per name: the root descriptor (manifest or index) annotated with
 *                               `io.containerd.image.name` (docker.io/library/hello:latest) and
 *                               `org.opencontainers.image.ref.name` (the tag, `latest`); untagged: no annotations
 *   blobs/sha256/<hex>          every blob the roots reach (index children of other platforms only if stored)
 *   manifest.json               [{"Config":"blobs/sha256/<cfg>","RepoTags":["hello:latest"],"Layers":["blobs/sha256/<l>",…]}]
 *   repositories                {"hello":{"latest":"<hex of the top layer blob>"}}
 *
 * Layers are the stored blobs as they are (plain or gzip): no recompression, so digests stay ours. Docker's loader
 * (moby tarexport load.go) and containers/image's docker-archive source both decompress layers by sniffing, so
 * gzip layers in manifest.json are accepted; a plain tar (what `docker save` ≤ 25 writes) is accepted by everyone.
 * An image whose root is an index contributes to manifest.json through the wasm manifest it selects; a wasm
 * artifact (no image config) or an image whose config is not an image config is written to the OCI side only.
 * Deterministic: sorted tar members, mtime 0, uid/gid 0, index.json/manifest.json in the order the images were
 * asked for (names of one image grouped, as docker does).
 */
import type { Descriptor } from '../oci/descriptor.ts';
import { ANNOTATION } from '../oci/descriptor.ts';
import { digestHex, type Digest } from '../oci/digest.ts';
import { parseManifestOrIndex } from '../oci/manifest-or-index.ts';
import { isImageConfigMediaType, isIndexMediaType, isManifestMediaType, MEDIA_TYPE } from '../oci/media-types.ts';
import { resolveImage } from '../oci/resolve-image.ts';
import { familiarName, familiarString } from '../oci/reference.ts';
import type { ImageStore } from '../store/blob-store.ts';
import { manifestChildren, mayHaveChildren } from '../store/image-graph.ts';
import { writeArchive } from './archive-files.ts';
import { findImage, refOfStoreName } from './image-names.ts';

export interface SaveOptions {
  /** mtime of every tar member (seconds). Default 0. */
  mtimeSec?: number;
}

const encoder = new TextEncoder();
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const blobPath = (digest: Digest) => `blobs/sha256/${digestHex(digest)}`;

/** Writes the images `refs` name (names as users type them, store ref names or image IDs) into one archive. */
export async function saveArchive(store: ImageStore, refs: string[], options: SaveOptions = {}): Promise<Uint8Array> {
  // Group names by image (root digest), in the order asked.
  const images = new Map<Digest, { descriptor: Descriptor; names: string[] }>();
  for (const input of refs) {
    const found = await findImage(store.refs, input);
    const image = images.get(found.descriptor.digest) ?? { descriptor: found.descriptor, names: [] };
    images.set(found.descriptor.digest, image);
    for (const name of found.names) if (refOfStoreName(name) && !image.names.includes(name)) image.names.push(name);
  }

  const files = new Map<string, Uint8Array>();
  const index: Record<string, unknown>[] = [];
  const dockerManifest: Array<{ Config: string; RepoTags: string[]; Layers: string[] }> = [];
  const repositories: Record<string, Record<string, string>> = {};

  for (const { descriptor, names } of images.values()) {
    await collect(store, descriptor, files, 0);
    const entry = {
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      ...(descriptor.platform ? { platform: descriptor.platform } : {}),
    };
    if (names.length === 0) index.push(entry);
    for (const name of names) {
      const ref = refOfStoreName(name)!;
      const annotations: Record<string, string> = { [ANNOTATION.containerdImageName]: name };
      if (ref.tag !== undefined) annotations[ANNOTATION.refName] = ref.tag;
      index.push({ ...entry, annotations });
    }

    const docker = await dockerEntry(store, descriptor);
    if (!docker) continue;
    const tagged = names.map((n) => refOfStoreName(n)!).filter((r) => r.tag !== undefined && r.digest === undefined);
    dockerManifest.push({ Config: blobPath(docker.config), RepoTags: tagged.map(familiarString), Layers: docker.layers.map(blobPath) });
    const top = docker.layers.at(-1);
    if (top) {
      for (const ref of tagged) (repositories[familiarName(ref)] ??= {})[ref.tag!] = digestHex(top);
    }
  }

  files.set('oci-layout', json({ imageLayoutVersion: '1.0.0' }));
  files.set('index.json', json({ schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests: index }));
  files.set('manifest.json', json(dockerManifest));
  if (Object.keys(repositories).length > 0) files.set('repositories', json(repositories));
  return writeArchive(files, options.mtimeSec ?? 0);
}

const MAX_DEPTH = 8;

/** Adds `descriptor`'s blob and everything it reaches (skipping index entries for platforms not stored). */
async function collect(store: ImageStore, descriptor: Descriptor, files: Map<string, Uint8Array>, depth: number): Promise<void> {
  const path = blobPath(descriptor.digest);
  if (files.has(path)) return;
  const bytes = await store.blobs.get(descriptor.digest);
  files.set(path, bytes);
  if (depth > MAX_DEPTH || !mayHaveChildren(descriptor)) return;
  for (const child of manifestChildren(descriptor, bytes)) {
    if (child.platform && isManifestOrIndex(child) && !(await store.blobs.has(child.digest))) continue;
    await collect(store, child, files, depth + 1);
  }
}

function isManifestOrIndex(d: Descriptor): boolean {
  return d.mediaType === '' || isManifestMediaType(d.mediaType) || isIndexMediaType(d.mediaType);
}

/** The config and layers a Docker archive entry lists, or undefined when the image has no Docker form. */
async function dockerEntry(store: ImageStore, root: Descriptor): Promise<{ config: Digest; layers: Digest[] } | undefined> {
  let manifestDigest = root.digest;
  let mediaType: string | undefined = root.mediaType || undefined;
  if (isIndexMediaType(root.mediaType)) {
    try {
      const resolved = await resolveImage(store.blobs, root);
      if (resolved.artifact) return undefined;
      manifestDigest = resolved.manifestDescriptor.digest;
      mediaType = resolved.manifestDescriptor.mediaType;
    } catch {
      return undefined; // no wasm image in the index: OCI side only
    }
  }
  let parsed;
  try {
    parsed = parseManifestOrIndex(await store.blobs.get(manifestDigest), mediaType);
  } catch {
    return undefined;
  }
  if (parsed.kind !== 'manifest' || !isImageConfigMediaType(parsed.manifest.config.mediaType)) return undefined;
  return { config: parsed.manifest.config.digest, layers: parsed.manifest.layers.map((l) => l.digest) };
}
