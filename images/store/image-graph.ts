/**
 * store image-graph: what a blob points at, for reachability (prune, remove, usage) and for the completeness
 * check a commit makes. The store parses no image format beyond this: the caller may supply its own `children`
 * (images/oci's manifest parser); the default reads the descriptor fields every OCI and Docker schema 2 manifest
 * and index share (`manifests[]`, `config`, `layers[]`).
 *
 * Layers can be gigabytes: a blob is read only when `mayHaveChildren` says so (a manifest or index media type, or
 * an unknown type no bigger than a manifest can be). Layers and configs are leaves without being read.
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import type { Digest } from '../oci/digest.ts';
import { MEDIA_TYPE } from '../oci/media-types.ts';
import { parseDescriptor } from './blob-store.ts';

/** The descriptors a blob refers to. Called only for blobs `mayHaveChildren` accepts; may throw on malformed input. */
export type ChildrenFn = (descriptor: Descriptor, bytes: Uint8Array) => readonly Descriptor[] | Promise<readonly Descriptor[]>;

/** Registries refuse manifests over 4 MiB (distribution spec); nothing bigger is read to look for children. */
export const MAX_MANIFEST_BYTES = 4 << 20;

const MANIFEST_TYPES: ReadonlySet<string> = new Set([
  MEDIA_TYPE.ociIndex,
  MEDIA_TYPE.ociManifest,
  MEDIA_TYPE.dockerManifestList,
  MEDIA_TYPE.dockerManifest,
]);

const LEAF_TYPES: ReadonlySet<string> = new Set([
  MEDIA_TYPE.ociConfig,
  MEDIA_TYPE.dockerConfig,
  MEDIA_TYPE.wasmArtifactConfig,
  MEDIA_TYPE.wasmLayer,
  'application/vnd.oci.empty.v1+json',
]);

export function mayHaveChildren(descriptor: Descriptor): boolean {
  const type = descriptor.mediaType;
  if (MANIFEST_TYPES.has(type)) return true;
  if (LEAF_TYPES.has(type) || type.includes('.layer.') || type.includes('.rootfs.')) return false;
  return descriptor.size <= MAX_MANIFEST_BYTES;
}

/**
 * The default `children`: manifests/indexes of known media types are parsed (malformed JSON or descriptors throw
 * InvalidArgument); a blob of unknown type counts as a manifest only if it is a JSON object with
 * `schemaVersion: 2` and a `manifests` or `layers` array (skopeo writes index entries without a media type).
 */
export function manifestChildren(descriptor: Descriptor, bytes: Uint8Array): Descriptor[] {
  const known = MANIFEST_TYPES.has(descriptor.mediaType);
  if (!known && !startsWithBrace(bytes)) return [];
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    if (!known) return [];
    throw new WasmboxError('InvalidArgument', `manifest ${descriptor.digest} is not valid JSON`, { cause: error });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    if (!known) return [];
    throw new WasmboxError('InvalidArgument', `manifest ${descriptor.digest} is not a JSON object`);
  }
  const m = doc as Record<string, unknown>;
  if (!known && !(m.schemaVersion === 2 && (Array.isArray(m.manifests) || Array.isArray(m.layers)))) return [];
  const where = (field: string) => `manifest ${descriptor.digest} ${field}`;
  const out: Descriptor[] = [];
  for (const field of ['manifests', 'layers'] as const) {
    const list = m[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new WasmboxError('InvalidArgument', `${where(field)}: must be an array`);
    list.forEach((d, i) => out.push(parseDescriptor(d, where(`${field}[${i}]`), false)));
  }
  if (m.config !== undefined) out.push(parseDescriptor(m.config, where('config'), false));
  return out;
}

function startsWithBrace(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b === 0x7b;
  }
  return false;
}

/** Where the walk reads blobs: `size` is undefined for a missing blob. */
export interface GraphSource {
  size(digest: Digest): Promise<number | undefined>;
  read(digest: Digest): Promise<Uint8Array | undefined>;
}

/** Called once per distinct digest reached; `size` undefined = missing. May throw to stop the walk. */
export type GraphVisitor = (descriptor: Descriptor, parent: Descriptor | undefined, size: number | undefined) => void;

/** Breadth-first walk from `roots`; each digest is visited once. Returns every digest reached, present or not. */
export async function walkGraph(
  roots: Iterable<Descriptor>,
  source: GraphSource,
  children: ChildrenFn,
  visit?: GraphVisitor,
): Promise<Set<Digest>> {
  const seen = new Set<Digest>();
  const queue: Array<[Descriptor, Descriptor | undefined]> = [];
  for (const root of roots) queue.push([root, undefined]);
  for (let i = 0; i < queue.length; i++) {
    const [node, parent] = queue[i];
    if (seen.has(node.digest)) continue;
    seen.add(node.digest);
    const size = await source.size(node.digest);
    visit?.(node, parent, size);
    if (size === undefined || size > MAX_MANIFEST_BYTES || !mayHaveChildren(node)) continue;
    const bytes = await source.read(node.digest);
    if (bytes === undefined) continue; // removed under us; nothing to follow
    for (const child of await children(node, bytes)) queue.push([child, node]);
  }
  return seen;
}
