/**
 * oci manifest: the image manifest (OCI image-spec manifest.md) and its Docker twin, the schema 2 manifest
 * (`application/vnd.docker.distribution.manifest.v2+json`): one config descriptor and the ordered layers.
 *
 * `parseManifest` reads untrusted bytes strictly: size capped before decoding, schemaVersion 2 only, every
 * descriptor checked, and content that is really an index refused (containerd images.validateMediaType: a body with
 * `manifests` is not a manifest), so one blob cannot be read as two different things.
 */
import { DESCRIPTOR_LIMITS, mediaType as mediaTypeField, parseDescriptor, type Descriptor } from './descriptor.ts';
import { ImageFormatError, show } from './image-format-error.ts';
import { array, decodeJsonObject, optionalStringMap, type JsonObject } from './json-fields.ts';
import { isIndexMediaType, isManifestMediaType, MEDIA_TYPE, type ManifestMediaType } from './media-types.ts';

/** distribution (the CNCF registry) refuses manifests over 4 MiB; so do we, before decoding. */
export const MAX_MANIFEST_BYTES = 4 << 20;
/** Far above real images (Docker's overlay2 stops at 128 layers). */
export const MAX_MANIFEST_LAYERS = 1000;

export interface ImageManifest {
  schemaVersion: 2;
  /** From the body; when the body has none (allowed by OCI), from the descriptor, else the OCI type. */
  mediaType: ManifestMediaType;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ParseManifestOptions {
  /** The media type of the descriptor (or HTTP Content-Type) the bytes came with; must agree with the body's. */
  mediaType?: string;
}

export function parseManifest(bytes: Uint8Array, options: ParseManifestOptions = {}): ImageManifest {
  const o = decodeJsonObject(bytes, 'manifest', MAX_MANIFEST_BYTES);
  return readManifest(o, options.mediaType);
}

/** Checks an already-decoded manifest object (see `parseManifestOrIndex`). */
export function readManifest(o: JsonObject, expectedMediaType: string | undefined): ImageManifest {
  const path = 'manifest';
  checkSchemaVersion(o, path);
  const mediaType = manifestMediaType(o, expectedMediaType);
  if (o.manifests !== undefined) throw new ImageFormatError(`${path}.manifests`, 'an image manifest has no "manifests" (is this an image index?)');
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType,
    config: parseDescriptor(o.config, `${path}.config`),
    layers: array(o, 'layers', path, MAX_MANIFEST_LAYERS, parseDescriptor),
  };
  if (o.artifactType !== undefined && o.artifactType !== null) manifest.artifactType = mediaTypeField(o, 'artifactType', path);
  if (o.subject !== undefined && o.subject !== null) manifest.subject = parseDescriptor(o.subject, `${path}.subject`);
  const annotations = optionalStringMap(o, 'annotations', path, DESCRIPTOR_LIMITS.annotations);
  if (annotations) manifest.annotations = annotations;
  return manifest;
}

/** schemaVersion must be the number 2; schema 1 (Docker, deprecated since 2015) gets its own message. */
export function checkSchemaVersion(o: JsonObject, path: string): void {
  const version = o.schemaVersion;
  if (version === 2) return;
  if (version === 1) {
    throw new ImageFormatError(`${path}.schemaVersion`, 'Docker schema 1 manifests are not supported (deprecated; push the image again with a current tool)');
  }
  throw new ImageFormatError(`${path}.schemaVersion`, `expected 2, got ${show(version)}`);
}

function manifestMediaType(o: JsonObject, expected: string | undefined): ManifestMediaType {
  const path = 'manifest';
  const own = o.mediaType === undefined || o.mediaType === null ? undefined : mediaTypeField(o, 'mediaType', path);
  if (own !== undefined && !isManifestMediaType(own)) {
    const what = isIndexMediaType(own) ? 'an image index' : 'not an image manifest';
    throw new ImageFormatError(`${path}.mediaType`, `${show(own)} is ${what}`);
  }
  if (expected !== undefined && !isManifestMediaType(expected)) {
    throw new ImageFormatError(`${path}.mediaType`, `the descriptor says ${show(expected)}, which is not an image manifest type`);
  }
  if (own !== undefined && expected !== undefined && own !== expected) {
    throw new ImageFormatError(`${path}.mediaType`, `the body says ${show(own)} but its descriptor says ${show(expected)}`);
  }
  const mediaType = own ?? expected;
  // Docker schema 2 requires the field (distribution's schema2 parser refuses a body without it).
  if (own === undefined && mediaType === MEDIA_TYPE.dockerManifest) {
    throw new ImageFormatError(`${path}.mediaType`, 'missing (required for Docker schema 2 manifests)');
  }
  return mediaType ?? MEDIA_TYPE.ociManifest;
}
