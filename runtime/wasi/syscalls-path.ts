/**
 * wasi syscalls-path: the path_* family. Each call decodes its arguments, checks the directory descriptor and
 * calls one `Vfs` method; path resolution (symlinks, `..`, mounts, trailing slashes) is the VFS's job.
 *
 * wasmtime p1 as reference:
 * - the base fd must be a directory: EBADF otherwise, except path_open on a file, which is ENOTDIR
 *   (p1_path_open_dirfd_not_dir).
 * - capability paths: an absolute path, or one whose `..` climbs above the base directory, is EPERM
 *   (p1_interesting_paths; cap-std refuses to leave the base). The check is lexical; symlinks are resolved by the
 *   VFS from the container root, so an absolute symlink target is followed (Docker semantics), not refused as in
 *   wasmtime. A path containing NUL is EINVAL, invalid UTF-8 is EILSEQ (memory.ts).
 * - path_open: fdflags DSYNC/RSYNC/SYNC -> ENOTSUP (p1_path_filestat); DIRECTORY with CREAT/EXCL/TRUNC -> EINVAL;
 *   of the rights only FD_READ/FD_WRITE matter; CREAT and TRUNC imply write access, and a handle without write
 *   access is readable (wasmtime `open_at`). Opening a directory for writing is the VFS's EISDIR.
 * - path_readlink truncates silently to the buffer (p1_readlink).
 * - set-times: ATIM with ATIM_NOW (or MTIM with MTIM_NOW) -> EINVAL, checked before the descriptor.
 * Unknown bits in lookupflags/oflags/fdflags/rights are EINVAL, as wiggle's flag decoding answers.
 */
import type { OpenDir } from '../vfs/api.ts';
import * as abi from './abi.ts';
import type { Snapshot, WasiContext } from './context.ts';
import { raise } from './errno.ts';
import { DirFd, FileFd, KIND_DIR, KIND_FILE, filetypeOf, grantedRights } from './fd-table.ts';
import { checkAlign, utf8 } from './memory.ts';
import { decodeRights, decodeTimes, writeFilestat } from './structs.ts';

/** EPERM for a path that would leave its base directory: absolute, or `..` above the start (lexically). */
export function checkContained(path: string): void {
  if (path.charCodeAt(0) === 47 /* / */) raise(abi.ERRNO_PERM);
  let depth = 0;
  for (let i = 0; i < path.length; ) {
    let j = path.indexOf('/', i);
    if (j === -1) j = path.length;
    const len = j - i;
    if (len === 2 && path.charCodeAt(i) === 46 && path.charCodeAt(i + 1) === 46) {
      if (--depth < 0) raise(abi.ERRNO_PERM);
    } else if (len > 1 || (len === 1 && path.charCodeAt(i) !== 46)) {
      depth++;
    }
    i = j + 1;
  }
}

function decodeLookup(flags: number): boolean {
  if ((flags & ~abi.LOOKUPFLAGS_ALL) !== 0) raise(abi.ERRNO_INVAL);
  return (flags & abi.LOOKUPFLAGS_SYMLINK_FOLLOW) !== 0;
}

