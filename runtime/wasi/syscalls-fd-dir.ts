/**
 * wasi syscalls-fd-dir: the directory side of descriptors: fd_readdir, fd_prestat_get, fd_prestat_dir_name.
 *
 * fd_readdir follows wasmtime p1 byte for byte, because wasi-libc depends on it:
 * - the cookie of an entry is its index + 1 in a snapshot of `OpenDir.entries()` (which includes `.` and `..`); the
 *   snapshot is retaken whenever a listing starts at cookie 0 (rewinddir), so cookies stay valid between calls.
 * - entries are packed as dirent (24 bytes) + name (no NUL). When the buffer runs out mid-entry, the truncated header
 *   or name is still written and the call returns exactly `buf_len`: libc sees a full buffer whose last entry does not
 *   fit and retries with a bigger buffer (p1_fd_readdir `test_fd_readdir_unicode_boundary`).
 * - a cookie past the end returns 0 bytes.
 * - on a file or stdio: EBADF (wasmtime `get_dir_fd`).
 * fd_prestat_get: EBADF for anything but a preopen; fd_prestat_dir_name: EBADF for no descriptor, ENOTDIR for a
 * non-preopen (wasmtime: "legacy implementation returns NOTDIR here"), ENAMETOOLONG when the buffer is too small; the
 * name is written without a NUL.
 */
import * as abi from './abi.ts';
import type { WasiContext } from './context.ts';
import { type DirFd, KIND_DIR, type ListingEntry, filetypeOf } from './fd-table.ts';
import { checkAlign, setU64, utf8 } from './memory.ts';

export function fdDirSyscalls(ctx: WasiContext) {
  const { mem, fds } = ctx;
  const header = new Uint8Array(abi.DIRENT_SIZE);
  const headerView = new DataView(header.buffer);

  function snapshot(e: DirFd): ListingEntry[] {
    return e.dir.entries().map((d) => ({ name: utf8(d.name), ino: d.ino, filetype: filetypeOf(d.type) }));
  }

  function fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufusedPtr: number): number {
    const e = fds.get(fd);
    if (e === undefined || e.kind !== KIND_DIR) return abi.ERRNO_BADF;
    if ((e.revoked & abi.RIGHTS_FD_READDIR) !== 0) return abi.ERRNO_NOTCAPABLE;
    buf >>>= 0;
    bufLen >>>= 0;
    bufusedPtr >>>= 0;
    checkAlign(bufusedPtr, 4);
    const start = BigInt.asUintN(64, cookie);
    if (start === 0n || e.listing === undefined) e.listing = snapshot(e);
    const listing = e.listing;

    let cap = bufLen;
    let at = buf;
    for (let i = start > BigInt(listing.length) ? listing.length : Number(start); i < listing.length; i++) {
      const entry = listing[i]!;
      setU64(headerView, 0, i + 1);
      setU64(headerView, 8, entry.ino);
      headerView.setUint32(16, entry.name.length, true);
      headerView.setUint32(20, entry.filetype, true); // d_type u8 and three zero padding bytes
      const headerLen = Math.min(cap, abi.DIRENT_SIZE);
      mem.write(at, headerLen === abi.DIRENT_SIZE ? header : header.subarray(0, headerLen));
      at += headerLen;
      cap -= headerLen;
      if (cap === 0) break;
      const nameLen = Math.min(cap, entry.name.length);
      mem.write(at, nameLen === entry.name.length ? entry.name : entry.name.subarray(0, nameLen));
      at += nameLen;
      cap -= nameLen;
      if (cap === 0) break;
    }
    mem.view().setUint32(bufusedPtr, bufLen - cap, true);
    return abi.ERRNO_SUCCESS;
  }

  function fd_prestat_get(fd: number, ptr: number): number {
    const e = fds.get(fd);
    if (e === undefined || e.kind !== KIND_DIR || e.preopen === undefined) return abi.ERRNO_BADF;
    ptr >>>= 0;
    checkAlign(ptr, 4);
    const dv = mem.view();
    dv.setUint32(ptr, abi.PREOPENTYPE_DIR, true); // tag u8 + padding
    dv.setUint32(ptr + 4, e.preopen.length, true);
    return abi.ERRNO_SUCCESS;
  }

  function fd_prestat_dir_name(fd: number, path: number, pathLen: number): number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    if (e.kind !== KIND_DIR || e.preopen === undefined) return abi.ERRNO_NOTDIR;
    if (e.preopen.length > pathLen >>> 0) return abi.ERRNO_NAMETOOLONG;
    mem.write(path >>> 0, e.preopen);
    return abi.ERRNO_SUCCESS;
  }

  return { fd_readdir, fd_prestat_get, fd_prestat_dir_name };
}
