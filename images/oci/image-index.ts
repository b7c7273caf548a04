/**
 * oci image-index: the image index (OCI image-spec image-index.md) and its Docker twin, the manifest list
 * (`application/vnd.docker.distribution.manifest.list.v2+json`): descriptors of per-platform manifests (or nested
 * indexes). Platform selection lives in `platform.ts`; this module only reads and checks.
 *
 * Strict like `parseManifest`: size capped, schemaVersion 2, every descriptor checked, a body with `config` or
 * `layers` refused (it is a manifest; containerd images.validateMediaType).
 */
import { DESCRIPTOR_LIMITS, mediaType as mediaTypeField, parseDescriptor, type Descriptor } from './descriptor.ts';
import { ImageFormatError, show } from './image-format-error.ts';
import { array, decodeJsonObject, optionalStringMap, type JsonObject } from './json-fields.ts';
import { checkSchemaVersion } from './manifest.ts';
import { isIndexMediaType, isManifestMediaType, MEDIA_TYPE, type IndexMediaType } from './media-types.ts';

/** The same cap as manifests (distribution's 4 MiB manifest body limit covers indexes too). */
export const MAX_INDEX_BYTES = 4 << 20;
/** Far above real indexes (a multi-platform image with attestations lists a few dozen). */
export const MAX_INDEX_MANIFESTS = 1000;

export interface ImageIndex {
  schemaVersion: 2;
  /** From the body; when absent (OCI allows it; skopeo's index.json has none), from the descriptor, else OCI. */
  mediaType: IndexMediaType;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ParseIndexOptions {
  /** The media type of the descriptor (or HTTP Content-Type) the bytes came with; must agree with the body's. */
  mediaType?: string;
}

export function parseIndex(bytes: Uint8Array, options: ParseIndexOptions = {}): ImageIndex {
  const o = decodeJsonObject(bytes, 'index', MAX_INDEX_BYTES);
  return readIndex(o, options.mediaType);
}

/** Checks an already-decoded index object (see `parseManifestOrIndex`). */
export function readIndex(o: JsonObject, expectedMediaType: string | undefined): ImageIndex {
  const path = 'index';
  checkSchemaVersion(o, path);
  const mediaType = indexMediaType(o, expectedMediaType);
  for (const key of ['config', 'layers']) {
    if (o[key] !== undefined) throw new ImageFormatError(`${path}.${key}`, `an image index has no "${key}" (is this an image manifest?)`);
  }
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType,
    manifests: array(o, 'manifests', path, MAX_INDEX_MANIFESTS, parseDescriptor),
  };
  if (mediaType === MEDIA_TYPE.dockerManifestList) {
    // Docker manifest lists require a platform on every entry (distribution manifestlist.PlatformSpec).
    index.manifests.forEach((entry, i) => {
      if (!entry.platform) throw new ImageFormatError(`${path}.manifests[${i}].platform`, 'missing (required in a Docker manifest list)');
    });
  }
  if (o.artifactType !== undefined && o.artifactType !== null) index.artifactType = mediaTypeField(o, 'artifactType', path);
  if (o.subject !== undefined && o.subject !== null) index.subject = parseDescriptor(o.subject, `${path}.subject`);
  const annotations = optionalStringMap(o, 'annotations', path, DESCRIPTOR_LIMITS.annotations);
  if (annotations) index.annotations = annotations;
  return index;
}

function indexMediaType(o: JsonObject, expected: string | undefined): IndexMediaType {
  const path = 'index';
  const own = o.mediaType === undefined || o.mediaType === null ? undefined : mediaTypeField(o, 'mediaType', path);
  if (own !== undefined && !isIndexMediaType(own)) {
    const what = isManifestMediaType(own) ? 'an image manifest' : 'not an image index';
    throw new ImageFormatError(`${path}.mediaType`, `${show(own)} is ${what}`);
  }
  if (expected !== undefined && !isIndexMediaType(expected)) {
    throw new ImageFormatError(`${path}.mediaType`, `the descriptor says ${show(expected)}, which is not an image index type`);
  }
  if (own !== undefined && expected !== undefined && own !== expected) {
    throw new ImageFormatError(`${path}.mediaType`, `the body says ${show(own)} but its descriptor says ${show(expected)}`);
  }
  if (own === undefined && expected === MEDIA_TYPE.dockerManifestList) {
    throw new ImageFormatError(`${path}.mediaType`, 'missing (required for Docker manifest lists)');
  }
  return own ?? expected ?? MEDIA_TYPE.ociIndex;
}
