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
import { createContainerFs, type ContainerFs } from '../vfs/container-fs.ts';
import { BlockPool } from '../vfs/block-pool.ts';
import type { HostDirProvider, LayerFileReader } from '../vfs/api.ts';
import { FsError } from '../vfs/errors.ts';
import { WasiHost } from '../wasi/wasi-host.ts';
import type { HostIo, InputSource } from '../wasi/host-io.ts';
import { openGuestStdio, type GuestStdio } from './guest-stdio.ts';
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

  // File blocks outlive a container in this worker: the next one writes without first-touch page faults.
  const blockPool = new BlockPool();
  const randomFill = (dst: Uint8Array): void => {
    for (let i = 0; i < dst.length; i += RANDOM_SLICE) crypto.getRandomValues(dst.subarray(i, i + RANDOM_SLICE) as Uint8Array<ArrayBuffer>);
  };

  return {
    ping: () => 'pong',
    run(request: RunRequest): RunResult {
      const control = request.control ? new Int32Array(request.control) : null;
      // One reading of a stop request, for the syscalls (WasiHost) and for a read blocked on stdin.
      const interrupted = control ? stopCode(control) : undefined;
      const stdio = openGuestStdio(request.stdio, interrupted);
      try {
        return runGuest(request, { stdio, sleep: sleeper(control), interrupted, randomFill, blockPool, hostDirs: deps.hostDirs, layerFiles: deps.layerFiles });
      } finally {
        stdio.close();
      }
    },
  };
}

/**
 * Blocks the thread for `ns`. With shared memory: Atomics.wait on the control slot (request.control), which only a
 * stop request notifies, so the sleep times out normally and a stop ends it at once (terminate() interrupts it too).
 * Without (a page that is not cross-origin isolated, where Atomics.wait has nothing to wait on): a busy wait, which
 * costs this worker's core but keeps the guest's clock right.
 */
function sleeper(control: Int32Array | null): (ns: bigint) => void {
  if (control) {
    return (ns) => {
      if (ns > 0n) Atomics.wait(control, 0, 0, Number(ns) / 1e6);
    };
  }
  return (ns) => {
    const until = performance.now() + Number(ns) / 1e6;
    while (performance.now() < until) {
      // spin
    }
  };
}

/** Reads a stop request: the exit code the host asked for, or null. */
function stopCode(control: Int32Array): () => number | null {
  return () => {
    const code = Atomics.load(control, 0);
    return code === 0 ? null : code;
  };
}

interface RunDeps {
  stdio: GuestStdio;
  blockPool: BlockPool;
  /** A stop request's exit code, or null (absent without shared memory). */
  interrupted?: () => number | null;
  sleep: (ns: bigint) => void;
  randomFill: (dst: Uint8Array) => void;
  hostDirs?: HostDirProvider;
  layerFiles?: LayerFileReader;
}

function runGuest(request: RunRequest, deps: RunDeps): RunResult {
  let vfs: ContainerFs;
  try {
    vfs = createContainerFs(request.fs, { hostDirs: deps.hostDirs, layerFiles: deps.layerFiles, blockPool: deps.blockPool });
  } catch (error) {
    if (!(error instanceof FsError)) throw error; // a host bug, reported by the RPC as an internal error
    return { reason: 'error', error: { kind: 'FailedPrecondition', message: `cannot set up the container filesystem: ${error.code}` } };
  }
  try {
    return runInContainer(request, deps, vfs);
  } finally {
    vfs.dispose(); // its file blocks serve this worker's next container (the result holds copies)
  }
}

function runInContainer(request: RunRequest, deps: RunDeps, vfs: ContainerFs): RunResult {
  // Output is flushed to the host before every call that may block, so a prompt shows before the guest waits.
  const { stdin, stdout, stderr } = deps.stdio;
  const flush = (): void => {
    stdout.flush();
    stderr.flush();
  };
  const io: HostIo = {
    stdin: flushingInput(stdin, flush),
    stdout,
    stderr,
    tty: request.tty,
    sleep: (ns) => {
      flush();
      deps.sleep(ns);
    },
    randomFill: deps.randomFill,
  };
  const encoder = new TextEncoder();
  const trace = request.trace ? (line: string) => stderr.write(encoder.encode(`[wasi] ${line}\n`)) : undefined;
  const host = new WasiHost({ args: request.args, env: request.env, vfs, io, trace, interrupted: deps.interrupted });

  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(request.module, host.imports);
  } catch (error) {
    if (isAllocationFailure(error)) return { reason: 'oom', code: KILLED_EXIT_CODE, message: describeTrap(error) };
    return { reason: 'error', error: { kind: 'NotRunnable', message: `cannot instantiate module: ${describeTrap(error)}` } };
  }
  // A volume keeps what the guest wrote however it ended, as on disk; the rootfs only for a build step's exit.
  const withMounts = <T extends object>(result: T): T => {
    const mounts = vfs.diffMounts();
    return mounts.length > 0 ? { ...result, mounts } : result;
  };
  try {
    // Exit statuses are 0-255 as on POSIX and in Docker's API: exit(-1) reports 255.
    const code = host.start(instance) & 0xff;
    return withMounts(request.captureUpper ? { reason: 'exit', code, message: '', upper: vfs.diffUpper() } : { reason: 'exit', code, message: '' });
  } catch (error) {
    const message = describeTrap(error);
    if (isAllocationFailure(error) || atMemoryLimit(instance, request.memoryLimitBytes)) {
      return withMounts({ reason: 'oom', code: KILLED_EXIT_CODE, message: `out of memory: ${message}` });
    }
    return withMounts({ reason: 'trap', code: TRAP_EXIT_CODE, message });
  }
}

function flushingInput(input: InputSource, flush: () => void): InputSource {
  return {
    read: (dst) => {
      flush();
      return input.read(dst);
    },
    waitReadable: (timeoutNs) => {
      flush();
      return input.waitReadable(timeoutNs);
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
