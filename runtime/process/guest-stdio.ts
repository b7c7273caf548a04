/**
 * process guest-stdio: the worker's end of a container's stdio (see host-stdio.ts for the two transports).
 *
 * - `shared`: blocking ring readers/writers (byte-channel.ts).
 * - `messages`: output is batched and posted on the MessagePort (a post per small write would flood the host);
 *   stdin is the bytes given up front, then end of input. After the guest ends, `close()` flushes and posts `end`.
 * Output is flushed before every call that may block (the worker calls `flush`), so a prompt shows before the guest
 * waits, as with the shared transport.
 */
import { ProcExit, type InputSource, type OutputSink } from '../wasi/host-io.ts';
import { BlockingReader, BlockingWriter } from './byte-channel.ts';
import type { StdioMessage, StdioSpec } from './protocol.ts';
import { concatBytes } from '../../shared/bytes.ts';

export interface GuestOutput extends OutputSink {
  /** Makes everything written so far visible to the host now. */
  flush(): void;
}

export interface GuestStdio {
  stdin: InputSource;
  stdout: GuestOutput;
  stderr: GuestOutput;
  /** The guest is done: flush and signal end of output. */
  close(): void;
}

/** `interrupted`: a stop request's exit code, or null (see RunRequest.control); a blocked read ends for it. */
export function openGuestStdio(spec: StdioSpec, interrupted?: () => number | null): GuestStdio {
  if (spec.kind === 'shared') {
    const stdout = new BlockingWriter(spec.stdout);
    const stderr = new BlockingWriter(spec.stderr);
    return {
      stdin: spec.stdin ? new ChannelInput(new BlockingReader(spec.stdin), interrupted) : closedInput,
      stdout,
      stderr,
      close() {
        stdout.closeWriter();
        stderr.closeWriter();
      },
    };
  }
  const port = spec.port;
  const stdout = new PostingOutput(port, 'stdout');
  const stderr = new PostingOutput(port, 'stderr');
  return {
    stdin: spec.stdin ? new BytesInput(spec.stdin) : closedInput,
    stdout,
    stderr,
    close() {
      stdout.flush();
      stderr.flush();
      const end: StdioMessage = { end: true };
      port.postMessage(end);
      port.close();
    },
  };
}

export const closedInput: InputSource = { read: () => 0, waitReadable: () => true };

/** How often a guest blocked on stdin looks for a stop request (a signal would interrupt its read). */
const STOP_POLL_MS = 50;

class ChannelInput implements InputSource {
  constructor(
    private readonly reader: BlockingReader,
    private readonly interrupted?: () => number | null,
  ) {}

  read(dst: Uint8Array): number {
    if (this.interrupted) this.waitUntilReadable(Infinity);
    return this.reader.read(dst);
  }

  waitReadable(timeoutNs: bigint | null): boolean {
    const timeoutMs = timeoutNs === null ? Infinity : Number(timeoutNs) / 1e6;
    return this.interrupted ? this.waitUntilReadable(timeoutMs) : this.reader.waitReadable(timeoutMs);
  }

  /** Waits in slices, ending the guest (as proc_exit) when a stop is asked for meanwhile. */
  private waitUntilReadable(timeoutMs: number): boolean {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const code = this.interrupted!();
      if (code !== null) throw new ProcExit(code);
      const left = deadline - performance.now();
      if (this.reader.waitReadable(Math.max(0, Math.min(left, STOP_POLL_MS)))) return true;
      if (left <= STOP_POLL_MS) return false;
    }
  }
}

/** Stdin given up front: its bytes, then end of input. Never blocks. */
class BytesInput implements InputSource {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  read(dst: Uint8Array): number {
    const n = Math.min(dst.length, this.bytes.length - this.offset);
    dst.set(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return n;
  }

  waitReadable(): boolean {
    return true;
  }
}

/** Batches writes up to 16 KiB per message; each message carries its own buffer (transferred, not copied again). */
const BATCH_BYTES = 16 * 1024;

class PostingOutput implements GuestOutput {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly stream: 'stdout' | 'stderr',
  ) {}

  write(src: Uint8Array): void {
    if (src.length === 0) return;
    this.pending.push(src.slice()); // the guest's memory changes after this call returns
    this.pendingBytes += src.length;
    if (this.pendingBytes >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.pendingBytes === 0) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : concatBytes(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    const message: StdioMessage = { stream: this.stream, chunk };
    this.port.postMessage(message, [chunk.buffer as ArrayBuffer]);
  }
}
