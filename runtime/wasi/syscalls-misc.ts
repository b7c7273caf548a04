/**
 * wasi syscalls-misc: args_*, environ_*, clock_*, random_get, proc_*, sched_yield, sock_*.
 *
 * - args/environ: the sizes are exact (UTF-8 bytes + one NUL each), and the strings are written NUL-terminated.
 * - clocks: see clocks.ts; an unknown clock id is EINVAL (wiggle enum decoding).
 * - proc_exit throws `ProcExit(code)`. wasmtime traps on codes >= 126; wasmbox keeps the code as given (u32) and
 *   leaves masking to the process layer, so `exit(127)` means 127, as Docker shows it.
 * - proc_raise: ENOTSUP (wasmtime); sched_yield: success, nothing to yield to.
 * - random_get: fills guest memory straight from `io.randomFill` (through a copy when memory is shared, which
 *   crypto.getRandomValues refuses).
 * - sock_*: preview1 has no way to obtain a socket here, so every fd is either EBADF (not open) or ENOTSOCK
 *   (wasmtime), after flag arguments are decoded (unknown bits EINVAL).
 */
import * as abi from './abi.ts';
import type { WasiContext } from './context.ts';
import { ProcExit } from './host-io.ts';
import { checkAlign, setU64 } from './memory.ts';

export function miscSyscalls(ctx: WasiContext) {
  const { mem, fds, io, clocks } = ctx;

  function sizes(list: readonly Uint8Array[], countPtr: number, sizePtr: number): number {
    countPtr >>>= 0;
    sizePtr >>>= 0;
    checkAlign(countPtr, 4);
    checkAlign(sizePtr, 4);
    let size = 0;
    for (const s of list) size += s.length + 1;
    const dv = mem.view();
    dv.setUint32(countPtr, list.length, true);
    dv.setUint32(sizePtr, size, true);
    return abi.ERRNO_SUCCESS;
  }

  function strings(list: readonly Uint8Array[], ptrsPtr: number, bufPtr: number): number {
    ptrsPtr >>>= 0;
    bufPtr >>>= 0;
    checkAlign(ptrsPtr, 4);
    let at = bufPtr;
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      mem.view().setUint32(ptrsPtr + i * 4, at, true);
      mem.write(at, s);
      mem.view().setUint8(at + s.length, 0);
      at += s.length + 1;
    }
    return abi.ERRNO_SUCCESS;
  }

  function clock_res_get(id: number, ptr: number): number {
    const res = clocks.resolution(id);
    if (res === undefined) return abi.ERRNO_INVAL;
    ptr >>>= 0;
    checkAlign(ptr, 8);
    mem.view().setBigUint64(ptr, res, true);
    return abi.ERRNO_SUCCESS;
  }

  function clock_time_get(id: number, _precision: bigint, ptr: number): number {
    ptr >>>= 0;
    checkAlign(ptr, 8);
    if (id === abi.CLOCKID_MONOTONIC) {
      setU64(mem.view(), ptr, clocks.monotonicNs()); // the common case, without a bigint
      return abi.ERRNO_SUCCESS;
    }
    const now = clocks.now(id);
    if (now === undefined) return abi.ERRNO_INVAL;
    mem.view().setBigUint64(ptr, now, true);
    return abi.ERRNO_SUCCESS;
  }

  function random_get(buf: number, len: number): number {
    const dst = mem.bytes(buf >>> 0, len >>> 0);
    if (mem.isShared()) {
      const tmp = new Uint8Array(dst.length);
      io.randomFill(tmp);
      dst.set(tmp);
    } else {
      io.randomFill(dst);
    }
    return abi.ERRNO_SUCCESS;
  }

  function proc_exit(code: number): number {
    throw new ProcExit(code >>> 0);
  }

  function proc_raise(sig: number): number {
    return sig < 0 || sig > abi.SIGNAL_MAX ? abi.ERRNO_INVAL : abi.ERRNO_NOTSUP;
  }

  function sched_yield(): number {
    return abi.ERRNO_SUCCESS;
  }

  function notSocket(fd: number): number {
    return fds.get(fd) === undefined ? abi.ERRNO_BADF : abi.ERRNO_NOTSOCK;
  }

  return {
    args_get: (argv: number, buf: number) => strings(ctx.args, argv, buf),
    args_sizes_get: (count: number, size: number) => sizes(ctx.args, count, size),
    environ_get: (environ: number, buf: number) => strings(ctx.env, environ, buf),
    environ_sizes_get: (count: number, size: number) => sizes(ctx.env, count, size),
    clock_res_get,
    clock_time_get,
    random_get,
    proc_exit,
    proc_raise,
    sched_yield,
    sock_accept: (fd: number, flags: number) => ((flags & ~abi.FDFLAGS_ALL) !== 0 ? abi.ERRNO_INVAL : notSocket(fd)),
    sock_recv: (fd: number, _iovs: number, _iovsLen: number, riflags: number) =>
      (riflags & ~abi.RIFLAGS_ALL) !== 0 ? abi.ERRNO_INVAL : notSocket(fd),
    sock_send: (fd: number) => notSocket(fd),
    sock_shutdown: (fd: number, how: number) => ((how & ~abi.SDFLAGS_ALL) !== 0 ? abi.ERRNO_INVAL : notSocket(fd)),
  };
}
