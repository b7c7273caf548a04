/**
 * wasi host-io: what the WASI layer needs from its surroundings besides the filesystem.
 *
 * The WASI layer knows nothing of workers, messages or streams: the process layer implements these interfaces over
 * shared-memory channels (blocking with Atomics.wait), tests implement them over plain arrays.
 */

/** The guest's standard input. */
export interface InputSource {
  /**
   * Blocks until at least one byte is available or the input ends; copies up to `dst.length` bytes.
   * Returns the count; 0 means end of input (and stays 0).
   */
  read(dst: Uint8Array): number;
  /**
   * Blocks up to `timeoutNs` (null = forever) until a read would not block (data or end of input).
   * Returns true if ready. Used by poll_oneoff's fd_read subscriptions on stdin.
   */
  waitReadable(timeoutNs: bigint | null): boolean;
}

/** The guest's stdout or stderr. */
export interface OutputSink {
  /** Writes all of `src`, blocking while the channel is full (a fast writer waits; host memory stays bounded). */
  write(src: Uint8Array): void;
}

export interface HostIo {
  stdin: InputSource;
  stdout: OutputSink;
  stderr: OutputSink;
  /** True when stdout is a terminal (`run -t`): fd_fdstat_get reports a character device so libc line-buffers. */
  tty: boolean;
  /** Blocks the calling thread for `ns` nanoseconds without spinning (Atomics.wait), so a sleeping guest is killable. */
  sleep(ns: bigint): void;
  /** Fills `dst` with cryptographically secure random bytes (crypto.getRandomValues, in 64 KiB slices). */
  randomFill(dst: Uint8Array): void;
}

/** Thrown by proc_exit; the process layer turns it into `{ reason: 'exit', code }`. */
export class ProcExit {
  constructor(readonly code: number) {}
}

/** Thrown when the guest must stop because the host cannot go on (a host bug or a broken invariant). */
export class WasiTrap extends Error {
  override readonly name = 'WasiTrap';
}
