/**
 * process protocol: every message between the host and a container worker. All of it is structured-clone safe.
 *
 * A worker serves one container process at a time through one RPC, `run(request)`, that resolves when the guest
 * ends (comlink carries the call). Stdio flows through `byte-channel.ts` rings in the SharedArrayBuffers named here,
 * or, where there is no SharedArrayBuffer (a page without cross-origin isolation), as messages on a port of its own
 * with stdin given up front (host-stdio.ts). Killing is not a message: the host terminates the worker, which works
 * even while the guest spins or sleeps in Atomics.wait.
 */
import type { WasmboxErrorJson } from '../../shared/errors.ts';
import type { ContainerFsSpec, LowerEntry } from '../vfs/api.ts';

export interface RunRequest {
  /** Compiled once per content digest on the host and shared with the worker (no recompilation there). */
  module: WebAssembly.Module;
  /** Full argv including argv[0]. */
  args: string[];
  /** "KEY=value" strings, in order. */
  env: string[];
  fs: ContainerFsSpec;
  stdio: StdioSpec;
  /**
   * Shared memory only: Int32 slot 0 is 0 while the guest may run; the host stores an exit code there (and notifies
   * it) to ask the guest to stop at its next syscall (`ContainerProcess.stop`). Sleeps wait on this slot, so a
   * sleeping guest stops at once. Null: stopping is killing.
   */
  control: SharedArrayBuffer | null;
  tty: boolean;
  /** The memory cap already written into the module, to tell an out-of-memory trap from other traps. */
  memoryLimitBytes: number | null;
  /** Emit an strace-like line per syscall to stderr. */
  trace: boolean;
  /** Return the container's upper-layer changes (`diffUpper()`) with the result, for `RUN` in a build. */
  captureUpper?: boolean;
}

/**
 * How a guest ended, as seen from inside the worker (kill and timeout are decided by the host), or why it could not
 * start (`error`: the container never ran, e.g. its filesystem could not be set up).
 */
export type RunResult =
  | {
      reason: 'exit' | 'trap' | 'oom';
      /** Exit code for `exit`; for `trap`/`oom` the code the CLI reports (134/137). */
      code: number;
      /** Empty for a normal exit; the trap's message and wasm function otherwise. */
      message: string;
      /** With `captureUpper`: the upper layer's changes as one layer tree (whiteouts, opaque dirs). */
      upper?: LowerEntry<Uint8Array>;
      /** The changes of mounts with `capture` (browser volumes), whenever the worker saw the guest end. */
      mounts?: MountChanges[];
    }
  | { reason: 'error'; error: WasmboxErrorJson };

export interface MountChanges {
  target: string;
  upper: LowerEntry<Uint8Array>;
}

/** How stdio travels (see host-stdio.ts); stdin null = closed (reads return end of input at once). */
export type StdioSpec =
  /** Channel buffers (`byte-channel.ts`). */
  | { kind: 'shared'; stdin: SharedArrayBuffer | null; stdout: SharedArrayBuffer; stderr: SharedArrayBuffer }
  /** Output posted on `port` (transferred with the request); stdin is all the input there will be. */
  | { kind: 'messages'; port: MessagePort; stdin: Uint8Array | null };

/** What the worker posts on a `messages` stdio port: output chunks, then `end` once after the guest ended. */
export type StdioMessage = { stream: 'stdout' | 'stderr'; chunk: Uint8Array } | { end: true };

/** The RPC surface a container worker exposes. */
export interface WorkerApi {
  run(request: RunRequest): RunResult;
  /** Liveness check used by the pool before reuse. */
  ping(): 'pong';
}
