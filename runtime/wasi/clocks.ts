/**
 * wasi clocks: the four preview1 clock ids over the Web-standard `performance.now()` (Node and browsers alike).
 *
 * - monotonic: `performance.now()` in nanoseconds (sub-microsecond in Node; browsers coarsen it).
 * - realtime: the wall time at construction plus elapsed monotonic time, so it never jumps backwards in a run and has
 *   the monotonic clock's resolution (`Date.now()` alone has only milliseconds).
 * - process/thread cputime: a guest has no CPU clock the host can read, so these count the time since the process
 *   started, as wasi-libc's `_WASI_EMULATED_PROCESS_CLOCKS` does. (wasmtime answers EBADF for both ids; node:wasi
 *   answers with a value, and so do we: POSIX programs timing themselves with CLOCK_PROCESS_CPUTIME_ID keep working.)
 */
import * as abi from './abi.ts';

/** Reported resolution: one microsecond, the coarsest `performance.now()` resolution in Node. */
const RESOLUTION_NS = 1000n;

export class Clocks {
  private readonly startMs = performance.now();
  private readonly wallOffsetMs = Date.now() - this.startMs;

  /** Monotonic nanoseconds as a number (exact below 2^53 ns, i.e. for 104 days of host uptime). */
  monotonicNs(): number {
    return Math.round(performance.now() * 1e6);
  }

  /** The current time of `id` in nanoseconds, or undefined for an invalid clock id. */
  now(id: number): bigint | undefined {
    switch (id) {
      case abi.CLOCKID_REALTIME:
        return this.realtimeNs();
      case abi.CLOCKID_MONOTONIC:
        return BigInt(this.monotonicNs());
      case abi.CLOCKID_PROCESS_CPUTIME_ID:
      case abi.CLOCKID_THREAD_CPUTIME_ID:
        return BigInt(Math.round((performance.now() - this.startMs) * 1e6));
      default:
        return undefined;
    }
  }

  /** Wall-clock nanoseconds since the Unix epoch. */
  realtimeNs(): bigint {
    // Microseconds fit a double exactly (~2^51 today); scale to nanoseconds as a bigint.
    return BigInt(Math.round((this.wallOffsetMs + performance.now()) * 1000)) * 1000n;
  }

  /** The resolution of `id` in nanoseconds, or undefined for an invalid clock id. */
  resolution(id: number): bigint | undefined {
    return id >= abi.CLOCKID_REALTIME && id <= abi.CLOCKID_THREAD_CPUTIME_ID ? RESOLUTION_NS : undefined;
  }
}
