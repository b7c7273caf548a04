/**
 * cli run-command: `wasmbox run [options] FILE.wasm|IMAGE [ARGS...]`: a bare module, or an image from the store.
 *
 * Streams the container's stdout/stderr to ours as they are written, feeds our stdin with `-i`, and exits with
 * the container's code (mapping in `exit-code.ts`). Ctrl-C stops the container (its next syscall exits with 130;
 * a program that makes none is killed after 3 s), a second Ctrl-C kills it at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { createEngine } from '../platform/entry.node.ts';
import { WasmboxError } from '../../shared/errors.ts';
import type { RunMount } from '../engine/run-options.ts';
import { EXIT_INTERRUPTED } from './exit-code.ts';

export interface RunCommandOptions {
  env: string[];
  volume: RunMount[];
  workdir?: string;
  memory?: number;
  timeout?: number;
  interactive: boolean;
  tty: boolean;
  trace: boolean;
  /** Replaces an image's Entrypoint (and drops its Cmd), as `docker run --entrypoint`. */
  entrypoint?: string;
}

/**
 * Runs the container; resolves with the exit code. Throws WasmboxError for anything that prevented the run.
 * `target` is a module file when it exists on disk or ends in `.wasm`, otherwise an image reference (as `docker run`
 * takes an image: arguments after it replace the image's Cmd).
 */
export async function runCommand(target: string, args: string[], options: RunCommandOptions): Promise<number> {
  const isModuleFile = existsSync(target) || target.endsWith('.wasm');
  const source = isModuleFile
    ? { wasm: readModule(target), name: target, argv0: basename(target), args }
    : { image: target, args: args.length > 0 ? args : undefined, entrypoint: options.entrypoint };
  const engine = createEngine({ warmWorkers: 0 });
  try {
    const proc = await engine.run({
      ...source,
      env: options.env,
      mounts: options.volume,
      workdir: options.workdir,
      stdin: options.interactive ? 'pipe' : 'closed',
      tty: options.tty,
      limits: { memoryBytes: options.memory, timeoutMs: options.timeout },
      trace: options.trace,
    });
    let interrupted = false;
    const onInterrupt = (): void => {
      if (interrupted) proc.kill();
      else proc.stop({ code: EXIT_INTERRUPTED, graceMs: 3000 });
      interrupted = true;
    };
    process.on('SIGINT', onInterrupt);
    if (proc.stdin) void feedStdin(proc.stdin);
    const [status] = await Promise.all([
      proc.exited,
      copyTo(proc.stdout, process.stdout),
      copyTo(proc.stderr, process.stderr),
    ]);
    process.off('SIGINT', onInterrupt);
    // The container is gone: stop reading our stdin, or the process would wait for the user's next line to exit.
    if (proc.stdin) process.stdin.destroy();
    if (interrupted) return EXIT_INTERRUPTED;
    if (status.reason !== 'exit') process.stderr.write(`wasmbox: ${describe(status.reason)}: ${status.message}\n`);
    return status.code;
  } finally {
    await engine.close();
  }
}

function readModule(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WasmboxError('NotFound', `${file}: no such file`);
    if (code === 'EISDIR') throw new WasmboxError('NotRunnable', `${file} is a directory, not a WebAssembly module`);
    if (code === 'EACCES') throw new WasmboxError('NotRunnable', `${file}: permission denied`);
    throw new WasmboxError('Internal', `cannot read ${file}: ${(error as Error).message}`);
  }
}

function describe(reason: string): string {
  return reason === 'oom' ? 'out of memory' : reason;
}

/**
 * Copies the container's output to ours with backpressure. If our side goes away (EPIPE: `wasmbox run x | head -1`),
 * the container's stream is cancelled, so its later writes are discarded (WASI has no SIGPIPE) and it runs to its end.
 */
async function copyTo(stream: ReadableStream<Uint8Array>, out: Writable): Promise<void> {
  const reader = stream.getReader();
  let broken = false;
  const onError = (): void => {
    broken = true;
    void reader.cancel();
  };
  out.on('error', onError);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || broken) break;
      if (!out.write(value)) {
        await new Promise<void>((resolve) => {
          out.once('drain', resolve);
          out.once('error', resolve);
        });
      }
    }
  } catch {
    // the stream was cancelled because our output broke
  } finally {
    out.off('error', onError);
    if (broken) out.on('error', () => undefined); // later writes on a broken pipe: nothing to report
  }
}

async function feedStdin(stdin: WritableStream<Uint8Array>): Promise<void> {
  const writer = stdin.getWriter();
  try {
    for await (const chunk of process.stdin) await writer.write(chunk as Uint8Array);
    await writer.close();
  } catch {
    // The container ended first; the rest of our input has nowhere to go.
  } finally {
    process.stdin.destroy();
  }
}
