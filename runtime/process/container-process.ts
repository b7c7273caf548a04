/**
 * process container-process: the host's handle on one running guest.
 *
 * Lifecycle: `startProcess` takes a pooled worker, wires the stdio channels and calls the worker's `run`. The
 * process ends exactly once, by whichever comes first: the guest finishing (exit, trap, oom), `kill()`, the
 * timeout, or the worker crashing. `exited` then resolves with the typed status; output already written stays
 * readable from `stdout`/`stderr` until their end. Only a worker whose guest finished by itself goes back to the pool.
 *
 * Streams: stdout/stderr are Web ReadableStreams pulled from bounded channels, so a guest that prints faster than
 * the consumer reads is paused, not buffered without limit. Read them (or cancel them) or the guest will block
 * once a channel is full, as with a pipe. `stdin` is a WritableStream when requested, else the guest sees end of input.
 */
import { WasmboxError } from '../shared/errors.ts';
import type { ContainerFsSpec } from '../vfs/api.ts';
import { AsyncReader, AsyncWriter, createChannelBuffer } from './byte-channel.ts';
import { type ExitStatus, KILLED_EXIT_CODE } from './exit-status.ts';
import type { RunRequest } from './protocol.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface ProcessSpec {
  module: WebAssembly.Module;
  args: string[];
  env: string[];
  fs: ContainerFsSpec;
  stdin: 'pipe' | 'closed';
  tty: boolean;
  memoryLimitBytes: number | null;
  timeoutMs: number | null;
  trace: boolean;
}

export interface ContainerProcess {
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly exited: Promise<ExitStatus>;
  /** Stops the guest at once (even in a tight loop or blocked on stdin). No-op once it has ended. */
  kill(): void;
}

export function startProcess(pool: WorkerPool, spec: ProcessSpec): ContainerProcess {
  const stdoutBuffer = createChannelBuffer();
  const stderrBuffer = createChannelBuffer();
  const stdinBuffer = spec.stdin === 'pipe' ? createChannelBuffer(1 << 16) : null;
  const stdout = new AsyncReader(stdoutBuffer);
  const stderr = new AsyncReader(stderrBuffer);
  const stdin = stdinBuffer ? new AsyncWriter(stdinBuffer) : null;

  const worker = pool.acquire();
  let settle!: (status: ExitStatus) => void;
  let fail!: (error: Error) => void;
  const exited = new Promise<ExitStatus>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let ended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  // Ends the process once; a worker that did not finish by itself is terminated, never reused.
  const end = (outcome: ExitStatus | Error, reusable: boolean): void => {
    if (ended) return;
    ended = true;
    unsubscribeCrash();
    if (timer !== undefined) clearTimeout(timer);
    if (reusable) pool.release(worker);
    else pool.discard(worker);
    // The worker can no longer write: let readers see end of data, and stop accepting input.
    stdout.closeWriter();
    stderr.closeWriter();
    stdin?.closeReader();
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
    stdin: stdinBuffer,
    stdout: stdoutBuffer,
    stderr: stderrBuffer,
    tty: spec.tty,
    memoryLimitBytes: spec.memoryLimitBytes,
    trace: spec.trace,
  };
  worker.api.run(request).then(
    (result) => {
      if (result.reason === 'error') end(WasmboxError.fromJSON(result.error), true);
      else end({ code: result.code, reason: result.reason, message: result.message }, true);
    },
    (error: unknown) => {
      // The RPC itself failed: a host bug inside the worker. Report it; do not reuse the worker.
      const message = error instanceof Error ? error.message : String(error);
      end(new WasmboxError('Internal', `container worker failed: ${message}`, { cause: error }), false);
    },
  );

  return {
    stdin: stdin ? stdinStream(stdin) : null,
    stdout: outputStream(stdout),
    stderr: outputStream(stderr),
    exited,
    kill: () => end({ code: KILLED_EXIT_CODE, reason: 'killed', message: 'killed' }, false),
  };
}

function outputStream(reader: AsyncReader): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await reader.read();
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        reader.closeReader(); // later guest writes are discarded instead of blocking it
      },
    },
    { highWaterMark: 0 },
  );
}

function stdinStream(writer: AsyncWriter): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      await writer.write(chunk); // false = the guest is gone; like a closed pipe, the data is dropped
    },
    close() {
      writer.closeWriter();
    },
    abort() {
      writer.closeWriter();
    },
  });
}
