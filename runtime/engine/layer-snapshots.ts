/**
 * engine layer-snapshots: where an image layer's unpacked form lives — its index (the `LayerEntry` list) and the
 * uncompressed bytes its files point into — as containerd keeps snapshots apart from the content store.
 *
 * Two implementations behind one interface:
 * - `MemoryLayerSnapshots` (browser, tests, custom stores): the uncompressed tar is copied once into a
 *   SharedArrayBuffer; file data are views into it, shared with every worker without copying.
 * - `DiskLayerSnapshots` (layer-snapshots.node.ts, the Node default): the tar and its index are kept on disk once per
 *   machine, made when an image is imported or first run; file data are extents read on demand (pread), so starting
 *   a container from a 100 MB image reads only its index and the bytes the guest touches.
 * Must not: verify blob digests (the store did on import) or cache trees (layer-cache.ts does).
 */
import type { Descriptor } from '../../images/oci/descriptor.ts';
import type { LayerEntry } from '../../images/layer/layer-entry.ts';
import { readLayer, type LayerLimits } from '../../images/layer/read-layer.ts';
import type { FileExtent, LayerFileReader } from '../vfs/api.ts';

/** One layer, unpacked: what its lower tree is built from. */
export interface UnpackedLayer {
  /** `readLayer`'s entries; empty for a raw (non-tar) layer. */
  readonly entries: readonly LayerEntry[];
  /** Bytes `[offset, offset + size)` of the uncompressed layer as a lower file's `data` (a view or an extent). */
  fileData(offset: number, size: number): Uint8Array | FileExtent;
  /** Bytes this layer holds in memory (0 when it stays on disk). */
  readonly memoryBytes: number;
}

export interface LayerSnapshots {
  /**
   * The unpacked form of `layer`, made from `blob()` the first time (read only then). `raw`: the blob is the file
   * itself (a wasm artifact's layer), not a tar. Throws LayerFormatError for a bad tar; nothing is kept then.
   */
  unpack(layer: Descriptor, blob: () => Promise<Uint8Array>, options: { raw: boolean }): Promise<UnpackedLayer>;
  /** Unpacked layers outlive this process (disk): worth making when an image arrives, before any run. */
  readonly persistent: boolean;
  /**
   * Keeps a layer another step already read (a load checks every layer): a persistent implementation stores it now
   * so the first run does not read the blob again; others ignore it (memory is spent only on layers that run).
   */
  adopt(digest: string, layer: { entries: readonly LayerEntry[]; tar: Uint8Array }): Promise<void>;
  /** Drops unpacked layers whose blob digest `keep` rejects (after `image prune` removed their blobs). */
  prune(keep: (digest: string) => Promise<boolean>): Promise<void>;
  /** Reads this implementation's extents on the calling thread (absent when file data are views in memory). */
  readonly files?: LayerFileReader & { close(): void };
}

/** The uncompressed tar (or raw blob) and its entries, checked: what both implementations start from. */
export async function unpackBlob(blob: Uint8Array, raw: boolean, limits: LayerLimits = {}): Promise<{ entries: readonly LayerEntry[]; tar: Uint8Array }> {
  if (raw) return { entries: [], tar: blob };
  return readLayer(blob, limits);
}

export class MemoryLayerSnapshots implements LayerSnapshots {
  readonly persistent = false;

  constructor(private readonly limits: LayerLimits = {}) {}

  async adopt(): Promise<void> {
    // Memory goes to layers when they run, not when they arrive.
  }

  async unpack(_layer: Descriptor, blob: () => Promise<Uint8Array>, options: { raw: boolean }): Promise<UnpackedLayer> {
    const { entries, tar } = await unpackBlob(await blob(), options.raw, this.limits);
    const shared = toShared(tar);
    return { entries, memoryBytes: shared.byteLength, fileData: (offset, size) => shared.subarray(offset, offset + size) };
  }

  async prune(): Promise<void> {
    // Nothing outlives the layer cache's trees, which the caller drops.
  }
}

/**
 * One copy of `bytes` in a SharedArrayBuffer (a plain ArrayBuffer where SharedArrayBuffer is unavailable, e.g. a
 * page that is not cross-origin isolated: then each container start copies, but still works).
 */
export function toShared(bytes: Uint8Array): Uint8Array {
  const buffer = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes.byteLength) : new ArrayBuffer(bytes.byteLength);
  const out = new Uint8Array(buffer);
  out.set(bytes);
  return out;
}
