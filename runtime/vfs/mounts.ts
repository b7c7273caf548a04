/**
 * vfs mounts: the container's namespace — which filesystem is the root, and which is grafted where.
 *
 * A mount is keyed by the directory that holds the mount point and the mount point's name, not by an inode of the
 * mount point. So a mount point need not exist in the filesystem below (a read-only or host-backed root gets a
 * synthetic entry instead of a directory created on the host), and a later mount at the same place covers the
 * earlier one, as on Linux. `..` from a mount's root goes to the directory holding the mount point, never into the
 * host; `..` at the container root stays there.
 * Must not: resolve paths (resolver.ts does), or change any filesystem.
 */
import type { DirEntry } from './api.ts';
import type { DirNode, Filesystem, VNode } from './vnode.ts';

export interface Mount {
  readonly fs: Filesystem;
  /** The directory holding the mount point. */
  readonly parent: DirNode;
  readonly name: string;
  /** The mount this one covers at the same place, if any. */
  readonly covered: Mount | null;
}

export class Namespace {
  /** (filesystem of the holding directory) -> (its ino) -> (name) -> topmost mount. */
  private readonly byParent = new Map<Filesystem, Map<number, Map<string, Mount>>>();
  private readonly byFs = new Map<Filesystem, Mount>();

  constructor(readonly root: DirNode) {}

  /** The mount at `dir`/`name`, if any. Two Map probes on the common (no mount) path, no allocation. */
  mountAt(dir: DirNode, name: string): Mount | undefined {
    const inos = this.byParent.get(dir.fs);
    if (inos === undefined) return undefined;
    return inos.get(dir.ino)?.get(name);
  }

  /** `dir`'s child `name`, crossing into a mount grafted there. */
  lookup(dir: DirNode, name: string): VNode | null {
    const inos = this.byParent.get(dir.fs);
    if (inos !== undefined) {
      const mount = inos.get(dir.ino)?.get(name);
      if (mount !== undefined) return mount.fs.root;
    }
    return dir.lookup(name);
  }

  /** Where `..` leads from `dir`. */
  parentOf(dir: DirNode): DirNode {
    if (dir !== dir.fs.root) return dir.parent();
    const mount = this.byFs.get(dir.fs);
    return mount === undefined ? dir : mount.parent;
  }

  /** Grafts `fs` at `parent`/`name`, covering whatever was there. */
  attach(parent: DirNode, name: string, fs: Filesystem): void {
    let inos = this.byParent.get(parent.fs);
    if (inos === undefined) this.byParent.set(parent.fs, (inos = new Map()));
    let names = inos.get(parent.ino);
    if (names === undefined) inos.set(parent.ino, (names = new Map()));
    const mount: Mount = { fs, parent, name, covered: names.get(name) ?? null };
    names.set(name, mount);
    this.byFs.set(fs, mount);
  }

  /** The mounts grafted directly in `dir`. */
  private mountsIn(dir: DirNode): Map<string, Mount> | undefined {
    return this.byParent.get(dir.fs)?.get(dir.ino);
  }

  /** `dir`'s entries as the guest sees them: a mount point missing below its mount is listed too. */
  list(dir: DirNode): DirEntry[] {
    const entries = dir.list();
    const mounts = this.mountsIn(dir);
    if (mounts !== undefined) {
      for (const [name, mount] of mounts) {
        if (!entries.some((e) => e.name === name)) entries.push({ name, ino: mount.fs.root.ino, type: 'dir' });
      }
    }
    return entries;
  }

  /** Empty as rmdir(2) sees it: a directory holding a mount point is not. */
  isEmpty(dir: DirNode): boolean {
    const mounts = this.mountsIn(dir);
    return (mounts === undefined || mounts.size === 0) && dir.isEmpty();
  }
}