export function pathSyscalls(ctx: WasiContext, snap: Snapshot) {
  const { mem, fds, vfs } = ctx;

  /** The directory behind `fd` (EBADF otherwise) with `right` not revoked (ENOTCAPABLE). */
  function dirOf(fd: number, right: number): DirFd {
    const e = fds.get(fd);
    if (e === undefined || e.kind !== KIND_DIR) raise(abi.ERRNO_BADF);
    if ((e.revoked & right) !== 0) raise(abi.ERRNO_NOTCAPABLE);
    return e;
  }

  /** A guest path argument, decoded and confined to its base directory. */
  function pathArg(ptr: number, len: number): string {
    const path = mem.string(ptr >>> 0, len >>> 0);
    checkContained(path);
    return path;
  }

  function path_open(dirfd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
    rightsBase: bigint, rightsInheriting: bigint, fdflags: number, fdPtr: number): number {
    const follow = decodeLookup(dirflags);
    if ((oflags & ~abi.OFLAGS_ALL) !== 0 || (fdflags & ~abi.FDFLAGS_ALL) !== 0) return abi.ERRNO_INVAL;
    const base = decodeRights(rightsBase, snap.rightsAll);
    decodeRights(rightsInheriting, snap.rightsAll);
    fdPtr >>>= 0;
    checkAlign(fdPtr, 4);
    const path = mem.string(pathPtr >>> 0, pathLen >>> 0);
    const parent = fds.get(dirfd);
    if (parent === undefined) return abi.ERRNO_BADF;
    if (parent.kind === KIND_FILE) return abi.ERRNO_NOTDIR;
    if (parent.kind !== KIND_DIR) return abi.ERRNO_BADF;
    const creat = (oflags & abi.OFLAGS_CREAT) !== 0;
    const trunc = (oflags & abi.OFLAGS_TRUNC) !== 0;
    if ((parent.revoked & abi.RIGHTS_PATH_OPEN) !== 0 ||
      (creat && (parent.revoked & abi.RIGHTS_PATH_CREATE_FILE) !== 0) ||
      (trunc && (parent.revoked & abi.RIGHTS_PATH_FILESTAT_SET_SIZE) !== 0)) {
      return abi.ERRNO_NOTCAPABLE;
    }
    if ((fdflags & (abi.FDFLAGS_DSYNC | abi.FDFLAGS_RSYNC | abi.FDFLAGS_SYNC)) !== 0) return abi.ERRNO_NOTSUP;
    const directory = (oflags & abi.OFLAGS_DIRECTORY) !== 0;
    const exclusive = (oflags & abi.OFLAGS_EXCL) !== 0;
    if (directory && (creat || exclusive || trunc)) return abi.ERRNO_INVAL;
    checkContained(path);

    const writeRight = (base & abi.RIGHTS_FD_WRITE) !== 0;
    const write = writeRight || creat || trunc;
    const handle = vfs.open(parent.dir, path, { follow, create: creat, exclusive, truncate: trunc, directory, write });
    let child: FileFd | DirFd;
    if (handle.kind === 'file') {
      const readable = (base & abi.RIGHTS_FD_READ) !== 0 || !writeRight;
      child = new FileFd(handle, readable, write, (fdflags & abi.FDFLAGS_APPEND) !== 0,
        (fdflags & abi.FDFLAGS_NONBLOCK) !== 0);
    } else {
      child = new DirFd(handle, undefined);
      child.revokedInheriting = parent.revokedInheriting;
    }
    // Rights the parent may no longer pass on stay revoked on the child.
    child.revoked = parent.revokedInheriting & grantedRights(child, snap.rightsAll).base;
    mem.view().setUint32(fdPtr, fds.add(child), true);
    return abi.ERRNO_SUCCESS;
  }

  function path_create_directory(fd: number, pathPtr: number, pathLen: number): number {
    const dir = dirOf(fd, abi.RIGHTS_PATH_CREATE_DIRECTORY).dir;
    vfs.mkdir(dir, pathArg(pathPtr, pathLen));
    return abi.ERRNO_SUCCESS;
  }

  function path_filestat_get(fd: number, flags: number, pathPtr: number, pathLen: number, ptr: number): number {
    const follow = decodeLookup(flags);
    const dir = dirOf(fd, abi.RIGHTS_PATH_FILESTAT_GET).dir;
    const st = vfs.stat(dir, pathArg(pathPtr, pathLen), follow);
    writeFilestat(mem.view(), ptr >>> 0, snap.layouts, st, filetypeOf(st.type));
    return abi.ERRNO_SUCCESS;
  }

  function path_filestat_set_times(fd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint,
    mtim: bigint, fstflags: number): number {
    const follow = decodeLookup(flags);
    const [a, m] = decodeTimes(atim, mtim, fstflags);
    const dir = dirOf(fd, abi.RIGHTS_PATH_FILESTAT_SET_TIMES).dir;
    vfs.setTimes(dir, pathArg(pathPtr, pathLen), follow, a, m);
    return abi.ERRNO_SUCCESS;
  }

  function path_link(oldFd: number, oldFlags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number,
    newLen: number): number {
    const follow = decodeLookup(oldFlags);
    const from: OpenDir = dirOf(oldFd, abi.RIGHTS_PATH_LINK_SOURCE).dir;
    const to: OpenDir = dirOf(newFd, abi.RIGHTS_PATH_LINK_TARGET).dir;
    vfs.link(from, pathArg(oldPtr, oldLen), follow, to, pathArg(newPtr, newLen));
    return abi.ERRNO_SUCCESS;
  }

  function path_readlink(fd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number,
    bufusedPtr: number): number {
    const dir = dirOf(fd, abi.RIGHTS_PATH_READLINK).dir;
    const target = utf8(vfs.readlink(dir, pathArg(pathPtr, pathLen)));
    const n = Math.min(target.length, bufLen >>> 0);
    bufusedPtr >>>= 0;
    checkAlign(bufusedPtr, 4);
    mem.write(buf >>> 0, n === target.length ? target : target.subarray(0, n));
    mem.view().setUint32(bufusedPtr, n, true);
    return abi.ERRNO_SUCCESS;
  }

  function path_remove_directory(fd: number, pathPtr: number, pathLen: number): number {
    const dir = dirOf(fd, abi.RIGHTS_PATH_REMOVE_DIRECTORY).dir;
    vfs.rmdir(dir, pathArg(pathPtr, pathLen));
    return abi.ERRNO_SUCCESS;
  }

  function path_rename(oldFd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number,
    newLen: number): number {
    const from = dirOf(oldFd, abi.RIGHTS_PATH_RENAME_SOURCE).dir;
    const to = dirOf(newFd, abi.RIGHTS_PATH_RENAME_TARGET).dir;
    vfs.rename(from, pathArg(oldPtr, oldLen), to, pathArg(newPtr, newLen));
    return abi.ERRNO_SUCCESS;
  }

  function path_symlink(oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number): number {
    const dir = dirOf(fd, abi.RIGHTS_PATH_SYMLINK).dir;
    // The target is data stored in the link, not a path resolved now: no containment check.
    const target = mem.string(oldPtr >>> 0, oldLen >>> 0);
    vfs.symlink(target, dir, pathArg(newPtr, newLen));
    return abi.ERRNO_SUCCESS;
  }

  function path_unlink_file(fd: number, pathPtr: number, pathLen: number): number {
    const dir = dirOf(fd, abi.RIGHTS_PATH_UNLINK_FILE).dir;
    vfs.unlink(dir, pathArg(pathPtr, pathLen));
    return abi.ERRNO_SUCCESS;
  }

  return {
    path_create_directory, path_filestat_get, path_filestat_set_times, path_link, path_open, path_readlink,
    path_remove_directory, path_rename, path_symlink, path_unlink_file,
  };
}
