/**
 * vfs host-dir (Node): bind mounts of host directories, built so that no guest path can reach outside the root.
 *
 * Three walls, each enough on its own for the cases it covers:
 * 1. The host never resolves a guest path. The VFS resolver walks components itself and expands every symlink in
 *    the guest namespace (absolute targets from the container root, as Docker does), so this module only ever sees
 *    one directory it already looked up plus one plain name (no `/`, `.`, `..` or NUL; checked again here).
 * 2. Every operation first opens the directory with O_DIRECTORY|O_NOFOLLOW and proves, with
 *    readlink(/proc/self/fd/N), that the opened directory lies inside the root; then it acts on
 *    `/proc/self/fd/N/<name>`, which the kernel resolves through that open descriptor, not through the path. A
 *    directory swapped for a symlink between two guest calls therefore fails the check (EACCES) or the O_NOFOLLOW
 *    open, instead of being followed out of the root.
 * 3. Final components are never followed: files open with O_NOFOLLOW (and are verified again through /proc),
 *    times use lutimes, and everything else (rename, unlink, link, mkdir, symlink, lstat) does not follow by nature.
 * Read-only mounts refuse every mutation with EROFS here as well as in the namespace layer.
 * Requires Linux /proc (mounting fails with ENOTSUP without it, rather than running with a race). Host node objects
 * are rebuilt on every lookup; a directory handle keeps its path, so a directory the host renames under a running
 * guest is no longer reachable through an old handle.
 * Must not: follow a symlink on the host, pass a guest path with more than one component to node:fs, or cache fds.
 */
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  futimesSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  type BigIntStats,
} from 'node:fs';
import type { DirEntry, HostDirProvider, OpenFile, Stat, TimeSpec } from './api.ts';
import { fail, FsError } from './errors.ts';
import { HostFileHandle } from './host-file.node.ts';
import { hostError, hostStat, hostTime, hostType } from './host-util.node.ts';
import type { DirNode, FileNode, Filesystem, SymlinkNode, VNode } from './vnode.ts';

const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

/** The Node platform's HostDirProvider: `createContainerFs(spec, { hostDirs: new NodeHostDirs() })`. */
export class NodeHostDirs implements HostDirProvider {
  mountHostDir(hostPath: string, options: { readonly: boolean; dev: number }): Filesystem {
    return new HostFs(hostPath, options.readonly, options.dev);
  }
}

export class HostFs implements Filesystem {
  readonly inMemory = false;
  readonly root: HostDir;
  /** The root's real path; every descriptor must resolve to it or below it. */
  private readonly rootPath: string;
  private readonly inside: string;

  constructor(
    hostPath: string,
    readonly readonly: boolean,
    readonly dev: number,
  ) {
    let st: BigIntStats;
    try {
      this.rootPath = realpathSync(hostPath);
      st = lstatSync(this.rootPath, { bigint: true });
    } catch (e) {
      throw hostError(e);
    }
    if (!st.isDirectory()) fail('ENOTDIR');
    this.inside = this.rootPath === '/' ? '/' : this.rootPath + '/';
    closeSync(this.openDir('')); // fails now (ENOTSUP) if /proc cannot vouch for descriptors
    this.root = new HostDir(this, null, '', '', st);
  }

  /** Opens the directory at `rel` under the root without following a final symlink, and proves where it landed. */
  openDir(rel: string): number {
    let fd: number;
    try {
      fd = openSync(this.rootPath + rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (e) {
      const err = hostError(e);
      // The directory we looked up earlier is now a symlink (ELOOP, or ENOTDIR as O_DIRECTORY is checked first) or
      // a file: someone is racing us. Refuse; never follow.
      throw err.code === 'ELOOP' || err.code === 'ENOTDIR' ? FsError.of('EACCES') : err;
    }
    try {
      this.verify(fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return fd;
  }

  /** EACCES unless the open descriptor `fd` is the root or lies below it (readlink of its /proc magic link). */
  verify(fd: number): void {
    let real: string;
    try {
      real = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return fail('ENOTSUP');
    }
    if (real === this.rootPath || real.startsWith(this.inside)) return;
    if (real.endsWith(' (deleted)')) fail('ENOENT');
    fail('EACCES');
  }

  /** Runs `op` with a prefix that reaches `dir`'s entries through a verified descriptor; maps host errors. */
  inDir<T>(dir: HostDir, op: (base: string) => T): T {
    let fd = -1;
    try {
      fd = this.openDir(dir.rel);
      return op(`/proc/self/fd/${fd}/`);
    } catch (e) {
      throw hostError(e);
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }

  mutable(): void {
    if (this.readonly) fail('EROFS');
  }

  /** Verifies a freshly opened file descriptor and wraps it in a handle; closes it on any failure. */
  adopt(fd: number, write: boolean, truncate: boolean): OpenFile {
    try {
      this.verify(fd);
      if (!fstatSync(fd).isFile()) fail('ENOTSUP');
      if (truncate) ftruncateSync(fd, 0);
    } catch (e) {
      closeSync(fd);
      throw hostError(e);
    }
    return new HostFileHandle(fd, this.dev, this.readonly, write);
  }
}

/** A name that reaches exactly one entry of a directory. The resolver never produces anything else. */
function plain(name: string): string {
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
    return hostStat(this.fs.dev, this.fs.inDir(this.parentDir!, (base) => lstatSync(base + this.name, { bigint: true })));
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
    this.fs.inDir(source.parentDir, (from) => this.fs.inDir(this, (to) => linkSync(from + source.name, to + plain(name))));
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

class HostFile extends HostNode implements FileNode {
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

class HostSymlink extends HostNode implements SymlinkNode {
  readonly type = 'symlink';

  readlink(): string {
    return this.fs.inDir(this.parentDir!, (base) => readlinkSync(base + this.name));
  }
}
