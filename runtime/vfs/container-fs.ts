/**
 * vfs container-fs: builds a container's filesystem namespace and exposes it as the `Vfs` of api.ts.
 *
 * Assembly order (Docker's): the root — the image's lower layers under a fresh upper layer, or the filesystem of a
 * mount at `/` — then /dev (devices.ts), /tmp, the spec's mounts parents first (a later mount at the same place
 * covers an earlier one), and last the workdir with its parents. Device numbers are handed out here, per container:
 * 1 is the rootfs, then /dev, then the mounts in order.
 * Every Vfs method is one call into resolver-based ops (open.ts, path-ops.ts, rename.ts).
 * Must not: import node:* (host directories arrive through `deps.hostDirs`), or keep module-level state.
 */
import type {
  ContainerFsSpec,
  HostDirProvider,
  LayerFileReader,
  LowerEntry,
  MountSpec,
  OpenDir,
  OpenFile,
  OpenOptions,
  Stat,
  TimeSpec,
  Vfs,
} from './api.ts';
import { coarseWallClock, type NowNs } from './clock.ts';
import { attachMount, ensureTmp, makeDirs, targetComponents } from './container-setup.ts';
import { createDevFs } from './devices.ts';
import { DirHandle, dirOf } from './dir-handle.ts';
import { fail } from './errors.ts';
import { MemFs } from './memory-fs.ts';
import type { BlockPool } from './block-pool.ts';
import { Namespace } from './mounts.ts';
import { openAt } from './open.ts';
import { diffUpper } from './overlay-diff.ts';
import { linkAt, mkdirAt, readlinkAt, rmdirAt, setTimesAt, statAt, symlinkAt, unlinkAt } from './path-ops.ts';
import { Quota } from './quota.ts';
import { renameAt } from './rename.ts';
import type { Filesystem } from './vnode.ts';

export interface ContainerFsDeps {
  /** Needed only when the spec mounts host directories (Node: `new NodeHostDirs()` from host-dir.node.ts). */
  hostDirs?: HostDirProvider;
  /** Needed only when the lowers hold `FileExtent`s (Node: `NodeLayerFiles` from layer-files.node.ts). */
  layerFiles?: LayerFileReader;
  /** Lends file blocks and takes them back when the container is disposed (a worker keeps one for its containers). */
  blockPool?: BlockPool;
  /** File timestamps; defaults to a coarse wall clock (clock.ts). */
  now?: () => bigint;
}

/** The Vfs plus what the engine needs besides the guest's syscalls. */
export interface ContainerFs extends Vfs {
  /**
   * The upper layer's changes as one layer tree (added and modified entries, whiteouts for removed lower names,
   * opaque directories where a lower directory was replaced): stacking it on the lowers reproduces the rootfs.
   */
  diffUpper(): LowerEntry<Uint8Array>;
  /** File bytes charged to `quotaBytes` (upper layer + tmpfs mounts). */
  usedBytes(): number;
  /** The changes of each `capture` mount (relative to its seed), by target. */
  diffMounts(): Array<{ target: string; upper: LowerEntry<Uint8Array> }>;
  /** The container is over: its in-memory files give their blocks back to `deps.blockPool`. Nothing works after. */
  dispose(): void;
}

