/**
 * Test helper: runs any WASI module given as bytes (e.g. a real-world program from an npm package) through the real
 * engine — worker, VFS, WASI host — and collects its output. Shares the test file's engine with `runGuest`.
 *
 * Pass the same Uint8Array object on every run of one module: the engine caches compiles by digest and remembers the
 * digest per array, so a 75 MB module is hashed and compiled once per test file.
 */
import type { RunOptions } from '../../runtime/platform/entry.node.ts';
import { readText, testEngine, type GuestOptions, type GuestResult } from './run-guest.ts';

export interface ModuleOptions extends GuestOptions {
  /** argv[0] (default: `name`). Multi-call binaries pick their tool by it. */
  argv0?: string;
  /** Prints one line per WASI call to the process's stderr (collected into `stderr`). */
  trace?: boolean;
}

export async function runModule(bytes: Uint8Array, name: string, options: ModuleOptions = {}): Promise<GuestResult> {
  const run: RunOptions = {
    wasm: bytes,
    name,
    argv0: options.argv0,
    args: options.args,
    env: options.env,
    stdin: options.stdin,
    workdir: options.workdir,
    mounts: options.mounts,
    limits: options.limits,
    tty: options.tty,
    trace: options.trace,
  };
  const proc = await testEngine().run(run);
  const [status, stdout, stderr] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
  return { ...status, stdout, stderr };
}
