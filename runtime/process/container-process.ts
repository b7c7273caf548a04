/**
 * process container-process: the host's handle on one running guest.
 *
 * Lifecycle: `startProcess` takes a worker from the pool, wires the stdio channels and calls the worker's `run`. The
 * process ends exactly once, by whichever comes first: the guest finishing (exit, trap, oom), `kill()`, the
 * timeout, or the worker crashing. `exited` then resolves with the typed status; output already written stays
 * readable from `stdout`/`stderr` until their end. Only a worker whose guest finished by itself goes back to the pool.
 *
 * Streams (host-stdio.ts): stdout/stderr are Web ReadableStreams. Over shared memory they are pulled from bounded
 * channels, so a guest that prints faster than the consumer reads is paused, not buffered without limit: read them
 * (or cancel them) or the guest blocks once a channel is full, as with a pipe. `stdin` is a WritableStream when
 * requested ('pipe', shared memory only), else the guest sees the bytes given up front or end of input.
 */
import { transfer } from 'comlink';
import { WasmboxError } from '../../shared/errors.ts';
import type { ContainerFsSpec, LowerEntry } from '../vfs/api.ts';
import type { WorkerHandle } from '../platform/platform.ts';
import type { ChannelPool } from './channel-pool.ts';
import { messageHostStdio, sharedHostStdio, type HostStdio, type StdinMode } from './host-stdio.ts';
import { type ExitStatus, KILLED_EXIT_CODE } from './exit-status.ts';
import type { MountChanges, RunRequest } from './protocol.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface ProcessSpec {
  module: WebAssembly.Module;
  args: string[];
  env: string[];
  fs: ContainerFsSpec;
  /** 'pipe': a WritableStream for interactive input (shared memory only); bytes: all the input, given up front. */
  stdin: StdinMode;
  tty: boolean;
  memoryLimitBytes: number | null;
  timeoutMs: number | null;
  trace: boolean;
  /** Keep the container's upper-layer changes when the guest exits (see `ContainerProcess.upper`). */
  captureUpper?: boolean;
}

export interface ContainerProcess {
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly exited: Promise<ExitStatus>;
  /**
   * With `captureUpper` (builds): the container's filesystem changes when the guest exited by itself (any exit
   * code); null otherwise (not requested, trap, kill, timeout). Never rejects.
   */
  readonly upper: Promise<LowerEntry<Uint8Array> | null>;
  /**
   * The changes of mounts with `capture` (browser volumes) when the worker saw the guest end (exit, trap, oom);
   * empty when none were captured or the worker was stopped (kill, timeout, crash). Never rejects.
   */
  readonly mountChanges: Promise<MountChanges[]>;
  /** Stops the guest at once (even in a tight loop or blocked on stdin). No-op once it has ended. */
  kill(): void;
  /**
   * Asks the guest to end (docker stop / Ctrl+C): it exits with `code` (143 as SIGTERM, 130 as SIGINT) at its next
   * syscall, or at once when sleeping or waiting for input, so its worker reports its filesystem changes; after
   * `graceMs` it is killed. Where there is no shared memory it is killed at once. No-op once it has ended.
   */
  stop(options?: { code?: number; graceMs?: number }): void;
}

export interface ProcessResources {
  workers: WorkerPool;
  /** Stdio over shared memory; null where there is none (stdio goes as messages, stdin only up front). */
  channels: ChannelPool | null;
}

