/**
 * The browser composition root: the package's `wasmbox` export for browsers.
 */
import { Engine, type StoreSource } from '../engine/engine.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import { browserPlatform } from './platform.browser.ts';

export { Engine } from '../engine/engine.ts';
export type { EngineOptions, RunOptions, ContainerProcess, ExitStatus, ExitReason } from '../engine/engine.ts';
export { ImageService, storeName, type ImageHandle, type ImageSummary, type StoreSource } from '../engine/engine.ts';
export type { RunLimits } from '../engine/run-options.ts';
export type { MountSpec, MountSource } from '../vfs/api.ts';
export { WasmboxError, isWasmboxError, type ErrorKind } from '../../shared/errors.ts';

export interface CreateEngineOptions {
  warmWorkers?: number;
  /** The image store; default an in-memory store for now (IndexedDB comes with the browser store backend). */
  store?: StoreSource;
}

/** Needs a cross-origin-isolated page (SharedArrayBuffer) until issue 4 adds the non-isolated fallback. */
export function createEngine(options: CreateEngineOptions = {}): Engine {
  return new Engine({ platform: browserPlatform(), warmWorkers: options.warmWorkers, store: options.store ?? (async () => createMemoryStore()) });
}
