/**
 * platform (Node): container workers are `worker_threads` running the bundled `dist/worker.js`.
 *
 * The worker is one prebuilt file (scripts/build.mjs), so a new worker loads plain JavaScript: no TypeScript loader
 * at run time. When this module itself runs from source (tests), it still uses the built worker.
 */
import { Worker } from 'node:worker_threads';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { WorkerApi } from '../process/protocol.ts';
import type { Platform, WorkerHandle } from './platform.ts';

const here = import.meta.url;
const WORKER_URL = here.endsWith('.ts') ? new URL('../../dist/worker.js', here) : new URL('./worker.js', here);

export interface NodePlatformOptions {
  /** Cap on each worker's JavaScript heap (the guest's linear memory is capped separately, in the module). */
  workerHeapMb?: number;
}

export function nodePlatform(options: NodePlatformOptions = {}): Platform {
  return {
    name: 'node',
    hostDirs: true,
    sharedMemory: true,
    spawnWorker: () => spawnNodeWorker(options.workerHeapMb ?? 512),
  };
}

function spawnNodeWorker(heapMb: number): WorkerHandle {
  const worker = new Worker(WORKER_URL, {
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
    stdout: false,
    stderr: false,
  });
  const listeners = new Set<(error: Error) => void>();
  let terminated = false;
  const crashed = (error: Error): void => {
    for (const listener of [...listeners]) listener(error);
  };
  worker.on('error', crashed);
  worker.on('exit', (code) => {
    if (!terminated) crashed(new Error(`worker exited unexpectedly with code ${code}`));
  });
  return {
    api: wrap<WorkerApi>(nodeEndpoint(worker)),
    async terminate() {
      terminated = true;
      await worker.terminate();
    },
    onCrash(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setActive(active) {
      if (active) worker.ref();
      else worker.unref();
    },
  };
}
