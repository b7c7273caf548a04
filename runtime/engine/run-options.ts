/**
 * engine run-options: what a caller may ask of `engine.run`, validated into what the process layer needs.
 *
 * Deny by default (wasmtime's WasiCtxBuilder): no host environment, no host directories, closed stdin, unless asked.
 * Every invalid option is a WasmboxError of kind InvalidArgument whose message names the option.
 */
import type { MountSpec, MountSource, ContainerFsSpec } from '../vfs/api.ts';
import { WasmboxError } from '../../shared/errors.ts';

export interface RunLimits {
  /** Cap on the guest's linear memory in bytes (rounded down to 64 KiB pages). */
  memoryBytes?: number;
  /** Wall-clock limit; the process is stopped with reason `timeout` (code 137). */
  timeoutMs?: number;
  /** Bytes of file data the container's writable layer and tmpfs mounts may hold (default 1 GiB). */
  storageBytes?: number;
}

/** A mount as callers give it: a VFS source, or a named volume (engine.volumes; attached by the engine). */
export type RunMountSource = MountSource | { kind: 'volume'; name: string };

export interface RunMount {
  /** Absolute guest path. */
  target: string;
  source: RunMountSource;
  readonly?: boolean;
}

export interface RunOptions {
  /** The module's bytes. Exactly one of `wasm` and `image` is given. */
  wasm?: Uint8Array;
  /**
   * An image in the engine's store (`hello`, `hello:1.0`, `ghcr.io/o/app@sha256:…`): its layers become the
   * container's read-only lower layers and its config gives the command, env and workdir, merged with `entrypoint`,
   * `args`, `env` and `workdir` by Docker's rules (args replace Cmd). argv[0] is read from the image's filesystem.
   */
  image?: string;
  /** With `image`: replaces its Entrypoint and drops its Cmd (a string as `docker run --entrypoint`, or an array). */
  entrypoint?: string | string[];
  /** Shown in errors and used as argv[0] unless `argv0` is given (e.g. the file name). */
  name?: string;
  argv0?: string;
  /** Arguments after argv[0]; with `image`, they replace the image's Cmd when non-empty. */
  args?: string[];
  /**
   * Environment: a record or "KEY=value" strings. Nothing of the host's is passed through. With `image`, merged over
   * the image's Env by key, and a string `KEY` without `=` unsets KEY.
   */
  env?: Record<string, string> | string[];
  mounts?: RunMount[];
  /** Absolute guest path, created if missing (default `/`, or the image's WorkingDir). Exported as PWD unless `env` sets it. */
  workdir?: string;
  /** `pipe`: a WritableStream on the process; bytes or a string: given up front; default: closed. */
  stdin?: 'pipe' | 'closed' | Uint8Array | string;
  tty?: boolean;
  limits?: RunLimits;
  /** Writes one line per WASI call to stderr (strace-like). */
  trace?: boolean;
}

export interface ResolvedRun {
  wasm: Uint8Array;
  name: string;
  args: string[];
  env: string[];
  fs: ContainerFsSpec;
  stdin: 'pipe' | 'closed';
  stdinData: Uint8Array | null;
  tty: boolean;
  memoryLimitBytes: number | null;
  timeoutMs: number | null;
  trace: boolean;
}

const DEFAULT_STORAGE_BYTES = 1 << 30;

export function resolveRunOptions(options: RunOptions, platform: { hostDirs: boolean }): ResolvedRun {
  if (!(options.wasm instanceof Uint8Array)) invalid('wasm must be a Uint8Array of module bytes (or give image)');
  if (options.image !== undefined || options.entrypoint !== undefined) invalid('image and entrypoint are resolved by the engine, not here');
  const name = options.name ?? 'module.wasm';
  const args = options.args ?? [];
  for (const arg of args) if (typeof arg !== 'string') invalid('args must be strings');
  const workdir = options.workdir ?? '/';
  if (!workdir.startsWith('/')) invalid(`workdir must be an absolute path, got "${workdir}"`);
  const env = resolveEnv(options.env ?? {});
  if (!env.some((entry) => entry.startsWith('PWD='))) env.push(`PWD=${workdir}`);
  const mounts = (options.mounts ?? []).map((mount) => checkMount(mount, platform));
  const limits = options.limits ?? {};
  const stdinData = stdinBytes(options.stdin);
  return {
    wasm: options.wasm,
    name,
    args: [options.argv0 ?? name, ...args],
    env,
    fs: {
      lowers: [],
      mounts,
      workdir,
      quotaBytes: positive(limits.storageBytes, 'limits.storageBytes') ?? DEFAULT_STORAGE_BYTES,
    },
    stdin: options.stdin === 'pipe' || stdinData ? 'pipe' : 'closed',
    stdinData,
    tty: options.tty ?? false,
    memoryLimitBytes: positive(limits.memoryBytes, 'limits.memoryBytes'),
    timeoutMs: positive(limits.timeoutMs, 'limits.timeoutMs'),
    trace: options.trace ?? false,
  };
}

/** Input given up front, or null for `pipe`/`closed`/absent. */
function stdinBytes(stdin: RunOptions['stdin']): Uint8Array | null {
  if (stdin === undefined || stdin === 'pipe' || stdin === 'closed') return null;
  if (typeof stdin === 'string') return new TextEncoder().encode(stdin);
  if (stdin instanceof Uint8Array) return stdin;
  invalid('stdin must be "pipe", "closed", a string or a Uint8Array');
}

function resolveEnv(env: Record<string, string> | string[]): string[] {
  const entries = Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`);
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (typeof entry !== 'string' || eq <= 0) invalid(`environment entry "${entry}" is not KEY=value`);
    if (entry.includes('\0')) invalid(`environment entry "${entry.slice(0, eq)}" contains a NUL byte`);
  }
  return [...entries];
}

function checkMount(mount: RunMount, platform: { hostDirs: boolean }): MountSpec {
  if (typeof mount.target !== 'string' || !mount.target.startsWith('/')) {
    invalid(`mount target must be an absolute guest path, got "${mount.target}"`);
  }
  if (mount.source.kind === 'host') {
    if (!platform.hostDirs) {
      throw new WasmboxError('NotImplemented', `host directory mounts are not available on this platform (${mount.target})`);
    }
    if (!mount.source.hostPath) invalid(`mount at ${mount.target} needs a host path`);
  } else if (mount.source.kind === 'volume') {
    throw new WasmboxError('Internal', `volume ${mount.source.name} at ${mount.target} was not attached`); // the engine attaches first
  } else if (mount.source.kind !== 'tmpfs') {
    invalid(`unknown mount source for ${mount.target}`);
  }
  return { target: mount.target, source: mount.source, readonly: Boolean(mount.readonly) };
}

function positive(value: number | undefined, what: string): number | null {
  if (value === undefined) return null;
  if (!Number.isFinite(value) || value <= 0) invalid(`${what} must be a positive number, got ${value}`);
  return value;
}

function invalid(message: string): never {
  throw new WasmboxError('InvalidArgument', message);
}
