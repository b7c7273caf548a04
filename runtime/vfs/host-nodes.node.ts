/**
 * vfs host-nodes (Node): the inodes of a bind-mounted host directory (host-dir.node.ts has the security rules).
 *
 * Every method reaches the host through `HostFs.inDir` (a verified descriptor of the parent directory plus one plain
 * name) and never follows a final symlink: files open with O_NOFOLLOW, times use lutimes, the other calls do not
 * follow by nature. Node objects are rebuilt on every lookup; a directory remembers its path below the root.
 * Must not: open a host path any other way, or pass a name that is not one plain component.
 */
import {
  closeSync,
  constants,
  fstatSync,
  futimesSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  type BigIntStats,
} from 'node:fs';
import type { DirEntry, OpenFile, Stat, TimeSpec } from './api.ts';
import { fail } from './errors.ts';
import type { HostFs } from './host-dir.node.ts';
import { hostError, hostStat, hostTime, hostType } from './host-util.node.ts';
import type { DirNode, FileNode, SymlinkNode, VNode } from './vnode.ts';

const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/** A name that reaches exactly one entry of a directory. The resolver never produces anything else. */
export function plain(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) fail('EINVAL');
  return name;
}

function nodeFor(fs: HostFs, parent: HostDir, name: string, st: BigIntStats): VNode {
  if (st.isDirectory()) return new HostDir(fs, parent, name, `${parent.rel}/${name}`, st);
  if (st.isSymbolicLink()) return new HostSymlink(fs, parent, name, st);
  return new HostFile(fs, parent, name, st);
}

abstract class HostNode {
  readonly ino: number;

  constructor(
    readonly fs: HostFs,
    readonly parentDir: HostDir | null,
    readonly name: string,
    st: BigIntStats,
  ) {
    this.ino = Number(st.ino);
  }

  stat(): Stat {
    const st = this.fs.inDir(this.parentDir!, (base) => lstatSync(base + this.name, { bigint: true }));
    return hostStat(this.fs.dev, st);
  }

  setTimes(atime: TimeSpec, mtime: TimeSpec): void {
    this.fs.mutable();
    this.fs.inDir(this.parentDir!, (base) => {
      const st = lstatSync(base + this.name, { bigint: true });
      lutimesSync(base + this.name, hostTime(atime, st.atimeNs), hostTime(mtime, st.mtimeNs));
    });
  }
}

export class HostDir extends HostNode implements DirNode {
  readonly type = 'dir';

  constructor(
    fs: HostFs,
    parentDir: HostDir | null,
    name: string,
    /** Path below the root: '' for the root, else '/a/b'. */
    readonly rel: string,
    st: BigIntStats,
  ) {
    super(fs, parentDir, name, st);
  }

  parent(): DirNode {
    return this.parentDir ?? this;
  }

  override stat(): Stat {
    return this.withOwnFd((fd) => hostStat(this.fs.dev, fstatSync(fd, { bigint: true })));
  }

  override setTimes(atime: TimeSpec, mtime: TimeSpec): void {
    this.fs.mutable();
    this.withOwnFd((fd) => {
      const st = fstatSync(fd, { bigint: true });
      futimesSync(fd, hostTime(atime, st.atimeNs), hostTime(mtime, st.mtimeNs));
    });
  }

  lookup(name: string): VNode | null {
    const st = this.fs.inDir(this, (base) => lstatSync(base + plain(name), { bigint: true, throwIfNoEntry: false }));
    return st === undefined ? null : nodeFor(this.fs, this, name, st);
  }

  list(): DirEntry[] {
    return this.fs.inDir(this, (base) => {
      const out: DirEntry[] = [];
      for (const name of readdirSync(base)) {
        const st = lstatSync(base + name, { throwIfNoEntry: false });
        if (st !== undefined) out.push({ name, ino: st.ino, type: hostType(st) });
      }
      return out;
    });
  }

  isEmpty(): boolean {
    return this.fs.inDir(this, (base) => readdirSync(base).length === 0);
  }

  createFile(name: string, write: boolean): OpenFile {
    this.fs.mutable();
    return this.fs.inDir(this, (base) => {
      const fd = openSync(base + plain(name), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
      return this.fs.adopt(fd, write, false);
    });
  }

  mkdir(name: string, mode = 0o755): void {
    this.fs.mutable();
    this.fs.inDir(this, (base) => mkdirSync(base + plain(name), mode));
  }

  symlink(name: string, target: string): void {
    this.fs.mutable();
    this.fs.inDir(this, (base) => symlinkSync(target, base + plain(name)));
  }

  link(name: string, node: VNode): void {
    this.fs.mutable();
    const source = node as unknown as HostNode;
    if (source.fs !== this.fs || source.parentDir === null) fail('EXDEV');
    this.fs.inDir(source.parentDir, (from) =>
      this.fs.inDir(this, (to) => linkSync(from + source.name, to + plain(name))),
    );
  }

  unlink(name: string, _node: VNode): void {
    this.fs.mutable();
    this.fs.inDir(this, (base) => unlinkSync(base + plain(name)));
  }

  rmdir(name: string, _node: DirNode): void {
    this.fs.mutable();
    this.fs.inDir(this, (base) => rmdirSync(base + plain(name)));
  }

  rename(name: string, _node: VNode, to: DirNode, toName: string, _replaced: VNode | null): void {
    this.fs.mutable();
    const dest = to as HostDir;
    if (dest.fs !== this.fs) fail('EXDEV');
    this.fs.inDir(this, (from) => this.fs.inDir(dest, (into) => renameSync(from + plain(name), into + plain(toName))));
  }

  private withOwnFd<T>(op: (fd: number) => T): T {
    const fd = this.fs.openDir(this.rel);
    try {
      return op(fd);
    } catch (e) {
      throw hostError(e);
    } finally {
      closeSync(fd);
    }
  }
}

export class HostFile extends HostNode implements FileNode {
  readonly type: 'file' | 'chardev';

  constructor(fs: HostFs, parentDir: HostDir, name: string, st: BigIntStats) {
    super(fs, parentDir, name, st);
    this.type = st.isFile() ? 'file' : 'chardev';
  }

  open(write: boolean, truncate: boolean): OpenFile {
    if (write || truncate) this.fs.mutable();
    // FIFOs, sockets and devices of the host are not passed through (a FIFO open could block the container).
    if (this.type !== 'file') fail('ENOTSUP');
    return this.fs.inDir(this.parentDir!, (base) => {
      // O_NONBLOCK: if the name became a FIFO since lookup, opening it must not hang; it is refused below.
      const fd = openSync(base + this.name, (write ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK);
      return this.fs.adopt(fd, write, truncate);
    });
  }
}

export class HostSymlink extends HostNode implements SymlinkNode {
  readonly type = 'symlink';

  readlink(): string {
    return this.fs.inDir(this.parentDir!, (base) => readlinkSync(base + this.name));
  }
}
