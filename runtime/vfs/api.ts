/**
 * vfs api: the contract between a container's filesystem and the WASI layer above it.
 *
 * Vocabulary (used the same way in every vfs file):
 * - node: one inode (file, directory, symlink, character device). Hard links are several names for one node.
 * - lower layer: a read-only tree (an image layer); several are stacked, topmost wins; whiteouts hide lower names.
 * - upper layer: the container's writable layer; writing a lower file first copies it up (copy-on-write).
 * - mount: a subtree grafted at a guest path (named volume, bind mount of a host dir, tmpfs); `..` from a mount's
 *   root goes to the mount point's parent, never into the host.
 * - handle: an open file or directory (`OpenFile`/`OpenDir`); it keeps working after its name is unlinked.
 *
 * Path rules (one resolver for all of them, in `resolver.ts`):
 * - `path` arguments are relative to the directory handle `at`; a leading `/` restarts at the container root.
 * - `..` at the container root stays at the root (as chroot does); it never leaves a mount into the host.
 * - symlinks are resolved by the VFS, absolute targets from the container root; more than 40 hops -> ELOOP.
 * - a trailing `/` requires the final component to be a directory (ENOTDIR otherwise), as POSIX says.
 * - an empty path -> ENOENT.
 *
 * Errors: every method throws `FsError` (from `errors.ts`) for expected failures and nothing else.
 * Times are nanoseconds since the Unix epoch as bigint. Sizes and offsets are numbers (files stay < 2^53 bytes).
 * The VFS knows nothing of WASI numbers, rights, workers or streams.
 */
import type { Filesystem } from './vnode.ts';

export type FileType = 'file' | 'dir' | 'symlink' | 'chardev';

