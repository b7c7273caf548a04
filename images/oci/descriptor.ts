/**
 * oci descriptor: a typed pointer to a blob (OCI image-spec descriptor.md): media type, digest, size, and optional
 * platform / annotations. Every reference between images, manifests, configs and layers is a descriptor.
 *
 * `parseDescriptor` checks one untrusted descriptor (from a manifest, an index or index.json). Unknown properties
 * are dropped (image-spec: implementations MUST ignore unknown properties); known ones must have the spec's types.
 */
import { parseDigest, type Digest } from './digest.ts';
import { ImageFormatError, show } from './image-format-error.ts';
import {
  object,
  optionalArray,
  optionalString,
  optionalStringMap,
  size,
  string,
  stringItem,
  type JsonObject,
} from './json-fields.ts';
import { isMediaTypeSyntax } from './media-types.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

/** Caps on one descriptor's lists, far above anything real tools write. */
export const DESCRIPTOR_LIMITS = { urls: 64, annotations: 1024, osFeatures: 64 } as const;

/** The annotation naming a layer's file (oras, wkg) or an index entry's tag (OCI image layout). */
export const ANNOTATION = {
  title: 'org.opencontainers.image.title',
  refName: 'org.opencontainers.image.ref.name',
  created: 'org.opencontainers.image.created',
  containerdImageName: 'io.containerd.image.name',
} as const;

/** Reads `value` as a descriptor; errors name `path` ("manifest.layers[2]") and the field. */
export function parseDescriptor(value: unknown, path: string): Descriptor {
  const o = object(value, path);
  const descriptor: Descriptor = {
    mediaType: mediaType(o, 'mediaType', path),
    digest: digest(o, 'digest', path),
    size: size(o, 'size', path),
  };
  const urls = optionalArray(o, 'urls', path, DESCRIPTOR_LIMITS.urls, stringItem);
  if (urls) descriptor.urls = urls;
  const annotations = optionalStringMap(o, 'annotations', path, DESCRIPTOR_LIMITS.annotations);
  if (annotations) descriptor.annotations = annotations;
  const platform = o.platform === undefined || o.platform === null ? undefined : parsePlatform(o.platform, `${path}.platform`);
  if (platform) descriptor.platform = platform;
  if (o.artifactType !== undefined && o.artifactType !== null) descriptor.artifactType = mediaType(o, 'artifactType', path);
  return descriptor;
}

export function parsePlatform(value: unknown, path: string): Platform {
  const o = object(value, path);
  const platform: Platform = { os: string(o, 'os', path), architecture: string(o, 'architecture', path) };
  const variant = optionalString(o, 'variant', path);
  if (variant !== undefined) platform.variant = variant;
  const osVersion = optionalString(o, 'os.version', path);
  if (osVersion !== undefined) platform['os.version'] = osVersion;
  const osFeatures = optionalArray(o, 'os.features', path, DESCRIPTOR_LIMITS.osFeatures, stringItem);
  if (osFeatures) platform['os.features'] = osFeatures;
  return platform;
}

/** A required field holding a digest (via parseDigest's rule: `sha256:` + 64 lowercase hex). */
export function digest(o: JsonObject, key: string, path: string): Digest {
  return digestItem(o[key], `${path}.${key}`);
}

export function digestItem(value: unknown, path: string): Digest {
  try {
    return parseDigest(value);
  } catch (cause) {
    throw new ImageFormatError(path, (cause as Error).message, { cause });
  }
}

/** A required field holding an RFC 6838 media type. */
export function mediaType(o: JsonObject, key: string, path: string): string {
  const value = string(o, key, path);
  if (!isMediaTypeSyntax(value)) throw new ImageFormatError(`${path}.${key}`, `invalid media type ${show(value)}`);
  return value;
}
