/**
 * vfs host-util (Node): translating between node:fs and the VFS — error codes, stats, times.
 *
 * Node system errors carry `code` (a POSIX name) and a numeric `errno`; they map to the VFS's closed set, and a code
 * outside it is EIO (an expected host failure the guest can handle). Anything without an errno (a TypeError, an
 * ERR_* argument error) is a host bug and is rethrown untouched, so it becomes a trap.
 * Must not: decide policy (what may be opened); host-dir.node.ts does.
 */
import type { BigIntStats } from 'node:fs';
import type { FileType, Stat, TimeSpec } from './api.ts';
import { FsError, type FsErrorCode, FS_ERROR_CODES } from './errors.ts';

const KNOWN = new Set<string>(FS_ERROR_CODES);
/** Host codes outside the VFS set that have a close equivalent. */
const ALIASES: Record<string, FsErrorCode> = {
  EDQUOT: 'ENOSPC',
  EOPNOTSUPP: 'ENOTSUP',
  ETXTBSY: 'EBUSY',
  ENXIO: 'ENOTSUP',
  EOVERFLOW: 'EFBIG',
};

/** The FsError for a node:fs failure; rethrows anything that is not a system error. */
export function hostError(e: unknown): FsError {
  if (e instanceof FsError) return e;
  const err = e as { code?: unknown; errno?: unknown } | null;
  if (err === null || typeof err !== 'object' || typeof err.code !== 'string' || typeof err.errno !== 'number') throw e;
  const code = err.code;
  return FsError.of(KNOWN.has(code) ? (code as FsErrorCode) : (ALIASES[code] ?? 'EIO'));
}

export function hostType(st: { isDirectory(): boolean; isSymbolicLink(): boolean; isFile(): boolean }): FileType {
  // FIFOs, sockets and block devices have no WASI p1 type of their own; they show as character devices and are
  // refused at open (host-dir.node.ts).
  return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'chardev';
}

export function hostStat(dev: number, st: BigIntStats): Stat {
  return {
    dev,
    ino: Number(st.ino),
    type: hostType(st),
    nlink: Number(st.nlink),
    size: Number(st.size),
    mode: Number(st.mode) & 0o7777,
    atimeNs: toMicros(st.atimeNs),
    mtimeNs: toMicros(st.mtimeNs),
    ctimeNs: toMicros(st.ctimeNs),
  };
}

/**
 * Node can set host times only as double seconds (~0.2 us precision), so host times are reported in whole
 * microseconds: then a time read and written back (a 'keep' in utimensat) comes back exactly as it was read.
 */
function toMicros(ns: bigint): bigint {
  return (ns / 1000n) * 1000n;
}

/**
 * A time for fs.utimes/futimes in seconds. Node truncates the double to nanoseconds; half a microsecond of bias
 * makes that truncation land inside the intended microsecond, so `toMicros` reads back exactly what was set.
 */
export function hostTime(spec: TimeSpec, currentNs: bigint): number {
  if (spec.kind === 'now') return Date.now() / 1000;
  const ns = spec.kind === 'keep' ? currentNs : spec.ns;
  return (Number(ns / 1000n) + 0.5) / 1e6;
}
