/**
 * wasi errno: the one table from `FsError` codes to WASI errno numbers, and the errno/trap split for syscalls.
 *
 * Two channels, never mixed (house style §2, wasmtime `TrappableError`):
 * - an expected failure is an errno the guest sees: a VFS `FsError`, or a `WasiErrno` thrown by a decoding helper;
 * - anything else (a host bug, an out-of-bounds guest pointer) is a trap: `WasiTrap` naming the syscall.
 * `ProcExit` passes through untouched. This module must not know about descriptors or memory.
 */
import { FsError, type FsErrorCode } from '../vfs/errors.ts';
import { ProcExit, WasiTrap } from './host-io.ts';
import * as abi from './abi.ts';

/** FsError code -> errno. Typed as a total record so a new FsError code fails to compile until mapped here. */
export const ERRNO_FROM_FS: Readonly<Record<FsErrorCode, number>> = {
  EACCES: abi.ERRNO_ACCES,
  EBADF: abi.ERRNO_BADF,
  EBUSY: abi.ERRNO_BUSY,
  EEXIST: abi.ERRNO_EXIST,
  EFBIG: abi.ERRNO_FBIG,
  EINVAL: abi.ERRNO_INVAL,
  EIO: abi.ERRNO_IO,
  EISDIR: abi.ERRNO_ISDIR,
  ELOOP: abi.ERRNO_LOOP,
  EMLINK: abi.ERRNO_MLINK,
  ENAMETOOLONG: abi.ERRNO_NAMETOOLONG,
  ENOENT: abi.ERRNO_NOENT,
  ENOSPC: abi.ERRNO_NOSPC,
  ENOTDIR: abi.ERRNO_NOTDIR,
  ENOTEMPTY: abi.ERRNO_NOTEMPTY,
  ENOTSUP: abi.ERRNO_NOTSUP,
  EPERM: abi.ERRNO_PERM,
  EROFS: abi.ERRNO_ROFS,
  ESPIPE: abi.ERRNO_SPIPE,
  EXDEV: abi.ERRNO_XDEV,
};

/**
 * An errno raised by WASI-layer code (argument decoding, descriptor checks) from deep inside a helper.
 * Like `FsError`, one frozen instance per errno, so raising one allocates nothing.
 */
export class WasiErrno {
  private constructor(readonly errno: number) {
    Object.freeze(this);
  }

  private static readonly all: WasiErrno[] = abi.ERRNO_NAMES.map((_, n) => new WasiErrno(n));

  static of(errno: number): WasiErrno {
    return WasiErrno.all[errno]!;
  }
}

/** Throws the preallocated `WasiErrno` for `errno`; typed `never` so callers can write `return raise(...)`. */
export function raise(errno: number): never {
  throw WasiErrno.of(errno);
}

/** The errno for an expected failure; rethrows exits and traps; turns anything else into a trap naming `syscall`. */
export function errnoOrTrap(syscall: string, err: unknown): number {
  if (err instanceof FsError) return ERRNO_FROM_FS[err.code];
  if (err instanceof WasiErrno) return err.errno;
  if (err instanceof ProcExit || err instanceof WasiTrap) throw err;
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  throw new WasiTrap(`${syscall}: ${detail}`, { cause: err });
}

/** The spec name of an errno (`BADF`), for traces. */
export function errnoName(errno: number): string {
  return abi.ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

/** A syscall implementation: fixed arity up to 9 (path_open), numbers for i32 and bigints for i64. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Syscall = (...args: any[]) => number;

/**
 * Wraps `fn` so every thrown errno becomes a return value and everything else a trap. The wrapper declares nine
 * parameters rather than rest args so a call allocates nothing (V8 passes missing ones as undefined cheaply).
 */
export function guard(name: string, fn: Syscall): Syscall {
  return function guarded(a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown,
    g?: unknown, h?: unknown, i?: unknown): number {
    try {
      return fn(a, b, c, d, e, f, g, h, i);
    } catch (err) {
      return errnoOrTrap(name, err);
    }
  };
}
