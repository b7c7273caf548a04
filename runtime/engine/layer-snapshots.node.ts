/**
 * engine layer-snapshots (Node): unpacked layers on disk, once per machine, under `$WASMBOX_HOME/layers`.
 *
 * Layout: `sha256/<hex of the layer blob digest>/` holds `data` (the uncompressed tar, or a raw layer's bytes) and
 * `index.json` (`{ version, layer, raw, size, entries }`: the `LayerEntry` list `readLayer` produced). A container's
 * lower files are extents of `data`, read on demand by `NodeLayerFiles` (runtime/vfs/layer-files.node.ts).
 * - A plain-tar layer's `data` is a hard link to the store's blob file when the store is an OCI layout on the same
 *   filesystem (no second copy on disk); a gzip layer's is its uncompressed tar, written once.
 * - Made in a temporary directory and renamed into place, fsynced like the store's blobs, so a crash leaves either
 *   nothing or a whole snapshot; `index.json` names its size and layer, and a snapshot that does not match (torn,
 *   edited, another version) is made again from the blob. Two processes unpacking the same layer both succeed: the
 *   second rename loses and its copy is dropped.
 * Must not: be trusted with blobs it did not unpack itself (it reads only `blob()` from the store, which verified it).
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Descriptor } from '../../images/oci/descriptor.ts';
import type { LayerEntry } from '../../images/layer/layer-entry.ts';
import type { LayerLimits } from '../../images/layer/read-layer.ts';
import { syncDir, writeDurable } from '../../images/store/durable-fs.node.ts';
import type { FileExtent } from '../vfs/api.ts';
import { NodeLayerFiles } from '../vfs/layer-files.node.ts';
import { unpackBlob, type LayerSnapshots, type UnpackedLayer } from './layer-snapshots.ts';

const INDEX_VERSION = 1;
/** Temporary directories older than this are leftovers of a crashed unpack (a live one takes seconds). */
const STALE_TMP_MS = 60 * 60 * 1000;

export interface DiskLayerSnapshotsOptions {
  limits?: LayerLimits;
  /** The store's file for a blob digest, to hard-link plain-tar layers instead of copying them (OCI layout stores). */
  blobFile?: (digest: string) => string;
}

interface IndexFile {
  version: number;
  layer: string;
  raw: boolean;
  size: number;
  entries: LayerEntry[];
}

export class DiskLayerSnapshots implements LayerSnapshots {
  readonly files = new NodeLayerFiles();
  readonly persistent = true;

  constructor(
    private readonly dir: string,
    private readonly options: DiskLayerSnapshotsOptions = {},
  ) {}

  async unpack(layer: Descriptor, blob: () => Promise<Uint8Array>, options: { raw: boolean }): Promise<UnpackedLayer> {
    const final = this.pathOf(layer.digest);
    const existing = await readSnapshot(final, layer.digest, options.raw);
    if (existing) return existing;

    const bytes = await blob();
    const { entries, tar } = await unpackBlob(bytes, options.raw, this.options.limits);
    await this.persist(layer.digest, options.raw, entries, tar, tar === bytes);
    // Ours, or an identical one another process renamed into place first (the same blob, the same bytes).
    return diskLayer(join(final, 'data'), entries);
  }

  async adopt(digest: string, layer: { entries: readonly LayerEntry[]; tar: Uint8Array }): Promise<void> {
    if (await readSnapshot(this.pathOf(digest), digest, false)) return;
    await this.persist(digest, false, layer.entries, layer.tar, false);
  }

  /** Writes a snapshot in a temporary directory and renames it into place (see the module doc). */
  private async persist(digest: string, raw: boolean, entries: readonly LayerEntry[], tar: Uint8Array, isBlob: boolean): Promise<void> {
    const final = this.pathOf(digest);
    const tmp = join(this.dir, 'tmp', randomUUID());
    await mkdir(tmp, { recursive: true });
    try {
      await this.writeData(join(tmp, 'data'), digest, isBlob, tar);
      const index: IndexFile = { version: INDEX_VERSION, layer: digest, raw, size: tar.byteLength, entries: [...entries] };
      await writeDurable(join(tmp, 'index.json'), new TextEncoder().encode(JSON.stringify(index)));
      await syncDir(tmp);
      await mkdir(join(final, '..'), { recursive: true });
      await rm(final, { recursive: true, force: true }); // a snapshot that did not match its index
      try {
        await rename(tmp, final);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error; // another process put its copy there first
      }
      await syncDir(join(final, '..'));
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async prune(keep: (digest: string) => Promise<boolean>): Promise<void> {
    const algorithms = await readdir(this.dir).catch(() => [] as string[]);
    for (const algorithm of algorithms) {
      if (algorithm === 'tmp') {
        await this.dropStaleTmp();
        continue;
      }
      for (const hex of await readdir(join(this.dir, algorithm)).catch(() => [] as string[])) {
        if (!(await keep(`${algorithm}:${hex}`))) await rm(join(this.dir, algorithm, hex), { recursive: true, force: true });
      }
    }
  }

  private pathOf(digest: string): string {
    const [algorithm, hex] = digest.split(':');
    return join(this.dir, algorithm, hex);
  }

  /** `data` as a hard link to the store's blob when the tar is the blob itself, else written out. */
  private async writeData(path: string, digest: string, isBlob: boolean, tar: Uint8Array): Promise<void> {
    const blobFile = isBlob ? this.options.blobFile?.(digest) : undefined;
    if (blobFile !== undefined) {
      try {
        await link(blobFile, path);
        return;
      } catch {
        // Another filesystem, or a store that is not a layout on disk: copy.
      }
    }
    await writeDurable(path, tar);
  }

  private async dropStaleTmp(): Promise<void> {
    const tmpDir = join(this.dir, 'tmp');
    for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
      const info = await stat(join(tmpDir, name)).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_TMP_MS) await rm(join(tmpDir, name), { recursive: true, force: true });
    }
  }
}

/** The snapshot at `dir` if it is whole and is the one for `digest`; undefined otherwise (make it again). */
async function readSnapshot(dir: string, digest: string, raw: boolean): Promise<UnpackedLayer | undefined> {
  let index: IndexFile;
  try {
    index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as IndexFile;
  } catch {
    return undefined;
  }
  if (index?.version !== INDEX_VERSION || index.layer !== digest || index.raw !== raw || !Array.isArray(index.entries)) return undefined;
  const data = join(dir, 'data');
  const size = await stat(data).then((s) => s.size, () => -1);
  if (size !== index.size) return undefined;
  return diskLayer(data, index.entries);
}

function diskLayer(source: string, entries: readonly LayerEntry[]): UnpackedLayer {
  return { entries, memoryBytes: 0, fileData: (offset, size): FileExtent => ({ source, offset, size }) };
}
