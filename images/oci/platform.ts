/**
 * oci platform: which platforms are WASI, and picking the WASI preview1 manifest out of an index.
 *
 * Forms found in the wild (all with architecture `wasm`; `wasm32` from the first Docker+Wasm preview):
 * - `wasi/wasm`: Docker+Wasm and `docker buildx --platform wasi/wasm`; what wasmbox writes;
 * - `wasip1/wasm`, `wasip2/wasm`: Go's GOOS=wasip1 and the CNCF wasm artifact (wkg, wasmCloud, Spin, oci-wasm);
 * - `wasi/wasm` with variant `wasi`, `wasip1` or `wasip2` (runwasi-style variants).
 * wasmbox runs preview1 modules; a preview2 component or any other platform is a NotRunnable error that says what
 * the image is ("image is linux/amd64, not a wasi/wasm image").
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { Descriptor, Platform } from './descriptor.ts';
import type { ImageIndex } from './image-index.ts';
import { isIndexMediaType, isManifestMediaType } from './media-types.ts';

export type WasiTarget = 'wasip1' | 'wasip2';

export type PlatformLike = Pick<Platform, 'os' | 'architecture' | 'variant'>;

const WASM_ARCHES = new Set(['wasm', 'wasm32']);
const WASI_OSES = new Set(['wasi', 'wasip1', 'wasip2']);
const VARIANTS: Record<string, WasiTarget> = { wasi: 'wasip1', wasip1: 'wasip1', wasip2: 'wasip2' };

/** The WASI target `platform` names, or null when it is not a WASI platform wasmbox knows. */
export function wasiTarget(platform: PlatformLike): WasiTarget | null {
  const os = platform.os.toLowerCase();
  const variant = platform.variant?.toLowerCase() ?? '';
  if (!WASM_ARCHES.has(platform.architecture.toLowerCase()) || !WASI_OSES.has(os)) return null;
  if (variant !== '' && !(variant in VARIANTS)) return null;
  return os === 'wasip2' || VARIANTS[variant] === 'wasip2' ? 'wasip2' : 'wasip1';
}

/** Lower is better: Docker's own form first, then variants, then the artifact form, then the old `wasm32`. */
function preference(platform: PlatformLike): number {
  const os = platform.os.toLowerCase();
  return (os === 'wasi' ? 0 : 2) + (platform.variant ? 1 : 0) + (platform.architecture.toLowerCase() === 'wasm32' ? 4 : 0);
}

/** "os/arch[/variant]" for messages; hostile strings are cut short. */
export function platformString(platform: PlatformLike): string {
  const cut = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
  const parts = [platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])];
  return parts.map(cut).join('/');
}

/** The image is not a WASI preview1 image; `found` (and `data.platforms`, as strings) says what it is. */
export class UnsupportedPlatformError extends WasmboxError {
  constructor(
    readonly found: PlatformLike[],
    message: string,
  ) {
    super('NotRunnable', message, { data: { platforms: [...new Set(found.map(platformString))] } });
  }
}

/** The error for an image whose platforms (one per manifest; none known if empty) include no wasip1 one. */
export function notWasip1Error(platforms: readonly PlatformLike[], subject = 'image'): UnsupportedPlatformError {
  const names = [...new Set(platforms.map(platformString))];
  const found = platforms.map((p) => ({ os: p.os, architecture: p.architecture, ...(p.variant ? { variant: p.variant } : {}) }));
  if (platforms.some((p) => wasiTarget(p) === 'wasip2')) {
    return new UnsupportedPlatformError(
      found,
      `${subject} is a WASI preview2 component (wasip2); wasmbox runs WASI preview1 modules (wasi/wasm)`,
    );
  }
  if (names.length === 0) return new UnsupportedPlatformError(found, `${subject} has no manifest for any platform, so it is not a wasi/wasm image`);
  const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
  return new UnsupportedPlatformError(found, `${subject} is ${shown}, not a wasi/wasm image`);
}

/** Throws unless `platform` is WASI preview1 (checked on the image config, the final word on what an image is). */
export function requireWasip1(platform: PlatformLike, subject = 'image'): void {
  if (wasiTarget(platform) !== 'wasip1') throw notWasip1Error([platform], subject);
}

/** Buildx attaches provenance/SBOM manifests to indexes as `unknown/unknown` entries; they are never images. */
export function isAttestation(entry: Descriptor): boolean {
  return (
    entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (entry.platform?.os === 'unknown' && entry.platform.architecture === 'unknown')
  );
}

export interface IndexEntries {
  /** Entries whose platform is WASI preview1, best first (stable among equals). */
  wasip1: Descriptor[];
  /** Manifest or index entries without a platform (allowed by OCI): only their config can tell. */
  unlabeled: Descriptor[];
  /** Platforms of every other image entry, for the error message. */
  others: Platform[];
}

/** Sorts an index's entries for platform selection; attestations and non-image entries are left out. */
export function classifyIndexEntries(index: ImageIndex): IndexEntries {
  const result: IndexEntries = { wasip1: [], unlabeled: [], others: [] };
  for (const entry of index.manifests) {
    if (isAttestation(entry)) continue;
    if (!entry.platform) {
      if (isManifestMediaType(entry.mediaType) || isIndexMediaType(entry.mediaType)) result.unlabeled.push(entry);
    } else if (wasiTarget(entry.platform) === 'wasip1') {
      result.wasip1.push(entry);
    } else {
      result.others.push(entry.platform);
    }
  }
  result.wasip1.sort((a, b) => preference(a.platform!) - preference(b.platform!));
  return result;
}

/**
 * The descriptor of the WASI preview1 manifest in `index`, or an error naming the platforms the index has.
 * When no entry states a wasip1 platform but some state none, the first of those is returned: its config decides
 * (the caller must check it with `requireWasip1`, as `resolveImage` does).
 */
export function selectWasmManifest(index: ImageIndex): Descriptor {
  const entries = classifyIndexEntries(index);
  const best = entries.wasip1[0] ?? entries.unlabeled[0];
  if (best) return best;
  throw notWasip1Error(entries.others);
}
