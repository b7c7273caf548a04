/**
 * wasi syscalls-fd: descriptor state and metadata: fd_close, fd_renumber, fd_fdstat_*, fd_filestat_*, fd_advise,
 * fd_allocate, fd_datasync, fd_sync.
 *
 * wasmtime p1 is the reference for every errno here (crates/wasi/src/p1.rs, test-programs p1_*):
 * - operations that need a file (advise, allocate, datasync, sync, set_flags, set_size) on a directory or stdio:
 *   EBADF (p1_dir_fd_op_failures), although Linux would accept several of them on directories.
 * - fd_allocate: ENOTSUP (p1_file_allocate); fd_advise: accepted and ignored.
 * - fd_filestat_set_size on a handle without write access: EINVAL (ftruncate on a read-only fd, p1_fd_filestat_set).
 * - fd_fdstat_set_flags: only APPEND and NONBLOCK can change; DSYNC/RSYNC/SYNC -> EINVAL.
 * - fd_filestat_get on stdio: all zero except the filetype; fd_filestat_set_times on stdio: EBADF.
 * - fd_renumber: `from` must be open and the old `to` is closed; preopens may be closed and renumbered. wasmtime
 *   also requires `to` to be open; wasmbox accepts any number it has handed out, open or closed since, because
 *   yowasp's yosys emulates dup2 by renumbering its log onto the closed fds 1 and 2 around ABC (the preview1
 *   component adapter and wasmer allow it; with wasmtime's rule all later output is lost). A number never handed
 *   out (p1_renumber: 127, u32::MAX) is still EBADF.
 * wasmbox's own choice: fd_fdstat_set_rights may drop rights (adding any -> ENOTCAPABLE); wasmtime answers ENOTSUP.
 */
import * as abi from './abi.ts';
import type { Snapshot, WasiContext } from './context.ts';
import { raise } from './errno.ts';
import { type Fd, type FileFd, KIND_DIR, KIND_FILE, filetypeOf, grantedRights } from './fd-table.ts';
import { checkAlign } from './memory.ts';
import { decodeRights, decodeTimes, writeFilestat } from './structs.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Releases the VFS handle behind a descriptor that has left the table. */
export function closeHandle(e: Fd): void {
  if (e.kind === KIND_FILE) e.file.close();
  else if (e.kind === KIND_DIR) e.dir.close();
}

/** The WASI filetype a descriptor reports (wasmtime: stdio is CHARACTER_DEVICE on a tty, else UNKNOWN). */
export function fdFiletype(e: Fd): number {
  switch (e.kind) {
    case KIND_FILE:
      return filetypeOf(e.file.type);
    case KIND_DIR:
      return abi.FILETYPE_DIRECTORY;
    default:
      return e.tty ? abi.FILETYPE_CHARACTER_DEVICE : abi.FILETYPE_UNKNOWN;
  }
}

