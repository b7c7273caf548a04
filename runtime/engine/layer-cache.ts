/**
 * engine layer-cache: image layers -> VFS lower trees (`LowerEntry`), built once per layer digest and kept.
 *
 * For one layer: ask the snapshots (layer-snapshots.ts) for its unpacked form — made from the store's blob the first
 * time, in memory (a SharedArrayBuffer) or on disk (Node) — and build a tree whose file `data` are views into the
 * shared buffer or extents of the file on disk. Sending the tree to a container worker is a structured clone, which
 * shares SharedArrayBuffers and copies extents as three fields, so a container start from a 100 MB image copies no
 * file bytes; the VFS reads them in place and copies a file only when a container writes it
 * (`runtime/vfs/file-data.ts`). Every container of an image shares one copy.
 *
 * Mapping of `LayerEntry` kinds (images/layer/layer-entry.ts):
 * - `dir` -> `{ type: 'dir', children }`; parents the tar did not list are implied with no mode/mtime, so the lower
 *   layers' copy keeps its own (the VFS takes a directory's mode from the topmost copy that states one, else 0755).
 * - `file` -> `{ type: 'file', data }`; `symlink` -> `{ type: 'symlink', target }` as stored.
 * - `hardlink` -> a file entry with its own data on the same bytes: hard links within a lower layer become separate
 *   inodes that share bytes (nlink 1 each; a write to one name copies up only that name). Docker's overlay2 keeps
 *   them one inode; no guest we run depends on that for read-only image files.
 * - `whiteout` -> `{ type: 'whiteout' }`; `opaque` -> `opaque: true` on the directory (the layer root for `''`).
 * - modes as given (permission bits); mtimeNs = mtimeSec * 1e9.
 * A wasm artifact's raw layer (not a tar) becomes a one-file tree, the file's data the whole unpacked blob.
 *
 * Not checked here: blob digests (the store verified each blob on import) and `diff_id`s. Trees are never mutated
 * after they are built (the VFS must not write lower trees; see runtime/vfs/overlay.ts).
 * Lifetime: entries stay until `evict`/`clear` (an engine lives as long as its images are in use); a failed build
 * is not cached.
 */
import type { FileExtent, LowerEntry, WhiteoutEntry } from '../vfs/api.ts';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import type { LayerEntry } from '../../images/layer/layer-entry.ts';
import { WasmboxError } from '../../shared/errors.ts';
import type { LayerSnapshots } from './layer-snapshots.ts';

/** The store slice the cache reads: `ImageStore.blobs` fits. */
export interface LayerBlobSource {
  get(digest: Descriptor['digest']): Promise<Uint8Array>;
}

export class LayerCache {
  private readonly trees = new Map<string, Promise<LowerEntry>>();
  /** Blobs read from the store so far: one per layer digest unless evicted, failed or already unpacked on disk. */
  blobReads = 0;
  /** Bytes held in memory by cached layers (0 for layers kept on disk). */
  sharedBytes = 0;

  constructor(
    private readonly blobs: LayerBlobSource,
    private readonly snapshots: LayerSnapshots,
  ) {}

  /** The lower tree of a tar layer (plain or gzip). */
  layer(layer: Descriptor): Promise<LowerEntry> {
    return this.cached(layer.digest, async () => {
      const unpacked = await this.snapshots.unpack(layer, () => this.read(layer), { raw: false });
      this.sharedBytes += unpacked.memoryBytes;
      return lowerTreeFromLayer(unpacked.entries, unpacked.fileData);
    });
  }

  /** Makes sure `layer` is unpacked (where snapshots persist, for later processes), without building its tree. */
  async unpack(layer: Descriptor, raw: boolean): Promise<void> {
    await this.snapshots.unpack(layer, () => this.read(layer), { raw });
  }

  /** A one-file tree for a wasm artifact's raw layer: the file at `path` (a plain name under `/`). */
  rawFile(layer: Descriptor, path: string, mode: number): Promise<LowerEntry> {
    const name = path.replace(/^\/+/, '');
    if (name === '' || name.includes('/')) throw new WasmboxError('Internal', `artifact file path "${path}" is not a plain name under /`);
    return this.cached(`${layer.digest}#raw:${name}:${mode}`, async () => {
      const unpacked = await this.snapshots.unpack(layer, () => this.read(layer), { raw: true });
      this.sharedBytes += unpacked.memoryBytes;
      return { type: 'dir', children: { [name]: { type: 'file', mode, data: unpacked.fileData(0, layer.size) } } };
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
 * Builds the lower tree of one layer from `readLayer`'s entries; `fileData(offset, size)` gives a file's bytes in the
 * uncompressed tar (a view or an extent: never a copy).
 */
export function lowerTreeFromLayer(entries: readonly LayerEntry[], fileData: (offset: number, size: number) => Uint8Array | FileExtent): LowerEntry {
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
        children[name] = { type: 'file', mode: entry.mode, mtimeNs, data: fileData(entry.dataOffset, entry.size) };
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
