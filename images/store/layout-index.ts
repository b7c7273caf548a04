/**
 * store layout-index: an OCI image layout's `index.json` as wasmbox reads and rewrites it — one entry per ref,
 * named by the `org.opencontainers.image.ref.name` annotation (what `skopeo inspect oci:DIR:NAME` looks up; skopeo
 * 1.9 only considers entries whose mediaType is an OCI manifest or index). Entries and top-level fields written by
 * other tools are kept as they are. Platform-neutral, so `save` can write the same entries into a tar.
 *
 * wasmbox's build cache records live in index.json too, in the top-level field `io.wasmbox.build-cache` (sorted by
 * key): the OCI spec has readers ignore unknown properties (skopeo and umoci do), and being in the file whose
 * rename is the commit point makes them commit with the refs, all or nothing.
 */
import type { Descriptor } from '../oci/descriptor.ts';
import type { Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { type BuildCacheRecord, parseCacheRecord, REF_NAME_ANNOTATION } from './blob-store.ts';

export const BUILD_CACHE_FIELD = 'io.wasmbox.build-cache';

export interface IndexDoc {
  manifests: unknown[];
  [key: string]: unknown;
}

export function emptyIndex(): IndexDoc {
  return { schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, manifests: [] };
}

export function refNameOf(entry: unknown): string | undefined {
  const name = (entry as { annotations?: Record<string, unknown> }).annotations?.[REF_NAME_ANNOTATION];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** The new index: entries of untouched names (and foreign fields) kept as they were, in order; new names appended. */
export function rewriteIndex(doc: IndexDoc, refs: Map<string, Descriptor | null>): IndexDoc {
  const manifests: unknown[] = [];
  const done = new Set<string>();
  for (const entry of doc.manifests) {
    const name = refNameOf(entry);
    if (name === undefined || !refs.has(name)) {
      manifests.push(entry);
      continue;
    }
    if (done.has(name)) continue;
    done.add(name);
    const descriptor = refs.get(name);
    if (descriptor) manifests.push(indexEntry(name, descriptor));
  }
  for (const [name, descriptor] of refs) if (descriptor && !done.has(name)) manifests.push(indexEntry(name, descriptor));
  return { schemaVersion: 2, mediaType: MEDIA_TYPE.ociIndex, ...doc, manifests };
}

export function indexEntry(name: string, d: Descriptor): Record<string, unknown> {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.urls ? { urls: d.urls } : {}),
    ...(d.platform ? { platform: d.platform } : {}),
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
    annotations: { ...d.annotations, [REF_NAME_ANNOTATION]: name },
  };
}

/**
 * The build cache records of an index. A malformed record (another tool or a hand edit) is skipped: the cache only
 * saves work, and the next build that needs the step writes a good record again.
 */
export function cacheRecordsOf(doc: IndexDoc): Map<Digest, BuildCacheRecord> {
  const out = new Map<Digest, BuildCacheRecord>();
  const list = doc[BUILD_CACHE_FIELD];
  if (!Array.isArray(list)) return out;
  for (const value of list) {
    try {
      const record = parseCacheRecord(value);
      out.set(record.key, record);
    } catch {
      // skipped (see above)
    }
  }
  return out;
}

/** `doc` with its build cache records changed (key -> record, or null to delete); the field is dropped when empty. */
export function rewriteCacheRecords(doc: IndexDoc, changes: Map<Digest, BuildCacheRecord | null>): IndexDoc {
  const records = cacheRecordsOf(doc);
  for (const [key, record] of changes) {
    if (record) records.set(key, record);
    else records.delete(key);
  }
  const { [BUILD_CACHE_FIELD]: _old, ...rest } = doc;
  if (records.size === 0) return rest as IndexDoc;
  const sorted = [...records.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...rest, [BUILD_CACHE_FIELD]: sorted.map((r) => ({ key: r.key, layer: r.layer, diffId: r.diffId })) } as IndexDoc;
}
