/**
 * engine layer-cache: image layers -> VFS lower trees (`LowerEntry`), built once per layer digest and kept.
 *
 * For one layer: read the blob from the store, `readLayer` it (gunzip, index the tar), copy the uncompressed tar ONCE
 * into a SharedArrayBuffer, and build a tree whose file `data` are views (`subarray`) into that buffer. Sending the
 * tree to a container worker is a structured clone, which shares SharedArrayBuffers instead of copying them, so a
 * container start from a 100 MB image copies no file bytes; the VFS reads the views in place and copies a 64 KiB
 * block only when a container writes it (`runtime/vfs/file-data.ts`). Every container of an image shares one copy.
 *
 * Mapping of `LayerEntry` kinds (images/layer/layer-entry.ts):
 * - `dir` -> `{ type: 'dir', children }`; parents the tar did not list are implied with no mode/mtime, so the lower
 *   layers' copy keeps its own (the VFS takes a directory's mode from the topmost copy that states one, else 0755).
 * - `file` -> `{ type: 'file', data: view }`; `symlink` -> `{ type: 'symlink', target }` as stored.
 * - `hardlink` -> a file entry with its own view on the same bytes: hard links within a lower layer become separate
 *   inodes that share bytes (nlink 1 each; a write to one name copies up only that name). Docker's overlay2 keeps
 *   them one inode; no guest we run depends on that for read-only image files.
 * - `whiteout` -> `{ type: 'whiteout' }`; `opaque` -> `opaque: true` on the directory (the layer root for `''`).
 * - modes as given (permission bits); mtimeNs = mtimeSec * 1e9.
 * A wasm artifact's raw layer (not a tar) becomes a one-file tree, the file's data a view of its own shared copy.
 *
 * Not checked here: blob digests (the store verified each blob on import) and `diff_id`s. Trees are never mutated
 * after they are built (the VFS must not write lower trees; see runtime/vfs/overlay.ts).
 * Lifetime: entries stay until `evict`/`clear` (an engine lives as long as its images are in use); a failed build
 * is not cached.
 */
import type { LowerEntry, WhiteoutEntry } from '../vfs/api.ts';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import type { LayerEntry } from '../../images/layer/layer-entry.ts';
import { readLayer, type LayerLimits } from '../../images/layer/read-layer.ts';
import { WasmboxError } from '../../shared/errors.ts';

/** The store slice the cache reads: `ImageStore.blobs` fits. */
export interface LayerBlobSource {
  get(digest: Descriptor['digest']): Promise<Uint8Array>;
}

export interface LayerCacheOptions {
  /** Limits for untrusted layers (see images/layer/read-layer.ts; defaults there). */
  limits?: LayerLimits;
}

export class LayerCache {
  private readonly trees = new Map<string, Promise<LowerEntry>>();
  /** Blobs read from the store so far: one per layer digest unless evicted or failed (tests check this). */
  blobReads = 0;
  /** Bytes held in shared buffers by cached layers. */
  sharedBytes = 0;

  constructor(
    private readonly blobs: LayerBlobSource,
    private readonly options: LayerCacheOptions = {},
  ) {}

  /** The lower tree of a tar layer (plain or gzip). */
  layer(layer: Descriptor): Promise<LowerEntry> {
    return this.cached(layer.digest, async () => {
      const blob = await this.read(layer);
      const { entries, tar } = await readLayer(blob, this.options.limits);
      const shared = toShared(tar);
      this.sharedBytes += shared.byteLength;
      return lowerTreeFromLayer(entries, shared);
    });
  }