/** Starts `spec` on `worker` (taken from `resources.workers`; it goes back there or is discarded at the end). */
export function startProcess(resources: ProcessResources, worker: WorkerHandle, spec: ProcessSpec): ContainerProcess {
  const pool = resources.workers;
  const stdio: HostStdio = resources.channels ? sharedHostStdio(resources.channels, spec.stdin) : messageHostStdio(messagesStdin(spec.stdin));
  const controlBuffer = resources.channels ? new SharedArrayBuffer(4) : null;
  const control = controlBuffer ? new Int32Array(controlBuffer) : null;
  let stopCode: number | null = null;

  let settle!: (status: ExitStatus) => void;
  let fail!: (error: Error) => void;
  const exited = new Promise<ExitStatus>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let ended = false;
  let setUpper!: (upper: LowerEntry<Uint8Array> | null) => void;
  const upper = new Promise<LowerEntry<Uint8Array> | null>((resolve) => {
    setUpper = resolve;
  });
  let setMountChanges!: (changes: MountChanges[]) => void;
  const mountChanges = new Promise<MountChanges[]>((resolve) => {
    setMountChanges = resolve;
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;

  // Ends the process once; a worker that did not finish by itself is terminated, never reused.
  const end = (outcome: ExitStatus | Error, reusable: boolean): void => {
    if (ended) return;
    ended = true;
    unsubscribeCrash();
    if (timer !== undefined) clearTimeout(timer);
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    if (reusable) {
      stdio.finished();
      pool.release(worker);
    } else {
      stdio.stopped();
      pool.discard(worker);
    }
    setUpper(null); // no-op when the guest's changes were delivered first
    setMountChanges([]);
    if (outcome instanceof Error) fail(outcome);
    else settle(outcome);
  };

  const unsubscribeCrash = worker.onCrash((error) => {
    const oom = /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(`${error.message} ${(error as { code?: string }).code}`);
    end({ code: KILLED_EXIT_CODE, reason: oom ? 'oom' : 'trap', message: `container worker died: ${error.message}` }, false);
  });
  if (spec.timeoutMs !== null) {
    timer = setTimeout(
      () => end({ code: KILLED_EXIT_CODE, reason: 'timeout', message: `timed out after ${spec.timeoutMs} ms` }, false),
      spec.timeoutMs,
    );
  }

  const request: RunRequest = {
    module: spec.module,
    args: spec.args,
    env: spec.env,
    fs: spec.fs,
    stdio: stdio.spec,
    control: controlBuffer,
    tty: spec.tty,
    memoryLimitBytes: spec.memoryLimitBytes,
    trace: spec.trace,
    ...(spec.captureUpper ? { captureUpper: true } : {}),
  };
  const kill = (): void => end({ code: KILLED_EXIT_CODE, reason: 'killed', message: 'killed' }, false);
  worker.api.run(stdio.transfer.length > 0 ? transfer(request, stdio.transfer) : request).then(
    (result) => {
      if (result.reason === 'error') end(WasmboxError.fromJSON(result.error), true);
      else {
        if (!ended) {
          setUpper(result.upper ?? null);
          setMountChanges(result.mounts ?? []);
        }
        const stopped = result.reason === 'exit' && stopCode !== null && result.code === stopCode;
        end({ code: result.code, reason: result.reason, message: stopped ? `stopped (exit code ${stopCode})` : result.message }, true);
      }
    },
    (error: unknown) => {
      // The RPC itself failed: a host bug inside the worker. Report it; do not reuse the worker.
      const message = error instanceof Error ? error.message : String(error);
      end(new WasmboxError('Internal', `container worker failed: ${message}`, { cause: error }), false);
    },
  );

  return {
    stdin: stdio.stdin,
    stdout: stdio.stdout,
    stderr: stdio.stderr,
    exited,
    upper,
    mountChanges,
    kill,
    stop({ code = 143, graceMs = 10_000 } = {}) {
      if (ended || stopCode !== null) return;
      if (!control || !Number.isInteger(code) || code <= 0 || code > 255) {
        kill();
        return;
      }
      stopCode = code;
      Atomics.store(control, 0, code);
      Atomics.notify(control, 0);
      graceTimer = setTimeout(() => end({ code: KILLED_EXIT_CODE, reason: 'killed', message: `did not stop within ${graceMs} ms: killed` }, false), graceMs);
    },
  };
}

function messagesStdin(stdin: StdinMode): Exclude<StdinMode, 'pipe'> {
  if (stdin === 'pipe') {
    throw new WasmboxError('FailedPrecondition', 'interactive stdin needs SharedArrayBuffer (a cross-origin-isolated page); give stdin up front instead');
  }
  return stdin;
}
