/**
 * wasi memory: views of guest linear memory for syscalls: integers, byte ranges, strings.
 *
 * `memory.grow` detaches the old ArrayBuffer, so no view may outlive a syscall unchecked (house style §8.8.4):
 * `view()` compares its cached DataView's buffer with `memory.buffer` on every call and rebuilds it when they differ.
 * Byte ranges are handed out as `Uint8Array` views straight onto guest memory (no copies); an out-of-bounds range
 * makes the typed-array constructor throw a RangeError, which the syscall guard turns into a trap, as wasmtime does
 * ("if an out-of-bounds pointer is passed to a function and the function needs to dereference it, the function shall
 * trap", witx-docs). Misaligned struct pointers trap too (wiggle `PtrNotAligned`).
 */
import { raise } from './errno.ts';
import { ERRNO_ILSEQ, ERRNO_INVAL } from './abi.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
const HAS_SAB = typeof SharedArrayBuffer === 'function';

export class GuestMemory {
  private memory: WebAssembly.Memory | undefined;
  private dv: DataView | undefined;

  /** Attaches the instance's exported memory (done by `WasiHost.start`). */
  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
    this.dv = undefined;
  }

  /** A DataView of all of guest memory, valid until the guest runs again. */
  view(): DataView {
    const memory = this.memory;
    if (memory === undefined) throw new Error('syscall before the module memory was attached');
    const buffer = memory.buffer;
    let dv = this.dv;
    if (dv === undefined || dv.buffer !== buffer) this.dv = dv = new DataView(buffer);
    return dv;
  }

  /** A view of `len` bytes at `ptr` onto guest memory (no copy). Traps when out of bounds. */
  bytes(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.view().buffer, ptr, len);
  }

  /** Whether guest memory is a SharedArrayBuffer (threads): some Web APIs refuse views of shared memory. */
  isShared(): boolean {
    return HAS_SAB && this.view().buffer instanceof SharedArrayBuffer;
  }

  /**
   * Decodes the UTF-8 string at `ptr..ptr+len`. wasmtime: invalid UTF-8 -> EILSEQ; an embedded NUL -> EINVAL (what
   * the host OS answers for `"file\0"` on unix, p1_interesting_paths).
   */
  string(ptr: number, len: number): string {
    let bytes = this.bytes(ptr, len);
    if (bytes.indexOf(0) !== -1) raise(ERRNO_INVAL);
    if (this.isShared()) bytes = bytes.slice();
    try {
      return decoder.decode(bytes);
    } catch {
      return raise(ERRNO_ILSEQ);
    }
  }

  /** Copies `src` to guest memory at `ptr`. */
  write(ptr: number, src: Uint8Array): void {
    this.bytes(ptr, src.length).set(src);
  }
}

/** UTF-8 bytes of `s` (host strings: args, env, names returned to the guest). */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Traps unless `ptr` is a multiple of `align` (a power of two): wasmtime/wiggle traps on misaligned pointers. Throws a
 * RangeError like an out-of-bounds access, which the syscall guard turns into a WasiTrap naming the syscall.
 */
export function checkAlign(ptr: number, align: number): void {
  if ((ptr & (align - 1)) !== 0) throw new RangeError(`misaligned pointer ${ptr} (needs ${align}-byte alignment)`);
}

/** Writes a u64 (a non-negative number below 2^53) without allocating a bigint. */
export function setU64(dv: DataView, ptr: number, value: number): void {
  dv.setUint32(ptr, value >>> 0, true);
  dv.setUint32(ptr + 4, Math.floor(value / 0x1_0000_0000), true);
}
