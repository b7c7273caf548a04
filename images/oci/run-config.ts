/**
 * oci run-config: what `docker run [--entrypoint E] [-e K=V] [-w DIR] IMAGE [ARGS...]` runs, from the image's config
 * and the user's overrides, following Docker's own code:
 *
 * - docker/cli `cli/command/container/opts.go` (parse): `--entrypoint X` sends Entrypoint `[X]`; `--entrypoint ""`
 *   sends `[""]`; ARGS after the image become Cmd.
 * - moby `daemon/commit.go` merge(userConf, imageConf): only when the user gave no Entrypoint (len 0) are the
 *   image's defaults used: its Cmd if the user gave no ARGS, its Entrypoint if the user's was absent (nil, not `[]`).
 *   So any `--entrypoint` also drops the image's Cmd. WorkingDir: the user's if set, else the image's.
 * - moby `daemon/create.go` mergeAndVerifyConfig: an Entrypoint of exactly `[""]` is then reset to none, and
 *   "no command specified" if both Entrypoint and Cmd are empty. argv = Entrypoint ++ Cmd.
 * - Env: the image's Env, then each `-e` in order by key (containerd oci.WithEnv / moby ReplaceOrAppendEnvValues):
 *   `K=V` replaces K where it stands or is appended; `K` without `=` unsets K (docker/cli resolves a bare `-e K`
 *   from the client's environment, and wasmbox passes no host environment through, so it stays bare: unset).
 *   Docker's merge lists the user's entries first in `docker inspect`; the set the process sees is the same.
 * - WorkingDir must be absolute (moby verifyContainerSettings: "the working directory '…' is invalid, it needs to be
 *   an absolute path") and is cleaned (moby setupWorkingDirectory: filepath.Clean); empty means "/".
 */
import { WasmboxError } from '../../shared/errors.ts';
import type { ContainerConfig } from './config.ts';

export interface RunOverrides {
  /**
   * `--entrypoint`: a string is the CLI flag (`''` clears the image's Entrypoint; either way the image's Cmd is
   * dropped); an array is the Engine API's `Entrypoint` (`[]` clears the Entrypoint but keeps the image's Cmd).
   * Undefined: the image's Entrypoint.
   */
  entrypoint?: string | readonly string[];
  /** ARGS after the image: replace the image's Cmd when non-empty. */
  cmd?: readonly string[];
  /** `-e` entries in order: `K=V` sets K, `K` unsets it. */
  env?: readonly string[];
  /** `-w`: an absolute path; replaces the image's WorkingDir. */
  workdir?: string;
}

export interface RunConfig {
  argv: string[];
  env: string[];
  workdir: string;
}

function invalid(message: string): never {
  throw new WasmboxError('InvalidArgument', message);
}

/** Merges `image` (the image config's `config` object; undefined when it has none) with `overrides`. */
export function mergeRunConfig(image: ContainerConfig | undefined, overrides: RunOverrides = {}): RunConfig {
  const userEntrypoint =
    typeof overrides.entrypoint === 'string'
      ? [overrides.entrypoint] // docker/cli: `--entrypoint ""` sends [""], not []
      : overrides.entrypoint;
  let cmd: readonly string[] = overrides.cmd ?? [];
  let entrypoint: readonly string[] = userEntrypoint ?? [];
  if (entrypoint.length === 0) {
    if (cmd.length === 0) cmd = image?.Cmd ?? [];
    if (userEntrypoint === undefined) entrypoint = image?.Entrypoint ?? [];
  }
  if (entrypoint.length === 1 && entrypoint[0] === '') entrypoint = [];
  if (entrypoint.length === 0 && cmd.length === 0) {
    invalid('no command specified: the image has no Entrypoint or Cmd, and none was given');
  }
  const argv = [...entrypoint, ...cmd];
  for (const arg of argv) if (typeof arg !== 'string' || arg.includes('\0')) invalid('command arguments must be strings without NUL characters');

  return { argv, env: mergeEnv(image?.Env ?? [], overrides.env ?? []), workdir: workingDir(image?.WorkingDir, overrides.workdir) };
}

/** Image Env then overrides, by key, order of first appearance kept (ReplaceOrAppendEnvValues). */
export function mergeEnv(imageEnv: readonly string[], overrides: readonly string[]): string[] {
  const entries = new Map<string, string | null>(); // key -> "K=V", or null once unset
  for (const entry of imageEnv) {
    if (entry.includes('\0')) invalid('environment entries must not contain NUL characters');
    entries.set(envKey(entry), entry);
  }
  for (const entry of overrides) {
    if (typeof entry !== 'string' || entry.includes('\0')) invalid('environment entries must be strings without NUL characters');
    // docker/cli opts.ValidateEnv: "invalid environment variable: =…"
    if (entry.startsWith('=')) invalid(`invalid environment variable: ${entry}`);
    const key = envKey(entry);
    if (entry.includes('=')) entries.set(key, entry);
    else if (entries.has(key)) entries.set(key, null);
  }
  return [...entries.values()].filter((e): e is string => e !== null);
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq === -1 ? entry : entry.slice(0, eq);
}

function workingDir(image: string | undefined, user: string | undefined): string {
  const dir = user !== undefined && user !== '' ? user : image ?? '';
  if (dir === '') return '/';
  if (dir.includes('\0')) invalid('the working directory must not contain NUL characters');
  if (!dir.startsWith('/')) invalid(`the working directory '${dir}' is invalid, it needs to be an absolute path`);
  return cleanPath(dir);
}

/** POSIX path.Clean for absolute paths: no `.`, no `..` (never above `/`), no repeated or trailing `/`. */
export function cleanPath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
