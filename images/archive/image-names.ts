/**
 * image names: how user-typed image names map to store ref names, the one convention the CLI, save/load and the
 * engine share: a tagged image's ref name is the FULL normalized reference (`docker.io/library/hello:latest`, from
 * `hello`); an untagged image (loaded without a name) is kept under the ref name `sha256:<hex>` of its root digest,
 * so it stays reachable (docker's dangling `<none>:<none>` image) and the CLI shows `<none>`.
 * Lookup by image ID (a root digest, full or a prefix of at least 4 hex digits) is also supported.
 */
import { WasmboxError } from '../../shared/errors.ts';
import { isDigest, type Digest } from '../oci/digest.ts';
import { familiarString, parseReference, referenceString, withDefaultTag, type ImageReference } from '../oci/reference.ts';
import type { RefStore } from '../store/blob-store.ts';
import { findImageById, type FoundImage } from '../store/image-id.ts';

/** `hello` -> `docker.io/library/hello:latest` (throws ImageReferenceError, InvalidArgument, when invalid). */
export function storeRefName(input: string): string {
  return referenceString(withDefaultTag(parseReference(input)));
}

/** The ref name that keeps an untagged image: its root digest. */
export function untaggedRefName(digest: Digest): string {
  return digest;
}

export function isUntaggedRefName(name: string): boolean {
  return isDigest(name);
}

/** The reference a store ref name stands for, when it is one in our normal form (else undefined). */
export function refOfStoreName(name: string): ImageReference | undefined {
  if (isUntaggedRefName(name)) return undefined;
  try {
    const ref = parseReference(name);
    return referenceString(ref) === name ? ref : undefined;
  } catch {
    return undefined;
  }
}

/** What `docker images` / `docker load` print for a ref name: `hello:latest`, or the name as stored if foreign. */
export function displayName(name: string): string {
  const ref = refOfStoreName(name);
  return ref ? familiarString(ref) : name;
}

export type { FoundImage } from '../store/image-id.ts';
export { findImageById, looksLikeImageId } from '../store/image-id.ts';

/**
 * Finds an image by what a user typed: a ref name as stored, a name normalized (`hello` -> docker.io/library/
 * hello:latest), or an image ID (root digest or unique prefix). NotFound / InvalidArgument (ambiguous) otherwise.
 */
export async function findImage(refs: RefStore, input: string): Promise<FoundImage> {
  const exact = await refs.get(input);
  if (exact) return { names: [input], descriptor: exact };
  let normalized: string | undefined;
  try {
    normalized = storeRefName(input);
  } catch {
    normalized = undefined;
  }
  if (normalized !== undefined) {
    const d = await refs.get(normalized);
    if (d) return { names: [normalized], descriptor: d };
  }
  const byId = await findImageById(refs, input);
  if (byId) return byId;
  throw new WasmboxError('NotFound', `No such image: ${input}`, { data: { image: input } });
}