export function createContainerFs(spec: ContainerFsSpec, deps: ContainerFsDeps = {}): ContainerFs {
  const now: NowNs = deps.now ?? coarseWallClock();
  const quota = new Quota(spec.quotaBytes);
  let nextDev = 1;
  const rootfs = new MemFs({ dev: nextDev++, readonly: false, quota, now, lowers: spec.lowers, layerFiles: deps.layerFiles, blockPool: deps.blockPool });
  const memFss: MemFs[] = [rootfs];
  const captured: Array<{ target: string; fs: MemFs }> = [];
  const makeFs = (m: MountSpec): Filesystem => {
    const dev = nextDev++;
    if (m.source.kind === 'tmpfs') {
      const seed = m.source.seed;
      const fs = new MemFs({ dev, readonly: m.readonly, quota, now, rootMode: seed ? 0o755 : 0o1777, lowers: seed ? [seed] : undefined, blockPool: deps.blockPool });
      memFss.push(fs);
      if (m.source.capture) captured.push({ target: m.target, fs });
      return fs;
    }
    if (deps.hostDirs === undefined) fail('ENOTSUP');
    return deps.hostDirs.mountHostDir(m.source.hostPath, { readonly: m.readonly, dev });
  };

  // Parents before children; the stable sort keeps the spec's order for equal depth.
  const mounts = spec.mounts
    .map((m) => ({ m, depth: targetComponents(m.target).length }))
    .sort((a, b) => a.depth - b.depth);
  // A mount at `/` replaces the image's root (`-v DIR:/`); with several, the last wins as it would cover the others.
  const rootMount = mounts.filter((x) => x.depth === 0).at(-1);
  const rootFs = rootMount !== undefined ? makeFs(rootMount.m) : rootfs;
  const ns = new Namespace(rootFs.root);
  if (!spec.view) {
    attachMount(ns, '/dev', createDevFs({ dev: nextDev++, quota, now }));
    ensureTmp(ns);
  }
  for (const { m, depth } of mounts) if (depth > 0) attachMount(ns, m.target, makeFs(m));
  if (spec.workdir !== '') makeDirs(ns, spec.workdir.startsWith('/') ? spec.workdir : '/' + spec.workdir);
  return new ContainerVfs(ns, rootfs, quota, captured, memFss);
}

class ContainerVfs implements ContainerFs {
  constructor(
    private readonly ns: Namespace,
    private readonly rootfs: MemFs,
    private readonly quota: Quota,
    private readonly captured: ReadonlyArray<{ target: string; fs: MemFs }>,
    private readonly memFss: readonly MemFs[],
  ) {}

  root(): OpenDir {
    return new DirHandle(this.ns, this.ns.root);
  }

  open(at: OpenDir, path: string, options: OpenOptions): OpenFile | OpenDir {
    return openAt(this.ns, dirOf(this.ns, at), path, options);
  }

  stat(at: OpenDir, path: string, follow: boolean): Stat {
    return statAt(this.ns, dirOf(this.ns, at), path, follow);
  }

  setTimes(at: OpenDir, path: string, follow: boolean, atime: TimeSpec, mtime: TimeSpec): void {
    setTimesAt(this.ns, dirOf(this.ns, at), path, follow, atime, mtime);
  }

  mkdir(at: OpenDir, path: string): void {
    mkdirAt(this.ns, dirOf(this.ns, at), path);
  }

  rmdir(at: OpenDir, path: string): void {
    rmdirAt(this.ns, dirOf(this.ns, at), path);
  }

  unlink(at: OpenDir, path: string): void {
    unlinkAt(this.ns, dirOf(this.ns, at), path);
  }

  rename(fromAt: OpenDir, fromPath: string, toAt: OpenDir, toPath: string): void {
    renameAt(this.ns, dirOf(this.ns, fromAt), fromPath, dirOf(this.ns, toAt), toPath);
  }

  link(fromAt: OpenDir, fromPath: string, follow: boolean, toAt: OpenDir, toPath: string): void {
    linkAt(this.ns, dirOf(this.ns, fromAt), fromPath, follow, dirOf(this.ns, toAt), toPath);
  }

  symlink(target: string, at: OpenDir, path: string): void {
    symlinkAt(this.ns, target, dirOf(this.ns, at), path);
  }

  readlink(at: OpenDir, path: string): string {
    return readlinkAt(this.ns, dirOf(this.ns, at), path);
  }

  diffUpper(): LowerEntry<Uint8Array> {
    return diffUpper(this.rootfs.root);
  }

  usedBytes(): number {
    return this.quota.usedBytes();
  }

  dispose(): void {
    for (const fs of this.memFss) fs.recycle();
  }

  diffMounts(): Array<{ target: string; upper: LowerEntry<Uint8Array> }> {
    return this.captured.map(({ target, fs }) => ({ target, upper: diffUpper(fs.root) }));
  }
}
