/**
 * vfs vnode: the internal contract between the namespace (resolver, mount table, errno rules) and the filesystems
 * mounted in it (the overlay rootfs, tmpfs and /dev in memory, host directories in `host-dir.node.ts`).
 *
 * Division of work: the namespace layer checks every POSIX precondition (existence, type, EROFS, EXDEV, EBUSY,
 * emptiness) and only then calls a node method, so node methods assume their preconditions and never re-derive errno
 * rules. A backend may still throw an FsError for what only it can know (ENOSPC, a host race, a removed directory).
 * Nodes never resolve paths: a `name` is always one component, never `.`/`..`, never containing `/` or NUL.
 *
 * Must not: import node:*, know about mounts (`parent()` stays inside one filesystem), or know WASI numbers.
 */
import type { DirEntry, OpenFile, Stat, TimeSpec } from './api.ts';

/** One mounted filesystem: the rootfs overlay, a tmpfs, /dev, or a host directory. */
export interface Filesystem {
  /** Stat.dev of every node in it; unique within one container. */
  readonly dev: number;
  /** Every mutation is refused with EROFS by the namespace (and again by host backends). */
  readonly readonly: boolean;
  /** Held in memory: mount points may be created in it without side effects on the host. */
  readonly inMemory: boolean;
  readonly root: DirNode;
}

interface NodeBase {
  readonly fs: Filesystem;
  /** Unique within `fs` for the life of the container. */
  readonly ino: number;
  stat(): Stat;
  /** Caller has checked EROFS. Updates ctime as utimensat(2) does. */
  setTimes(atime: TimeSpec, mtime: TimeSpec): void;
}

export interface DirNode extends NodeBase {
  readonly type: 'dir';
  /** The parent inside this filesystem; the filesystem root returns itself. The namespace handles mount roots. */
  parent(): DirNode;
  /** The child called `name`, or null. */
  lookup(name: string): VNode | null;
  /** The children, without `.` and `..`. */
  list(): DirEntry[];
  isEmpty(): boolean;
  /** Creates a regular file (absent name checked) and opens it. */
  createFile(name: string, write: boolean): OpenFile;
  mkdir(name: string, mode?: number): void;
  symlink(name: string, target: string): void;
  /** Adds a name for `node` (a non-directory of this filesystem). */
  link(name: string, node: VNode): void;
  /** Removes the non-directory `node` known as `name`. */
  unlink(name: string, node: VNode): void;
  /** Removes the empty directory `node` known as `name`. */
  rmdir(name: string, node: DirNode): void;
  /** Moves `node` to `to`/`toName` (same filesystem), replacing `replaced`; all rename(2) rules already checked. */
  rename(name: string, node: VNode, to: DirNode, toName: string, replaced: VNode | null): void;
}

/** A regular file or a character device. */
export interface FileNode extends NodeBase {
  readonly type: 'file' | 'chardev';
  /** `truncate` only for regular files; the caller has checked EROFS. */
  open(write: boolean, truncate: boolean): OpenFile;
}

export interface SymlinkNode extends NodeBase {
  readonly type: 'symlink';
  readlink(): string;
}

export type VNode = DirNode | FileNode | SymlinkNode;

/** Same inode: identity for memory nodes, (fs, ino) for host nodes, which are rebuilt on every lookup. */
export function sameNode(a: VNode, b: VNode): boolean {
  return a === b || (a.fs === b.fs && a.ino === b.ino);
}
