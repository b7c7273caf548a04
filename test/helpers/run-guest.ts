/**
 * Test helper: runs a guest program (a fixture built from test/programs) through the real engine — worker, VFS,
 * WASI host — and collects its output. One engine per test file process, reused so tests share warm workers.
 */
import { createEngine, type Engine, type MountSpec, type RunOptions } from '../../runtime/platform/entry.node.ts';
import { fixtureBytes } from './fixtures.ts';

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
}

let shared: Engine | undefined;

export function testEngine(): Engine {
  shared ??= createEngine({ warmWorkers: 2 });
  return shared;
}

export async function runGuest(program: string, options: GuestOptions = {}): Promise<GuestResult> {
  const run: RunOptions = {
    wasm: fixtureBytes(program),
    name: program,
    args: options.args,
    env: options.env,
    stdin: options.stdin,
    workdir: options.workdir,
    mounts: options.mounts,
    limits: options.limits,
    tty: options.tty,
  };
  const proc = await testEngine().run(run);
  const [status, stdout, stderr] = await Promise.all([proc.exited, readText(proc.stdout), readText(proc.stderr)]);
  return { ...status, stdout, stderr };
}

export async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
