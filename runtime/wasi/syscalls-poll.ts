/**
 * wasi syscalls-poll: poll_oneoff, the only way a preview1 guest waits (sleep, select, poll).
 *
 * It never spins: it first collects what is ready now, and only if nothing is, blocks once, either in
 * `io.stdin.waitReadable(timeout)` (when stdin is subscribed) or in `io.sleep(ns)`; both block with Atomics.wait, so a
 * sleeping container stays killable. Events are written in subscription order.
 *
 * Readiness (wasmtime p1 as reference):
 * - clock: relative timeouts and ABSTIME on the monotonic or realtime clock; the cputime clocks are EINVAL.
 * - fd_read: stdin when `waitReadable` says so; a regular file always (nbytes = bytes left, HANGUP at end of file,
 *   as wasmtime flags it); a device always (nbytes 1).
 * - fd_write: stdout, stderr and files always (nbytes 1, as wasmtime reports).
 * - a subscription on an fd that is not open, or of the wrong kind (reading stdout, writing stdin, any directory):
 *   the whole call fails with EBADF (p1_poll_oneoff_files `test_fd_readwrite_invalid_fd`).
 * - nsubscriptions 0: EINVAL ("indefinite sleeping is not supported in p1"); an unknown event tag: EINVAL.
 * Rights are not consulted (wasmtime neither).
 */
import * as abi from './abi.ts';
import type { Snapshot, WasiContext } from './context.ts';
import { KIND_FILE, KIND_STDIN, KIND_STDOUT } from './fd-table.ts';
import { checkAlign, setU64 } from './memory.ts';

const NOT_READY = -1;

export function pollSyscalls(ctx: WasiContext, snap: Snapshot) {
  const { mem, fds, io, clocks } = ctx;

  function poll_oneoff(inPtr: number, outPtr: number, nsubscriptions: number, neventsPtr: number): number {
    const n = nsubscriptions >>> 0;
    if (n === 0) return abi.ERRNO_INVAL;
    inPtr >>>= 0;
    outPtr >>>= 0;
    neventsPtr >>>= 0;
    checkAlign(inPtr, 8);
    checkAlign(outPtr, 8);
    checkAlign(neventsPtr, 4);
    const layout = snap.layouts.subscription;
    let dv = mem.view();
    const now = clocks.monotonicNs();

    // Per subscription: its type, and when it is ready: a monotonic deadline (clock), a byte count (fd ready now),
    // or NOT_READY (stdin, decided below).
    const types: number[] = new Array(n);
    const readiness: number[] = new Array(n);
    const hangup: boolean[] = new Array(n);
    let earliest = Infinity;
    let anyReady = false;
    let stdinSubscribed = false;
    for (let i = 0; i < n; i++) {
      const sub = inPtr + i * layout.size;
      const type = dv.getUint8(sub + 8);
      types[i] = type;
      hangup[i] = false;
      if (type === abi.EVENTTYPE_CLOCK) {
        const id = dv.getUint32(sub + layout.clockId, true);
        const timeout = dv.getBigUint64(sub + layout.clockTimeout, true);
        const flags = dv.getUint16(sub + layout.clockFlags, true);
        if ((flags & ~abi.SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME) !== 0) return abi.ERRNO_INVAL;
        const absolute = flags !== 0;
        let deadline: number;
        if (id === abi.CLOCKID_MONOTONIC) {
          deadline = absolute ? Number(timeout) : now + Number(timeout);
        } else if (id === abi.CLOCKID_REALTIME) {
          deadline = absolute ? now + Number(timeout - clocks.realtimeNs()) : now + Number(timeout);
        } else {
          return abi.ERRNO_INVAL;
        }
        readiness[i] = deadline;
        if (deadline < earliest) earliest = deadline;
        continue;
      }
      if (type !== abi.EVENTTYPE_FD_READ && type !== abi.EVENTTYPE_FD_WRITE) return abi.ERRNO_INVAL;
      const e = fds.get(dv.getUint32(sub + 16, true));
      if (e === undefined) return abi.ERRNO_BADF;
      if (type === abi.EVENTTYPE_FD_READ && e.kind === KIND_STDIN) {
        readiness[i] = NOT_READY;
        stdinSubscribed = true;
      } else if (type === abi.EVENTTYPE_FD_READ && e.kind === KIND_FILE) {
        // A device (/dev/zero, /dev/null) has no size to measure: ready, one byte, no hangup.
        const left = e.file.type === 'chardev' ? 1 : Math.max(0, e.file.size() - e.position);
        readiness[i] = left;
        hangup[i] = left === 0;
        anyReady = true;
      } else if (type === abi.EVENTTYPE_FD_WRITE && (e.kind === KIND_STDOUT || e.kind === KIND_FILE)) {
        readiness[i] = 1;
        anyReady = true;
      } else {
        return abi.ERRNO_BADF;
      }
    }

    // Block only when nothing is ready: one wait, bounded by the earliest clock.
    let stdinReady = false;
    let clocksUpTo = now;
    if (anyReady || earliest <= now) {
      if (stdinSubscribed) stdinReady = io.stdin.waitReadable(0n);
    } else if (stdinSubscribed) {
      stdinReady = io.stdin.waitReadable(earliest === Infinity ? null : BigInt(Math.ceil(earliest - now)));
      clocksUpTo = clocks.monotonicNs();
      if (!stdinReady) clocksUpTo = Math.max(clocksUpTo, earliest);
    } else {
      io.sleep(BigInt(Math.ceil(earliest - now)));
      clocksUpTo = Math.max(clocks.monotonicNs(), earliest);
    }

    dv = mem.view(); // the wait may have let other threads grow shared memory
    let nevents = 0;
    for (let i = 0; i < n; i++) {
      const type = types[i]!;
      let nbytes: number;
      if (type === abi.EVENTTYPE_CLOCK) {
        if (readiness[i]! > clocksUpTo) continue;
        nbytes = 0;
      } else if (readiness[i] === NOT_READY) {
        if (!stdinReady) continue;
        nbytes = 1;
      } else {
        nbytes = readiness[i]!;
      }
      const sub = inPtr + i * layout.size;
      const ev = outPtr + nevents * abi.EVENT_SIZE;
      for (let off = 0; off < abi.EVENT_SIZE; off += 4) dv.setUint32(ev + off, 0, true);
      dv.setUint32(ev, dv.getUint32(sub, true), true); // userdata, copied as two halves
      dv.setUint32(ev + 4, dv.getUint32(sub + 4, true), true);
      dv.setUint8(ev + 10, type);
      setU64(dv, ev + 16, nbytes);
      if (hangup[i]) dv.setUint16(ev + 24, abi.EVENTRWFLAGS_FD_READWRITE_HANGUP, true);
      nevents++;
    }
    dv.setUint32(neventsPtr, nevents, true);
    return abi.ERRNO_SUCCESS;
  }

  return { poll_oneoff };
}
