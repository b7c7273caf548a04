/**
 * store layout-index: an OCI image layout's `index.json` as wasmbox reads and rewrites it — one entry per ref,
 * named by the `org.opencontainers.image.ref.name` annotation (what `skopeo inspect oci:DIR:NAME` looks up; skopeo
 * 1.9 only considers entries whose mediaType is an OCI manifest or index). Entries and top-level fields written by
 * other tools are kept as they are. Platform-neutral, so `save` can write the same entries into a tar.
 */
import type { Descriptor } from '../oci/descriptor.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { REF_NAME_ANNOTATION } from './blob-store.ts';

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
