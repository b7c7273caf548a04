/**
 * process worker-main: what runs inside a container worker, shared by Node and the browser.
 *
 * One `run` builds a fresh filesystem, WASI host and wasm instance, runs the guest to its end on this thread and
 * reports how it ended. Nothing survives between runs except the compiled code V8 caches, which is why a pooled
 * worker can serve the next container. The platform entry (`worker.node.ts`, `worker.browser.ts`) only supplies
 * host directories and the transport.
 *
 * Must not: talk to the host during a run except through the stdio channels (syscalls never cross threads).
 */
import { createContainerFs } from '../vfs/container-fs.ts';
import type { HostDirProvider, LayerFileReader } from '../vfs/api.ts';
import { FsError } from '../vfs/errors.ts';
import { WasiHost } from '../wasi/wasi-host.ts';
import type { HostIo, InputSource } from '../wasi/host-io.ts';
import { BlockingReader, BlockingWriter } from './byte-channel.ts';
import { KILLED_EXIT_CODE, TRAP_EXIT_CODE } from './exit-status.ts';
import type { RunRequest, RunResult, WorkerApi } from './protocol.ts';
import { describeTrap } from './trap-message.ts';

export interface WorkerDeps {
  hostDirs?: HostDirProvider;
  /** Reads image files the engine left on disk (Node); kept across runs so descriptors are reused. */
  layerFiles?: LayerFileReader;
}

const WASM_PAGE = 65536;
const RANDOM_SLICE = 65536; // crypto.getRandomValues refuses more per call

export function createWorkerApi(deps: WorkerDeps): WorkerApi {
  // One cell to sleep on: nobody notifies it, so Atomics.wait simply times out (and terminate() still interrupts).
  const sleepCell = new Int32Array(new SharedArrayBuffer(4));
  const sleep = (ns: bigint): void => {
    if (ns <= 0n) return;
    Atomics.wait(sleepCell, 0, 0, Number(ns) / 1e6);
  };
  const randomFill = (dst: Uint8Array): void => {
    for (let i = 0; i < dst.length; i += RANDOM_SLICE) crypto.getRandomValues(dst.subarray(i, i + RANDOM_SLICE) as Uint8Array<ArrayBuffer>);
  };

  return {
    ping: () => 'pong',
    run(request: RunRequest): RunResult {
      const stdout = new BlockingWriter(request.stdout);
      const stderr = new BlockingWriter(request.stderr);
      try {
        return runGuest(request, { stdout, stderr, sleep, randomFill, hostDirs: deps.hostDirs, layerFiles: deps.layerFiles });
      } finally {
        stdout.closeWriter();
        stderr.closeWriter();
      }
    },
  };
}

interface RunDeps {
  stdout: BlockingWriter;
  stderr: BlockingWriter;
  sleep: (ns: bigint) => void;
  randomFill: (dst: Uint8Array) => void;
  hostDirs?: HostDirProvider;
  layerFiles?: LayerFileReader;
}

function runGuest(request: RunRequest, deps: RunDeps): RunResult {
  let vfs;
  try {
    vfs = createContainerFs(request.fs, { hostDirs: deps.hostDirs, layerFiles: deps.layerFiles });
  } catch (error) {
    if (!(error instanceof FsError)) throw error; // a host bug, reported by the RPC as an internal error
    return { reason: 'error', error: { kind: 'FailedPrecondition', message: `cannot set up the container filesystem: ${error.code}` } };
  }
  // Output is flushed to the host before every call that may block, so a prompt shows before the guest waits.
  const flush = (): void => {
    deps.stdout.flush();
    deps.stderr.flush();
  };
  const io: HostIo = {
    stdin: request.stdin ? channelInput(new BlockingReader(request.stdin), flush) : closedInput,
    stdout: deps.stdout,
    stderr: deps.stderr,
    tty: request.tty,
    sleep: (ns) => {
      flush();
      deps.sleep(ns);
    },
    randomFill: deps.randomFill,
  };
  const encoder = new TextEncoder();
  const trace = request.trace ? (line: string) => deps.stderr.write(encoder.encode(`[wasi] ${line}\n`)) : undefined;
  const host = new WasiHost({ args: request.args, env: request.env, vfs, io, trace });

  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(request.module, host.imports);
  } catch (error) {
    if (isAllocationFailure(error)) return { reason: 'oom', code: KILLED_EXIT_CODE, message: describeTrap(error) };
    return { reason: 'error', error: { kind: 'NotRunnable', message: `cannot instantiate module: ${describeTrap(error)}` } };
  }
  try {
    // Exit statuses are 0-255 as on POSIX and in Docker's API: exit(-1) reports 255.
    const code = host.start(instance) & 0xff;
    return request.captureUpper ? { reason: 'exit', code, message: '', upper: vfs.diffUpper() } : { reason: 'exit', code, message: '' };
  } catch (error) {
    const message = describeTrap(error);
    if (isAllocationFailure(error) || atMemoryLimit(instance, request.memoryLimitBytes)) {
      return { reason: 'oom', code: KILLED_EXIT_CODE, message: `out of memory: ${message}` };
    }
    return { reason: 'trap', code: TRAP_EXIT_CODE, message };
  }
}

const closedInput: InputSource = { read: () => 0, waitReadable: () => true };

function channelInput(reader: BlockingReader, flush: () => void): InputSource {
  return {
    read: (dst) => {
      flush();
      return reader.read(dst);
    },
    waitReadable: (timeoutNs) => {
      flush();
      return reader.waitReadable(timeoutNs === null ? Infinity : Number(timeoutNs) / 1e6);
    },
  };
}

function isAllocationFailure(error: unknown): boolean {
  return error instanceof RangeError && /memory|allocat/i.test(error.message);
}

/** A trap while linear memory cannot grow one more page means the guest ran out of its memory cap. */
function atMemoryLimit(instance: WebAssembly.Instance, limitBytes: number | null): boolean {
  if (limitBytes === null) return false;
  const memory = instance.exports.memory;
  return memory instanceof WebAssembly.Memory && memory.buffer.byteLength + WASM_PAGE > limitBytes;
}
