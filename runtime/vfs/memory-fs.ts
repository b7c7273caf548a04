/**
 * vfs memory-fs: one in-memory filesystem: the container rootfs (lower layers + upper layer), a tmpfs, or /dev.
 *
 * A tmpfs is simply a memory filesystem with no lower layers. Inode numbers come from this instance's counter, so
 * two containers never share numbering state. All memory filesystems of a container share one quota and one clock.
 * Must not: know about mounts or paths.
 */
import type { LayerFileReader, LowerEntry } from './api.ts';
import type { BlockPool } from './block-pool.ts';
import type { NowNs } from './clock.ts';
import { MemDir, firstMode, firstMtime } from './memory-dir.ts';
import { MemFile } from './memory-file.ts';
import { rootLowerStack } from './overlay.ts';
import type { Quota } from './quota.ts';
import type { Filesystem } from './vnode.ts';

export interface MemFsOptions {
  dev: number;
  readonly: boolean;
  quota: Quota;
  now: NowNs;
  /** Image layers, bottom first (empty for tmpfs). */
  lowers?: readonly LowerEntry[];
  /** Mode of the root directory when no lower layer sets it (tmpfs: 1777, as Docker's default). */
  rootMode?: number;
  /** Reads lower files stored as extents of layer files (see api.ts `FileExtent`). */
  layerFiles?: LayerFileReader;
  /** Lends file blocks and takes them back (block-pool.ts). */
  blockPool?: BlockPool;
}

export class MemFs implements Filesystem {
  readonly inMemory = true;
  readonly dev: number;
  readonly readonly: boolean;
  readonly quota: Quota;
  readonly now: NowNs;
  readonly root: MemDir;
  readonly layerFiles: LayerFileReader | undefined;
  readonly blockPool: BlockPool | undefined;
  private nextIno = 1;

  constructor(options: MemFsOptions) {
    this.dev = options.dev;
    this.readonly = options.readonly;
    this.quota = options.quota;
    this.now = options.now;
    this.layerFiles = options.layerFiles;
    this.blockPool = options.blockPool;
    const stack = rootLowerStack(options.lowers ?? []);
    const mode = firstMode(stack) ?? options.rootMode ?? 0o755;
    this.root = new MemDir(this, this.allocIno(), mode, firstMtime(stack) ?? this.now(), null, stack);
  }

  allocIno(): number {
    return this.nextIno++;
  }

  /**
   * The container is over: every file's blocks go back to the block pool (no file may be used after this). Only
   * materialized directories can hold files with blocks of their own; the others still show only lower layers.
   */
  recycle(): void {
    if (!this.blockPool) return;
    const walk = (dir: MemDir): void => {
      if (!dir.isMaterialized()) return;
      for (const node of dir.entries().values()) {
        if (node instanceof MemFile) node.data.clear();
        else if (node instanceof MemDir) walk(node);
      }
    };
    walk(this.root);
  }
}
