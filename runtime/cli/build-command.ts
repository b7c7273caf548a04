/**
 * cli build-command: `wasmbox build [-t NAME:TAG]... [-f Dockerfile] [--build-arg K=V]... [--no-cache] CONTEXT` builds
 * into the store at `$WASMBOX_HOME/store` (images/build/builder.ts: one transaction, so a failed build changes nothing).
 * Layers of unchanged steps come from the build cache kept in that store (` ---> Using cache`, no RUN container);
 * `--no-cache` builds every step again.
 * RUN steps run in containers of this engine; their output is shown. SOURCE_DATE_EPOCH (seconds) sets the image
 * times and the mtime ceiling, default 0, so a context builds to the same digest every time.
 * Progress on stderr (`Step 1/3 : FROM scratch`), the image ID on stdout as `docker build -q` prints it last.
 * Exit code: 0 built; 1 the build failed (a Dockerfile error or a RUN that failed, as docker build); 125 bad options.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { directoryContext } from '../../images/build/context.node.ts';
import { createEngine } from '../platform/entry.node.ts';
import { EXIT_WASMBOX_ERROR } from './exit-code.ts';

export interface BuildCommandOptions {
  tag?: string[];
  /** The Dockerfile's path (relative to the current directory, as docker -f); default CONTEXT/Dockerfile. */
  file?: string;
  /** `K=V` (or `K` to take the value from the environment, as docker). */
  buildArgs: string[];
  /** docker build --no-cache: reuse no cached layer (the new results are still cached). */
  noCache?: boolean;
}

export interface BuildCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string | Uint8Array): unknown };
}

export async function buildCommand(contextDir: string, options: BuildCommandOptions, io: BuildCommandIo = process): Promise<number> {
  const fail = (message: string, code: number): number => {
    io.stderr.write(`ERROR: ${message}\n`);
    return code;
  };
  const contextPath = resolve(contextDir);
  try {
    if (!statSync(contextPath).isDirectory()) return fail(`build context ${contextDir} is not a directory`, EXIT_WASMBOX_ERROR);
  } catch {
    return fail(`build context ${contextDir} not found`, EXIT_WASMBOX_ERROR);
  }
  const buildArgs: Record<string, string> = {};
  for (const arg of options.buildArgs) {
    const eq = arg.indexOf('=');
    if (eq === 0) return fail(`invalid --build-arg ${JSON.stringify(arg)}: expected KEY=VALUE`, EXIT_WASMBOX_ERROR);
    if (eq < 0) {
      const value = process.env[arg];
      if (value !== undefined) buildArgs[arg] = value;
    } else buildArgs[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  const epochText = process.env.SOURCE_DATE_EPOCH;
  const sourceDateEpoch = epochText === undefined || epochText === '' ? 0 : Number(epochText);
  if (!Number.isSafeInteger(sourceDateEpoch) || sourceDateEpoch < 0) return fail(`SOURCE_DATE_EPOCH=${epochText} is not a whole number of seconds`, EXIT_WASMBOX_ERROR);

  let dockerfile: string;
  const dockerfilePath = options.file === undefined ? join(contextPath, 'Dockerfile') : resolve(options.file);
  try {
    dockerfile = readFileSync(dockerfilePath, 'utf8');
  } catch {
    const shown = isAbsolute(options.file ?? '') ? dockerfilePath : relative(process.cwd(), dockerfilePath) || dockerfilePath;
    return fail(`failed to read Dockerfile ${shown}`, EXIT_WASMBOX_ERROR);
  }

  const engine = createEngine({ warmWorkers: 0 });
  try {
    // engine.build also unpacks the image's layers, so the first `wasmbox run` of it reads no blob
    const result = await engine.build({
      output: (chunk) => io.stderr.write(chunk),
      context: directoryContext(contextPath),
      dockerfile,
      tags: options.tag ?? [],
      buildArgs,
      sourceDateEpoch,
      noCache: options.noCache ?? false,
      log: (line) => io.stderr.write(`${line}\n`),
    });
    io.stdout.write(`${result.id}\n`);
    return 0;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error), 1);
  } finally {
    await engine.close();
  }
}
