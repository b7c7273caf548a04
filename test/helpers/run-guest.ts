/**
 * Test helpers: run a WASI module through the real engine — worker, VFS, WASI host — and collect its output.
 * `runGuest` takes a fixture built from test/programs; `runModule` takes any module's bytes (e.g. a real-world
 * program from an npm package). One engine per test file process, so tests share warm workers and compiled modules.
 *
 * Pass the same Uint8Array object on every run of one module: the engine caches compiles by digest and remembers the
 * digest per array, so a 75 MB module is hashed and compiled once per test file.
 */
import { createEngine, type Engine, type MountSpec } from '../../runtime/platform/entry.node.ts';
import { fixtureBytes } from './fixtures.ts';
import { readText } from './streams.ts';

export interface GuestResult {
  code: number;
  reason: 'exit' | 'trap' | 'killed' | 'timeout' | 'oom';
  message: string;
  stdout: string;
  stderr: string;
}

export interface GuestOptions {
  args?: string[];
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
  workdir?: string;
  mounts?: MountSpec[];
  limits?: { memoryBytes?: number; timeoutMs?: number; storageBytes?: number };
  tty?: boolean;
  /** argv[0] (default: the module's name). Multi-call binaries pick their tool by it. */
  argv0?: string;
  /** Prints one line per WASI call to the guest's stderr (collected into `stderr`). */
  trace?: boolean;
}

let shared: Engine | undefined;

export function testEngine(): Engine {
  shared ??= createEngine({ warmWorkers: 2 });
  return shared;
}

export function runGuest(program: string, options: GuestOptions = {}): Promise<GuestResult> {
  return runModule(fixtureBytes(program), program, options);
}

export async function runModule(wasm: Uint8Array, name: string, options: GuestOptions = {}): Promise<GuestResult> {
  const proc = await testEngine().run({ wasm, name, ...options });
  const [status, stdout, stderr] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
  return { ...status, stdout, stderr };
}

export { readText } from './streams.ts';
