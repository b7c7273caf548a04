/**
 * wasi syscalls-fd-io: the data path: fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell.
 *
 * Hot paths. fd_write/fd_read read the iovec array through the per-call DataView and hand `Uint8Array` views of
 * guest memory straight to the sink, source or file (no copies, no other allocation; the one exception is a gather
 * of several small iovecs into one stdout write, see `writeStream`). Unlike wasmtime p1, which
 * transfers only the first non-empty iovec per call (a legal short transfer), files and stdout get every iovec, as
 * POSIX readv/writev do; this halves the calls musl's stdio makes (its writes are buffer + data). Stdin still reads
 * into one iovec: a second read could block although data was already returned.
 *
 * Errors (wasmtime p1 as reference):
 * - on a directory: EBADF for all six (p1_dir_fd_op_failures; POSIX would say EISDIR for read).
 * - fd_seek/fd_tell on stdio: ESPIPE; fd_pread on stdin / fd_pwrite on stdout or stderr: ESPIPE; reading an
 *   output or writing stdin: EBADF.
 * - a handle opened without read (write) access: EBADF; with the right revoked by fd_fdstat_set_rights: ENOTCAPABLE.
 * - fd_seek: invalid whence or a negative result: EINVAL; in append mode a write moves the offset to the end.
 * - fd_pwrite in append mode appends and ignores the offset (Linux pwrite semantics, as wasmtime).
 * A failure after some bytes moved returns the partial count, as POSIX readv/writev do.
 */
import { FsError } from '../vfs/errors.ts';
import * as abi from './abi.ts';
import type { Snapshot, WasiContext } from './context.ts';
import { type FileFd, KIND_DIR, KIND_FILE, KIND_STDIN, KIND_STDOUT } from './fd-table.ts';
import type { OutputSink } from './host-io.ts';
import { checkAlign } from './memory.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** Offsets of 2^63 and above are negative as POSIX off_t: EINVAL, as pread/pwrite answer on Linux. */
const OFF_T_LIMIT = 1n << 63n;

/** Reads into the iovecs at `iovs` from `file` at `pos`; stops at the first short read. */
function readv(e: FileFd, dv: DataView, iovs: number, count: number, pos: number): number {
  const buffer = dv.buffer;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const ptr = dv.getUint32(iovs + i * 8, true);
    const len = dv.getUint32(iovs + i * 8 + 4, true);
    if (len === 0) continue;
    let n: number;
    try {
      n = e.file.read(new Uint8Array(buffer, ptr, len), pos + total);
    } catch (err) {
      if (total > 0 && err instanceof FsError) break;
      throw err;
    }
    total += n;
    if (n < len) break;
  }
  return total;
}

/** Writes the ciovecs at `iovs` to `file` at `pos`. */
function writev(e: FileFd, dv: DataView, iovs: number, count: number, pos: number): number {
  const buffer = dv.buffer;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const ptr = dv.getUint32(iovs + i * 8, true);
    const len = dv.getUint32(iovs + i * 8 + 4, true);
    if (len === 0) continue;
    try {
      e.file.write(new Uint8Array(buffer, ptr, len), pos + total);
    } catch (err) {
      if (total > 0 && err instanceof FsError) break;
      throw err;
    }
    total += len;
  }
  return total;
}

/** Small gathers are copied into a per-host buffer so the sink sees one write per fd_write (one wake-up). */
const GATHER_MAX = 4096;

/**
 * Writes the ciovecs to a stream. One iovec (write(2), the common case) goes to the sink as a view of guest memory;
 * several small ones (musl's buffered stdio writes `buffer + data`) are gathered into one write; large ones go
 * separately, uncopied. The sink consumes its argument before returning (OutputSink contract).
 */
