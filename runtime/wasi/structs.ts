/**
 * wasi structs: encoders/decoders for the structs more than one syscall family shares (filestat, set-times flags).
 * Offsets come from `abi.ts`; nothing here touches descriptors or the VFS beyond its plain data types.
 */
import type { Stat, TimeSpec } from '../vfs/api.ts';
import * as abi from './abi.ts';
import { raise } from './errno.ts';
import { checkAlign, setU64 } from './memory.ts';

const KEEP: TimeSpec = Object.freeze({ kind: 'keep' });
const NOW: TimeSpec = Object.freeze({ kind: 'now' });

/**
 * Writes a filestat at `ptr` in the snapshot's layout. `st` undefined writes the all-zero stat wasmtime reports for
 * stdio (with `filetype`). dev/ino/nlink/size come from the VFS; times are nanoseconds.
 */
export function writeFilestat(dv: DataView, ptr: number, layout: abi.StructLayouts, st: Stat | undefined,
  filetype: number): void {
  checkAlign(ptr, 8);
  const l = layout.filestat;
  // Zero the whole struct first so padding and the stdio case are deterministic.
  for (let off = 0; off < l.size; off += 4) dv.setUint32(ptr + off, 0, true);
  dv.setUint8(ptr + 16, filetype);
  if (st === undefined) return;
  setU64(dv, ptr, st.dev);
  setU64(dv, ptr + 8, st.ino);
  if (l.nlink64) setU64(dv, ptr + l.nlink, st.nlink);
  else dv.setUint32(ptr + l.nlink, st.nlink, true);
  setU64(dv, ptr + l.size_, st.size);
  dv.setBigUint64(ptr + l.atim, st.atimeNs, true);
  dv.setBigUint64(ptr + l.mtim, st.mtimeNs, true);
  dv.setBigUint64(ptr + l.ctim, st.ctimeNs, true);
}

/** wasmtime p1 `systimespec`: both "set" and "now" -> EINVAL. */
function timeSpec(set: boolean, ns: bigint, now: boolean): TimeSpec {
  if (set && now) raise(abi.ERRNO_INVAL);
  if (set) return { kind: 'set', ns: BigInt.asUintN(64, ns) };
  return now ? NOW : KEEP;
}

/** Decodes the (atim, mtim, fst_flags) triple of the set-times syscalls; unknown flag bits -> EINVAL. */
export function decodeTimes(atim: bigint, mtim: bigint, fstflags: number): [TimeSpec, TimeSpec] {
  if ((fstflags & ~abi.FSTFLAGS_ALL) !== 0) raise(abi.ERRNO_INVAL);
  return [
    timeSpec((fstflags & abi.FSTFLAGS_ATIM) !== 0, atim, (fstflags & abi.FSTFLAGS_ATIM_NOW) !== 0),
    timeSpec((fstflags & abi.FSTFLAGS_MTIM) !== 0, mtim, (fstflags & abi.FSTFLAGS_MTIM_NOW) !== 0),
  ];
}

/** Decodes a rights argument; bits the snapshot does not define -> EINVAL (wiggle `InvalidFlagValue`). */
export function decodeRights(value: bigint, all: number): number {
  // `all` is 2^k - 1 for both snapshots, so "no unknown bit" is "not above all".
  const v = BigInt.asUintN(64, value);
  if (v > BigInt(all)) raise(abi.ERRNO_INVAL);
  return Number(v);
}
