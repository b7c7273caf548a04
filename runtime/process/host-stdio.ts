/**
 * process host-stdio: the host's end of one container's stdin, stdout and stderr, over one of two transports.
 *
 * - `shared` (Node; cross-origin-isolated pages): bounded rings in SharedArrayBuffers (byte-channel.ts). The guest
 *   blocks on a full stdout and waits for interactive stdin; host memory stays bounded.
 * - `messages` (pages without cross-origin isolation: no SharedArrayBuffer): the worker posts output chunks on a
 *   MessagePort and stdin must be given up front (a worker cannot wait for a message while the guest runs). Output is
 *   not bounded by the transport: a guest printing forever fills the page's memory until it is killed.
 * Either way the caller gets the same Web streams. Output streams end after the guest's last byte when it finishes
 * by itself (`finished`), or at once with what arrived when its worker is stopped (`stopped`).
 * Must not: know about workers or pools (container-process.ts does).
 */
import { AsyncReader, AsyncWriter } from './byte-channel.ts';
import type { ChannelPool } from './channel-pool.ts';
import type { StdioMessage, StdioSpec } from './protocol.ts';

export type StdinMode = 'pipe' | 'closed' | Uint8Array;

export interface HostStdio {
  /** What the worker needs (part of the RunRequest), and what must be transferred with it. */
  readonly spec: StdioSpec;
  readonly transfer: Transferable[];
  /** A writable stdin for `'pipe'`; null when closed or given up front. */
  readonly stdin: WritableStream<Uint8Array> | null;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  /** The guest finished by itself: outputs end after its last bytes, and resources may be reused. */
  finished(): void;
  /** The worker was stopped (kill, timeout, crash): outputs end now; nothing is reused (the worker may still write). */
  stopped(): void;
}

// ---- shared memory -------------------------------------------------------------------------------------------------

export function sharedHostStdio(channels: ChannelPool, stdinMode: StdinMode): HostStdio {
  const stdoutBuffer = channels.acquire();
  const stderrBuffer = channels.acquire();
  const stdinBuffer = stdinMode === 'closed' ? null : channels.acquire();
  const stdout = new AsyncReader(stdoutBuffer);
  const stderr = new AsyncReader(stderrBuffer);
  const stdin = stdinBuffer ? new AsyncWriter(stdinBuffer) : null;
  // Each buffer is recycled once the guest finished by itself and the host side is done with it. After a stop the
  // dying worker may still touch its buffers, so those are left to the garbage collector.
  const recycleStdout = recycler(channels, stdoutBuffer);
  const recycleStderr = recycler(channels, stderrBuffer);
  const recycleStdin = stdinBuffer ? recycler(channels, stdinBuffer) : () => undefined;

  let stdinStream: WritableStream<Uint8Array> | null = stdin ? writableOver(stdin, recycleStdin) : null;
  if (stdinMode instanceof Uint8Array && stdinStream) {
    // Input given up front: deliver it and end it; the caller gets no stdin stream.
    const writer = stdinStream.getWriter();
    void writer.write(stdinMode).then(() => writer.close(), () => undefined);
    stdinStream = null;
  }
  // The worker can no longer write: let readers see end of data, and stop accepting input.
  const closeAll = (): void => {
    stdout.closeWriter();
    stderr.closeWriter();
    stdin?.closeReader();
  };
  return {
    spec: { kind: 'shared', stdin: stdinBuffer, stdout: stdoutBuffer, stderr: stderrBuffer },
    transfer: [],
    stdin: stdinStream,
    stdout: readableOver(stdout, recycleStdout),
    stderr: readableOver(stderr, recycleStderr),
    finished() {
      closeAll();
      recycleStdout();
      recycleStderr();
      recycleStdin();
    },
    stopped: closeAll,
  };
}

/** Returns a function that recycles `buffer` on its second call: one call per user (worker side, host side). */
function recycler(channels: ChannelPool, buffer: SharedArrayBuffer): () => void {
  let users = 2;
  return () => {
    if (--users === 0) channels.release(buffer);
  };
}

function readableOver(reader: AsyncReader, done: () => void): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await reader.read();
        if (chunk !== null) {
          controller.enqueue(chunk);
          return;
        }
        controller.close();
        done();
      },
      cancel() {
        reader.closeReader(); // later guest writes are discarded instead of blocking it
        done();
      },
    },
    { highWaterMark: 0 },
  );
}

function writableOver(writer: AsyncWriter, done: () => void): WritableStream<Uint8Array> {
  let finished = false;
  const finish = (): void => {
    writer.closeWriter();
    if (!finished) done();
    finished = true;
  };
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      await writer.write(chunk); // false = the guest is gone; like a closed pipe, the data is dropped
    },
    close: finish,
    abort: finish,
  });
}

// ---- messages ------------------------------------------------------------------------------------------------------

/** `stdinMode` must not be 'pipe' here (the engine refuses interactive stdin without shared memory first). */
export function messageHostStdio(stdinMode: Exclude<StdinMode, 'pipe'>): HostStdio {
  const { port1, port2 } = new MessageChannel();
  const outputs = { stdout: new PushedStream(), stderr: new PushedStream() };
  const endAll = (): void => {
    outputs.stdout.end();
    outputs.stderr.end();
    port1.close();
  };
  port1.onmessage = (event: MessageEvent<StdioMessage>) => {
    const message = event.data;
    if ('end' in message) endAll();
    else outputs[message.stream].push(message.chunk);
  };
  return {
    spec: { kind: 'messages', port: port2, stdin: stdinMode === 'closed' ? null : stdinMode },
    transfer: [port2],
    stdin: null,
    stdout: outputs.stdout.stream,
    stderr: outputs.stderr.stream,
    finished() {
      // The worker posts `end` after its last output, on this port: the streams end when it arrives (the run's
      // result travels on another port, so it may come first).
    },
    stopped: endAll,
  };
}

/** A readable stream fed by pushes; chunks queue until read (no back-pressure reaches the guest). */
class PushedStream {
  readonly stream: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private open = true;

  constructor() {
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        this.open = false;
      },
    });
  }

  push(chunk: Uint8Array): void {
    if (this.open) this.controller.enqueue(chunk);
  }

  end(): void {
    if (!this.open) return;
    this.open = false;
    this.controller.close();
  }
}