function writeStream(sink: OutputSink, gather: Uint8Array, dv: DataView, iovs: number, count: number): number {
  const buffer = dv.buffer;
  let total = 0;
  for (let i = 0; i < count; i++) total += dv.getUint32(iovs + i * 8 + 4, true);
  if (count > 1 && total <= GATHER_MAX) {
    let at = 0;
    for (let i = 0; i < count; i++) {
      const len = dv.getUint32(iovs + i * 8 + 4, true);
      if (len === 0) continue;
      gather.set(new Uint8Array(buffer, dv.getUint32(iovs + i * 8, true), len), at);
      at += len;
    }
    if (at > 0) sink.write(gather.subarray(0, at));
    return at;
  }
  for (let i = 0; i < count; i++) {
    const len = dv.getUint32(iovs + i * 8 + 4, true);
    if (len === 0) continue;
    sink.write(new Uint8Array(buffer, dv.getUint32(iovs + i * 8, true), len));
  }
  return total;
}

export function fdIoSyscalls(ctx: WasiContext, snap: Snapshot) {
  const { mem, fds } = ctx;
  const gather = new Uint8Array(GATHER_MAX);

  function fd_read(fd: number, iovs: number, iovsLen: number, nreadPtr: number): number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    iovs >>>= 0;
    nreadPtr >>>= 0;
    checkAlign(iovs, 4);
    checkAlign(nreadPtr, 4);
    const dv = mem.view();
    let n = 0;
    if (e.kind === KIND_FILE) {
      if (!e.readable) return abi.ERRNO_BADF;
      if ((e.revoked & abi.RIGHTS_FD_READ) !== 0) return abi.ERRNO_NOTCAPABLE;
      n = readv(e, dv, iovs, iovsLen >>> 0, e.position);
      e.position += n;
    } else if (e.kind === KIND_STDIN) {
      if ((e.revoked & abi.RIGHTS_FD_READ) !== 0) return abi.ERRNO_NOTCAPABLE;
      const count = iovsLen >>> 0;
      for (let i = 0; i < count; i++) {
        const len = dv.getUint32(iovs + i * 8 + 4, true);
        if (len === 0) continue;
        n = e.source.read(new Uint8Array(dv.buffer, dv.getUint32(iovs + i * 8, true), len));
        break;
      }
    } else {
      return abi.ERRNO_BADF;
    }
    dv.setUint32(nreadPtr, n, true);
    return abi.ERRNO_SUCCESS;
  }

  function fd_write(fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    iovs >>>= 0;
    nwrittenPtr >>>= 0;
    checkAlign(iovs, 4);
    checkAlign(nwrittenPtr, 4);
    const dv = mem.view();
    const count = iovsLen >>> 0;
    let n = 0;
    if (e.kind === KIND_STDOUT) {
      if ((e.revoked & abi.RIGHTS_FD_WRITE) !== 0) return abi.ERRNO_NOTCAPABLE;
      n = writeStream(e.sink, gather, dv, iovs, count);
    } else if (e.kind === KIND_FILE) {
      if (!e.writable) return abi.ERRNO_BADF;
      if ((e.revoked & abi.RIGHTS_FD_WRITE) !== 0) return abi.ERRNO_NOTCAPABLE;
      const pos = e.append ? e.file.size() : e.position;
      n = writev(e, dv, iovs, count, pos);
      e.position = pos + n;
    } else {
      return abi.ERRNO_BADF;
    }
    dv.setUint32(nwrittenPtr, n, true);
    return abi.ERRNO_SUCCESS;
  }

  function fd_pread(fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    if (e.kind === KIND_STDIN) return abi.ERRNO_SPIPE;
    if (e.kind !== KIND_FILE || !e.readable) return abi.ERRNO_BADF;
    if ((e.revoked & (abi.RIGHTS_FD_READ | abi.RIGHTS_FD_SEEK)) !== 0) return abi.ERRNO_NOTCAPABLE;
    iovs >>>= 0;
    nreadPtr >>>= 0;
    checkAlign(iovs, 4);
    checkAlign(nreadPtr, 4);
    const dv = mem.view();
    const at = BigInt.asUintN(64, offset);
    if (at >= OFF_T_LIMIT) return abi.ERRNO_INVAL;
    // Nothing lives beyond 2^53 bytes: such a read is at end of file.
    const n = at > MAX_SAFE ? 0 : readv(e, dv, iovs, iovsLen >>> 0, Number(at));
    dv.setUint32(nreadPtr, n, true);
    return abi.ERRNO_SUCCESS;
  }

  function fd_pwrite(fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    if (e.kind === KIND_STDOUT) return abi.ERRNO_SPIPE;
    if (e.kind !== KIND_FILE || !e.writable) return abi.ERRNO_BADF;
    if ((e.revoked & (abi.RIGHTS_FD_WRITE | abi.RIGHTS_FD_SEEK)) !== 0) return abi.ERRNO_NOTCAPABLE;
    iovs >>>= 0;
    nwrittenPtr >>>= 0;
    checkAlign(iovs, 4);
    checkAlign(nwrittenPtr, 4);
    const at = BigInt.asUintN(64, offset);
    if (at >= OFF_T_LIMIT) return abi.ERRNO_INVAL;
    if (!e.append && at > MAX_SAFE) return abi.ERRNO_FBIG;
    const dv = mem.view();
    const n = writev(e, dv, iovs, iovsLen >>> 0, e.append ? e.file.size() : Number(at));
    dv.setUint32(nwrittenPtr, n, true);
    return abi.ERRNO_SUCCESS;
  }

  /** The seekable file behind `fd`, or the errno: stdio ESPIPE, directories and unknown fds EBADF. */
  function seekable(fd: number): FileFd | number {
    const e = fds.get(fd);
    if (e === undefined) return abi.ERRNO_BADF;
    if (e.kind === KIND_STDIN || e.kind === KIND_STDOUT) return abi.ERRNO_SPIPE;
    if (e.kind === KIND_DIR) return abi.ERRNO_BADF;
    return e;
  }

  const TELL_RIGHTS = abi.RIGHTS_FD_TELL | abi.RIGHTS_FD_SEEK;

  function fd_seek(fd: number, offset: bigint, whenceAbi: number, newoffsetPtr: number): number {
    const whence = snap.whence(whenceAbi);
    if (whence === undefined) return abi.ERRNO_INVAL; // an invalid enum value fails decoding (wiggle)
    const e = seekable(fd);
    if (typeof e === 'number') return e;
    const tellOnly = whence === abi.WHENCE_CUR && offset === 0n;
    // rights: fd_seek implies fd_tell; a position-preserving seek needs only fd_tell.
    if (tellOnly ? (e.revoked & TELL_RIGHTS) === TELL_RIGHTS : (e.revoked & abi.RIGHTS_FD_SEEK) !== 0) {
      return abi.ERRNO_NOTCAPABLE;
    }
    newoffsetPtr >>>= 0;
    checkAlign(newoffsetPtr, 8);
    const base = whence === abi.WHENCE_SET ? 0 : whence === abi.WHENCE_CUR ? e.position : e.file.size();
    const pos = BigInt(base) + offset;
    if (pos < 0n || pos > MAX_SAFE) return abi.ERRNO_INVAL;
    e.position = Number(pos);
    mem.view().setBigUint64(newoffsetPtr, pos, true);
    return abi.ERRNO_SUCCESS;
  }

  function fd_tell(fd: number, offsetPtr: number): number {
    const e = seekable(fd);
    if (typeof e === 'number') return e;
    if ((e.revoked & TELL_RIGHTS) === TELL_RIGHTS) return abi.ERRNO_NOTCAPABLE;
    offsetPtr >>>= 0;
    checkAlign(offsetPtr, 8);
    mem.view().setBigUint64(offsetPtr, BigInt(e.position), true);
    return abi.ERRNO_SUCCESS;
  }

  return { fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell };
}
