/**
 * The browser composition root: the package's `wasmbox` export for browsers.
 */
import { Engine, type StoreSource } from '../engine/engine.ts';
import { createMemoryStore } from '../../images/store/memory-store.ts';
import { idbAvailable, openIdbStore } from '../../images/store/idb-store.browser.ts';
import type { ImageStore } from '../../images/store/blob-store.ts';
import { browserPlatform, type BrowserPlatformOptions } from './platform.browser.ts';
import { IdbVolumes } from './idb-volumes.browser.ts';

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
export { IdbVolumes } from './idb-volumes.browser.ts';
export { WasmboxError, isWasmboxError, type ErrorKind } from '../../shared/errors.ts';
export { openIdbStore, deleteIdbStore, idbAvailable, type IdbStoreOptions } from '../../images/store/idb-store.browser.ts';
export { createMemoryStore } from '../../images/store/memory-store.ts';

export interface CreateEngineOptions extends BrowserPlatformOptions {
  warmWorkers?: number;
  /**
   * The image store: a store the caller owns, or a function opening one on first use (the engine closes it).
   * Default: the IndexedDB store in database `wasmbox` (persistent, shared by this origin's tabs), opened lazily;
   * an in-memory store when IndexedDB is unavailable or cannot be opened (e.g. some private modes).
   */
  store?: StoreSource;
  /** IndexedDB database of the named volumes (default `wasmbox-volumes`). */
  volumesDb?: string;
}

/** The default browser store: IndexedDB database `wasmbox`, falling back to memory. */
export async function openDefaultStore(): Promise<ImageStore> {
  if (idbAvailable()) {
    try {
      return await openIdbStore();
    } catch {
      // IndexedDB exists but refuses (private mode, blocked storage): images then live as long as the engine.
    }
  }
  return createMemoryStore();
}

/**
 * A page that is not cross-origin isolated gets an engine too: its containers take stdin up front
 * (`engine.interactiveStdin` is false). Volumes persist in IndexedDB when the browser has it.
 */
export function createEngine(options: CreateEngineOptions = {}): Engine {
  return new Engine({
    platform: browserPlatform(options),
    warmWorkers: options.warmWorkers,
    store: options.store ?? openDefaultStore,
    volumes: idbAvailable() ? new IdbVolumes(options.volumesDb) : undefined,
  });
}
