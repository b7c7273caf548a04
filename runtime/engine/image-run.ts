/**
 * engine image-run: what `engine.run({ image })` runs: the image resolved, its config merged with the caller's
 * overrides by Docker's rules (images/oci/run-config.ts: args replace Cmd, any entrypoint override drops Cmd, env
 * by key, workdir), the module's bytes read from the image's own filesystem, and the layers as lower trees.
 *
 * argv[0] is looked up in the image rootfs as runc/crun do: a name with a `/` is a path (relative ones from the
 * working directory); a bare name is searched in the merged env's PATH, then in `/` (images built `FROM scratch`
 * rarely set PATH). The lookup goes through the VFS's own resolver over the lower layers (whiteouts, opaque dirs,
 * symlinks inside the container root), never through the host. A missing file is WasmboxError NotFound, a directory
 * or a non-wasm file NotRunnable (from the module cache), each naming the path in the image.
 *
 * The module's bytes are copied once out of the layer's shared buffer or file on disk (Web Crypto and WebAssembly.compile refuse
 * SharedArrayBuffer views) and kept per (manifest digest, path), so a warm run neither copies nor hashes them again:
 * the module cache remembers the digest per array and the compiled module per digest.
 */
import type { LayerFileReader, LowerEntry } from '../vfs/api.ts';
import { createContainerFs, type ContainerFs } from '../vfs/container-fs.ts';
import { FsError } from '../vfs/errors.ts';
import { readAll } from '../vfs/read-all.ts';
import { cleanPath, mergeRunConfig } from '../../images/oci/run-config.ts';
import { WasmboxError } from '../../shared/errors.ts';
import type { ImageHandle, ImageService } from './image-service.ts';

export interface ImageRunRequest {
  image: string;
  /** Replaces the image's Entrypoint (and drops its Cmd), as `docker run --entrypoint` (string) or the API (array). */
  entrypoint?: string | readonly string[];
  /** Replace the image's Cmd when non-empty. */
  args?: readonly string[];
  /** Merged over the image's Env by key; a string entry `K` without `=` unsets K. */
  env?: Record<string, string> | readonly string[];
  /** Replaces the image's WorkingDir. */
  workdir?: string;
}

export interface PreparedImageRun {
  handle: ImageHandle;
  /** The module's bytes (a private copy, stable per image and path). */
  wasm: Uint8Array;
  /** The path in the image the module was read from (used in error messages). */
  path: string;
  argv: string[];
  env: string[];
  workdir: string;
  lowers: LowerEntry[];
}

const MAX_CACHED_MODULES = 32;

export class ImageRunner {
  /** `${manifest digest}\0${path}` -> module bytes; least recently used first. */
  private readonly modules = new Map<string, Uint8Array>();

  constructor(private readonly images: ImageService) {}

  async prepare(request: ImageRunRequest): Promise<PreparedImageRun> {
    const handle = await this.images.resolve(request.image);
    const env = request.env === undefined ? [] : Array.isArray(request.env) ? [...request.env] : Object.entries(request.env).map(([k, v]) => `${k}=${v}`);
    const merged = mergeRunConfig(handle.image.config.config, {
      entrypoint: request.entrypoint,
      cmd: request.args,
      env,
      workdir: request.workdir,
    });
    const lowers = await this.images.lowerLayers(handle);
    const path = locateExecutable(lowers, merged.argv[0], merged.env, merged.workdir, request.image);
    const wasm = this.moduleBytes(handle, lowers, path, request.image);
    return { handle, wasm, path, argv: merged.argv, env: merged.env, workdir: merged.workdir, lowers };
  }

  private moduleBytes(handle: ImageHandle, lowers: LowerEntry[], path: string, image: string): Uint8Array {
    const key = `${handle.image.manifestDescriptor.digest}\0${path}`;
    const cached = this.modules.get(key);
    if (cached) {
      this.modules.delete(key); // refresh its place
      this.modules.set(key, cached);
      return cached;
    }
    const bytes = readImageFile(rootfsView(lowers, this.images.snapshots.files), path, image);
    this.modules.set(key, bytes);
    if (this.modules.size > MAX_CACHED_MODULES) this.modules.delete(this.modules.keys().next().value!);
    return bytes;
  }
}

/**
 * The path in the image of the program `argv0` names: a path (relative ones from `workdir`), or a bare name looked up
 * in PATH of `env`, then in `/`. NotFound naming `image` when missing.
 */
export function locateExecutable(lowers: LowerEntry[], argv0: string, env: readonly string[], workdir: string, image: string): string {
  if (argv0 === '') throw new WasmboxError('NotFound', `image "${image}": the command is an empty string`);
  if (argv0.includes('/')) return argv0.startsWith('/') ? cleanPath(argv0) : cleanPath(`${workdir}/${argv0}`);
  const fs = rootfsView(lowers);
  const pathVar = [...env].reverse().find((entry) => entry.startsWith('PATH='))?.slice(5);
  const dirs = [...(pathVar ?? '').split(':').filter((d) => d.startsWith('/')), '/'];
  for (const dir of dirs) {
    const candidate = cleanPath(`${dir}/${argv0}`);
    try {
      if (fs.stat(fs.root(), candidate, true).type === 'file') return candidate;
    } catch (error) {
      if (!(error instanceof FsError)) throw error;
    }
  }
  throw new WasmboxError('NotFound', `image "${image}": executable "${argv0}" not found in $PATH (${dirs.join(':')}) of the image`, {
    data: { path: argv0 },
  });
}

/** A read-only look at an image's merged layers through the VFS resolver (an upper layer nobody writes). */
function rootfsView(lowers: LowerEntry[], layerFiles?: LayerFileReader): ContainerFs {
  return createContainerFs({ lowers, mounts: [], workdir: '', quotaBytes: 1 }, { layerFiles });
}

/** The bytes of the file at `path` in the merged layers (a private copy). */
export function readLowerFile(lowers: LowerEntry[], path: string, image: string): Uint8Array {
  return readImageFile(rootfsView(lowers), path, image);
}

function readImageFile(fs: ContainerFs, path: string, image: string): Uint8Array {
  let handle;
  try {
    handle = fs.open(fs.root(), path, { follow: true, create: false, exclusive: false, truncate: false, directory: false, write: false });
  } catch (error) {
    if (!(error instanceof FsError)) throw error;
    const kind = error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 'NotFound' : 'NotRunnable';
    const why = kind === 'NotFound' ? 'not found' : `cannot be opened (${error.code})`;
    throw new WasmboxError(kind, `image "${image}": entrypoint "${path}" ${why} in the image's filesystem`, { data: { path } });
  }
  if (handle.kind === 'dir') {
    handle.close();
    throw new WasmboxError('NotRunnable', `image "${image}": entrypoint "${path}" is a directory, not a WebAssembly module`, { data: { path } });
  }
  try {
    return readAll(handle);
  } finally {
    handle.close();
  }
}
