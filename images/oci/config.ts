/**
 * oci config: the image configuration (OCI image-spec config.md; Docker's `application/vnd.docker.container.image.v1+json`
 * has the same shape plus fields wasmbox ignores): platform, the defaults a container starts with (Entrypoint, Cmd,
 * Env, WorkingDir, …), the layers' uncompressed digests (`rootfs.diff_ids`) and the build history.
 *
 * `parseImageConfig` keeps only the fields below, each type-checked; unknown fields (Docker's `container_config`,
 * `Healthcheck`, …) are dropped, never passed through untyped. Strings that reach a guest's argv or environ
 * (Entrypoint, Cmd, Env) may not contain NUL. Go writes nil slices and maps as `null`; that reads as absent.
 */
import { digestItem, type Platform } from './descriptor.ts';
import type { Digest } from './digest.ts';
import { ImageFormatError, show } from './image-format-error.ts';
import {
  argItem,
  decodeJsonObject,
  object,
  optionalArray,
  optionalBoolean,
  optionalObject,
  optionalSet,
  optionalString,
  optionalStringMap,
  string,
  stringItem,
  type JsonObject,
} from './json-fields.ts';

export const MAX_CONFIG_BYTES = 8 << 20;
export const CONFIG_LIMITS = { argv: 4096, env: 4096, labels: 4096, ports: 1024, volumes: 1024, history: 10_000, diffIds: 1000, features: 64 } as const;

/** The `config` object: what a container of this image runs by default (Docker's container.Config subset). */
export interface ContainerConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  /** Docker only: the shell for shell-form instructions (SHELL in a Dockerfile). */
  Shell?: string[];
  /** Docker only: ONBUILD triggers. */
  OnBuild?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: Digest[] };
  history?: HistoryEntry[];
}

export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  const path = 'config';
  const o = decodeJsonObject(bytes, path, MAX_CONFIG_BYTES);
  const config: ImageConfig = {
    architecture: string(o, 'architecture', path),
    os: string(o, 'os', path),
    rootfs: readRootfs(o, path),
  };
  setString(config, 'created', o, path);
  setString(config, 'author', o, path);
  setString(config, 'os.version', o, path);
  setString(config, 'variant', o, path);
  const features = optionalArray(o, 'os.features', path, CONFIG_LIMITS.features, stringItem);
  if (features) config['os.features'] = features;
  const container = optionalObject(o, 'config', path);
  if (container) config.config = readContainerConfig(container, `${path}.config`);
  const history = optionalArray(o, 'history', path, CONFIG_LIMITS.history, readHistoryEntry);
  if (history) config.history = history;
  return config;
}

/** The image's platform as an index descriptor would state it. */
export function configPlatform(config: ImageConfig): Platform {
  const platform: Platform = { os: config.os, architecture: config.architecture };
  if (config.variant !== undefined) platform.variant = config.variant;
  return platform;
}

function readRootfs(o: JsonObject, path: string): ImageConfig['rootfs'] {
  const rootfs = object(o.rootfs, `${path}.rootfs`);
  const type = string(rootfs, 'type', `${path}.rootfs`);
  if (type !== 'layers') throw new ImageFormatError(`${path}.rootfs.type`, `expected "layers", got ${show(type)}`);
  // moby image.RootFS tags diff_ids `omitempty`: an image without layers has none.
  const diffIds = optionalArray(rootfs, 'diff_ids', `${path}.rootfs`, CONFIG_LIMITS.diffIds, digestItem) ?? [];
  return { type: 'layers', diff_ids: diffIds };
}

function readContainerConfig(o: JsonObject, path: string): ContainerConfig {
  const c: ContainerConfig = {};
  const user = optionalString(o, 'User', path);
  if (user !== undefined) c.User = user;
  const ports = optionalSet(o, 'ExposedPorts', path, CONFIG_LIMITS.ports);
  if (ports) c.ExposedPorts = ports;
  const env = optionalArray(o, 'Env', path, CONFIG_LIMITS.env, argItem);
  if (env) c.Env = env;
  const entrypoint = optionalArray(o, 'Entrypoint', path, CONFIG_LIMITS.argv, argItem);
  if (entrypoint) c.Entrypoint = entrypoint;
  const cmd = optionalArray(o, 'Cmd', path, CONFIG_LIMITS.argv, argItem);
  if (cmd) c.Cmd = cmd;
  const volumes = optionalSet(o, 'Volumes', path, CONFIG_LIMITS.volumes);
  if (volumes) c.Volumes = volumes;
  const workdir = optionalString(o, 'WorkingDir', path);
  if (workdir !== undefined) {
    if (workdir.includes('\0')) throw new ImageFormatError(`${path}.WorkingDir`, 'contains a NUL character');
    c.WorkingDir = workdir;
  }
  const labels = optionalStringMap(o, 'Labels', path, CONFIG_LIMITS.labels);
  if (labels) c.Labels = labels;
  const stopSignal = optionalString(o, 'StopSignal', path);
  if (stopSignal !== undefined) c.StopSignal = stopSignal;
  const argsEscaped = optionalBoolean(o, 'ArgsEscaped', path);
  if (argsEscaped !== undefined) c.ArgsEscaped = argsEscaped;
  const shell = optionalArray(o, 'Shell', path, CONFIG_LIMITS.argv, argItem);
  if (shell) c.Shell = shell;
  const onBuild = optionalArray(o, 'OnBuild', path, CONFIG_LIMITS.argv, stringItem);
  if (onBuild) c.OnBuild = onBuild;
  return c;
}

function readHistoryEntry(value: unknown, path: string): HistoryEntry {
  const o = object(value, path);
  const entry: HistoryEntry = {};
  for (const key of ['created', 'created_by', 'author', 'comment'] as const) {
    const v = optionalString(o, key, path);
    if (v !== undefined) entry[key] = v;
  }
  const empty = optionalBoolean(o, 'empty_layer', path);
  if (empty !== undefined) entry.empty_layer = empty;
  return entry;
}

function setString(config: ImageConfig, key: 'created' | 'author' | 'os.version' | 'variant', o: JsonObject, path: string): void {
  const value = optionalString(o, key, path);
  if (value !== undefined) config[key] = value;
}
