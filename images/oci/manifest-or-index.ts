/**
 * oci manifest-or-index: reads a blob that is either an image manifest or an image index, deciding by the media type
 * it came with (descriptor or HTTP Content-Type), else by its own `mediaType`, else by its shape (`manifests` means
 * an index: OCI image-index.md). The bytes are decoded once, with the manifest size cap.
 */
import { ImageFormatError, show } from './image-format-error.ts';
import { readIndex, MAX_INDEX_BYTES, type ImageIndex } from './image-index.ts';
import { decodeJsonObject } from './json-fields.ts';
import { readManifest, MAX_MANIFEST_BYTES, type ImageManifest } from './manifest.ts';
import { isIndexMediaType, isManifestMediaType } from './media-types.ts';

export type ManifestOrIndex = { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

/** Media types that say nothing about the content (registries without a stored type; plain JSON). */
export const UNTYPED_MEDIA_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/octet-stream']);

export function parseManifestOrIndex(bytes: Uint8Array, mediaType?: string): ManifestOrIndex {
  const expected = mediaType === undefined || UNTYPED_MEDIA_TYPES.has(mediaType) ? undefined : mediaType;
  const what = isIndexMediaType(expected) ? 'index' : 'manifest';
  const o = decodeJsonObject(bytes, what, Math.max(MAX_MANIFEST_BYTES, MAX_INDEX_BYTES));
  if (isManifestMediaType(expected)) return { kind: 'manifest', manifest: readManifest(o, expected) };
  if (isIndexMediaType(expected)) return { kind: 'index', index: readIndex(o, expected) };
  if (expected !== undefined) {
    if (o.schemaVersion === 1) return { kind: 'manifest', manifest: readManifest(o, undefined) }; // throws: schema 1
    throw new ImageFormatError('manifest.mediaType', `${show(expected)} is neither an image manifest nor an image index`);
  }
  const own = typeof o.mediaType === 'string' ? o.mediaType : undefined;
  if (isIndexMediaType(own) || (own === undefined && o.manifests !== undefined)) return { kind: 'index', index: readIndex(o, undefined) };
  return { kind: 'manifest', manifest: readManifest(o, undefined) };
}
