/**
 * The Node composition root: the package's `wasmbox` export for Node. The only place that picks implementations.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Engine, type StoreSource } from '../engine/engine.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { nodePlatform, type NodePlatformOptions } from './platform.node.ts';
import { DiskLayerSnapshots } from '../engine/layer-snapshots.node.ts';
import { HostVolumes } from './host-volumes.node.ts';

export { Engine } from '../engine/engine.ts';
export type { EngineOptions, RunOptions, ContainerProcess, ExitStatus, ExitReason } from '../engine/engine.ts';
export { ImageService, storeName, type ImageHandle, type ImageSummary, type ImageInspect, type ImageHistoryItem, type StoreSource } from '../engine/engine.ts';
export type { RunLimits } from '../engine/run-options.ts';
export { memoryContext, type EngineBuildOptions, type BuildResult, type BuildContext, type MemoryContextFile } from '../engine/engine.ts';
export type { ContainerFs } from '../vfs/container-fs.ts';
export { readAll } from '../vfs/read-all.ts';
export type { OpenDir, OpenFile, OpenOptions, Stat, FileType, DirEntry } from '../vfs/api.ts';
export type { Container, ContainerService, ContainerSummary, ContainerState, ContainerRunOptions, LogChunk } from '../engine/engine.ts';
export type { MountSpec, MountSource } from '../vfs/api.ts';
export type { RunMount, RunMountSource } from '../engine/run-options.ts';
export type { VolumeService, VolumeSummary, VolumeFiles } from '../engine/volumes.ts';
export { WasmboxError, isWasmboxError, type ErrorKind } from '../../shared/errors.ts';

export interface CreateEngineOptions extends NodePlatformOptions {
  warmWorkers?: number;
  /** The image store; default the OCI layout at `$WASMBOX_HOME/store` (`~/.wasmbox/store`), opened on first use. */
  store?: StoreSource;
  /**
   * Where layers are unpacked: a directory (kept on disk, read on demand) or 'memory'. Default: `$WASMBOX_HOME/layers`
   * with the default store, memory with a store of your own.
   */
  layers?: string | 'memory';
}

/** The data directory: `$WASMBOX_HOME`, default `~/.wasmbox`. */
export function wasmboxHome(): string {
  return process.env.WASMBOX_HOME || join(homedir(), '.wasmbox');
}

export function createEngine(options: CreateEngineOptions = {}): Engine {
  const store = options.store ?? (() => openOciLayoutStore(defaultStoreDir()));
  const layers = options.layers ?? (options.store === undefined ? defaultLayersDir() : 'memory');
  const layerSnapshots = layers === 'memory' ? undefined : diskLayerSnapshots(layers);
  const volumes = new HostVolumes(join(wasmboxHome(), 'volumes'));
  return new Engine({ platform: nodePlatform(options), warmWorkers: options.warmWorkers, store, layerSnapshots, volumes });
}

export function defaultStoreDir(): string {
  return join(wasmboxHome(), 'store');
}

export function defaultLayersDir(): string {
  return join(wasmboxHome(), 'layers');
}

/**
 * Unpacked layers under `dir`; plain-tar layers are hard links to the default store's blob files (the OCI layout
 * path of a blob is fixed by the spec: `blobs/<algorithm>/<hex>`).
 */
export function diskLayerSnapshots(dir = defaultLayersDir()): DiskLayerSnapshots {
  const blobs = join(defaultStoreDir(), 'blobs');
  return new DiskLayerSnapshots(dir, { blobFile: (digest) => join(blobs, ...digest.split(':')) });
}