export function fdSyscalls(ctx: WasiContext, snap: Snapshot) {
  const { mem, fds } = ctx;

  /** The regular file or device behind `fd`, needing `right` unrevoked; anything else is EBADF. */
  function fileOf(fd: number, right: number): FileFd {
    const e = fds.get(fd);
    if (e === undefined || e.kind !== KIND_FILE) raise(abi.ERRNO_BADF);
    if ((e.revoked & right) !== 0) raise(abi.ERRNO_NOTCAPABLE);
    return e;
  }

  function fd_close(fd: number): number {
    const e = fds.remove(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    closeHandle(e);
    return abi.ERRNO_SUCCESS;
  }

  function fd_renumber(from: number, to: number): number {
    if (fds.get(from) === undefined || !fds.issued(to)) return abi.ERRNO_BADF;
    if (from !== to) {
      const old = fds.renumber(from, to);
      if (old !== undefined) closeHandle(old);
    }
    return abi.ERRNO_SUCCESS;
  }

  function fd_fdstat_get(fd: number, ptr: number): number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    ptr >>>= 0;
    checkAlign(ptr, 8);
    const rights = grantedRights(e, snap.rightsAll);
    let flags = 0;
    if (e.kind === KIND_FILE) flags = (e.append ? abi.FDFLAGS_APPEND : 0) | (e.nonblock ? abi.FDFLAGS_NONBLOCK : 0);
    const dv = mem.view();
    dv.setUint8(ptr, fdFiletype(e));
    dv.setUint16(ptr + 2, flags, true);
    dv.setBigUint64(ptr + 8, BigInt(rights.base & ~e.revoked & snap.rightsAll), true);
    dv.setBigUint64(ptr + 16, BigInt(rights.inheriting & ~e.revokedInheriting & snap.rightsAll), true);
    return abi.ERRNO_SUCCESS;
  }

  function fd_fdstat_set_flags(fd: number, flags: number): number {
    if ((flags & ~abi.FDFLAGS_ALL) !== 0) return abi.ERRNO_INVAL;
    const e = fileOf(fd, abi.RIGHTS_FD_FDSTAT_SET_FLAGS);
    if ((flags & (abi.FDFLAGS_DSYNC | abi.FDFLAGS_RSYNC | abi.FDFLAGS_SYNC)) !== 0) return abi.ERRNO_INVAL;
    e.append = (flags & abi.FDFLAGS_APPEND) !== 0;
    e.nonblock = (flags & abi.FDFLAGS_NONBLOCK) !== 0;
    return abi.ERRNO_SUCCESS;
  }

  function fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
    const newBase = decodeRights(base, snap.rightsAll);
    const newInheriting = decodeRights(inheriting, snap.rightsAll);
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    const granted = grantedRights(e, snap.rightsAll);
    const haveBase = granted.base & ~e.revoked;
    const haveInheriting = granted.inheriting & ~e.revokedInheriting;
    // Rights can only be dropped (wasi-testsuite fd_fdstat_set_rights; legacy wasi-common).
    if ((newBase & ~haveBase) !== 0 || (newInheriting & ~haveInheriting) !== 0) return abi.ERRNO_NOTCAPABLE;
    e.revoked = granted.base & ~newBase;
    e.revokedInheriting = granted.inheriting & ~newInheriting;
    return abi.ERRNO_SUCCESS;
  }

  function fd_filestat_get(fd: number, ptr: number): number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    if ((e.revoked & abi.RIGHTS_FD_FILESTAT_GET) !== 0) return abi.ERRNO_NOTCAPABLE;
    ptr >>>= 0;
    const st = e.kind === KIND_FILE ? e.file.stat() : e.kind === KIND_DIR ? e.dir.stat() : undefined;
    writeFilestat(mem.view(), ptr, snap.layouts, st, st === undefined ? fdFiletype(e) : filetypeOf(st.type));
    return abi.ERRNO_SUCCESS;
  }

  function fd_filestat_set_size(fd: number, size: bigint): number {
    const e = fileOf(fd, abi.RIGHTS_FD_FILESTAT_SET_SIZE);
    if (!e.writable) return abi.ERRNO_INVAL;
    const n = BigInt.asUintN(64, size);
    if (n >= 1n << 63n) return abi.ERRNO_INVAL; // a negative off_t (ftruncate)
    if (n > MAX_SAFE) return abi.ERRNO_FBIG;
    e.file.truncate(Number(n));
    return abi.ERRNO_SUCCESS;
  }

  function fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, fstflags: number): number {
    const [a, m] = decodeTimes(atim, mtim, fstflags);
    const e = fds.get(fd);
    if (e === undefined || (e.kind !== KIND_FILE && e.kind !== KIND_DIR)) return abi.ERRNO_BADF;
    if ((e.revoked & abi.RIGHTS_FD_FILESTAT_SET_TIMES) !== 0) return abi.ERRNO_NOTCAPABLE;
    if (e.kind === KIND_FILE) e.file.setTimes(a, m);
    else e.dir.setTimes(a, m);
    return abi.ERRNO_SUCCESS;
  }

  function fd_advise(fd: number, _offset: bigint, _len: bigint, advice: number): number {
    if (advice < 0 || advice > abi.ADVICE_MAX) return abi.ERRNO_INVAL;
    fileOf(fd, abi.RIGHTS_FD_ADVISE);
    return abi.ERRNO_SUCCESS;
  }

  function fd_allocate(fd: number, _offset: bigint, _len: bigint): number {
    fileOf(fd, abi.RIGHTS_FD_ALLOCATE);
    return abi.ERRNO_NOTSUP;
  }

  function fd_datasync(fd: number): number {
    fileOf(fd, abi.RIGHTS_FD_DATASYNC).file.sync();
    return abi.ERRNO_SUCCESS;
  }

  function fd_sync(fd: number): number {
    fileOf(fd, abi.RIGHTS_FD_SYNC).file.sync();
    return abi.ERRNO_SUCCESS;
  }

  return {
    fd_advise, fd_allocate, fd_close, fd_datasync, fd_fdstat_get, fd_fdstat_set_flags, fd_fdstat_set_rights,
    fd_filestat_get, fd_filestat_set_size, fd_filestat_set_times, fd_renumber, fd_sync,
  };
}
