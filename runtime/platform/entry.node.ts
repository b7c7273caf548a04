/**
 * The Node composition root: the package's `wasmbox` export for Node. The only place that picks implementations.
 */
import { Engine } from '../engine/engine.ts';
import { nodePlatform, type NodePlatformOptions } from './platform.node.ts';

export { Engine } from '../engine/engine.ts';
export type { EngineOptions, RunOptions, ContainerProcess, ExitStatus, ExitReason } from '../engine/engine.ts';
export type { RunLimits } from '../engine/run-options.ts';
export type { MountSpec, MountSource } from '../vfs/api.ts';
export { WasmboxError, isWasmboxError, type ErrorKind } from '../../shared/errors.ts';

export interface CreateEngineOptions extends NodePlatformOptions {
  warmWorkers?: number;
}

export function createEngine(options: CreateEngineOptions = {}): Engine {
  return new Engine({ platform: nodePlatform(options), warmWorkers: options.warmWorkers });
}
