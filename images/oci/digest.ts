/**
 * oci digest: content addresses (`sha256:<64 hex>`), the one way blobs are named in images, stores and registries.
 *
 * Only sha256 is accepted (OCI image-spec: implementations MUST support sha256; sha512 is optional and unused by the
 * tools we interoperate with). A digest string from outside is untrusted: parse it before using it in a path or key.
 */
export type Digest = `sha256:${string}`;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export class DigestError extends Error {
  override readonly name = 'DigestError';
}

export function isDigest(value: unknown): value is Digest {
  return typeof value === 'string' && DIGEST.test(value);
}

/** Returns `value` as a Digest or throws DigestError naming what is wrong (algorithm, length, characters). */
export function parseDigest(value: unknown): Digest {
  if (isDigest(value)) return value;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : typeof value;
  throw new DigestError(`invalid digest ${shown}: expected "sha256:" followed by 64 lowercase hex characters`);
}

/** The 64-character hex part, e.g. for `blobs/sha256/<hex>` paths. */
export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/** The sha256 digest of `bytes` (Web Crypto: available in Node and browsers). */
export async function sha256Digest(bytes: Uint8Array): Promise<Digest> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of hash) hex += b.toString(16).padStart(2, '0');
  return `sha256:${hex}`;
}