  /** A one-file tree for a wasm artifact's raw layer: the file at `path` (a plain name under `/`). */
  rawFile(layer: Descriptor, path: string, mode: number): Promise<LowerEntry> {
    const name = path.replace(/^\/+/, '');
    if (name === '' || name.includes('/')) throw new WasmboxError('Internal', `artifact file path "${path}" is not a plain name under /`);
    return this.cached(`${layer.digest}#raw:${name}:${mode}`, async () => {
      const shared = toShared(await this.read(layer));
      this.sharedBytes += shared.byteLength;
      return { type: 'dir', children: { [name]: { type: 'file', mode, data: shared } } };
    });
  }

  evict(digest: string): void {
    for (const key of [...this.trees.keys()]) if (key === digest || key.startsWith(`${digest}#`)) this.trees.delete(key);
  }

  clear(): void {
    this.trees.clear();
  }

  private cached(key: string, build: () => Promise<LowerEntry>): Promise<LowerEntry> {
    let tree = this.trees.get(key);
    if (!tree) {
      tree = build();
      this.trees.set(key, tree);
      tree.catch(() => {
        if (this.trees.get(key) === tree) this.trees.delete(key); // do not cache failures
      });
    }
    return tree;
  }

  private async read(layer: Descriptor): Promise<Uint8Array> {
    this.blobReads++;
    const blob = await this.blobs.get(layer.digest);
    if (blob.byteLength !== layer.size) {
      throw new WasmboxError('Internal', `layer ${layer.digest} is ${blob.byteLength} bytes in the store, its descriptor says ${layer.size}`);
    }
    return blob;
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

/** Builds the lower tree of one layer from `readLayer`'s entries; file data are views into `tar` (not copied). */
export function lowerTreeFromLayer(entries: readonly LayerEntry[], tar: Uint8Array): LowerEntry {
  const root: LowerEntry = { type: 'dir', children: {} };
  for (const entry of entries) {
    if (entry.path === '') {
      if (entry.kind === 'opaque') root.opaque = true;
      continue;
    }
    const parts = entry.path.split('/');
    const name = parts.pop()!;
    const children = dirAt(root, parts, entry.path).children!;
    const mtimeNs = BigInt(entry.mtimeSec) * 1_000_000_000n;
    switch (entry.kind) {
      case 'dir': {
        const dir = existingDir(children, name) ?? (children[name] = { type: 'dir', children: {} });
        dir.mode = entry.mode;
        dir.mtimeNs = mtimeNs;
        break;
      }
      case 'opaque': {
        const dir = existingDir(children, name) ?? (children[name] = { type: 'dir', children: {} });
        dir.opaque = true;
        break;
      }
      case 'file':
      case 'hardlink':
        children[name] = { type: 'file', mode: entry.mode, mtimeNs, data: tar.subarray(entry.dataOffset, entry.dataOffset + entry.size) };
        break;
      case 'symlink':
        children[name] = { type: 'symlink', mode: entry.mode, mtimeNs, target: entry.linkTarget ?? '' };
        break;
      case 'whiteout':
        children[name] = { type: 'whiteout' };
        break;
    }
  }
  return root;
}

function existingDir(children: Record<string, LowerEntry | WhiteoutEntry>, name: string): LowerEntry | undefined {
  const child = Object.hasOwn(children, name) ? children[name] : undefined;
  return child !== undefined && child.type === 'dir' ? (child as LowerEntry) : undefined;
}

/** The directory at `parts` below `root`, creating implied parents (no mode/mtime: the lower copies' stay). */
function dirAt(root: LowerEntry, parts: readonly string[], path: string): LowerEntry {
  let dir = root;
  for (const part of parts) {
    const children = dir.children!;
    const child = Object.hasOwn(children, part) ? children[part] : undefined;
    if (child === undefined) {
      const made: LowerEntry = { type: 'dir', children: {} };
      children[part] = made;
      dir = made;
    } else if (child.type === 'dir') {
      dir = child as LowerEntry;
    } else {
      // readLayer guarantees no entry lies below a non-directory of the same layer.
      throw new WasmboxError('Internal', `layer entry "${path}" lies below a ${child.type}`);
    }
  }
  return dir;
}