export interface Stat {
  /** Device number: one per filesystem (the container rootfs, each mount). */
  dev: number;
  /** Inode number, unique within `dev` for the lifetime of the VFS. */
  ino: number;
  type: FileType;
  nlink: number;
  size: number;
  /** POSIX permission bits (0o7777); informational, WASI p1 has no permissions. */
  mode: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** A time to set: a value, the current time, or leave unchanged. */
export type TimeSpec = { kind: 'set'; ns: bigint } | { kind: 'now' } | { kind: 'keep' };

export interface DirEntry {
  name: string;
  ino: number;
  type: FileType;
}

/** An open non-directory: regular file or character device (/dev/null, /dev/zero, /dev/urandom). */
export interface OpenFile {
  readonly kind: 'file';
  readonly type: FileType;
  /** Copies up to `dst.length` bytes from `position` into `dst`; returns the count (0 at end of file). */
  read(dst: Uint8Array, position: number): number;
  /** Writes all of `src` at `position`, growing the file; returns `src.length`. EROFS/ENOSPC/EFBIG possible. */
  write(src: Uint8Array, position: number): number;
  /** Current size (for append and SEEK_END). Devices report 0. */
  size(): number;
  truncate(size: number): void;
  stat(): Stat;
  setTimes(atime: TimeSpec, mtime: TimeSpec): void;
  /** Flushes host-backed files; a no-op in memory. */
  sync(): void;
  /** Releases host resources; further calls throw EBADF. */
  close(): void;
}

/** An open directory. `entries()` is a snapshot including `.` and `..`, stable so readdir cookies stay valid. */
export interface OpenDir {
  readonly kind: 'dir';
  entries(): DirEntry[];
  stat(): Stat;
  setTimes(atime: TimeSpec, mtime: TimeSpec): void;
  close(): void;
}

export interface OpenOptions {
  /** Follow a symlink in the final component (WASI lookupflags.symlink_follow). */
  follow: boolean;
  create: boolean;
  /** With `create`: fail with EEXIST if the name exists (even as a dangling symlink). */
  exclusive: boolean;
  truncate: boolean;
  /** The final component must be a directory (ENOTDIR otherwise). */
  directory: boolean;
  /** The handle will be written: EROFS on a read-only mount or layer-only file is raised here for truncate/create. */
  write: boolean;
}

/**
 * A container's whole filesystem namespace. One instance per container, living in the container's worker.
 * All methods are synchronous: guest syscalls are synchronous and never cross threads.
 */
export interface Vfs {
  /** A handle on the container root `/` (the WASI preopen). */
  root(): OpenDir;
  /** Opens (and with `create`, creates) a file or directory. Opening a directory with `write` -> EISDIR. */
  open(at: OpenDir, path: string, options: OpenOptions): OpenFile | OpenDir;
  stat(at: OpenDir, path: string, follow: boolean): Stat;
  setTimes(at: OpenDir, path: string, follow: boolean, atime: TimeSpec, mtime: TimeSpec): void;
  mkdir(at: OpenDir, path: string): void;
  /** Removes an empty directory: ENOTEMPTY, ENOTDIR, EBUSY for a mount point or root. */
  rmdir(at: OpenDir, path: string): void;
  /** Removes a non-directory: EISDIR for a directory (wasmtime), ENOTDIR for `file/`. */
  unlink(at: OpenDir, path: string): void;
  /** POSIX rename(2) including replace rules; EXDEV across filesystems; EINVAL moving a dir into itself. */
  rename(fromAt: OpenDir, fromPath: string, toAt: OpenDir, toPath: string): void;
  /** Hard link; EPERM for directories, EXDEV across filesystems. `follow` applies to the source. */
  link(fromAt: OpenDir, fromPath: string, follow: boolean, toAt: OpenDir, toPath: string): void;
  symlink(target: string, at: OpenDir, path: string): void;
  readlink(at: OpenDir, path: string): string;
}

// ---- building a container filesystem ------------------------------------------------------------------------------

/** A read-only layer tree (an image layer, or a test fixture). Structured-clone safe so it can be sent to a worker. */
export interface LowerEntry<Data extends Uint8Array | FileExtent = Uint8Array | FileExtent> {
  type: FileType;
  /**
   * Permission bits and mtime. A directory copy without them (a parent implied by a layer, not listed in its tar)
   * takes them from the topmost lower copy that states them, else 0o755 and 0.
   */
  mode?: number;
  mtimeNs?: bigint;
  /**
   * Regular files: the bytes, in memory or as an extent of a layer file read on demand. In memory, image layers pass
   * views into one SharedArrayBuffer per layer (the uncompressed tar), so sending the tree to a worker shares the
   * bytes; the VFS never writes them (copy-on-write per 64 KiB block). Extents (Node: unpacked layers on disk) cost
   * no memory until read; the first write copies the file up, as overlayfs does.
   * Note: Web Crypto and WebAssembly.compile refuse SharedArrayBuffer views; copy before handing them such bytes.
   */
  data?: Data;
  /** Symlinks: the target. */
  target?: string;
  /** Directories: children by name. A child `{ type: 'whiteout' }` hides the same name in layers below. */
  children?: Record<string, LowerEntry<Data> | WhiteoutEntry>;
  /** Directories: hide everything below this layer's copy of the directory (OCI opaque whiteout). */
  opaque?: boolean;
}
/**
 * `size` bytes at `offset` of the layer file `source` (an opaque name the platform's `LayerFileReader` resolves; in
 * Node the path of an unpacked layer tar). Plain data, so a tree of extents is as cheap to send to a worker as names.
 */
export interface FileExtent {
  readonly source: string;
  readonly offset: number;
  readonly size: number;
}

/**
 * Reads extents of layer files (Node: layer-files.node.ts). Synchronous because a guest's fd_read is; called only
 * with sources from lower trees the engine built, never with a guest-chosen name.
 */
export interface LayerFileReader {
  /** Fills `dst` from `position` of `source`; returns the bytes read (fewer only at the file's end). FsError EIO if unreadable. */
  read(source: string, dst: Uint8Array, position: number): number;
}

export interface WhiteoutEntry {
  type: 'whiteout';
}

export type MountSource =
  /**
   * In memory, gone when the container ends: empty, or starting with `seed`'s files (a browser volume). With
   * `capture`, its changes are returned when the guest ends (`ContainerFs.diffMounts`), so the volume can be saved.
   */
  | { kind: 'tmpfs'; seed?: LowerEntry<Uint8Array>; capture?: boolean }
  /** A host directory (Node only). Named volumes are host dirs under the data dir. */
  | { kind: 'host'; hostPath: string };

export interface MountSpec {
  /** Absolute guest path; `/` replaces the root filesystem (e.g. `-v DIR:/`). */
  target: string;
  source: MountSource;
  readonly: boolean;
}

export interface ContainerFsSpec {
  /** Lower layers, bottom first. Empty for a bare module. */
  lowers: LowerEntry[];
  mounts: MountSpec[];
  /** Created (with parents) in the upper layer if missing, as Docker does for WorkingDir. */
  workdir: string;
  /** Maximum bytes of file data the upper layer and tmpfs mounts may hold; beyond it writes fail with ENOSPC. */
  quotaBytes: number;
  /** A view of files, not a container: no /dev and no /tmp are added (file browsers, volume uploads). */
  view?: boolean;
}

/** What a platform provides so the VFS can mount host directories. Implemented in `host-dir.node.ts`. */
export interface HostDirProvider {
  /**
   * A directory subtree rooted at `hostPath` that no guest path can leave; throws ENOENT/ENOTDIR if unusable.
   * The result is the VFS's internal filesystem contract (`vnode.ts`); only the VFS looks inside it.
   */
  mountHostDir(hostPath: string, options: { readonly: boolean; dev: number }): Filesystem;
}
