/**
 * image IDs: an image's ID is its ROOT digest, the digest of the blob a ref points at (an index or a manifest), as
 * Docker 25+ with the containerd image store shows it. Users type it in full (`sha256:<hex>` or bare hex) or as a
 * unique prefix of at least 4 hex digits. Shared by the CLI/archive name lookup (images/archive/image-names.ts) and
 * the engine's ImageService.
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor } from '../oci/descriptor.ts';
import type { RefStore } from './blob-store.ts';

export interface FoundImage {
  /** The ref name matched (for an ID lookup: every ref name pointing at that image). */
  names: string[];
  descriptor: Descriptor;
}

const ID_PREFIX = /^(?:sha256:)?([a-f0-9]{4,64})$/;

/** Whether `input` has the form of an image ID: `sha256:<hex>` or a bare hex prefix of at least 4 digits. */
export function looksLikeImageId(input: string): boolean {
  return ID_PREFIX.test(input);
}

/**
 * Finds an image by ID: every ref name pointing at the one image whose root digest starts with the given hex.
 * Undefined when no image matches (or `input` is not ID-shaped); InvalidArgument when several images match.
 */
export async function findImageById(refs: RefStore, input: string): Promise<FoundImage | undefined> {
  const id = ID_PREFIX.exec(input);
  if (!id) return undefined;
  const hits = (await refs.list()).filter((r) => r.descriptor.digest.slice('sha256:'.length).startsWith(id[1]));
  const digests = new Set(hits.map((h) => h.descriptor.digest));
  if (digests.size > 1) throw new WasmboxError('InvalidArgument', `image ID prefix ${input} is ambiguous (${digests.size} images)`);
  return digests.size === 1 ? { names: hits.map((h) => h.name), descriptor: hits[0].descriptor } : undefined;
}
