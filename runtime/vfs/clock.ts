/**
 * vfs clock: file timestamps.
 *
 * Linux stamps files with a coarse clock (one tick per jiffy), and so does the default clock here: it re-reads the
 * wall clock once per millisecond and otherwise returns the same bigint, so a write loop allocates no BigInt per call.
 * Each container gets its own clock (no module-level state). Must not: be used for anything but file times.
 */
import type { TimeSpec } from './api.ts';

export type NowNs = () => bigint;

/** A wall clock in nanoseconds with millisecond resolution that allocates only when the millisecond changes. */
export function coarseWallClock(): NowNs {
  let lastMs = -1;
  let cached = 0n;
  return () => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      cached = BigInt(ms) * 1_000_000n;
    }
    return cached;
  };
}

/** The new value of one timestamp under `spec`. */
export function applyTime(spec: TimeSpec, current: bigint, now: bigint): bigint {
  return spec.kind === 'keep' ? current : spec.kind === 'now' ? now : spec.ns;
}
