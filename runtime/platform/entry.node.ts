/**
 * The Node composition root: the package's `wasmbox` export for Node. The only place that picks implementations.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Engine, type StoreSource } from '../engine/engine.ts';
import { openOciLayoutStore } from '../../images/store/oci-layout-store.node.ts';
import { nodePlatform, type NodePlatformOptions } from './platform.node.ts';

export { Engine } from '../engine/engine.ts';
export type { EngineOptions, RunOptions, ContainerProcess, ExitStatus, ExitReason } from '../engine/engine.ts';
export { ImageService, storeName, type ImageHandle, type ImageSummary, type ImageInspect, type ImageHistoryItem, type StoreSource } from '../engine/engine.ts';
export type { RunLimits } from '../engine/run-options.ts';
export type { MountSpec, MountSource } from '../vfs/api.ts';
export { WasmboxError, isWasmboxError, type ErrorKind } from '../../shared/errors.ts';

export interface CreateEngineOptions extends NodePlatformOptions {
  warmWorkers?: number;
  /** The image store; default the OCI layout at `$WASMBOX_HOME/store` (`~/.wasmbox/store`), opened on first use. */
  store?: StoreSource;
}

/** The data directory: `$WASMBOX_HOME`, default `~/.wasmbox`. */
export function wasmboxHome(): string {
  return process.env.WASMBOX_HOME || join(homedir(), '.wasmbox');
}

export function createEngine(options: CreateEngineOptions = {}): Engine {
  const store = options.store ?? (() => openOciLayoutStore(join(wasmboxHome(), 'store')));
  return new Engine({ platform: nodePlatform(options), warmWorkers: options.warmWorkers, store });
}
